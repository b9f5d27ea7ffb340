package leads_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A stage that is not one of the list (a tampered form) is refused with its message next to the
// stage field: the page said "Lütfen aşağıdaki alanları düzeltin." with nothing marked below it.
func TestLeadStageRefusalIsShownAtTheField(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "ayse", "operator")
	lead := importedLead(t, e, "acme", "s-1", "Aday", "new")
	r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"bogus"}})
	if r.StatusCode != 422 {
		t.Fatalf("bogus stage: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if got := strings.TrimSpace(doc.Find("#lead-stage-select").Parent().Find(".field-error").Text()); got != "Sunulan seçeneklerden birini seçin." {
		t.Errorf("stage field error %q", got)
	}
	if _, ok := doc.Find("#lead-stage-select").Attr("aria-invalid"); !ok {
		t.Error("the stage field is not marked invalid")
	}
	if s := stageOf(t, e, "acme", lead); s != "new" {
		t.Errorf("stage now %s", s)
	}
}

// Marking lost a lead with other open conversations is refused with their number in a sentence
// that fits it: "1 other open conversation(s)" read as a form, not as English.
func TestLostRefusalCountsTheOtherConversations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	op := e.User("acme", "ayse", "operator")
	lead, _ := seed(t, e, "acme", "whatsapp", "905321110000", "Ayşe", "+90 532 111 00 00", "Merhaba", nil)
	refusal := func() string {
		t.Helper()
		if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"lost"}}); r.StatusCode != 303 {
			t.Fatalf("lost: %d %s", r.StatusCode, r.Body)
		}
		return strings.TrimSpace(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find(".flash").Text())
	}
	if l, _ := seed(t, e, "acme", "email", "thread-1", "Ayşe", "+90 532 111 00 00", "Hello", nil); l != lead {
		t.Fatalf("second conversation on lead %d, want %d", l, lead)
	}
	if got, want := refusal(), "This lead still has 1 other open conversation; close it in the inbox before marking the lead lost."; got != want {
		t.Errorf("one other:\n got %q\nwant %q", got, want)
	}
	if l, _ := seed(t, e, "acme", "webchat", "visitor-1", "Ayşe", "+90 532 111 00 00", "Hi", nil); l != lead {
		t.Fatalf("third conversation on lead %d, want %d", l, lead)
	}
	if got, want := refusal(), "This lead still has 2 other open conversations; close them in the inbox before marking the lead lost."; got != want {
		t.Errorf("two others:\n got %q\nwant %q", got, want)
	}
	if s := stageOf(t, e, "acme", lead); s == "lost" {
		t.Error("the lead was marked lost")
	}
}

// A move to an earlier step was refused with "To go back, change its conversation in the inbox",
// but a conversation set back never takes its lead back (the stage only moves forward): an
// operator who did as told found the lead where it was. The refusal now says the stage does not go
// back, and the conversation form indeed leaves it.
func TestBackwardsRefusalSaysTheStageStays(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	op := e.User("acme", "ayse", "operator")
	lead, conv := seed(t, e, "acme", "whatsapp", "905321110001", "Ayşe", "+90 532 111 00 01", "Merhaba", nil)
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"proposal"}}); r.StatusCode != 303 || stageOf(t, e, "acme", lead) != "proposal" {
		t.Fatalf("to proposal: %d, stage %s", r.StatusCode, stageOf(t, e, "acme", lead))
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"contacted"}}); r.StatusCode != 303 {
		t.Fatalf("back to contacted: %d %s", r.StatusCode, r.Body)
	}
	got := strings.TrimSpace(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find(".flash").Last().Text())
	want := "A lead only moves forward through new → contacted → qualified → proposal; its stage does not go back, also when its conversation is set back in the inbox."
	if got != want {
		t.Errorf("backwards refusal:\n got %q\nwant %q", got, want)
	}
	// What the old refusal told the operator to do leaves the lead where it stands.
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", conv), url.Values{"state": {"contacted"}}); r.StatusCode >= 400 {
		t.Fatalf("conversation back to contacted: %d", r.StatusCode)
	}
	if s := stageOf(t, e, "acme", lead); s != "proposal" {
		t.Errorf("lead stage after the conversation was set back: %s, want proposal", s)
	}
}

// A won or lost lead moved to a step was refused with "Reopen its conversation in the inbox to work
// it again", yet a reopened conversation leaves the lead's outcome as it is and the same move is
// refused again. The refusal now says the outcome stays, also with the conversation reopened, and
// what still moves it: Won (or Lost).
func TestClosedRefusalSaysTheOutcomeStays(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	op := e.User("acme", "ayse", "operator")
	lead, conv := seed(t, e, "acme", "whatsapp", "905321110002", "Ayşe", "+90 532 111 00 02", "Merhaba", nil)
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"lost"}}); r.StatusCode != 303 || stageOf(t, e, "acme", lead) != "lost" {
		t.Fatalf("to lost: %d, stage %s", r.StatusCode, stageOf(t, e, "acme", lead))
	}
	// What the old refusal told the operator to do: reopen the conversation.
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", conv), url.Values{"state": {"contacted"}}); r.StatusCode >= 400 {
		t.Fatalf("reopen: %d", r.StatusCode)
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"qualified"}}); r.StatusCode != 303 {
		t.Fatalf("to qualified: %d %s", r.StatusCode, r.Body)
	}
	got := strings.TrimSpace(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find(".flash").Last().Text())
	want := "This lead is already won or lost and keeps its outcome, also when its conversation is reopened; it does not go back to an earlier step. It can still be marked won, or a won lead lost."
	if got != want || stageOf(t, e, "acme", lead) != "lost" {
		t.Errorf("refusal for a lost lead with its conversation reopened (stage %s):\n got %q\nwant %q", stageOf(t, e, "acme", lead), got, want)
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"won"}}); r.StatusCode != 303 || stageOf(t, e, "acme", lead) != "won" {
		t.Fatalf("to won: %d, stage %s", r.StatusCode, stageOf(t, e, "acme", lead))
	}
}
