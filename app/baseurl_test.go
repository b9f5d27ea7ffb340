package app_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
)

// TestServeBaseURL: `serve --base-url` refuses anything but scheme and host, before anything
// starts; with a base URL set, the links the product writes for outside readers — the widget's
// embed snippet and webhook addresses on the channel settings page, the demo quote's link in its
// message — are built on it, not on the request's host or localhost.
func TestServeBaseURL(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{"panel.example.com", "https://panel.example.com/app", "https://panel.example.com?x=1", "ftp://panel.example.com"} {
		code, _, errs := cli(t, dir, "", "serve", "--addr", "127.0.0.1:0", "--base-url", bad)
		if code != app.ExitUsage || !strings.Contains(errs, "--base-url") {
			t.Errorf("serve --base-url %q: exit %d, %q; want a usage error naming the flag", bad, code, errs)
		}
	}

	const base = "https://panel.example.com"
	e := apptest.NewWith(t, apptest.Options{BaseURL: base + "/", NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	page := owner.Get("/app/settings/channels").Body
	for _, want := range []string{`src="` + base + `/widget.js"`, base + "/api/webhooks/telegram/acme/"} {
		if !strings.Contains(page, strings.ReplaceAll(want, `"`, "&#34;")) && !strings.Contains(page, want) {
			t.Errorf("the channel settings page lacks %s", want)
		}
	}
	if strings.Contains(page, e.URL) {
		t.Errorf("the channel settings page still builds links on the request's host %s", e.URL)
	}

	if _, err := e.Server.EnsureDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	var body string
	if err := e.DB(app.DemoSlug).Read.QueryRow(`SELECT body FROM messages WHERE body LIKE '%/q/%' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		t.Fatalf("no demo quote message: %v", err)
	}
	if !strings.Contains(body, base+"/q/"+app.DemoSlug+".") || strings.Contains(body, "localhost") {
		t.Errorf("the demo quote's message links %q, want %s/q/…", body, base)
	}
}

// TestServeDemoQuoteLinkOnItsAddress: `serve --demo` without a base URL writes the demo quote's
// link on the address the server listens on, the one it prints — before, it was always
// localhost:8080, a dead link on any other port or host.
func TestServeDemoQuoteLinkOnItsAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, errs := serveOnce(t, dir, "--demo", "--addr", addr, "--data", data); code != -1 {
		t.Fatalf("serve --demo did not start: exit %d, %s", code, errs)
	}
	e := apptest.NewWith(t, apptest.Options{NoJobs: true, DataDir: data})
	var body string
	if err := e.DB(app.DemoSlug).Read.QueryRow(`SELECT body FROM messages WHERE body LIKE '%/q/%' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		t.Fatalf("no demo quote message: %v", err)
	}
	if !strings.Contains(body, "http://"+addr+"/q/"+app.DemoSlug+".") {
		t.Errorf("the demo quote's message links %q, want http://%s/q/…", body, addr)
	}
}
