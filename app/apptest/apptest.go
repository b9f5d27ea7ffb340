// Package apptest starts a real HighVibe server on a temporary data directory for tests: real
// SQLite files, real HTTP, and clients that log in like a person.
package apptest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/crypto/bcrypt"

	"highvibe/app"
	"highvibe/app/channels/channel"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Env is one running server with its data directory.
type Env struct {
	T        testing.TB
	Dir      string
	Server   *app.Server
	Handlers *app.Handlers
	HTTP     *httptest.Server
	URL      string
}

// Password is the password of every user the harness creates.
const Password = "correct-horse-battery"

// PasswordHashCost is the bcrypt cost of the password hashes a harness server stores: bcrypt's
// least, so creating and signing in a user costs a millisecond, not a tenth of a second. The
// product's cost (platform.HashCost) is what the real binary and a server with default options
// use (TestPasswordHashCost, TestServerStoresHashesAtTheProductCost).
const PasswordHashCost = bcrypt.MinCost

// Options tune New.
type Options struct {
	Litestream string // path to a litestream.yml, "" = replication off
	DataDir    string // reuse a directory (restart tests); "" = t.TempDir()
	NoJobs     bool   // do not start the job runner
	// TrustedProxies is the server's --trusted-proxies list ("127.0.0.1/32" to play Caddy).
	TrustedProxies string
	// MetricsToken is serve's --metrics-token (it also puts tenant slugs on metric labels).
	MetricsToken string
	// Channels replaces the product's channel registry (nil = channels.Registry()).
	Channels *channel.Registry
	// BaseURL is serve's --base-url (the public address absolute links are built on).
	BaseURL string
	// FormReadTimeout is how long a form's body may take to arrive (0 = serve's default), short
	// for a test of a body that stops arriving.
	FormReadTimeout time.Duration
}

// New starts a server on a fresh temp data dir; it is stopped when the test ends.
func New(t testing.TB) *Env { return NewWith(t, Options{}) }

// NewWith starts a server with options.
func NewWith(t testing.TB, o Options) *Env {
	t.Helper()
	dir := o.DataDir
	if dir == "" {
		dir = t.TempDir()
	}
	ctx := context.Background()
	// Warnings and errors go to the test's log, which prints only when the test fails (or under
	// -v): a 500 seen on a loaded CI machine then says why.
	tw := &testWriter{t: t}
	t.Cleanup(tw.end) // registered first, so it runs after the server's Close
	log := slog.New(slog.NewTextHandler(tw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	proxies, err := web.ParseProxies(o.TrustedProxies)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	s, h, err := app.NewServer(ctx, app.Options{DataDir: dir, Litestream: o.Litestream, Log: log, JobTick: 50 * time.Millisecond, TrustedProxies: proxies,
		MetricsToken: o.MetricsToken, Channels: o.Channels, BaseURL: o.BaseURL, PasswordHashCost: PasswordHashCost,
		FormReadTimeout: o.FormReadTimeout})
	if err != nil {
		t.Fatalf("apptest: new server: %v", err)
	}
	if !o.NoJobs {
		if err := s.Start(ctx); err != nil {
			t.Fatalf("apptest: start: %v", err)
		}
	}
	hs := httptest.NewServer(s.Handler(h))
	e := &Env{T: t, Dir: dir, Server: s, Handlers: h, HTTP: hs, URL: hs.URL}
	t.Cleanup(e.Close)
	return e
}

// testWriter writes the server's log lines to the test's log until the test has cleaned up; a
// line from a goroutine that outlives it is dropped (testing panics on a late Log).
type testWriter struct {
	t     testing.TB
	mu    sync.Mutex
	ended bool
}

func (w *testWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.ended {
		w.t.Log(strings.TrimSpace(string(b)))
	}
	return len(b), nil
}

func (w *testWriter) end() {
	w.mu.Lock()
	w.ended = true
	w.mu.Unlock()
}

// Close stops HTTP, jobs, replication and databases (idempotent).
func (e *Env) Close() {
	if e.HTTP == nil {
		return
	}
	e.HTTP.Close()
	e.Server.Close(context.Background())
	e.HTTP = nil
}

// Tenant creates a tenant (niche parke_tas, locale en unless given) and returns it.
func (e *Env) Tenant(slug string, opts ...string) *platform.Tenant {
	e.T.Helper()
	niche, locale := "parke_tas", "en"
	if len(opts) > 0 {
		niche = opts[0]
	}
	if len(opts) > 1 {
		locale = opts[1]
	}
	t, err := e.Server.Platform.CreateTenant(context.Background(), slug, strings.ToUpper(slug[:1])+slug[1:]+" Ltd", niche, locale)
	if err != nil {
		e.T.Fatalf("apptest: create tenant %s: %v", slug, err)
	}
	return t
}

// Set changes tenant settings as `highvibe tenant set` would.
func (e *Env) Set(slug string, kv map[string]string) {
	e.T.Helper()
	if err := e.Server.Platform.SetSettings(context.Background(), slug, kv); err != nil {
		e.T.Fatalf("apptest: set %v: %v", kv, err)
	}
}

// DB returns the tenant's database.
func (e *Env) DB(slug string) *tenantdb.DB {
	e.T.Helper()
	db, err := e.Server.Mgr.Tenant(context.Background(), slug)
	if err != nil {
		e.T.Fatalf("apptest: db %s: %v", slug, err)
	}
	if e.Server.Jobs != nil {
		runners.Store(db.Path, e.Server.Jobs) // for Await
	}
	return db
}

// User creates username with role in tenant slug (role "staff" makes a staff user without
// membership) and returns a client already logged in as them.
func (e *Env) User(slug, username, role string) *Client {
	e.T.Helper()
	ctx := context.Background()
	u, err := e.Server.Platform.CreateUser(ctx, username, Password, role == "staff")
	if err != nil {
		e.T.Fatalf("apptest: create user: %v", err)
	}
	if role != "staff" {
		t, err := e.Server.Platform.TenantBySlug(ctx, slug)
		if err != nil {
			e.T.Fatalf("apptest: tenant %s: %v", slug, err)
		}
		if err := e.Server.Platform.SetMembership(ctx, u.ID, t.ID, role); err != nil {
			e.T.Fatalf("apptest: membership: %v", err)
		}
	}
	c := e.Client()
	c.UserID = u.ID
	c.Login(username, Password)
	return c
}

// APIKey creates a key with the scopes and returns it in clear.
func (e *Env) APIKey(slug string, scopes ...string) string {
	e.T.Helper()
	ctx := context.Background()
	t, err := e.Server.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		e.T.Fatal(err)
	}
	k, _, err := e.Server.Platform.CreateAPIKey(ctx, t.ID, "test", scopes)
	if err != nil {
		e.T.Fatal(err)
	}
	return k
}

// Client is a browser-like HTTP client with a cookie jar that does not follow redirects.
type Client struct {
	E      *Env
	HTTP   *http.Client
	UserID int64
	// Header is added to every request (e.g. Accept-Language).
	Header http.Header
}

// Client returns an anonymous client.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{E: e, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, Header: http.Header{}}
}

// Resp is a finished response with its body read.
type Resp struct {
	*http.Response
	Body string
}

// Doc parses the body as HTML.
func (r *Resp) Doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return d
}

// Do sends a request and reads the body.
func (c *Client) Do(req *http.Request) *Resp {
	c.E.T.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.E.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		return &Resp{Response: res, Body: firstEvent(res.Body)}
	}
	b, _ := io.ReadAll(res.Body)
	return &Resp{Response: res, Body: string(b)}
}

// firstEvent reads a server-sent event stream up to the end of its first event (a blank line)
// and stops: a stream never ends, so reading it whole would wait out the client's timeout.
func firstEvent(r io.Reader) string {
	var b strings.Builder
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil || (line == "\n" && b.Len() > 1) {
			return b.String()
		}
	}
}

// Get fetches path (relative to the server).
func (c *Client) Get(path string) *Resp {
	c.E.T.Helper()
	req, _ := http.NewRequest("GET", c.E.URL+path, nil)
	return c.Do(req)
}

// Post sends a same-origin form post, as a browser on the panel would.
func (c *Client) Post(path string, form url.Values) *Resp {
	c.E.T.Helper()
	req, _ := http.NewRequest("POST", c.E.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.E.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// PostJSON sends a JSON body with extra headers.
func (c *Client) PostJSON(path string, body []byte, headers map[string]string) *Resp {
	c.E.T.Helper()
	req, _ := http.NewRequest("POST", c.E.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}

// Login signs in and fails the test unless it redirects into the panel.
func (c *Client) Login(username, password string) {
	c.E.T.Helper()
	r := c.Post("/login/", url.Values{"username": {username}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		c.E.T.Fatalf("login %s: status %d: %s", username, r.StatusCode, r.Body)
	}
}

// FormValues is what a browser posts for form f as the page draws it: each named input, textarea
// and select in document order, a select's selected option, a checkbox or radio button only when
// it is checked.
func FormValues(f *goquery.Selection) url.Values {
	v := url.Values{}
	f.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Add(name, val)
		default:
			typ, _ := s.Attr("type")
			if typ == "checkbox" || typ == "radio" {
				if _, on := s.Attr("checked"); !on {
					return
				}
			}
			val, _ := s.Attr("value")
			v.Add(name, val)
		}
	})
	return v
}
