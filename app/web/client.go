package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Proxies are the networks whose forwarding headers the server believes (`serve
// --trusted-proxies`). The zero value trusts nobody: every request's client is the TCP peer.
type Proxies struct{ nets []netip.Prefix }

// ParseProxies reads a comma-separated list of CIDRs or single addresses ("127.0.0.1/32, ::1",
// "10.0.0.0/8"). An empty list trusts nobody.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return Proxies{}, fmt.Errorf("trusted proxies: %q is neither a CIDR nor an address", f)
			}
			a = a.Unmap()
			p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		n, err := netip.ParsePrefix(f)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxies: %q is not a CIDR", f)
		}
		if n.Addr().Is4In6() {
			n = netip.PrefixFrom(n.Addr().Unmap(), n.Bits()-96)
		}
		p.nets = append(p.nets, n.Masked())
	}
	return p, nil
}

// ParseBaseURL checks the server's public address (serve --base-url): an absolute http or https
// URL of a host, optionally with a port, and nothing else — no path, query, fragment or
// user:password (a trailing "/" is dropped). It returns the normalised "scheme://host[:port]";
// "" stays "" (no public address: links are built from each request's own host).
func ParseBaseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("base URL %q does not parse: %v", s, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("base URL %q must start with https:// (or http://)", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("base URL %q names no host", s)
	case u.User != nil:
		return "", fmt.Errorf("base URL %q must not carry a user or password", s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.ContainsAny(s, "?#"):
		return "", fmt.Errorf("base URL %q must be only scheme and host (such as https://panel.example.com), without a path", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("base URL %q has a bad port", s)
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// Origin is the public origin ("https://panel.example.com") absolute links are built on: the
// server's base URL when one is set (serve --base-url), else this request's scheme and host.
func Origin(r *http.Request) string {
	if c := FromContext(r.Context()); c != nil && c.BaseURL != "" {
		return c.BaseURL
	}
	scheme := "http"
	if Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// WithBaseURL puts the server's base URL (ParseBaseURL's result, "" for none) on every request's Ctx.
func WithBaseURL(base string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c := FromContext(r.Context()); c != nil {
				c.BaseURL = base
			}
			next.ServeHTTP(w, r)
		})
	}
}

// MustProxies is ParseProxies for lists written in code (tests); it panics on a bad list.
func MustProxies(list string) Proxies {
	p, err := ParseProxies(list)
	if err != nil {
		panic(err)
	}
	return p
}

// String lists the trusted networks as the flag takes them.
func (p Proxies) String() string {
	s := make([]string, len(p.nets))
	for i, n := range p.nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

// Trusts reports whether a is inside a trusted network.
func (p Proxies) Trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Client is the other end of a request as far as the server can know it: the visitor's address and
// whether the visitor's connection was encrypted (directly, or at a trusted proxy).
type Client struct {
	Addr  netip.Addr // invalid when the peer is not an IP endpoint (a test pipe, a Unix socket)
	HTTPS bool
}

// IP is the address as text, the key of per-address limits and what the audit log records.
func (c Client) IP() string {
	if !c.Addr.IsValid() {
		return "unknown"
	}
	return c.Addr.String()
}

// Resolve decides the client of r. It is the only place that reads RemoteAddr or a forwarding
// header. Headers count only when the TCP peer is a trusted proxy; then the hops of the first of
// X-Forwarded-For, Forwarded (RFC 7239) and X-Real-IP that is present are walked from the right,
// skipping trusted proxies, and the first address that is not one is the client. X-Forwarded-For
// comes first because the documented proxy (Caddy) always rewrites it, while it passes a client's
// own Forwarded and X-Real-IP through untouched. A hop that is not an address (an obfuscated
// RFC 7239 name, garbage) ends the walk at the last proxy believed. The scheme is HTTPS when the
// connection itself is TLS, or when a trusted peer says so in X-Forwarded-Proto (or Forwarded's
// proto=).
func (p Proxies) Resolve(r *http.Request) Client {
	c := Client{Addr: peerAddr(r.RemoteAddr), HTTPS: r.TLS != nil}
	if !c.Addr.IsValid() || !p.Trusts(c.Addr) {
		return c
	}
	hops, proto := forwardedHops(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		c.Addr = a
		if !p.Trusts(a) {
			break
		}
	}
	if !c.HTTPS {
		c.HTTPS = strings.EqualFold(proto, "https")
	}
	return c
}

// forwardedHops returns the forwarding chain (client first) and the scheme the proxies report.
func forwardedHops(h http.Header) (hops []string, proto string) {
	if v := h.Values("X-Forwarded-Proto"); len(v) > 0 {
		proto = strings.TrimSpace(strings.Split(v[0], ",")[0])
	}
	if v := h.Values("X-Forwarded-For"); len(v) > 0 {
		for _, line := range v {
			hops = append(hops, strings.Split(line, ",")...)
		}
		return hops, proto
	}
	if v := h.Values("Forwarded"); len(v) > 0 {
		for _, el := range forwardedElements(strings.Join(v, ",")) {
			hops = append(hops, el["for"])
			if proto == "" && el["proto"] != "" {
				proto = el["proto"]
			}
		}
		return hops, proto
	}
	if v := h.Get("X-Real-IP"); v != "" {
		hops = []string{v}
	}
	return hops, proto
}

// forwardedElements parses an RFC 7239 Forwarded value into its elements (for=, proto=, by=,
// host=), honouring quoted strings so a comma or semicolon inside quotes does not split.
func forwardedElements(v string) []map[string]string {
	var out []map[string]string
	el := map[string]string{}
	var key, cur strings.Builder
	inKey, quoted, escaped := true, false, false
	flushPair := func() {
		k := strings.ToLower(strings.TrimSpace(key.String()))
		if k != "" {
			val := cur.String()
			if !quoted {
				val = strings.TrimSpace(val)
			}
			el[k] = val
		}
		key.Reset()
		cur.Reset()
		inKey = true
	}
	for _, r := range v {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"' && !inKey:
			quoted = !quoted
		case quoted:
			cur.WriteRune(r)
		case r == '=' && inKey:
			inKey = false
		case r == ';':
			flushPair()
		case r == ',':
			flushPair()
			out = append(out, el)
			el = map[string]string{}
		case inKey:
			key.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
	}
	flushPair()
	return append(out, el)
}

// peerAddr is the IP of RemoteAddr ("ip:port", or a bare ip as some test harnesses set it).
func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

// parseHop reads one forwarding hop: an address, optionally with a port and IPv6 brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// Clients resolves each request's client once, with the server's trusted proxies, and keeps it in
// the request Ctx for ClientOf. It runs right after Base.
func Clients(p Proxies) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c := FromContext(r.Context()); c != nil {
				cl := p.Resolve(r)
				c.client = &cl
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ClientOf is the request's client as Clients resolved it. Without that middleware (a handler
// called directly) nobody is trusted and the TCP peer is the client.
func ClientOf(r *http.Request) Client {
	if c := FromContext(r.Context()); c != nil && c.client != nil {
		return *c.client
	}
	return Proxies{}.Resolve(r)
}

// ClientIP is ClientOf(r).IP(): the address in audit rows and sessions.
func ClientIP(r *http.Request) string { return ClientOf(r).IP() }

// LimitKey is who a per-address limit counts: an IPv4 address, or the /64 network of an IPv6 one.
// A home line, a phone or a server is given a whole /64 and can send from any address in it, so
// counting each IPv6 address alone would let one machine make a fresh "visitor" per request.
func (c Client) LimitKey() string {
	a := c.Addr.Unmap()
	if !a.IsValid() || a.Is4() {
		return c.IP()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return c.IP()
	}
	return p.String()
}

// ClientKey is ClientOf(r).LimitKey(): the key of every per-address limit (sign-in, the widget,
// the landing form, strangers' bodies, refused webhooks).
func ClientKey(r *http.Request) string { return ClientOf(r).LimitKey() }

// Secure reports whether the visitor reached us over TLS, in which case cookies are marked Secure
// and links to this server use https.
func Secure(r *http.Request) bool { return ClientOf(r).HTTPS }
