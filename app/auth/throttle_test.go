package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReserveCapsParallelAttempts: of many attempts reserved at once, exactly Burst are granted;
// when they fail the key is locked; a success forgets failures without losing others in flight.
func TestReserveCapsParallelAttempts(t *testing.T) {
	th := NewThrottle(5, 15*time.Minute, 30*time.Second, 15*time.Minute)
	var granted atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if ok, _ := th.Reserve("u:olga"); ok {
				granted.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if g := granted.Load(); g != 5 {
		t.Fatalf("%d of 40 parallel attempts granted, want exactly 5", g)
	}
	if ok, d := th.Reserve("u:olga"); ok || d <= 0 {
		t.Fatalf("a sixth attempt while five are in flight: ok=%v wait=%s", ok, d)
	}
	var lock time.Duration
	for range 5 {
		lock = th.Fail("u:olga")
	}
	if lock != 30*time.Second {
		t.Fatalf("five failures locked for %s, want 30s", lock)
	}
	if ok, _ := th.Reserve("u:olga"); ok {
		t.Fatal("locked key granted an attempt")
	}

	// A success settles its own reservation and clears failures, but others in flight still count.
	th2 := NewThrottle(2, time.Minute, time.Second, time.Minute)
	th2.Reserve("k")
	th2.Reserve("k")
	th2.Succeed("k")
	if ok, _ := th2.Reserve("k"); !ok {
		t.Fatal("after one success and one in flight, a second slot should be free")
	}
	if ok, _ := th2.Reserve("k"); ok {
		t.Fatal("two in flight with burst 2: a third was granted")
	}
	th2.Release("k")
	if ok, _ := th2.Reserve("k"); !ok {
		t.Fatal("a released reservation did not free its slot")
	}
}
