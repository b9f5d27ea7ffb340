package leads_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A lead already lost (dragged to Lost on the board, which asks for no reason) gets its reason on
// its page: the Stage form, its select on Lost, with the reason typed. The reason was dropped while
// the page said "Aşama değiştirildi.", so the one place to say why a deal was lost kept nothing.
func TestLostReasonOfALeadAlreadyLost(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	lead := importedLead(t, e, "acme", "lr-1", "Aday", "qualified")
	path := fmt.Sprintf("/app/leads/%d/stage", lead)
	// The board's move: no reason.
	if r := op.Post(path, url.Values{"stage": {"lost"}, "next": {"/app/pipeline/"}}); r.StatusCode != 303 {
		t.Fatalf("board move: %d %s", r.StatusCode, r.Body)
	}
	reason := func() string {
		var s string
		if err := e.DB("acme").Read.QueryRow(`SELECT lost_reason FROM leads WHERE id = ?`, lead).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The lead page's form, its select already on Lost.
	if r := op.Post(path, url.Values{"stage": {"lost"}, "note": {"Fiyatı yüksek buldu, başka firmayla anlaştı"}}); r.StatusCode != 303 {
		t.Fatalf("reason: %d %s", r.StatusCode, r.Body)
	}
	if got := reason(); got != "Fiyatı yüksek buldu, başka firmayla anlaştı" {
		t.Fatalf("lost reason %q", got)
	}
	doc := op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t)
	if got := strings.TrimSpace(doc.Find(".flash").Text()); got != "Kaybedilme nedeni kaydedildi." {
		t.Errorf("flash %q", got)
	}
	if !strings.Contains(doc.Find("dd").Text(), "başka firmayla anlaştı") {
		t.Error("the page does not show the reason")
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline' AND payload LIKE '%başka firmayla%'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("reason logged %d times (%v)", n, err)
	}
	// The same reason again changes nothing and is not logged twice; a lost lead posted with no
	// reason keeps its reason and is not said to be moved.
	op.Post(path, url.Values{"stage": {"lost"}, "note": {"Fiyatı yüksek buldu, başka firmayla anlaştı"}})
	op.Post(path, url.Values{"stage": {"lost"}})
	if got := reason(); got != "Fiyatı yüksek buldu, başka firmayla anlaştı" {
		t.Errorf("lost reason after an empty post %q", got)
	}
	if got := strings.TrimSpace(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find(".flash").Text()); got != "Aday zaten bu aşamada; bir şey değişmedi." {
		t.Errorf("flash after an empty post %q", got)
	}
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline' AND payload LIKE '%başka firmayla%'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("reason logged %d times (%v)", n, err)
	}
}

// A reason typed with a move to a stage other than Lost was dropped while the lead moved and the
// page said "Aşama değiştirildi.": the operator believed it kept. Now nothing moves, the page says
// why in the reader's language and keeps what was typed and the stage chosen.
func TestAReasonWithAnotherStageIsNotDropped(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	lead := importedLead(t, e, "acme", "lr-2", "Aday", "contacted")
	r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"qualified"}, "from": {"contacted"}, "note": {"Bütçesi yetmedi"}})
	if r.StatusCode != 422 {
		t.Fatalf("move with a reason: %d", r.StatusCode)
	}
	var stage, reason string
	if err := e.DB("acme").Read.QueryRow(`SELECT stage, lost_reason FROM leads WHERE id = ?`, lead).Scan(&stage, &reason); err != nil {
		t.Fatal(err)
	}
	if stage != "contacted" || reason != "" {
		t.Errorf("after the refused move: stage %q, reason %q", stage, reason)
	}
	doc := r.Doc(t)
	if v, _ := doc.Find("#lead-note").Attr("value"); v != "Bütçesi yetmedi" {
		t.Errorf("typed reason not kept: %q", v)
	}
	if got := doc.Find("#lead-note-error").Text(); !strings.Contains(got, "Kaybedildi") {
		t.Errorf("field error %q", got)
	}
	if v, _ := doc.Find("#lead-stage-select option[selected]").Attr("value"); v != "qualified" {
		t.Errorf("chosen stage not kept: %q", v)
	}
	// Without the reason the same move goes through.
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"qualified"}, "from": {"contacted"}}); r.StatusCode != 303 {
		t.Fatalf("move: %d %s", r.StatusCode, r.Body)
	}
}
