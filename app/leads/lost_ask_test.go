package leads_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// One tap on "Lost" in a card's Move… menu (or a drag onto the Lost column, or Shift+→) lost the
// lead at once, with no reason and no way back on the board. Now a move to lost from the board
// that does not carry confirm=1 changes nothing and answers the board with that card asking
// "Why was it lost?" (Mark lost, Cancel); Cancel redraws the board unchanged; Mark lost stores
// the stage and the reason typed. A move the rules refuse is refused without the question.
func TestBoardAsksBeforeALeadIsLost(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "en")
	ayse := e.User("parke", "ayse", "operator")
	lead, _ := seed(t, e, "parke", "webchat", "v1", "Kemal Usta", "+90 532 444 55 66", "Garden stone price?", nil)
	path := fmt.Sprintf("/app/leads/%d/stage", lead)
	board := ayse.Get("/app/pipeline/").Doc(t)
	move := formValues(t, board, fmt.Sprintf(`[data-card="%d"] form[data-move-form]`, lead))
	move.Set("stage", "lost") // as the menu's button, a drop or Shift+→ sends it
	var logsBefore int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline'`).Scan(&logsBefore)

	r := ayse.Do(htmxPost(t, ayse, path, move))
	if r.StatusCode != 200 {
		t.Fatalf("unconfirmed move to lost: %d", r.StatusCode)
	}
	if s := stageOf(t, e, "parke", lead); s != "new" {
		t.Fatalf("an unconfirmed move to lost made the lead %s", s)
	}
	var logsAfter int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline'`).Scan(&logsAfter)
	if logsAfter != logsBefore {
		t.Errorf("an unconfirmed move to lost logged %d actions", logsAfter-logsBefore)
	}
	doc := r.Doc(t)
	card := doc.Find(fmt.Sprintf(`[data-column="new"] [data-card="%d"]`, lead))
	if card.Length() != 1 {
		t.Fatal("the card is not under New while it asks")
	}
	ask := card.Find("form[data-lost-form]")
	if ask.Length() != 1 {
		t.Fatal("the card does not ask why the lead was lost")
	}
	if got := ask.Find("label").Text(); got != "Why was it lost?" {
		t.Errorf("question %q", got)
	}
	if ask.Find(`input[name="note"]`).Length() != 1 || ask.Find(`button[name="confirm"][value="1"]`).Text() != "Mark lost" ||
		ask.Find(`button[name="cancel"]`).Text() != "Cancel" {
		t.Errorf("the form lacks its reason, Mark lost or Cancel: %s", mustHTML(ask.Html()))
	}
	if doc.Find("form[data-lost-form]").Length() != 1 {
		t.Error("other cards ask too")
	}

	// Cancel: nothing changes, the board is drawn again without the question.
	answer := formValues(t, doc, "form[data-lost-form]")
	cancel := url.Values{}
	for k, v := range answer {
		cancel[k] = v
	}
	cancel.Set("cancel", "1")
	r = ayse.Do(htmxPost(t, ayse, path, cancel))
	if r.StatusCode != 200 || stageOf(t, e, "parke", lead) != "new" {
		t.Fatalf("cancel: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", lead))
	}
	if d := r.Doc(t); d.Find("form[data-lost-form]").Length() != 0 || d.Find(fmt.Sprintf(`[data-column="new"] [data-card="%d"]`, lead)).Length() != 1 {
		t.Error("after Cancel the board still asks, or the card left New")
	}

	// Mark lost, with a reason.
	answer.Set("note", "Went with a cheaper offer")
	answer.Set("confirm", "1")
	r = ayse.Do(htmxPost(t, ayse, path, answer))
	if r.StatusCode != 200 {
		t.Fatalf("mark lost: %d", r.StatusCode)
	}
	if s := stageOf(t, e, "parke", lead); s != "lost" {
		t.Fatalf("Mark lost left the lead %s", s)
	}
	var logsLost int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline'`).Scan(&logsLost)
	if logsLost != logsBefore+1 {
		t.Errorf("Mark lost logged %d pipeline actions, want 1", logsLost-logsBefore)
	}
	var reason string
	if err := e.DB("parke").Read.QueryRow(`SELECT lost_reason FROM leads WHERE id = ?`, lead).Scan(&reason); err != nil || reason != "Went with a cheaper offer" {
		t.Errorf("lost reason %q (%v)", reason, err)
	}
	if d := r.Doc(t); d.Find(fmt.Sprintf(`[data-column="lost"] [data-card="%d"]`, lead)).Length() != 1 || d.Find("form[data-lost-form]").Length() != 0 {
		t.Error("after Mark lost the card is not under Lost, or still asks")
	}

	// A stale board is refused before anything is asked (the card moved on meanwhile).
	other, _ := seed(t, e, "parke", "webchat", "v2", "Deniz Usta", "+90 532 444 55 67", "Paving price?", nil)
	stale := formValues(t, ayse.Get("/app/pipeline/").Doc(t), fmt.Sprintf(`[data-card="%d"] form[data-move-form]`, other))
	if r := ayse.Post(fmt.Sprintf("/app/leads/%d/stage", other), url.Values{"stage": {"won"}}); r.StatusCode != 303 {
		t.Fatalf("won: %d", r.StatusCode)
	}
	stale.Set("stage", "lost")
	r = ayse.Do(htmxPost(t, ayse, fmt.Sprintf("/app/leads/%d/stage", other), stale))
	if r.StatusCode != 409 || stageOf(t, e, "parke", other) != "won" {
		t.Fatalf("stale move to lost: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", other))
	}
	if d := r.Doc(t); d.Find("form[data-lost-form]").Length() != 0 || !strings.Contains(d.Find("[data-board-error]").Text(), "moved") {
		t.Errorf("a stale move asked instead of refusing: %q", d.Find("[data-board-error]").Text())
	}
}

func mustHTML(s string, _ error) string { return s }
