// Package chanutil holds the small pieces every channel shares: per-key rate limiters and the
// resolution of the tenant behind an API key.
package chanutil

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiters is a set of token buckets keyed by a string (API key id, visitor token, IP address).
// Idle buckets are forgotten after a while so the map cannot grow without end.
type Limiters struct {
	Rate  rate.Limit
	Burst int
	mu    sync.Mutex
	m     map[string]*entry
	sweep time.Time
}

type entry struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiters allows perSecond events per key with bursts of burst.
func NewLimiters(perSecond float64, burst int) *Limiters {
	return &Limiters{Rate: rate.Limit(perSecond), Burst: burst, m: map[string]*entry{}}
}

// Allow takes one token for key; when none is left it returns false and the wait until one is.
func (ls *Limiters) Allow(key string) (bool, time.Duration) {
	return AllowAll(Take{ls, key})
}

// limiter is the bucket of key, made on first use; idle buckets are swept once a minute.
func (ls *Limiters) limiter(key string, now time.Time) *rate.Limiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if now.Sub(ls.sweep) > time.Minute {
		for k, e := range ls.m {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(ls.m, k)
			}
		}
		ls.sweep = now
	}
	e := ls.m[key]
	if e == nil {
		e = &entry{l: rate.NewLimiter(ls.Rate, ls.Burst)}
		ls.m[key] = e
	}
	e.seen = now
	return e.l
}

// Take names one bucket: a set of limiters and a key in it.
type Take struct {
	From *Limiters
	Key  string
}

// AllowAll takes one token from every bucket, or from none: a request one limit refuses uses up
// nothing of the others, so a visitor who is turned away does not spend the allowance shared by
// everyone else at the same address. When refused it returns the longest wait.
func AllowAll(takes ...Take) (bool, time.Duration) {
	now := time.Now()
	held := make([]*rate.Reservation, 0, len(takes))
	var wait time.Duration
	for _, t := range takes {
		r := t.From.limiter(t.Key, now).ReserveN(now, 1)
		switch {
		case !r.OK():
			wait = max(wait, time.Minute)
		case r.DelayFrom(now) > 0:
			wait = max(wait, r.DelayFrom(now))
			r.CancelAt(now)
		default:
			held = append(held, r)
		}
	}
	if wait == 0 {
		return true, 0
	}
	for _, r := range held {
		r.CancelAt(now)
	}
	return false, wait
}

// RetryAfter formats a wait as whole seconds for the Retry-After header (at least 1).
func RetryAfter(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return strconv.Itoa(s)
}

// Failures counts refused requests (bad key, bad signature) per key (an API key id, a client
// address), so a sender that keeps failing is refused with 429 before its body is read, while
// requests that pass the checks are never counted and never slowed. Each failure takes one token of a bucket
// of burst tokens refilled at perSecond; a key or address with no token left is Blocked.
type Failures struct {
	ls *Limiters
	// Now is the clock the budget refills by (nil: time.Now); a test stops it to count failures
	// without the refill a slow machine's pauses would add.
	Now func() time.Time
}

func (f *Failures) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// NewFailures allows bursts of burst failures per key, refilled at perSecond.
func NewFailures(perSecond float64, burst int) *Failures {
	return &Failures{ls: NewLimiters(perSecond, burst)}
}

// Blocked reports whether key has used up its failures, and the wait until it has one again.
// It takes no token and remembers nothing about keys that never failed.
func (f *Failures) Blocked(key string) (bool, time.Duration) {
	now := f.now()
	f.ls.mu.Lock()
	e := f.ls.m[key]
	f.ls.mu.Unlock()
	if e == nil {
		return false, 0
	}
	if tok := e.l.TokensAt(now); tok < 1 {
		return true, time.Duration((1 - tok) / float64(f.ls.Rate) * float64(time.Second))
	}
	return false, 0
}

// Fail counts one failure against key.
func (f *Failures) Fail(key string) {
	now := f.now()
	f.ls.limiter(key, now).AllowN(now, 1)
}
