// Package email is e-mail as a conversation channel: an IMAP mailbox is read by a job every
// minute (inbound), replies go out over SMTP (the deliver job), and answers thread into their
// conversation by Message-ID, In-Reply-To and References. Guide: channels (EN/TR).
package email

import (
	"net/mail"
	"regexp"
	"slices"
	"strconv"

	"highvibe/app/channels/channel"
	"highvibe/app/settingdef"
)

// Channel is e-mail in the channel registry.
type Channel struct{}

// Settings keys (Info declares their defaults, checks and secrecy).
const (
	SetIMAPHost     = "email_imap_host"
	SetIMAPPort     = "email_imap_port"
	SetIMAPUser     = "email_imap_user"
	SetIMAPPassword = "email_imap_password"
	SetSMTPHost     = "email_smtp_host"
	SetSMTPPort     = "email_smtp_port"
	SetSMTPUser     = "email_smtp_user"
	SetSMTPPassword = "email_smtp_password"
	SetFrom         = "email_from"
	// Each server has its own connection security: tls (TLS from the first byte, IMAP 993 / SMTP
	// 465), starttls (upgraded after the greeting, IMAP 143 / SMTP 587) or none (local relays,
	// tests). Many providers (Microsoft 365, Outlook.com) take IMAP on 993 with TLS but SMTP only
	// on 587 with STARTTLS. Platform migration 00013 split the single email_security into both.
	SetIMAPSecurity = "email_imap_security"
	SetSMTPSecurity = "email_smtp_security"
)

// securities are the connection security choices, in form order.
var securities = []string{"tls", "starttls", "none"}

// Info describes the channel. A person can still log an e-mail conversation by hand; a reply on
// it is then sent to the lead's address.
func (Channel) Info() channel.Info {
	return channel.Info{Name: "email", Provider: "email", Icon: "✉", Outbound: channel.Deliver, ByHand: true,
		Statuses:  []string{"queued", "sent", "failed"},
		SendNeeds: []string{SetSMTPHost, SetFrom}, // Send: NotConfigured without them
		Recipient: recipient,                      // Send: NotConfigured without an address
		Settings: []settingdef.Def{
			{Key: SetIMAPHost, MaxLen: 253, Problem: checkHost, Label: "channels.settings.email_imap_host", Heading: "channels.settings.email_in"},
			{Key: SetIMAPSecurity, Kind: settingdef.Choice, Default: "tls", Options: securities, Problem: checkSecurity, Label: "channels.settings.email_imap_security",
				PortField: SetIMAPPort, UsualPorts: map[string]string{"tls": "993", "starttls": "143"}},
			{Key: SetIMAPPort, Kind: settingdef.Number, Default: "993", Check: settingdef.Port, Min: 1, Max: 65535, Problem: checkPort,
				Label: "channels.settings.email_imap_port"},
			{Key: SetIMAPUser, MaxLen: 254, Label: "channels.settings.email_imap_user"},
			{Key: SetIMAPPassword, Kind: settingdef.Secret, MaxLen: 1000, Label: "channels.settings.email_imap_password"},
			{Key: SetSMTPHost, MaxLen: 253, Problem: checkHost, Label: "channels.settings.email_smtp_host", Heading: "channels.settings.email_out"},
			{Key: SetSMTPSecurity, Kind: settingdef.Choice, Default: "tls", Options: securities, Problem: checkSecurity, Label: "channels.settings.email_smtp_security",
				PortField: SetSMTPPort, UsualPorts: map[string]string{"tls": "465", "starttls": "587"}},
			{Key: SetSMTPPort, Kind: settingdef.Number, Default: "465", Check: settingdef.Port, Min: 1, Max: 65535, Problem: checkPort,
				Label: "channels.settings.email_smtp_port"},
			{Key: SetSMTPUser, MaxLen: 254, Label: "channels.settings.email_smtp_user"},
			{Key: SetSMTPPassword, Kind: settingdef.Secret, MaxLen: 1000, Label: "channels.settings.email_smtp_password"},
			{Key: SetFrom, MaxLen: 320, Problem: checkFrom, Label: "channels.settings.email_from", Placeholder: "Acme <info@example.com>"},
		},
		Section: channel.Section{Help: "channels.settings.email_help", Guide: "email", Ready: []string{SetIMAPHost, SetSMTPHost},
			ReadyLabel: "channels.settings.email_connected", NotReadyLabel: "channels.settings.email_not_connected",
			LastRead: LastRead, ReadText: "channels.settings.email_read"},
		FetchJob: JobFetch}
}

var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$`)

func checkHost(v string) string {
	if len(v) > 253 || !hostRE.MatchString(v) {
		return "channels.settings.err.host"
	}
	return ""
}

func checkPort(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return "channels.settings.err.port"
	}
	return ""
}

func checkSecurity(v string) string {
	if !slices.Contains(securities, v) {
		return "channels.settings.err.security"
	}
	return ""
}

func checkFrom(v string) string {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address == "" {
		return "channels.settings.err.email"
	}
	return ""
}
