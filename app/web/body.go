package web

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// BodyRule is how long the server waits for one request's body, and whether the sender must first
// get a slot at the gate for strangers.
type BodyRule struct {
	Timeout time.Duration // the whole body must have arrived this long after the handler starts
	Gate    *BodyGate     // nil: the sender proved who it is (session, API key) before the body is read
	// Rate, when not 0, lets a large body that keeps moving take longer than Timeout: every Rate
	// bytes that arrive buy one more second, up to Cap after the start (photos from a building site
	// over a slow uplink). A body that stalls is still cut Timeout after its last bytes, and one
	// that trickles slower than Rate earns almost nothing, so it is cut near Timeout as before.
	Rate int64
	Cap  time.Duration
}

// GuardBodies bounds every request that carries a body by rule(r): a read deadline, so a client
// that trickles its body a byte at a time is cut off instead of holding a connection and a
// goroutine for as long as it likes (the server itself only bounds the headers), and for strangers
// a slot at the gate. Requests without a body are untouched, which is what keeps the event stream
// (a GET that stays open for hours) exempt. refuse answers a request the gate turns away (429:
// this address is already sending too many bodies; 503: all slots are taken).
func GuardBodies(rule func(*http.Request) BodyRule, refuse func(w http.ResponseWriter, r *http.Request, status int)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next.ServeHTTP(w, r)
				return
			}
			br := rule(r)
			start := time.Now()
			rc := http.NewResponseController(w)
			if br.Timeout > 0 {
				_ = rc.SetReadDeadline(start.Add(br.Timeout))
			}
			release := func() {}
			if br.Gate != nil {
				var status int
				if release, status = br.Gate.enter(ClientKey(r)); status != 0 {
					// Do not wait for the body we refuse: close the connection after the answer.
					w.Header().Set("Connection", "close")
					w.Header().Set("Retry-After", "1")
					refuse(w, r, status)
					return
				}
			}
			// The slot is given back when the body is in (or the handler returns). The deadline needs
			// no lifting: net/http clears it itself once the body has been read to its end, so a
			// handler that then takes long to answer is not cut off.
			var once sync.Once
			done := func() { once.Do(release) }
			defer done()
			gb := &guardedBody{ReadCloser: r.Body, done: done, cut: From(r).hangUp}
			if br.Timeout > 0 && br.Rate > 0 {
				gb.extend = func(got int64) {
					// Earned time, never past the cap, and never more than Timeout after these
					// bytes: a body that stops arriving is cut off like any other.
					until := start.Add(br.Timeout + time.Duration(got)*time.Second/time.Duration(br.Rate))
					until = minTime(until, time.Now().Add(br.Timeout), start.Add(max(br.Cap, br.Timeout)))
					_ = rc.SetReadDeadline(until)
				}
			}
			r.Body = gb
			next.ServeHTTP(w, r)
		})
	}
}

// guardedBody calls done when the body has been read to its end, extend (when the rule has a
// rate) as bytes arrive, and cut (when set) when its deadline cuts it off.
type guardedBody struct {
	io.ReadCloser
	done   func()
	extend func(got int64)
	cut    func()
	got    int64
}

func (b *guardedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.got += int64(n)
	switch {
	case err == io.EOF:
		b.done()
	case err == nil && n > 0 && b.extend != nil:
		// Not after the end: net/http has cleared the deadline by then, and it must stay clear.
		b.extend(b.got)
	case errors.Is(err, os.ErrDeadlineExceeded) && b.cut != nil:
		// The sender is still sending: without this, net/http closes the connection the moment
		// the answer is written, the bytes still arriving turn the close into a reset, and the
		// sender's browser shows a connection error instead of the answer ("the photo did not
		// fully arrive", with what was typed).
		b.cut()
	}
	return n, err
}

// minTime is the earliest of ts.
func minTime(ts ...time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if t.Before(m) {
			m = t
		}
	}
	return m
}

// BodyGate caps the request bodies that unauthenticated senders may be sending at the same time:
// in all, and per client address (web.ClientIP), so one address cannot take every slot.
type BodyGate struct {
	total   int
	perAddr int
	mu      sync.Mutex
	busy    int
	addrs   map[string]int
}

// NewBodyGate allows total bodies at once, at most perAddr of them from one address.
func NewBodyGate(total, perAddr int) *BodyGate {
	return &BodyGate{total: total, perAddr: perAddr, addrs: map[string]int{}}
}

// enter takes a slot for addr and returns its release, or the status to refuse with.
func (g *BodyGate) enter(addr string) (func(), int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.addrs[addr] >= g.perAddr {
		return nil, http.StatusTooManyRequests
	}
	if g.busy >= g.total {
		return nil, http.StatusServiceUnavailable
	}
	g.busy++
	g.addrs[addr]++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.busy--
		if g.addrs[addr]--; g.addrs[addr] <= 0 {
			delete(g.addrs, addr)
		}
	}, 0
}

// InFlight is how many bodies hold a slot now (for tests and metrics).
func (g *BodyGate) InFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.busy
}

// closeAfterAnswer returns what makes net/http end w's connection after the answer the way it does
// for a body over http.MaxBytesReader's limit: the answer, then a FIN, then the socket held open a
// moment (net/http's reset-avoidance delay) so that the sender reads the answer before its own
// late bytes can reset the connection. w must be net/http's own writer (Base, the outermost
// middleware, has it); a MaxBytesReader that overflows on its first byte is the only public way to
// ask for that close, and it reads nothing from the request.
func closeAfterAnswer(w http.ResponseWriter) func() {
	return func() {
		_, _ = http.MaxBytesReader(w, io.NopCloser(strings.NewReader("x")), 0).Read(make([]byte, 1))
	}
}
