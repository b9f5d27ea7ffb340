package approvals_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Deciding a card on the queue left "N recommendations wait for a decision" at N until a reload.
// The queue sends its filters with every decision (hx-vals on #queue, as htmx adds them to the
// card's form), and the decided card's answer redraws that line out of band with the count its
// filters still match.
func TestQueueCountGoesDownAfterADecision(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	seedQueue(t, e.DB("acme"), 4, 5)
	db := e.DB("acme").Read
	count := func(where string) int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE status = 'pending'` + where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct{ page, where string }{{"/app/approvals/", ""}, {"/app/approvals/?kind=stock", ` AND action_type = 'stock'`}} {
		doc := op.Get(c.page).Doc(t)
		vals, ok := doc.Find("#queue").Attr("hx-vals")
		if !ok {
			t.Fatalf("%s: #queue sends no filters with its decisions", c.page)
		}
		var sent map[string]string
		if err := json.Unmarshal([]byte(vals), &sent); err != nil {
			t.Fatalf("%s: hx-vals %q: %v", c.page, vals, err)
		}
		id, _ := doc.Find("#queue [data-rec-id]").First().Attr("data-rec-id")
		form := url.Values{"reason": {"yok"}}
		for k, v := range sent {
			form.Set(k, v)
		}
		req, _ := http.NewRequest("POST", e.URL+"/app/approvals/"+id+"/reject", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		r := op.Do(req)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: reject %s: %d", c.page, id, r.StatusCode)
		}
		want := count(c.where)
		got := r.Doc(t).Find("#queue-summary[hx-swap-oob]").Text()
		if !strings.Contains(got, strconv.Itoa(want)) {
			t.Errorf("%s: out-of-band count line %q, want %d", c.page, got, want)
		}
		if again := op.Get(c.page).Doc(t).Find("#queue-summary").Text(); again != got {
			t.Errorf("%s: the line after a reload %q differs from the one drawn in place %q", c.page, again, got)
		}
	}
}
