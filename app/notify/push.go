package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// VAPID is the server's application-server key pair (RFC 8292): browsers bind a subscription to
// the public key, and every push carries a token signed with the private one. Both are
// URL-safe base64 without padding, as the Push API and the library expect.
type VAPID struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// vapidFile is where the key pair is kept in the data directory.
const vapidFile = "vapid.json"

// LoadVAPID reads the data directory's key pair, generating it the first time. Generated once and
// kept: a new pair would silently cut every phone's subscription, so the file is created
// exclusively (two processes starting together keep the first one's pair) and readable by the
// server's user only. It belongs with the data directory's backups.
func LoadVAPID(dataDir string) (VAPID, error) {
	path := filepath.Join(dataDir, vapidFile)
	for range 2 {
		b, err := os.ReadFile(path)
		if err == nil {
			var v VAPID
			if err := json.Unmarshal(b, &v); err != nil || v.Public == "" || v.Private == "" {
				return VAPID{}, fmt.Errorf("notify: %s is damaged; remove it to make a new key pair (phones must then subscribe again)", path)
			}
			return v, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return VAPID{}, fmt.Errorf("notify: read VAPID keys: %w", err)
		}
		priv, pub, err := webpush.GenerateVAPIDKeys()
		if err != nil {
			return VAPID{}, fmt.Errorf("notify: generate VAPID keys: %w", err)
		}
		b, _ = json.Marshal(VAPID{Public: pub, Private: priv})
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue // another process won: read its pair
		}
		if err != nil {
			return VAPID{}, fmt.Errorf("notify: write VAPID keys: %w", err)
		}
		_, werr := f.Write(b)
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			_ = os.Remove(path)
			return VAPID{}, fmt.Errorf("notify: write VAPID keys: %w", err)
		}
	}
	return LoadVAPID(dataDir)
}

// PushMessage is what the service worker receives (decrypted) and shows.
type PushMessage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"`
}

// ValidEndpoint accepts only https push-service URLs named by a public host name, so a
// subscription, which any member can hand in, can never make the server post to a plain-HTTP
// address, to itself or to the network it stands in (an address, localhost, a name whose last
// label is not a top-level domain such as 2130706433). Push services are always named (Google's,
// Mozilla's, Apple's, Microsoft's).
func ValidEndpoint(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(s) > 2000 || u.User != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	last := host[strings.LastIndexByte(host, '.')+1:]
	return last != "" && last[0] >= 'a' && last[0] <= 'z'
}

// pushDial dials addr, refusing a non-public address unless it is the environment's proxy.
func pushDial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if addr != envProxy() {
		d.Control = publicOnly
	}
	return d.DialContext(ctx, network, addr)
}

// envProxy is the host:port of the proxy the environment names for https, "" for none.
func envProxy() string {
	req, _ := http.NewRequest(http.MethodPost, "https://push.invalid/", nil)
	u, err := http.ProxyFromEnvironment(req)
	if err != nil || u == nil {
		return ""
	}
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// publicOnly refuses a push connection to an address that is not a public one (loopback, private,
// link-local, unspecified), decided on the address dialled, so a push service's name that
// resolves into the server's own network is refused too.
func publicOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("notify: push to %s refused", address)
	}
	a := ap.Addr().Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return fmt.Errorf("notify: push to the non-public address %s refused", a)
	}
	for _, p := range notPublic {
		if p.Contains(a) {
			return fmt.Errorf("notify: push to the non-public address %s refused", a)
		}
	}
	return nil
}

// notPublic are ranges that count as global unicast but are not the public internet, or carry an
// IPv4 address inside an IPv6 one (so 64:ff9b::a00:1 would reach 10.0.0.1): carrier-grade NAT
// (RFC 6598), IETF protocol assignments, benchmarking, NAT64 (RFC 6052, 8215), 6to4 and Teredo.
// No push service stands in them.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001::/32"),
}

// pushClient is the client push messages go out with: public addresses only. An outgoing proxy
// set in the environment (HTTPS_PROXY) is dialled as before, wherever it stands: it is the
// administrator's, and it reaches the push service for the server.
var pushClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
	Proxy:       http.ProxyFromEnvironment,
	DialContext: pushDial,
	// The rest as http.DefaultTransport has them.
	ForceAttemptHTTP2: true, MaxIdleConns: 100, IdleConnTimeout: 90 * time.Second,
	TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second,
}}

// pushTTL is how long a push service keeps a message for a phone that is off: a day.
const pushTTL = 24 * 60 * 60

// HandlePush is the JobPush handler: one message to one subscription. Nothing is sent for a
// notification read meanwhile, a kind the person turned off or during their quiet hours. The push
// service's 404 or 410 means the subscription is gone: it is removed. 429 and 5xx are retried
// with the runner's backoff; any other refusal is permanent.
func (s *Service) HandlePush(ctx context.Context, j *jobs.Job) error {
	var p pushJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	n, err := ByID(ctx, j.DB, p.NotificationID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sub, err := subscriptionByID(ctx, s.Platform.DB, p.SubscriptionID)
	if errors.Is(err, tenantdb.ErrNotFound) || (err == nil && sub.UserID != n.UserID) {
		return nil
	}
	if err != nil {
		return err
	}
	prefs, err := LoadPrefs(ctx, s.Platform.DB, n.UserID)
	if err != nil {
		return err
	}
	if !n.Unread() || !prefs.Push[n.Kind] || (p.Events != 0 && p.Events != n.Events()) {
		return nil
	}
	// Quiet hours are read on the person's own clock when they named their zone, else on the
	// clock of the business the notification comes from.
	loc, err := hoursdb.Zone(ctx, j.DB.Read)
	if err != nil {
		return err
	}
	if prefs.Quiet(s.now().In(prefs.Clock(loc))) {
		return nil
	}
	t, err := s.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	if member, err := s.stillMember(ctx, n.UserID, t); !member || err != nil {
		return err
	}
	pr, err := s.printerFor(ctx, n.UserID, t)
	if err != nil {
		return err
	}
	title, text := PushWords(pr, n)
	msg, _ := json.Marshal(PushMessage{Title: title, Body: text, URL: s.BaseURL + n.Link(j.Tenant),
		Tag: j.Tenant + ":" + strconv.FormatInt(n.ID, 10)})
	client := s.HTTP
	if client == nil {
		client = pushClient
	}
	subscriber := "mailto:push@highvibe.invalid"
	if from := t.Setting("email_from"); from != "" {
		subscriber = from
		if a, err := mailAddress(from); err == nil {
			subscriber = a
		}
	}
	resp, err := webpush.SendNotificationWithContext(ctx, msg, &webpush.Subscription{Endpoint: sub.Endpoint,
		Keys: webpush.Keys{Auth: sub.Auth, P256dh: sub.P256dh}}, &webpush.Options{HTTPClient: client, Subscriber: subscriber,
		TTL: pushTTL, Urgency: webpush.UrgencyHigh, VAPIDPublicKey: s.VAPID.Public, VAPIDPrivateKey: s.VAPID.Private})
	if err != nil {
		return fmt.Errorf("notify: push: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return dropSubscription(ctx, s.Platform.DB, sub.ID)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("notify: push service answered %d: %s", resp.StatusCode, body)
	}
	return jobs.Permanent(fmt.Errorf("notify: push service refused (%d): %s", resp.StatusCode, body))
}

// PushWords is a notification's phone message in the reader's language, as it stands when it is
// sent. One event: its sentence, and the customer's words. Several merged into it: how many and
// of what, the most important first ("3 new from Mehmet Kaya" / "2 new messages, 1 quote
// accepted"), then the words.
func PushWords(p *i18n.Printer, n *Notification) (title, body string) {
	total := n.Events()
	if total < 2 {
		return Sentence(p, n), Words(p, n)
	}
	name := n.Params.Name
	if name == "" {
		name = p.T("notify.someone")
	}
	counts := n.counts()
	kinds := slices.Collect(maps.Keys(counts))
	slices.SortFunc(kinds, func(a, b string) int {
		if d := rank[b] - rank[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range kinds {
		if ValidKind(k) {
			parts = append(parts, p.Plural("notify.count."+k, counts[k]))
		}
	}
	body = p.List(parts)
	if w := Words(p, n); w != "" {
		body += "\n" + w
	}
	return p.Plural("notify.group", total, name), body
}
