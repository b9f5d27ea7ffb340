package web

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

// TestResolveClient: forwarding headers count only from a trusted peer, the chain is walked from the
// right skipping trusted hops, and spoofed entries to the left of the real client are ignored.
func TestResolveClient(t *testing.T) {
	caddy := MustProxies("127.0.0.1/32,::1")
	lan := MustProxies("10.0.0.0/8, 127.0.0.1")
	scenarios := []struct {
		name    string
		proxies Proxies
		remote  string
		headers map[string]string
		tls     bool
		ip      string
		https   bool
	}{
		{"no proxies trusted: headers ignored", Proxies{}, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.9", "Forwarded": "for=203.0.113.9;proto=https"},
			false, "127.0.0.1", false},
		{"untrusted peer: headers ignored", caddy, "198.51.100.7:443",
			map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "X-Forwarded-Proto": "https"},
			false, "198.51.100.7", false},
		{"trusted peer: X-Forwarded-For", caddy, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}, false, "203.0.113.9", true},
		{"spoofed left entries are skipped", caddy, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "127.0.0.1, 1.2.3.4, 203.0.113.9"}, false, "203.0.113.9", false},
		{"trusted hops skipped from the right", lan, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.2.3, 10.9.9.9"}, false, "203.0.113.9", false},
		{"all hops trusted: the leftmost", lan, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "10.1.1.1, 10.2.2.2"}, false, "10.1.1.1", false},
		{"garbage hop ends the walk at the last proxy", lan, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.9, nonsense, 10.2.2.2"}, false, "10.2.2.2", false},
		{"hop with port and brackets", caddy, "[::1]:5000",
			map[string]string{"X-Forwarded-For": "[2001:db8::7]:4711"}, false, "2001:db8::7", false},
		{"Forwarded when no X-Forwarded-For", caddy, "127.0.0.1:5000",
			map[string]string{"Forwarded": `for=192.0.2.60;proto=https;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`}, false, "2001:db8:cafe::17", true},
		{"Forwarded obfuscated hop stops at the proxy", caddy, "127.0.0.1:5000",
			map[string]string{"Forwarded": `for=_hidden`}, false, "127.0.0.1", false},
		{"X-Real-IP last", caddy, "127.0.0.1:5000",
			map[string]string{"X-Real-IP": "203.0.113.5"}, false, "203.0.113.5", false},
		{"X-Forwarded-For beats a client's own X-Real-IP and Forwarded", caddy, "127.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "127.0.0.1", "Forwarded": "for=127.0.0.1"}, false, "203.0.113.9", false},
		{"mapped IPv4 peer is trusted as IPv4", caddy, "[::ffff:127.0.0.1]:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.9"}, false, "203.0.113.9", false},
		{"TLS is https whatever the headers say", Proxies{}, "198.51.100.7:443",
			map[string]string{"X-Forwarded-Proto": "http"}, true, "198.51.100.7", true},
		{"peer that is not an address", caddy, "pipe", map[string]string{"X-Forwarded-For": "203.0.113.9"}, false, "unknown", false},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = sc.remote
			for k, v := range sc.headers {
				r.Header.Set(k, v)
			}
			if sc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			c := sc.proxies.Resolve(r)
			if c.IP() != sc.ip || c.HTTPS != sc.https {
				t.Fatalf("Resolve = %s https=%v, want %s https=%v", c.IP(), c.HTTPS, sc.ip, sc.https)
			}
		})
	}
}

// TestResolveMultipleHeaderLines: several X-Forwarded-For lines form one list, in order.
func TestResolveMultipleHeaderLines(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Add("X-Forwarded-For", "6.6.6.6")
	r.Header.Add("X-Forwarded-For", "203.0.113.9")
	if got := MustProxies("127.0.0.1").Resolve(r).IP(); got != "203.0.113.9" {
		t.Fatalf("got %s", got)
	}
}

func TestParseProxies(t *testing.T) {
	p, err := ParseProxies(" 127.0.0.1 , 10.0.0.0/8,::1/128, ::ffff:192.168.0.0/112")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.String(); got != "127.0.0.1/32,10.0.0.0/8,::1/128,192.168.0.0/16" {
		t.Fatalf("String = %s", got)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if p, err := ParseProxies(""); err != nil || p.String() != "" {
		t.Fatalf("empty list: %v %q", err, p.String())
	}
}

func FuzzForwarded(f *testing.F) {
	f.Add(`for=192.0.2.60;proto=https;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`)
	f.Add(`for="\"quoted\"";proto=http`)
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:1"
		r.Header.Set("Forwarded", v)
		c := MustProxies("127.0.0.1").Resolve(r)
		if !c.Addr.IsValid() {
			t.Fatalf("trusted peer lost its address on %q", v)
		}
	})
}
