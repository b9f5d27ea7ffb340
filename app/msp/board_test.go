package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// A card moved on the board with htmx gets the board back in place (its filters kept, a line
// saying what moved, no redirect); a refused move says why in the same place; without JavaScript
// the same form redirects back to the board.
func TestBoardMoveInPlace(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	id := strconv.FormatInt(te.ticket.ID, 10)
	hx := func(status, next string) *apptest.Resp {
		t.Helper()
		te.oper.Header.Set("HX-Request", "true")
		defer te.oper.Header.Del("HX-Request")
		return te.oper.Post("/app/msp/tickets/"+id+"/status", url.Values{"status": {status}, "next": {next}})
	}
	r := hx("open", "/app/msp/board?priority=p3")
	wantStatus(t, r, http.StatusOK, "move in place")
	if r.Header.Get("HX-Redirect") != "" {
		t.Fatalf("in-place move redirected: %s", r.Header.Get("HX-Redirect"))
	}
	d := r.Doc(t)
	if got := d.Find("#board-area [data-moved]").Text(); got != te.ticket.Ref()+" moved." {
		t.Fatalf("moved line %q", got)
	}
	if d.Find(`#board [data-column="open"] [data-card="`+id+`"]`).Length() != 1 {
		t.Fatalf("the card is not in the open column: %s", d.Find("#board").Text())
	}
	if v, _ := d.Find("#priority option[selected]").Attr("value"); v != "p3" {
		t.Errorf("the board's filter was lost: %q", v)
	}
	if strings.Contains(r.Body, "<html") {
		t.Errorf("an in-place answer carries the whole page")
	}
	// new is not a status an open ticket goes back to: refused, said in place, nothing changed.
	r = hx("new", "/app/msp/board")
	wantStatus(t, r, http.StatusOK, "refused move in place")
	if d := r.Doc(t); d.Find("#board-area [data-refused]").Text() == "" || d.Find(`#board [data-column="open"] [data-card="`+id+`"]`).Length() != 1 {
		t.Fatalf("refused move: %s", d.Find("#board-area").Text())
	}
	if n := te.count(t, `SELECT count(*) FROM msp_tickets WHERE id = ? AND status = 'open'`, te.ticket.ID); n != 1 {
		t.Fatal("the refused move changed the ticket")
	}
	// No JavaScript: the plain form post redirects back to the board.
	r = te.oper.Post("/app/msp/tickets/"+id+"/status", url.Values{"status": {"waiting_customer"}, "next": {"/app/msp/board"}})
	wantStatus(t, r, http.StatusSeeOther, "plain move")
	if loc := r.Header.Get("Location"); loc != "/app/msp/board" {
		t.Fatalf("plain move went to %q", loc)
	}
	// A viewer cannot move a card in place either.
	te.viewer.Header.Set("HX-Request", "true")
	if r := te.viewer.Post("/app/msp/tickets/"+id+"/status", url.Values{"status": {"open"}, "next": {"/app/msp/board"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer move: %d", r.StatusCode)
	}
}

// In a browser: moving a card keeps the page (a marker set on window survives), the card lands in
// its new column; on a phone (390 px) the ticket list is a stack of cards, no wider than the screen.
func TestBoardAndListInTheBrowser(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx, run, waitFor := signedInBrowser(t, te)
	e := te.e
	id := strconv.FormatInt(te.ticket.ID, 10)
	run("board", chromedp.Navigate(e.URL+"/app/msp/board"))
	waitFor("the card", `!!document.querySelector('#move-`+id+`') && !!window.htmx`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__kept = 1`)); err != nil {
		t.Fatal(err)
	}
	run("move", chromedp.SetValue(chromedp.CSS(`#move-`+id), "open"), chromedp.Click(chromedp.CSS(`[data-move="`+id+`"]`)))
	waitFor("the card in the open column", `!!document.querySelector('[data-column="open"] [data-card="`+id+`"]') && !!document.querySelector('[data-moved]')`)
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__kept === 1`)); err != nil || !ok {
		t.Fatal("the page reloaded on a move")
	}

	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(e.URL+"/app/msp/tickets/?status=all"))
	waitFor("the list", `document.querySelectorAll('#tickets tbody tr').length === 3`)
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || w > 1 {
		t.Fatalf("the list is wider than the phone by %v px (%v)", w, err)
	}
	if disp, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#tickets thead')).display + ' ' + getComputedStyle(document.querySelector('#tickets tbody tr')).display`)); err != nil || disp != "none grid" {
		t.Fatalf("phone layout: %q (%v)", disp, err)
	}
	// A field shows its column's name; the status pill beside the number says it to screen readers.
	if lbl, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#tickets tbody tr td:nth-child(4)'), '::before').content + ' ' +
		getComputedStyle(document.querySelector('#tickets tbody tr td:nth-child(5)'), '::before').content`)); err != nil || lbl != `"Priority" "Status: "` {
		t.Fatalf("a card's labels: %q (%v)", lbl, err)
	}
}
