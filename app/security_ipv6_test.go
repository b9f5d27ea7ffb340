package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// TestSecurityLoginThrottleCountsAnIPv6Network: an IPv6 visitor is counted by their network (the
// /64 a home line, a phone or a server is given), not by each address in it: a host can answer on
// any of its 2^64 addresses, so spraying passwords across usernames from a new address each time
// must still meet the per-address limit, and another network is not locked out by it.
func TestSecurityLoginThrottleCountsAnIPv6Network(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{TrustedProxies: "127.0.0.1/32"})
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	c := e.Client()
	throttled := false
	for i := 1; i <= 40 && !throttled; i++ {
		c.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i))
		r := c.Post("/login/", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"x"}})
		throttled = r.StatusCode == http.StatusTooManyRequests
	}
	if !throttled {
		t.Fatal("40 guesses from 40 addresses of one IPv6 /64 were never throttled")
	}
	other := e.Client()
	other.Header.Set("X-Forwarded-For", "2001:db8:1:3::1")
	if r := other.Post("/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a visitor of the next /64: %d, want 303", r.StatusCode)
	}
}
