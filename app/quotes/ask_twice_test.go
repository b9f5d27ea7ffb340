package quotes_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestQuestionSentTwiceStoredOnce: a customer taps "Soruyu gönder" on the quote's page twice on a
// slow phone (two posts at once), then once more after the page came back. The question lands in
// the conversation once, with one action log, and each post is answered as the first was; a
// different question is stored as usual. Before, every post was a new message, so the operator
// read the same question two or three times.
func TestQuestionSentTwiceStoredOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	_, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	cust := f.e.Client()
	ask := func(q string) {
		t.Helper()
		if r := cust.Post(link+"/ask", url.Values{"question": {q}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("ask %q: %d", q, r.StatusCode)
		}
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { ask("Nakliye dahil mi?") })
	}
	wg.Wait()
	ask("Nakliye dahil mi?")
	count := func(q string) int {
		return f.count(t, `SELECT count(*) FROM messages WHERE direction = 'inbound' AND body LIKE ?`, "%] "+q)
	}
	if n := count("Nakliye dahil mi?"); n != 1 {
		t.Errorf("the question sent three times is stored %d times", n)
	}
	if n := f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'quote_question'`); n != 1 {
		t.Errorf("%d action logs for one question", n)
	}
	ask("Montaj ne zaman olur?")
	if n := count("Montaj ne zaman olur?"); n != 1 {
		t.Errorf("another question is stored %d times", n)
	}
}
