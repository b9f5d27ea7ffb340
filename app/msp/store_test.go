package msp_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/fault"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

func storeEnv(t *testing.T) (*apptest.Env, *tenantdb.DB) {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	return e, e.DB("bilisim")
}

var tech = msp.Actor{UserID: 1, Name: "Ayşe"}

// Forty writers at once get forty different numbers 1..40 in a row; a ticket refused for bad
// input uses no number, so the next one follows without a gap.
func TestTicketNumbersUnderConcurrency(t *testing.T) {
	t.Parallel()
	_, db := storeEnv(t)
	ctx := context.Background()
	const n = 40
	nums := make([]int, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: fmt.Sprintf("Yazıcı %d yazdırmıyor", i)}, tech)
			if err != nil {
				errs <- err
				return
			}
			nums[i] = int(tk.Number)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Ints(nums)
	for i, v := range nums {
		if v != i+1 {
			t.Fatalf("numbers %v: want 1..%d without gaps or duplicates", nums, n)
		}
	}
	if _, err := msp.Create(ctx, db, msp.NewTicket{Subject: "  ", Priority: "p9"}, tech); fault.KindOf(err) != fault.KindInvalid {
		t.Fatalf("bad ticket: %v", err)
	} else if keys := fault.FieldKeys(err); keys["subject"] == "" || keys["priority"] == "" {
		t.Fatalf("field errors: %v", keys)
	}
	tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Sunucu yanıt vermiyor", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Ref() != "T-000041" {
		t.Fatalf("after a refused ticket: %s, want T-000041", tk.Ref())
	}
}

func TestStatusTransitionsAndHooks(t *testing.T) {
	// Not parallel: registers a hook (global for the process).
	_, db := storeEnv(t)
	ctx := context.Background()
	var seen []string
	var mu sync.Mutex
	refuse := false
	msp.OnStatusChange(func(ctx context.Context, tx *sql.Tx, c msp.StatusChange) error {
		if c.Ticket.Subject != "Geçiş testi" {
			return nil
		}
		if refuse {
			return errors.New("hook refuses")
		}
		mu.Lock()
		seen = append(seen, c.From+">"+c.To)
		mu.Unlock()
		return nil
	})
	tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Geçiş testi"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		to   string
		want error
	}{
		{msp.StatusWaitingCustomer, nil},
		{msp.StatusNew, msp.ErrTransition},
		{msp.StatusOpen, nil},
		{msp.StatusResolved, nil},
		{msp.StatusWaitingThirdParty, msp.ErrTransition},
		{msp.StatusOpen, nil}, // reopened
		{msp.StatusClosed, nil},
		{msp.StatusOpen, msp.ErrClosed},
	}
	for _, s := range steps {
		_, err := msp.SetStatus(ctx, db, tk.ID, s.to, tech)
		if !errors.Is(err, s.want) {
			t.Fatalf("→ %s: %v, want %v", s.to, err, s.want)
		}
	}
	got, err := msp.TicketByID(ctx, db.Read, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != msp.StatusClosed || got.ClosedAt == 0 || got.ResolvedAt == 0 {
		t.Fatalf("closed ticket: %+v", got)
	}
	want := ">new new>waiting_customer waiting_customer>open open>resolved resolved>open open>closed"
	if fmt.Sprint(seen) != "["+want+"]" {
		t.Fatalf("hooks saw %v, want [%s]", seen, want)
	}
	evs, err := msp.Events(ctx, db.Read, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 6 || evs[0].Kind != "created" || evs[5].To != msp.StatusClosed {
		t.Fatalf("timeline: %d events", len(evs))
	}
	// A hook's error rolls the change back.
	tk2, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Geçiş testi"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	refuse = true
	if _, err := msp.SetStatus(ctx, db, tk2.ID, msp.StatusOpen, tech); err == nil {
		t.Fatal("hook error did not stop the change")
	}
	refuse = false
	if got, _ := msp.TicketByID(ctx, db.Read, tk2.ID); got.Status != msp.StatusNew {
		t.Fatalf("after a refused hook: %s", got.Status)
	}
	if evs, _ := msp.Events(ctx, db.Read, tk2.ID); len(evs) != 1 {
		t.Fatalf("after a refused hook: %d events", len(evs))
	}
}
