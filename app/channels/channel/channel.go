// Package channel is the one channel interface and its registry. Every room that needs to know
// about conversation channels — ingest, delivery, the inbox filters, the charts, the action-log
// filter, the integration API — asks a *Registry instead of keeping its own list. The registry
// itself is built once, in app/channels/registry.go, from one line per channel; each channel's
// folder implements Channel (and Sender when the server sends its replies).
//
// This package imports nothing of the application but the leaf app/settingdef, so that the inbox
// (which every channel calls) can hold a Registry without an import cycle.
package channel

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/idna"

	"highvibe/app/settingdef"
)

// JobDeliver is the job kind of one outbound message on a channel whose replies the server sends
// (Info.Outbound == Deliver). The inbox queues it; app/channels handles it by calling the
// channel's Sender.
const JobDeliver = "deliver_message"

// KindStart is the kind of an inbound message that only opens the chat — Telegram's Start
// button, which sends "/start" (or "/start <code>" from a link) — not words of the customer's
// own: the assistant answers it with the business's chat greeting instead of reading it as a
// question (app/ai).
const KindStart = "start"

// Outbound says what happens to a reply written on a channel.
type Outbound int

const (
	// Record: the conversation is a record kept by hand (a call, a manual note); replies are
	// stored, nobody sends them, they carry no delivery status.
	Record Outbound = iota
	// Local: the reply is delivered by being stored (the widget reads it): it is "sent" at once.
	Local
	// Deliver: a deliver_message job sends the reply through the channel's Sender; it is
	// "queued" until the provider accepts it.
	Deliver
)

// Section is how a channel's part of the channels settings page (/app/settings/channels) looks
// around its settings. The page draws one section per channel that has settings or a Section, in
// registry order, from these facts alone: a new channel edits no template.
type Section struct {
	Title string // catalog key of the heading ("" = the channel's name, Info.Label)
	Help  string // catalog key of the paragraph under the heading ("" = none)
	Guide string // a guide page linked after the help ("" = none)
	// Code, when set, returns text the owner copies elsewhere, shown in a code block: the address
	// the provider calls (a webhook URL) or the widget's embed snippet. origin is this server's
	// public address, slug and lang the tenant's.
	Code func(origin, slug, lang string) string
	Copy bool // a copy button follows the code block
	// Links open pages about the channel in a new tab; "{slug}" in Href is the tenant's slug.
	Links []Link
	// Ready lists the settings that must all have a value for the channel to count as connected;
	// the heading then carries a state badge (ReadyLabel / NotReadyLabel, catalog keys). Empty =
	// no badge.
	Ready                     []string
	ReadyLabel, NotReadyLabel string
	NotReadyAlarm             bool   // "not connected" is drawn as a failure (replies and webhooks are refused)
	NotReadyWarning           string // catalog key of a warning shown while not connected ("" = none)
	// LastRead, on a channel that polls (e-mail), is its last read from the tenant's database
	// (nil before the first try); the section says when it last worked and how many messages it
	// took, or when and why the last try failed, worded by the catalog keys under ReadText:
	// <ReadText>.ok (plural, the count and the time), .failed (the time), .why.<Failure>, .said
	// (the server's words), .last_ok (the time), .never_ok and .failing (the heading's badge).
	LastRead func(ctx context.Context, read *sql.DB) (*LastRead, error)
	ReadText string
}

// LastRead is the outcome of a polling channel's last read.
type LastRead struct {
	At      time.Time // the last try
	Failure string    // why it failed, a code ("" = it worked)
	Detail  string    // the server's own words on the failure, shortened
	OKAt    time.Time // the last read that worked (zero = none yet)
	OKCount int       // the messages that read took
}

// Link is one link of a channel's section: a catalog key and an address.
type Link struct{ Label, Href string }

// Info is what every room may know about a channel without importing it.
type Info struct {
	Name     string   // the code stored in conversations.channel and messages.channel
	Provider string   // the action-log provider of inbound traffic (deliveries are logged under Name)
	Icon     string   // a small text symbol shown next to the label
	Outbound Outbound // what happens to replies
	ByHand   bool     // a person can open a conversation on this channel by hand (logging a call...)
	// Window is how long after the customer's last message a free-text reply may still be sent
	// (WhatsApp's 24-hour customer-service window); 0 = no such rule.
	Window time.Duration
	// Blocked and Unblocked are the events (system lines) the channel puts in a conversation when
	// the customer blocks the business (Telegram: the bot) and unblocks it; while the later of
	// them is Blocked, a reply cannot reach the customer. "" = the channel has no such events.
	Blocked, Unblocked string
	// PhotoMax is the largest photo (bytes) a reply on the channel may carry, the provider's own
	// limit (WhatsApp's 5 MB, Telegram's 10 MB for a photo); 0 = the channel has none of its own,
	// and the composer holds a photo to the panel's limit for a person's photos (the media room's).
	PhotoMax int64
	// Statuses are the delivery statuses the channel reports for a reply, in order.
	Statuses []string
	// Settings are the channel's tenant settings, in form order: the platform accepts them (the
	// server passes Registry.Settings to platform.NewService) and the channels page draws them.
	Settings []settingdef.Def
	Section  Section // how the channels page shows the channel
	// Templates, on a channel with a reply window, lists the approved templates the tenant has set
	// (setting reads the tenant's settings; locale is its main language, used when a template has
	// no language code of its own), in TemplatePurposes order. Nil: the channel sends none.
	Templates func(setting func(string) string, locale string) []ConfiguredTemplate
	// FetchJob is the job kind that reads inbound messages of a channel that polls (e-mail); the
	// channels page queues it when the channel's settings are saved. "" = pushed by webhooks.
	FetchJob string
	// SendNeeds, on a channel whose replies the server sends (Deliver), are the settings that
	// must all have a value for a reply to go (the Sender answers NotConfigured without one): the
	// conversation page says so above the composer and refuses a reply instead of queueing one
	// that cannot go, and a quote is refused before it is stored. Empty: the channel needs none.
	SendNeeds []string
	// Recipient, on a channel that addresses a reply by more than the conversation itself
	// (e-mail: the customer's latest mail's sender, else the lead's address), is where a reply
	// built as r would go; "" = nowhere, and the Sender answers NotConfigured. The conversation page
	// and a quote's send refuse such a reply before it is stored (inbox.CannotReach). Nil: the
	// conversation's own key addresses every reply.
	Recipient func(r Reply) string
}

// CanSend reports whether the server can send a reply on the channel with the tenant's settings
// (setting reads them): always on a channel it does not send itself (Record, Local), else when
// every one of SendNeeds has a value.
func (i Info) CanSend(setting func(string) string) bool {
	return i.MissingSetting(setting) == ""
}

// MissingSetting is the first of SendNeeds without a value ("" when the server can send: every
// one is set, or the channel is not one it sends itself), for a page that links the owner to it.
func (i Info) MissingSetting(setting func(string) string) string {
	if i.Outbound != Deliver {
		return ""
	}
	for _, k := range i.SendNeeds {
		if setting(k) == "" {
			return k
		}
	}
	return ""
}

// Label is the catalog key of the channel's name ("inbox.channel.whatsapp").
func (i Info) Label() string { return "inbox.channel." + i.Name }

// WindowOpen reports whether a free-text reply may be sent at now, given the time (Unix ms) of
// the customer's last inbound message (0 = never wrote). Always true without a window rule.
func (i Info) WindowOpen(lastInboundAt int64, now time.Time) bool {
	if i.Window <= 0 {
		return true
	}
	return lastInboundAt > 0 && now.Sub(time.UnixMilli(lastInboundAt)) <= i.Window
}

// Channel is one conversation channel.
type Channel interface {
	Info() Info
}

// Message is one earlier message of the conversation, for channels that thread replies (e-mail).
type Message struct {
	Direction         string // inbound outbound system
	ProviderMessageID string
	Notes             map[string]string // what the channel stored with it at ingest (e-mail: subject, from)
}

// Reply is one outbound message to send, with what a channel may need to address and thread it.
type Reply struct {
	MessageID     int64  // the inbox message id
	Body          string // the text to send
	ExternalID    string // the conversation's thread key on the channel (wa_id, chat id, root Message-ID)
	LastInboundAt int64  // Unix ms of the customer's last message (0 = never wrote)
	ContactName   string // the lead's name, phone and e-mail as the inbox knows them
	ContactPhone  string
	ContactEmail  string
	TenantName    string
	Locale        string                  // the tenant's main language (tr, en, …)
	Thread        []Message               // the conversation's earlier messages, oldest first
	Setting       func(key string) string // the tenant's settings
	Client        *http.Client            // for HTTP providers (nil = the default client)
	Now           time.Time
	// Media, when set, is the file the reply carries (a photo or a PDF from the composer). Body
	// stays the message's text (its caption, or the file's placeholder such as "[document:
	// plan.pdf]"), which a channel that cannot send files sends alone.
	Media *Media
	// Template is set when the channel's reply window is closed and the message asked for an
	// approved template (inbox.Outgoing.Template): a TemplateSender sends it instead of Body.
	Template *Template
	// PartsSent is how many pieces of a reply the channel sends as several messages (Telegram's
	// over 4,096 characters) reached the customer on earlier tries: the channel sends the rest.
	PartsSent int
}

// Partial is the error of a Send that stopped part-way through a reply sent as several messages:
// Sent of its Of pieces reached the customer (those of earlier tries included), ProviderID names
// the first piece when it went on this try (else ""), and Err is why the next one did not go.
// The deliverer keeps Sent, so the next try (or the operator's Try again) sends only the rest.
type Partial struct {
	Sent, Of   int
	ProviderID string
	Err        error
}

// PartialText starts the stored reason of a reply of which only the first pieces were sent (the
// inbox words it as inbox.failure.partial).
const PartialText = "only part delivered:"

func (p *Partial) Error() string {
	return fmt.Sprintf("%s %d of %d messages reached the customer; the next one: %v", PartialText, p.Sent, p.Of, p.Err)
}

func (p *Partial) Unwrap() error { return p.Err }

// Template is what a message outside the reply window is for and its template's body
// parameters, in order.
type Template struct {
	Purpose string
	Params  []string
}

// The purposes an outbound message may name for its template. A channel with a reply window maps
// each to a template of its own in the tenant's settings.
const (
	PurposeVisitConfirmation = "visit_confirmation"
	PurposeVisitReminder     = "visit_reminder"
	PurposeFollowUp          = "follow_up"
)

// TemplatePurposes lists the purposes, in the order settings and the composer show them.
var TemplatePurposes = []string{PurposeVisitConfirmation, PurposeVisitReminder, PurposeFollowUp}

// ConfiguredTemplate is one purpose's approved template as the tenant set it.
type ConfiguredTemplate struct {
	Purpose, Name, Lang string
}

// KnownPurpose reports whether p is one of TemplatePurposes.
func KnownPurpose(p string) bool { return slices.Contains(TemplatePurposes, p) }

// Media is one file to send: its attachment kind (image, document, audio, video, sticker), its
// checked content type, the name to show and the bytes.
type Media struct {
	Kind        string
	ContentType string
	Filename    string
	Data        []byte
	Caption     string // the words sent with the file ("" when the message holds only the file)
}

// Sender is a channel whose replies the server sends (Info.Outbound == Deliver).
type Sender interface {
	Channel
	// Send delivers one reply and returns the provider's id for it (stored as the message's
	// provider_message_id, so status callbacks and threaded answers find it). A *chanutil.SendError tells
	// the deliverer whether trying again can help; a *NotConfigured that the tenant has not set the
	// channel up.
	Send(ctx context.Context, r Reply) (providerID string, err error)
}

// TemplateSender is a Sender that can send an approved template when the reply window is closed
// (WhatsApp). The deliverer calls SendTemplate with Reply.Template set; a channel without it
// marks such a message failed (outside the window).
type TemplateSender interface {
	Sender
	SendTemplate(ctx context.Context, r Reply) (providerID string, err error)
}

// NotConfigured is returned by Send when the tenant has not set the channel up (or the
// conversation lacks an address): the reply is marked failed at once, with Text as its delivery
// error, and not retried.
type NotConfigured struct{ Text string }

func (e *NotConfigured) Error() string { return e.Text }

// Registry is the list of channels, in the order screens show them. A nil *Registry knows no
// channel.
type Registry struct {
	list   []Channel
	byName map[string]Channel // every message an ingest stores looks its channel up: a map, not Info() of each
	// provider and outbound are each channel's Info().Provider and Info().Outbound, kept: Info()
	// builds the channel's settings list, and every stored message asks for its action-log
	// provider and (the follow-ups' message hook) whether its channel delivers replies.
	provider map[string]string
	outbound map[string]Outbound
}

// NewRegistry builds a registry; a repeated channel name or setting key panics (a programming
// error caught at start-up).
func NewRegistry(cs ...Channel) *Registry {
	seen, keys := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		n := c.Info().Name
		if n == "" || seen[n] {
			panic("channel: empty or repeated channel name " + n)
		}
		seen[n] = true
		for _, d := range c.Info().Settings {
			if d.Key == "" || keys[d.Key] {
				panic("channel: empty or repeated setting key " + d.Key + " on " + n)
			}
			keys[d.Key] = true
		}
	}
	r := &Registry{list: slices.Clone(cs), byName: make(map[string]Channel, len(cs)), provider: make(map[string]string, len(cs)),
		outbound: make(map[string]Outbound, len(cs))}
	for _, c := range cs {
		i := c.Info()
		r.byName[i.Name], r.provider[i.Name], r.outbound[i.Name] = c, i.Provider, i.Outbound
	}
	return r
}

// All returns the channels in order.
func (r *Registry) All() []Channel {
	if r == nil {
		return nil
	}
	return slices.Clone(r.list)
}

// Channel returns the named channel (nil when unknown).
func (r *Registry) Channel(name string) Channel {
	if r == nil {
		return nil
	}
	return r.byName[name]
}

// Info returns the named channel's facts and whether it exists.
func (r *Registry) Info(name string) (Info, bool) {
	if c := r.Channel(name); c != nil {
		return c.Info(), true
	}
	return Info{}, false
}

// Has reports whether name is a registered channel.
func (r *Registry) Has(name string) bool { return r.Channel(name) != nil }

// Names lists the channel codes in order.
func (r *Registry) Names() []string {
	var out []string
	for _, c := range r.All() {
		out = append(out, c.Info().Name)
	}
	return out
}

// ByHand lists the channels a person can open a conversation on by hand.
func (r *Registry) ByHand() []string {
	var out []string
	for _, c := range r.All() {
		if c.Info().ByHand {
			out = append(out, c.Info().Name)
		}
	}
	return out
}

// PhotoMax is the largest photo a reply on the named channel may carry (Info.PhotoMax); 0 when
// the channel has no limit of its own or is unknown.
func (r *Registry) PhotoMax(name string) int64 {
	i, _ := r.Info(name)
	return i.PhotoMax
}

// OutboundOf says what happens to a reply on the named channel (Record when unknown).
func (r *Registry) OutboundOf(name string) Outbound {
	if r == nil {
		return Record
	}
	return r.outbound[name]
}

// Provider is the action-log provider of the named channel's traffic ("" when unknown).
func (r *Registry) Provider(name string) string {
	if r == nil {
		return ""
	}
	return r.provider[name]
}

// Providers lists the distinct action-log providers of the channels' traffic, in order: the
// inbound provider, then the channel's own name for deliveries.
func (r *Registry) Providers() []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, c := range r.All() {
		i := c.Info()
		add(i.Provider)
		if i.Outbound == Deliver {
			add(i.Name)
		}
	}
	return out
}

// Icons maps each channel code to its symbol, for templates.
func (r *Registry) Icons() map[string]string {
	out := map[string]string{}
	for _, c := range r.All() {
		out[c.Info().Name] = c.Info().Icon
	}
	return out
}

// Settings lists every channel's settings, in registry and form order.
func (r *Registry) Settings() []settingdef.Def {
	var out []settingdef.Def
	for _, c := range r.All() {
		out = append(out, c.Info().Settings...)
	}
	return out
}

// Fixed is a channel that is only facts: a record kept by hand (call, manual) has no folder.
type Fixed Info

// Info returns the facts.
func (f Fixed) Info() Info { return Info(f) }

// LowerEmail is how an e-mail address is kept: invisible formatting characters dropped
// (VisibleEmail), spaces at both ends removed and only the letters A–Z lower-cased. Full Unicode
// lower-casing turns a Turkish dotted capital İ into "i" plus a combining dot, an address the
// customer never wrote (and one whose hash for the ad platforms differs from the same address
// typed elsewhere); the İ is kept as written.
func LowerEmail(s string) string {
	b := []byte(VisibleEmail(s))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// VisibleEmail is an e-mail address as typed without the invisible formatting characters
// (Unicode Cf: direction marks and isolates, zero-width spaces and joiners, a byte-order mark) a
// copy from a contact card, a right-to-left page or a chat app carries around or inside it, and
// without spaces at both ends. No mail server delivers to an address holding them, and the same
// customer's next message, written without them, would not find their record. An
// internationalised domain is written in its ASCII form (asciiDomain).
func VisibleEmail(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s))
	return asciiDomain(s)
}

// asciiDomain writes an internationalised domain the way mail servers read it (IDNA, "punycode":
// ali@şirket.com.tr → ali@xn--irket-idb.com.tr). A server without UTF-8 support refuses the
// address as typed, and the customer's own mail arrives from the ASCII form, so the address is
// kept in it. An address whose domain cannot be converted is left as it is (ValidEmail refuses it).
func asciiDomain(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 || isASCII(s[at+1:]) {
		return s
	}
	d, err := idna.Lookup.ToASCII(s[at+1:])
	if err != nil {
		return s
	}
	return s[:at+1] + d
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// EmailProblem is the catalog key of what is wrong with an address ValidEmail refused: letters
// outside ASCII before the @ (most mail servers refuse such an address, and no conversion exists
// for that part) have their own message; anything else gets the caller's own key.
func EmailProblem(addr, key string) string {
	if at := strings.LastIndexByte(addr, '@'); at > 0 && !isASCII(addr[:at]) {
		return "validation.email_local_ascii"
	}
	return key
}

// ValidEmail is the one rule every place that takes an e-mail address holds it to (the chat
// widget, the landing page's contact form, a new lead and the lead page, customer records, MSP
// contacts, the API import, the notification settings): addr, already without invisible
// characters (VisibleEmail or LowerEmail), is a bare address — no name, no angle brackets — of at
// most 254 characters whose domain has a dot ("a@b" reaches nobody outside one machine, "x@" is no
// address), all in ASCII: an internationalised domain arrives converted (VisibleEmail), and letters
// outside ASCII before the @ are refused (EmailProblem says so), since a mail server without UTF-8
// support refuses them. The callers pass "" as "no address" without asking.
func ValidEmail(addr string) bool {
	if addr == "" || len(addr) > 254 || addr != VisibleEmail(addr) {
		return false
	}
	if !isASCII(addr) { // a domain is converted (VisibleEmail); letters before the @ cannot be
		return false
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr {
		return false
	}
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, "[")
}

// Invisible reports an invisible formatting character that changes nothing a reader sees but the
// direction or breaking of the text around it (Unicode's Cf: direction marks, embeddings,
// overrides, isolates, zero-width spaces, word joiners, soft hyphens, a byte-order mark); the
// joiners that shape a word or an emoji (U+200C, U+200D) are not. Visible and web.PersonName drop
// these.
func Invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
}

// Visible is text as typed without the invisible characters a copy carries that change nothing a
// reader sees (direction marks, embeddings, overrides and isolates, zero-width spaces, word
// joiners, soft hyphens, a byte-order mark), and without spaces at both ends: "vip" pasted with a
// zero-width space is "vip". The joiners that shape a word or an emoji (U+200C, U+200D) stay; ""
// when nothing visible is left.
func Visible(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s))
	if strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }) == "" {
		return ""
	}
	return s
}
