package app_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app"
	"highvibe/app/inbox"
)

// TestBrowserPipeline moves one lead of the demo across the pipeline board the three ways the
// guide names: dragged onto the next column on a computer, moved a stage on with Shift+→ from
// the keyboard (and refused going back with Shift+←, the reason on the board), and moved with the
// card's stage menu on a phone. Every move redraws the board in place (the page is never
// reloaded) and changes the lead's stage in the database, logged before→after.
func TestBrowserPipeline(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug)
	// A new lead with a phone and one conversation still open (so lost is not the only way out).
	var lead int64
	var phone string
	if err := db.Read.QueryRow(`SELECT l.id, l.phone FROM leads l WHERE l.stage = 'new' AND l.merged_into IS NULL AND l.phone <> ''
		AND (SELECT count(*) FROM conversations c WHERE c.lead_id = l.id AND c.state <> 'lost') = 1 ORDER BY l.id LIMIT 1`).Scan(&lead, &phone); err != nil {
		t.Fatalf("no new lead in the demo: %v", err)
	}
	stage := func() string {
		var s string
		if err := db.Read.QueryRow(`SELECT stage FROM leads WHERE id = ?`, lead).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	card := fmt.Sprintf(`[data-card="%d"]`, lead)
	in := func(col string) string {
		return fmt.Sprintf(`!!document.querySelector('[data-column="%s"] %s') && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`, col, card)
	}
	board := "/app/pipeline/?lang=tr&q=" + url.QueryEscape(phone)

	// A computer: drag the card onto "contacted".
	b.viewport(1366, 900, false)
	b.open(board)
	b.waitFor("the card under new", in("new"))
	b.eval(`window.hvStayed = 1`)
	b.eval(`(() => {
		const c = document.querySelector('` + card + `'), to = document.querySelector('[data-column="contacted"] [data-drop]'), dt = new DataTransfer();
		c.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: dt}));
		to.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
		to.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
		c.dispatchEvent(new DragEvent('dragend', {bubbles: true, cancelable: true, dataTransfer: dt}));
		return 1 })()`)
	b.waitFor("the card under contacted", in("contacted"))
	if got := stage(); got != "contacted" {
		t.Fatalf("after the drag the lead is %s", got)
	}
	if b.eval(`window.hvStayed === 1 ? 1 : 0`) != 1 {
		t.Error("the drag reloaded the page")
	}
	b.shot("pipeline-desktop-tr")

	// The keyboard: focus the card, Shift+→ moves it to qualified and focus stays on it.
	b.run("focus the card", chromedp.Focus(chromedp.CSS(card)))
	b.run("Shift+→", chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)))
	b.waitFor("the card under qualified", in("qualified"))
	b.waitFor("focus back on the card", `document.activeElement && document.activeElement.matches('`+card+`')`)
	if got := stage(); got != "qualified" {
		t.Fatalf("after Shift+→ the lead is %s", got)
	}
	// Shift+← would move it back: refused with the reason, nothing changes.
	b.run("Shift+←", chromedp.KeyEvent(kb.ArrowLeft, chromedp.KeyModifiers(chromedp.ModifierShift)))
	b.waitFor("the refusal on the board", `!!document.querySelector('#board [data-board-error]') && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
	if got := stage(); got != "qualified" {
		t.Fatalf("a refused move changed the lead to %s", got)
	}
	if b.eval(in("qualified")+` ? 1 : 0`) != 1 || b.eval(`window.hvStayed === 1 ? 1 : 0`) != 1 {
		t.Error("after the refusal the card left qualified or the page reloaded")
	}

	// A phone: the card's stage menu moves it to proposal.
	b.viewport(390, 844, true)
	b.open(board)
	b.waitFor("the card under qualified", in("qualified"))
	b.eval(`window.hvStayed = 2`)
	b.run("open the stage menu", chromedp.Click(chromedp.CSS(card+` [data-stage-menu] summary`)))
	b.run("choose proposal", chromedp.Click(chromedp.CSS(card+` [data-stage-menu] button[value="proposal"]`)))
	b.waitFor("the card under proposal", in("proposal"))
	if got := stage(); got != "proposal" {
		t.Fatalf("after the phone menu the lead is %s", got)
	}
	if b.eval(`window.hvStayed === 2 ? 1 : 0`) != 1 {
		t.Error("the phone menu reloaded the page")
	}
	if w := b.eval(`document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the board is %.0f px wide on a 390 px phone", w)
	}
	b.shot("pipeline-phone-tr")

	// Someone else wins the sale while this phone still shows the card under proposal: Lost from
	// its menu is refused with the reason, the redrawn board shows the card under won.
	if _, err := b.e.Handlers.InboxService.MoveLeadStage(context.Background(), app.DemoSlug, db, lead, "won", "", "", inbox.LeadActor{Name: "mehmet"}); err != nil {
		t.Fatal(err)
	}
	b.run("open the stale card's menu", chromedp.Click(chromedp.CSS(card+` [data-stage-menu] summary`)))
	b.run("choose lost", chromedp.Click(chromedp.CSS(card+` [data-stage-menu] button[value="lost"]`)))
	b.waitFor("the refusal and the card under won", `!!document.querySelector('#board [data-board-error]') && `+in("won"))
	if got := stage(); got != "won" {
		t.Fatalf("a stale phone board made the won lead %s", got)
	}

	var moves int
	if err := db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'lead_pipeline' AND action_type = 'lead_stage_moved'
		AND json_extract(payload, '$.lead_id') = ?`, lead).Scan(&moves); err != nil || moves != 4 {
		t.Errorf("logged moves: %d (%v)", moves, err)
	}
}

// TestBrowserLeadFiltersFoldOnPhone: on a 390×844 phone the leads list shows its first lead on the
// first screen, the filters beyond the search folded under one button that opens them; on a
// computer they are all open.
func TestBrowserLeadFiltersFoldOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	b.open("/app/leads/?lang=tr")
	if b.eval(`document.querySelector('#stage').checkVisibility() ? 1 : 0`) != 0 {
		t.Error("the stage filter shows on a phone before the filters are opened")
	}
	if top := b.eval(`document.querySelector('#leads tbody tr').getBoundingClientRect().top`); top >= 844 {
		t.Errorf("the first lead starts at %.0f px, below the phone's first screen", top)
	}
	b.run("open the filters", chromedp.Click(chromedp.CSS(`.lead-more > summary`)))
	b.waitFor("the stage filter", `document.querySelector('#stage').checkVisibility()`)
	b.viewport(1366, 900, false)
	b.open("/app/leads/?lang=tr")
	b.waitFor("the filters open on a computer", `document.querySelector('#stage').checkVisibility()`)
}
