package auth

import (
	"sync"
	"time"
)

// Throttle limits guessing per key (one key per username, one per address). An attempt is
// reserved before the password is hashed: failures inside Window plus attempts still being checked
// may not exceed Burst, so a burst of parallel guesses gets at most Burst hashes and the rest are
// refused at once. After Burst failures the key is locked out, for a time that doubles on every
// further lockout up to Max.
type Throttle struct {
	Burst  int           // attempts allowed inside Window before lockout
	Window time.Duration // how long a failure counts
	Base   time.Duration // first lockout length
	Max    time.Duration // longest lockout

	mu   sync.Mutex
	keys map[string]*attempts
	now  func() time.Time
}

type attempts struct {
	fails    []time.Time
	inFlight int // reserved and not yet settled
	until    time.Time
	level    int
}

// NewThrottle builds a throttle; the panel uses 5 failures / 15 min per user and 20 per address.
func NewThrottle(burst int, window, base, max time.Duration) *Throttle {
	return &Throttle{Burst: burst, Window: window, Base: base, Max: max, keys: map[string]*attempts{}, now: time.Now}
}

func (t *Throttle) entry(key string, now time.Time) *attempts {
	a := t.keys[key]
	if a == nil {
		t.gcLocked(now)
		a = &attempts{}
		t.keys[key] = a
	}
	keep := a.fails[:0]
	for _, f := range a.fails {
		if now.Sub(f) < t.Window {
			keep = append(keep, f)
		}
	}
	a.fails = keep
	return a
}

// Reserve claims one attempt for key. It refuses, with how long to wait, when the key is locked
// out or when its recent failures and the attempts in flight already use up the burst. Every
// reservation granted must be settled with Fail, Succeed or Release.
func (t *Throttle) Reserve(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := t.entry(key, now)
	if d := a.until.Sub(now); d > 0 {
		return false, d
	}
	if len(a.fails)+a.inFlight >= t.Burst {
		// The allowance is taken by attempts still being checked: they will lock the key out if
		// they fail, so the caller is told to wait at least the first lockout.
		return false, t.lockout(a)
	}
	a.inFlight++
	return true, 0
}

func (t *Throttle) lockout(a *attempts) time.Duration {
	d := t.Base << a.level
	if d > t.Max || d <= 0 {
		d = t.Max
	}
	return d
}

func (t *Throttle) settle(a *attempts) {
	if a.inFlight > 0 {
		a.inFlight--
	}
}

// Fail settles a reservation as a failure and reports the lockout it causes, if any.
func (t *Throttle) Fail(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a := t.entry(key, now)
	t.settle(a)
	a.fails = append(a.fails, now)
	if len(a.fails) >= t.Burst {
		d := t.lockout(a)
		a.until = now.Add(d)
		a.level++
		return d
	}
	return 0
}

// Succeed settles a reservation after a correct answer and forgets the key's failures.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.keys[key]
	if a == nil {
		return
	}
	t.settle(a)
	if a.inFlight == 0 {
		delete(t.keys, key)
		return
	}
	a.fails, a.until, a.level = nil, time.Time{}, 0
}

// Release settles a reservation that was not used (nothing was checked), leaving failures as
// they were.
func (t *Throttle) Release(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a := t.keys[key]; a != nil {
		t.settle(a)
	}
}

// gcLocked drops keys that no longer matter, so an attacker cycling usernames cannot grow memory forever.
func (t *Throttle) gcLocked(now time.Time) {
	if len(t.keys) < 10000 {
		return
	}
	for k, a := range t.keys {
		if a.inFlight == 0 && now.After(a.until) && (len(a.fails) == 0 || now.Sub(a.fails[len(a.fails)-1]) > t.Window) {
			delete(t.keys, k)
		}
	}
}
