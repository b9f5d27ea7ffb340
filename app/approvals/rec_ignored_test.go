package approvals_test

import (
	"fmt"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// The queue's address says what it cannot follow: a page link cut or garbled (?after=zzz) opens
// the first page with a line saying so; ?rec=abc is named as a filter it cannot read; a
// recommendation that no longer exists (?rec=999999, from an old notification) shows the whole
// queue with a line saying it is gone, not "one conversation: 0 recommendations".
func TestQueueAddressNotFollowedIsSaid(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	seedQueue(t, e.DB("acme"), 4, 2)
	for _, tc := range []struct{ query, key, words string }{
		{"after=zzz", "after", "first page"},
		{"rec=abc", "rec", "abc"},
		{"rec=999999", "rec", "#999999"},
	} {
		doc := op.Get("/app/approvals/?lang=en&" + tc.query).Doc(t)
		if sum := doc.Find("[data-queue-summary]").Text(); !strings.Contains(sum, "8") {
			t.Errorf("%s: summary %q, want the whole queue (8)", tc.query, sum)
		}
		if note := doc.Find(`#queue .ignored-filters [data-ignored-filter="` + tc.key + `"]`).Text(); !strings.Contains(note, tc.words) {
			t.Errorf("%s: notice %q, want it to say %q", tc.query, note, tc.words)
		}
	}
	if note := op.Get("/app/approvals/?lang=tr&rec=999999").Doc(t).Find(`[data-ignored-filter="rec"]`).Text(); !strings.Contains(note, "artık yok") {
		t.Errorf("Turkish: %q", note)
	}
	// A recommendation that exists opens its conversation, without a notice.
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM decision_recommendations LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if doc := op.Get(fmt.Sprintf("/app/approvals/?rec=%d", id)).Doc(t); doc.Find(".ignored-filters").Length() != 0 || doc.Find(fmt.Sprintf("#rec-%d", id)).Length() != 1 {
		t.Errorf("an open recommendation: notice or no card")
	}
}
