package auth

import (
	"sync"
	"time"
)

// Throttle counts failed logins per key (one key per username, one per IP) and locks a key out
// after a burst, with a lockout that doubles on every further failure up to a ceiling.
type Throttle struct {
	Burst  int           // failures allowed inside Window before lockout
	Window time.Duration // how long a failure counts
	Base   time.Duration // first lockout length
	Max    time.Duration // longest lockout

	mu   sync.Mutex
	keys map[string]*attempts
	now  func() time.Time
}

type attempts struct {
	fails []time.Time
	until time.Time
	level int
}

// NewThrottle builds a throttle; the panel uses 5 failures / 15 min per user and 20 per IP.
func NewThrottle(burst int, window, base, max time.Duration) *Throttle {
	return &Throttle{Burst: burst, Window: window, Base: base, Max: max, keys: map[string]*attempts{}, now: time.Now}
}

// Blocked reports whether key is locked out and for how long still.
func (t *Throttle) Blocked(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.keys[key]
	if a == nil {
		return false, 0
	}
	if d := a.until.Sub(t.now()); d > 0 {
		return true, d
	}
	return false, 0
}

// Fail records a failure and reports the lockout it causes, if any.
func (t *Throttle) Fail(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := t.keys[key]
	if a == nil {
		a = &attempts{}
		t.keys[key] = a
	}
	keep := a.fails[:0]
	for _, f := range a.fails {
		if now.Sub(f) < t.Window {
			keep = append(keep, f)
		}
	}
	a.fails = append(keep, now)
	if len(a.fails) >= t.Burst {
		d := t.Base << a.level
		if d > t.Max || d <= 0 {
			d = t.Max
		}
		a.until = now.Add(d)
		a.level++
		return d
	}
	t.gcLocked(now)
	return 0
}

// Succeed forgets a key's failures (after a correct password).
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// gcLocked drops keys that no longer matter, so an attacker cycling usernames cannot grow memory forever.
func (t *Throttle) gcLocked(now time.Time) {
	if len(t.keys) < 10000 {
		return
	}
	for k, a := range t.keys {
		if now.After(a.until) && (len(a.fails) == 0 || now.Sub(a.fails[len(a.fails)-1]) > t.Window) {
			delete(t.keys, k)
		}
	}
}
