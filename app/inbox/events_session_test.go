package inbox_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/live"
)

// openStream opens the inbox's event stream as c and reads up to its "connected" comment.
func openStream(t *testing.T, c *apptest.Client) (*bufio.Reader, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", c.E.URL+"/app/inbox/events", nil)
	res, err := c.HTTP.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("event stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	br := bufio.NewReader(res.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			cancel()
			t.Fatalf("stream before connected: %v", err)
		}
		if strings.HasPrefix(line, ": connected") {
			break
		}
	}
	return br, func() { cancel(); res.Body.Close() }
}

// rest reads the stream until the server closes it and returns what came; a stream still open
// when the test's deadline passes fails the test.
func rest(t *testing.T, br *bufio.Reader, start time.Time) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			if strings.Contains(err.Error(), "context deadline") {
				t.Fatalf("the stream stayed open %s after the session ended; it sent %q", time.Since(start).Round(time.Second), b.String())
			}
			return b.String()
		}
	}
}

// The inbox's event stream closes once its session or access ends: it kept sending conversation
// and message ids for as long as the browser held it open — after signing out, after the session
// was ended, after the owner disabled the member.
func TestEventStreamClosesWhenAccessEnds(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	owner := e.User("acme", "olga", "owner")

	ended := map[string]func(c *apptest.Client){
		"signed out": func(c *apptest.Client) {
			if r := c.Post("/logout/", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", r.StatusCode)
			}
		},
		"session ended by the owner": func(c *apptest.Client) {
			var id int64
			if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT id FROM sessions WHERE user_id = ?`, c.UserID).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if r := owner.Post("/app/settings/sessions/"+strconv.FormatInt(id, 10)+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("end session: %d", r.StatusCode)
			}
		},
		"member disabled": func(c *apptest.Client) {
			if r := owner.Post("/app/settings/users/"+strconv.FormatInt(c.UserID, 10)+"/disable", url.Values{"disabled": {"true"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d", r.StatusCode)
			}
		},
	}
	n := 0
	for name, end := range ended {
		t.Run(name, func(t *testing.T) {
			n++
			member := e.User("acme", "op"+strconv.Itoa(n), "operator")
			// With an event after the end: the stream closes without sending it.
			br, done := openStream(t, member)
			end(member)
			start := time.Now()
			e.Server.Live.Publish("acme", live.Event{Kind: "message", ConversationID: 4242, MessageID: 777})
			if got := rest(t, br, start); strings.Contains(got, "4242") || strings.Contains(got, "777") {
				t.Errorf("after the end the stream sent %q", got)
			}
			done()
		})
	}

	// With nothing happening: the stream still closes within seconds.
	member := e.User("acme", "quiet", "operator")
	br, done := openStream(t, member)
	defer done()
	if r := member.Post("/logout/", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	start := time.Now()
	rest(t, br, start)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the idle stream closed %s after sign-out", d)
	}

	// A stream whose access holds goes on sending.
	br2, done2 := openStream(t, owner)
	defer done2()
	e.Server.Live.Publish("acme", live.Event{Kind: "message", ConversationID: 99, MessageID: 5})
	for {
		line, err := br2.ReadString('\n')
		if err != nil {
			t.Fatalf("the owner's stream: %v", err)
		}
		if strings.Contains(line, `"conversation_id":99`) {
			break
		}
	}
}
