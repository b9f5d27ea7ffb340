package leads_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// formValues are the inputs of the form sel on a page, as a browser sends them.
func formValues(t *testing.T, doc *goquery.Document, sel string) url.Values {
	t.Helper()
	f := doc.Find(sel)
	if f.Length() != 1 {
		t.Fatalf("form %s: %d found", sel, f.Length())
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Add(n, val)
	})
	return v
}

// Two people work the same lead: Ayşe has the board open, the card under Proposal, while Mehmet
// marks the sale won. Ayşe's move to Lost from her board (or her lead page, drawn before) turned
// the won sale into a lost one without a word; now the move is refused (409) with the reason, the
// board is redrawn showing the card where it stands, and nothing changes. A move to the stage the
// lead already stands at (a double tap) is no refusal.
func TestMoveFromAPageDrawnBeforeTheLeadMoved(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	ayse := e.User("parke", "ayse", "operator")
	mehmet := e.User("parke", "mehmet", "operator")
	lead, _ := seed(t, e, "parke", "webchat", "v1", "Kemal Usta", "+90 532 444 55 66", "Bahçe taşı fiyatı?", nil)
	path := fmt.Sprintf("/app/leads/%d/stage", lead)
	if r := ayse.Post(path, url.Values{"stage": {"proposal"}}); r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "proposal" {
		t.Fatalf("to proposal: %d", r.StatusCode)
	}
	card := fmt.Sprintf(`[data-card="%d"] form[data-move-form]`, lead)
	boardForm := formValues(t, ayse.Get("/app/pipeline/").Doc(t), card)
	pageForm := formValues(t, ayse.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t), `#lead-move form`)

	// Mehmet wins the sale.
	if r := mehmet.Post(path, url.Values{"stage": {"won"}}); r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "won" {
		t.Fatalf("won: %d", r.StatusCode)
	}

	// Ayşe's board, as htmx sends the card's form with the chosen stage.
	boardForm.Set("stage", "lost")
	r := ayse.Do(htmxPost(t, ayse, path, boardForm))
	if r.StatusCode != 409 {
		t.Fatalf("stale board move: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if got := doc.Find("[data-board-error]").Text(); !strings.Contains(got, "başka biri tarafından taşındı") {
		t.Errorf("board error %q", got)
	}
	if doc.Find(fmt.Sprintf(`[data-column="won"] [data-card="%d"]`, lead)).Length() != 1 {
		t.Error("the redrawn board does not show the card under won")
	}
	if s := stageOf(t, e, "parke", lead); s != "won" {
		t.Fatalf("a stale board move made the won lead %s", s)
	}
	// The board without script (a plain post, back to the board with the reason).
	r = ayse.Post(path, boardForm)
	if r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "won" {
		t.Fatalf("stale plain board move: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", lead))
	}
	if got := ayse.Get("/app/pipeline/").Doc(t).Find(".flash").Text(); !strings.Contains(got, "başka biri tarafından taşındı") {
		t.Errorf("board flash %q", got)
	}
	// The lead page drawn before, with a lost reason typed.
	pageForm.Set("stage", "lost")
	pageForm.Set("note", "Vazgeçti")
	r = ayse.Post(path, pageForm)
	if r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "won" {
		t.Fatalf("stale lead page move: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", lead))
	}
	doc = ayse.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t)
	if got := doc.Find(".flash").Text(); !strings.Contains(got, "başka biri tarafından taşındı") {
		t.Errorf("lead page flash %q", got)
	}
	var reason string
	if err := e.DB("parke").Read.QueryRow(`SELECT lost_reason FROM leads WHERE id = ?`, lead).Scan(&reason); err != nil || reason != "" {
		t.Errorf("lost reason %q (%v)", reason, err)
	}

	// Mehmet's double tap on Won, from the same board: no refusal, nothing more logged.
	var before, after int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'lead_stage_moved'`).Scan(&before)
	if r := mehmet.Post(path, url.Values{"stage": {"won"}, "from": {"proposal"}}); r.StatusCode != 303 {
		t.Fatalf("double tap: %d", r.StatusCode)
	}
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'lead_stage_moved'`).Scan(&after)
	if after != before {
		t.Errorf("a double tap logged %d moves", after-before)
	}
	// A page drawn now moves it: lost from the won it shows.
	pageForm = formValues(t, ayse.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t), `#lead-move form`)
	pageForm.Set("stage", "lost")
	if r := ayse.Post(path, pageForm); r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "lost" {
		t.Fatalf("fresh move: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", lead))
	}
}
