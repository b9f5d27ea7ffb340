package whatsapp_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/inbox"
)

// TestSearchCatchesUpUnderLoad: the search documents are rebuilt off the acknowledging path (the
// inbox_search job), and the search still finds every message's words soon after its 200 while
// deliveries keep arriving: 16 clients offer 300 messages a second for two seconds, each with a
// word of its own; nine in ten come from senders of their own, one in ten from a regular whose
// thread is long (a search document over 16 KB, rebuilt at most every 0.7 s), and a reader
// outside the server looks for the words every 20 ms. The 99th percentile from the 200 to the
// word being found is at most 2 s (the README's inbox-lag bar), so is the slowest of the long
// thread's, and every word is found through the inbox's own search at the end.
func TestSearchCatchesUpUnderLoad(t *testing.T) {
	f := setup(t, nil)
	db := f.e.DB("acme")
	const clients, rate, total = 16, 300, 600
	const regular = "905400099999"
	word := func(i int) string { return fmt.Sprintf("arama%dkelime", i) }
	sender := func(i int) string {
		if i%10 == 0 {
			return regular
		}
		return fmt.Sprintf("9054%08d", i)
	}
	long := strings.Repeat("Merhaba; bahçe, garaj yolu ve havuz kenarı için ayrı ayrı teklif rica ediyorum. ", 70)
	for i := range 4 { // the regular's long thread: about 23 KB
		if r := f.post(payload(textMsg(regular, fmt.Sprintf("wamid.long%d", i), long)), nil); r.StatusCode != 200 {
			t.Fatalf("long message %d: status %d", i, r.StatusCode)
		}
	}

	var mu sync.Mutex
	acked := map[int]time.Time{} // message → when it was acknowledged
	found := map[int]time.Time{} // message → when the search first found its word
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() { // the outside reader
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			mu.Lock()
			var want []int
			for i := range acked {
				if _, ok := found[i]; !ok {
					want = append(want, i)
				}
			}
			mu.Unlock()
			if len(want) == 0 {
				continue
			}
			now := time.Now()
			got := findWords(t, db.Read, want, word, sender, regular)
			mu.Lock()
			for _, i := range got {
				found[i] = now
			}
			mu.Unlock()
		}
	}()

	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for i := c; i < total; i += clients {
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / rate)))
				body := payload(textMsg(sender(i), fmt.Sprintf("wamid.search%d", i), "Fiyat sorusu: "+word(i)+" lütfen"))
				if r := f.post(body, nil); r.StatusCode != 200 {
					t.Errorf("delivery %d: status %d", i, r.StatusCode)
					return
				}
				mu.Lock()
				acked[i] = time.Now()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	deadline := time.Now().Add(30 * time.Second) // only a bound for a broken job; the bar is checked below
	for {
		mu.Lock()
		n := len(found)
		mu.Unlock()
		if n == total || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	<-watched

	var lags []time.Duration
	var longMax time.Duration
	for i, at := range acked {
		if f, ok := found[i]; ok {
			lags = append(lags, max(0, f.Sub(at)))
			if sender(i) == regular {
				longMax = max(longMax, f.Sub(at))
			}
		}
	}
	if len(lags) != total {
		t.Fatalf("the search found %d of %d acknowledged messages within 30 s", len(lags), total)
	}
	slices.Sort(lags)
	p50, p99 := lags[len(lags)/2], lags[len(lags)*99/100]
	t.Logf("search lag at %d msgs/s offered: p50 %s, p99 %s, max %s; the long thread's slowest %s", rate, p50, p99, lags[len(lags)-1], longMax)
	if p99 > 2*time.Second || longMax > 2*time.Second {
		t.Errorf("search lag p99 %s, the long thread's slowest %s: want both at most 2 s", p99, longMax)
	}
	for _, i := range []int{0, 1, total / 2, total - 1} { // the inbox's own search, as a person types it
		rows, _, err := inbox.List(context.Background(), db.Read, inbox.Filter{Q: word(i)})
		if err != nil || len(rows) != 1 {
			t.Errorf("search %q: %d conversations (%v), want 1", word(i), len(rows), err)
		}
	}
	// A document the assistant rebuilt (its triage writes a summary) may still be queued for the
	// job, which rebuilds it once more: the queue empties within the bar all the same.
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n := f.count(t, `SELECT count(*) FROM search_pending`)
		if n == 0 {
			break
		}
		if time.Now().After(end) {
			t.Errorf("%d conversations still wait for their search document 2 s after every word was found", n)
			break
		}
	}
}

// findWords reports which of the messages' words the search index holds now: the words of
// senders of their own in one query (the conversations matching any of them, by sender, the
// WhatsApp thread key), the regular's one by one.
func findWords(t *testing.T, read *sql.DB, msgs []int, word func(int) string, sender func(int) string, regular string) []int {
	var terms []string
	bySender := map[string]int{}
	var out []int
	for _, i := range msgs {
		if sender(i) == regular {
			var n int
			if err := read.QueryRow(`SELECT count(*) FROM conversation_search WHERE conversation_search MATCH ?`, `"`+word(i)+`"`).Scan(&n); err != nil {
				t.Error(err)
				return nil
			}
			if n > 0 {
				out = append(out, i)
			}
			continue
		}
		terms = append(terms, `"`+word(i)+`"`)
		bySender[sender(i)] = i
	}
	if len(terms) == 0 {
		return out
	}
	rows, err := read.Query(`SELECT c.external_id FROM conversation_search s JOIN conversations c ON c.id = s.rowid
		WHERE conversation_search MATCH ?`, strings.Join(terms, " OR "))
	if err != nil {
		t.Error(err)
		return nil
	}
	defer rows.Close()
	for rows.Next() {
		var ext string
		if err := rows.Scan(&ext); err != nil {
			t.Error(err)
			return nil
		}
		if i, ok := bySender[ext]; ok {
			out = append(out, i)
		}
	}
	return out
}
