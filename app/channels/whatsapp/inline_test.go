package whatsapp_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// setupNoRunner is setup with the job runner stopped: whatever is in the inbox after a 200 was
// put there by the webhook's own transaction.
func setupNoRunner(t *testing.T) *fixture {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", map[string]string{"whatsapp_app_secret": testSecret})
	return &fixture{e: e, key: e.APIKey("acme", "whatsapp_webhook"), secret: testSecret}
}

// TestAcknowledgedDeliveryIsAlreadyInTheInbox: the transaction that stores a delivery also
// processes it, so when Meta gets its 200 the message is an inbox message and the delivery's job
// is done, with no job runner involved. Before, the 200 only meant a queued job, and the inbox
// fell behind a burst by as much as the runner's backlog.
func TestAcknowledgedDeliveryIsAlreadyInTheInbox(t *testing.T) {
	f := setupNoRunner(t)
	if r := f.post(payload(textMsg("905321234567", "wamid.IN1", "Kilit parke için keşif rica ediyorum")), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	if got := f.body(t, "wamid.IN1"); got != "Kilit parke için keşif rica ediyorum" {
		t.Fatalf("stored %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'done' AND attempts = 1`, whatsapp.JobProcess); n != 1 {
		t.Fatalf("%d delivery jobs done, want the one stored with its message", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE provider = 'whatsapp_webhook' AND action_type = 'message_received'`); n != 1 {
		t.Fatalf("%d message_received log rows, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = 'ai_triage' AND status = 'queued'`); n != 1 {
		t.Fatalf("%d triage jobs queued, want 1", n)
	}
	// The same delivery again is a logged duplicate, processed in the same way.
	if r := f.post(payload(textMsg("905321234567", "wamid.IN1", "Kilit parke için keşif rica ediyorum")), nil); r.StatusCode != 200 {
		t.Fatalf("redelivery status %d: %s", r.StatusCode, r.Body)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.IN1'`); n != 1 {
		t.Fatalf("redelivered message stored %d times", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'message_duplicate'`); n != 1 {
		t.Fatalf("%d duplicates logged, want 1", n)
	}
}

// TestDeliveryThatCannotBeProcessedIsStillStored: when processing fails inside the storing
// transaction, the delivery is stored queued for the job runner and still answered 200, so it is
// never lost; deliveries after it queue behind it (never processed out of order) until the runner
// has worked the queue, and then the webhook processes on its own again.
func TestDeliveryThatCannotBeProcessedIsStillStored(t *testing.T) {
	f := setupNoRunner(t)
	db := f.e.DB("acme")
	// A fault only this message meets: the insert of its inbox row fails.
	if _, err := db.Write.Exec(`CREATE TRIGGER fail_one BEFORE INSERT ON messages WHEN NEW.provider_message_id = 'wamid.BAD'
		BEGIN SELECT RAISE(ABORT, 'injected fault'); END`); err != nil {
		t.Fatal(err)
	}
	if r := f.post(payload(textMsg("905321234567", "wamid.BAD", "ilk mesaj")), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, whatsapp.JobProcess); n != 1 {
		t.Fatalf("%d delivery jobs queued, want the one that failed to process", n)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.BAD'`); n != 0 {
		t.Fatal("a message of the failed transaction was kept")
	}
	if r := f.post(payload(textMsg("905321234567", "wamid.NEXT", "ikinci mesaj")), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, whatsapp.JobProcess); n != 2 {
		t.Fatalf("%d delivery jobs queued, want 2: the second waits behind the first", n)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.NEXT'`); n != 0 {
		t.Fatal("the second message overtook the first one")
	}
	// The fault goes away; the runner works the queue in order, then the webhook processes again.
	if _, err := db.Write.Exec(`DROP TRIGGER fail_one`); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Server.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.settle(t)
	var first, second int64
	if err := db.Read.QueryRow(`SELECT (SELECT id FROM messages WHERE provider_message_id = 'wamid.BAD'),
		(SELECT id FROM messages WHERE provider_message_id = 'wamid.NEXT')`).Scan(&first, &second); err != nil {
		t.Fatal(err)
	}
	if first == 0 || second <= first {
		t.Fatalf("message ids %d then %d: both stored, in the order they arrived", first, second)
	}
	if r := f.post(payload(textMsg("905321234567", "wamid.THIRD", "üçüncü mesaj")), nil); r.StatusCode != 200 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	if got := f.body(t, "wamid.THIRD"); got != "üçüncü mesaj" {
		t.Fatalf("stored %q", got)
	}
}

// TestDeliveriesWaitingForTheWriterShareItsNextCommit: a group of deliveries is formed once its
// transaction holds the tenant's writer, so deliveries that arrive while it waits (behind the job
// runner's or the search's transaction) are committed with it. Before, the first delivery's group
// was fixed before the wait and the others waited for a second commit after it: under load most
// groups held two or three deliveries, each paying a whole commit.
func TestDeliveriesWaitingForTheWriterShareItsNextCommit(t *testing.T) {
	f := setupNoRunner(t)
	h := f.e.Handlers.Channels.WhatsApp
	var mu sync.Mutex
	var groups []int
	prev := h.Processed
	h.Processed = func(n int, took time.Duration) {
		mu.Lock()
		groups = append(groups, n)
		mu.Unlock()
		if prev != nil {
			prev(n, took)
		}
	}
	t.Cleanup(func() { h.Processed = prev })
	// Someone else holds the writer (as the search job or a runner's claim does).
	hold, err := f.e.DB("acme").Write.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	codes := make(chan int, n)
	for i := range n {
		go func() {
			r := f.post(payload(textMsg(fmt.Sprintf("9053212300%02d", i), fmt.Sprintf("wamid.WAIT%d", i), "keşif ne zaman?")), nil)
			codes <- r.StatusCode
		}()
	}
	for hang := time.Now().Add(time.Minute); whatsapp.Unanswered(h, "acme") < n; time.Sleep(time.Millisecond) {
		if time.Now().After(hang) {
			t.Fatalf("%d of %d deliveries reached the webhook's commit queue in a minute", whatsapp.Unanswered(h, "acme"), n)
		}
	}
	if err := hold.Rollback(); err != nil {
		t.Fatal(err)
	}
	for range n {
		if c := <-codes; c != 200 {
			t.Fatalf("status %d", c)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(groups, []int{n}) {
		t.Fatalf("the %d deliveries that waited for the writer were committed in groups %v, want one group of %d", n, groups, n)
	}
	if got := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id LIKE 'wamid.WAIT%'`); got != n {
		t.Fatalf("%d of %d messages stored", got, n)
	}
}
