package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestGuardBodiesLiftsTheDeadline: once the body is in, the handler may take longer than the read
// timeout without its request being cancelled (the connection's deadline would otherwise fire in
// the server's background read and cancel the context).
func TestGuardBodiesLiftsTheDeadline(t *testing.T) {
	const timeout = 50 * time.Millisecond
	result := make(chan string, 1)
	h := GuardBodies(func(*http.Request) BodyRule { return BodyRule{Timeout: timeout, Gate: NewBodyGate(4, 2)} },
		func(w http.ResponseWriter, r *http.Request, status int) { w.WriteHeader(status) })(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				result <- "read: " + err.Error()
				return
			}
			select {
			case <-r.Context().Done():
				result <- "cancelled after the body was read"
			case <-time.After(4 * timeout): // outlive the read deadline on purpose
				result <- string(b)
			}
		}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := <-result; got != "hello" {
		t.Fatal(got)
	}
}

// TestBodyGate: per address first, then in all; a released slot is free again.
func TestBodyGate(t *testing.T) {
	g := NewBodyGate(3, 2)
	r1, s1 := g.enter("a")
	_, s2 := g.enter("a")
	if _, s := g.enter("a"); s1 != 0 || s2 != 0 || s != http.StatusTooManyRequests {
		t.Fatalf("third from one address: %d", s)
	}
	if _, s := g.enter("b"); s != 0 {
		t.Fatalf("another address: %d", s)
	}
	if _, s := g.enter("c"); s != http.StatusServiceUnavailable {
		t.Fatalf("over the total: %d", s)
	}
	r1()
	if _, s := g.enter("c"); s != 0 || g.InFlight() != 3 {
		t.Fatalf("after a release: %d, in flight %d", s, g.InFlight())
	}
}

// A body cut off by its deadline while the sender is still sending gets its answer, then a clean
// end of the connection. Before, net/http closed the socket the moment the answer was written;
// the bytes still arriving turned the close into a reset, and a phone uploading a photo over a
// failing uplink showed a connection error instead of the page that says what happened.
func TestCutBodyIsAnsweredBeforeTheConnectionEnds(t *testing.T) {
	const timeout = 100 * time.Millisecond
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "the body did not fully arrive", http.StatusRequestEntityTooLarge)
			return
		}
		io.WriteString(w, "all in")
	}),
		Base(slog.New(slog.DiscardHandler), func(w http.ResponseWriter, r *http.Request, status int) { w.WriteHeader(status) }),
		GuardBodies(func(*http.Request) BodyRule { return BodyRule{Timeout: timeout} }, nil))
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a sender that keeps sending, slower than it should, until the connection ends
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if _, err := io.WriteString(conn, "1\r\nx\r\n"); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the answer: %v (read so far: %q)", err, got)
	}
	if !strings.HasPrefix(string(got), "HTTP/1.1 413") || !strings.Contains(string(got), "did not fully arrive") {
		t.Fatalf("answer %q", got)
	}
}
