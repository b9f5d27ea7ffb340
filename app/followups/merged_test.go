package followups_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The same person came twice: a web chat visitor whose follow-up waits for approval, and a second
// visit the owner merges the first into. The sequence's conversation moved to the kept lead with
// the merge, and the kept lead's page lists the sequence; it kept the merged lead's id, so the kept
// lead's page showed no follow-up at all while a draft to the person waited in the queue. Erasing
// the person (KVKK) stops it and withdraws the draft (it did already: the erasure covers the leads
// merged in).
func TestSequenceOfAMergedLead(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	conv, merged := f.visitor(t, "v71", "Deniz", t0, true)
	f.run(t, t0.Add(5*time.Hour))
	s := f.seq(t, conv)
	if s == nil || s.Status != "waiting" {
		t.Fatalf("no waiting sequence: %+v", s)
	}
	_, kept := f.visitor(t, "v72", "Deniz Kaya", t0, false) // another visitor, no consent: no sequence of its own
	owner := f.e.User("acme", "sahip", "owner")
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/merge", kept), url.Values{"merge_id": {itoa(merged)}}); r.StatusCode != 303 {
		t.Fatalf("merge: %d %s", r.StatusCode, r.Body)
	}
	r := owner.Get(fmt.Sprintf("/app/leads/%d/", kept))
	if got := r.Doc(t).Find("#lead-followups").Text(); !strings.Contains(got, "Takip 1 / 2 onay bekliyor") {
		t.Errorf("the kept lead's page shows no follow-up: %q", got)
	}
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", kept), url.Values{"reason": {"istedi"}, "confirm": {"SİL"}}); r.StatusCode != 303 {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if got := f.seq(t, conv); got.Status != "stopped" || got.StopReason != "no_consent" {
		t.Errorf("after erasing the person the sequence is %s (%s)", got.Status, got.StopReason)
	}
	if st := f.rec(t, s.RecommendationID).Status; st != "rejected" {
		t.Errorf("the draft to the erased person is %s", st)
	}
}
