package app_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// Security tests for slow request bodies (issue "Security that holds on a real VPS", "Slow bodies
// hold connections"): raw TCP clients against the real binary send their headers and a few bytes
// of body, then stall. The binary runs with short read timeouts (the flags that default to 15 s and
// 30 s) so the test is quick; the mechanism is the one that runs in production.

const (
	testFormTimeout    = 400 * time.Millisecond
	testWebhookTimeout = 2 * time.Second
)

// slowBody opens a connection, sends a request whose body is announced as 200 bytes, waits for the
// server's "100 Continue" (the handler started reading: it holds its place now) and sends 5 bytes.
// It returns the connection and the time just before the request was sent (the server's deadline
// cannot start earlier). With wait100 false it does not ask for 100 Continue and returns right
// after the first bytes.
func slowBody(t *testing.T, base, path string, headers map[string]string, wait100 bool) (net.Conn, *bufio.Reader, time.Time) {
	t.Helper()
	u, _ := url.Parse(base)
	sent := time.Now()
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 200\r\n", path, u.Host)
	if wait100 {
		b.WriteString("Expect: 100-continue\r\n")
	}
	for k, v := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if wait100 {
		line, err := br.ReadString('\n')
		if err != nil || !strings.Contains(line, "100") {
			t.Fatalf("%s: no 100 Continue: %q %v", path, line, err)
		}
		_, _ = br.ReadString('\n') // the blank line after it
	}
	if _, err := io.WriteString(conn, "text="); err != nil {
		t.Fatal(err)
	}
	return conn, br, sent
}

// closedAfter reads until the server closes the connection and returns how long that took; it fails
// when the server still holds the connection after 10 s.
func closedAfter(t *testing.T, br *bufio.Reader, since time.Time, what string) time.Duration {
	t.Helper()
	_, err := io.Copy(io.Discard, br)
	took := time.Since(since)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: the server still held the stalled connection after %s", what, took.Round(time.Millisecond))
	}
	return took
}

func bodiesServer(t *testing.T, formTimeout time.Duration) (string, *apptest.Proc) {
	t.Helper()
	dir := proxyTenant(t)
	if _, e, code := apptest.CLI(t, dir, "", "tenant", "set", "--slug", "acme", "chat_widget_enabled=true", "consent_required=false",
		"landing_enabled=true", "whatsapp_app_secret=s3cret", "whatsapp_verify_token=v"); code != 0 {
		t.Fatalf("tenant set: %s", e)
	}
	return dir, apptest.Serve(t, dir, nil, "--trusted-proxies", "127.0.0.1/32",
		"--form-read-timeout", formTimeout.String(), "--webhook-read-timeout", testWebhookTimeout.String())
}

// TestSecuritySlowBodiesAreCutOff: a stalled body on the login form, the widget and the landing
// page is cut off at the form timeout; on the WhatsApp webhook at the (longer) webhook timeout.
// Before the fix only the headers had a timeout and these connections stayed open.
func TestSecuritySlowBodiesAreCutOff(t *testing.T) {
	t.Parallel()
	dir, p := bodiesServer(t, testFormTimeout)
	for _, path := range []string{"/login/", "/widget/api/acme/messages", "/"} {
		_, br, since := slowBody(t, p.URL, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, true)
		if took := closedAfter(t, br, since, path); took < testFormTimeout {
			t.Fatalf("%s: closed after %s, before the form timeout could have passed", path, took)
		}
	}
	key, e, code := apptest.CLI(t, dir, "", "apikey", "create", "--tenant", "acme", "--name", "wa", "--scope", "whatsapp_webhook")
	if code != 0 {
		t.Fatalf("apikey create: %s", e)
	}
	_, br, since := slowBody(t, p.URL, "/api/webhooks/whatsapp/", map[string]string{
		"Authorization": "Bearer " + strings.TrimSpace(key), "Content-Type": "application/json",
		"X-Hub-Signature-256": "sha256=" + strings.Repeat("ab", 32)}, true)
	if took := closedAfter(t, br, since, "webhook"); took < testWebhookTimeout {
		t.Fatalf("webhook body cut off after %s, want the webhook timeout (%s), not the form one", took, testWebhookTimeout)
	}
}

// TestSecurityStrangersCannotHoldEveryBody: one address stalling many bodies gets only a few
// slots (the rest are refused at once, without waiting for their bodies), and a visitor at another
// address is served meanwhile.
func TestSecurityStrangersCannotHoldEveryBody(t *testing.T) {
	t.Parallel()
	// A long form timeout here: the stalled bodies must still hold their slots when the ninth comes.
	_, p := bodiesServer(t, time.Minute)
	attacker := map[string]string{"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.99"}
	for i := 0; i < 8; i++ {
		slowBody(t, p.URL, "/widget/api/acme/messages", attacker, true)
	}
	// The ninth stalled body from the same address is answered without being read.
	_, br, _ := slowBody(t, p.URL, "/widget/api/acme/messages", attacker, false)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("ninth stalled body from one address: %d (Retry-After %q), want 429 at once", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code, _ := widgetPost(t, p.URL, "198.51.100.5", "", "hello"); code != http.StatusCreated {
		t.Fatalf("a visitor at another address while one address stalls 8 bodies: %d, want 201", code)
	}
}

// TestSecurityEventStreamOutlivesTheFormTimeout: the inbox's event stream is a request without a
// body; it stays open past the form timeout and still delivers events.
func TestSecurityEventStreamOutlivesTheFormTimeout(t *testing.T) {
	t.Parallel()
	_, p := bodiesServer(t, testFormTimeout)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(p.URL+"/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", p.URL+"/app/inbox/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if ct := stream.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("event stream: %d %s", stream.StatusCode, ct)
	}
	lines := bufio.NewReader(stream.Body)
	if l, err := lines.ReadString('\n'); err != nil || !strings.HasPrefix(l, "retry:") {
		t.Fatalf("stream start: %q %v", l, err)
	}
	// Let three form timeouts pass: this is the wait the test is about, not a guess at an event.
	time.Sleep(3 * testFormTimeout)
	if code, _ := widgetPost(t, p.URL, "198.51.100.6", "", "still there?"); code != http.StatusCreated {
		t.Fatalf("widget post: %d", code)
	}
	for {
		l, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream ended after the form timeout: %v", err)
		}
		if strings.HasPrefix(l, "data:") {
			return
		}
	}
}

// TestSecurityStrangersUploadGetsNoExtraTime: the time an upload earns while its bytes arrive is
// for signed-in people; a stranger posting a multipart body to an upload route and then stalling
// is cut off at the form timeout like any other body.
func TestSecurityStrangersUploadGetsNoExtraTime(t *testing.T) {
	t.Parallel()
	_, p := bodiesServer(t, testFormTimeout)
	for _, path := range []string{"/app/inbox/1/attach", "/app/visits/1/outcome"} {
		_, br, since := slowBody(t, p.URL, path, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, false)
		if took := closedAfter(t, br, since, path); took > 5*testFormTimeout {
			t.Fatalf("%s: a stranger's stalled upload held the connection %s, want it cut near the form timeout", path, took)
		}
	}
}
