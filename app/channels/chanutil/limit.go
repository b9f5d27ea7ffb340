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
	now := time.Now()
	ls.mu.Lock()
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
	ls.mu.Unlock()
	r := e.l.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// RetryAfter formats a wait as whole seconds for the Retry-After header (at least 1).
func RetryAfter(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return strconv.Itoa(s)
}
