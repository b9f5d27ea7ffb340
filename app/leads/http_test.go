package leads_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// seed brings a message in from a person (a lead and an open conversation) the way a channel
// does, and returns the lead and conversation ids.
func seed(t *testing.T, e *apptest.Env, slug, channel, ext, name, phone, body string, utm map[string]string) (int64, int64) {
	t.Helper()
	res, err := e.Handlers.InboxService.Ingest(context.Background(), slug, e.DB(slug), inbox.Inbound{Channel: channel, ExternalID: ext,
		Name: name, Phone: phone, Body: body, Kind: "text", UTM: utm})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res.LeadID, res.ConversationID
}

// importedLead stores a lead as an import would (no conversation) at stage and returns its id.
func importedLead(t *testing.T, e *apptest.Env, slug, ext, name, stage string) int64 {
	t.Helper()
	var lead int64
	err := e.DB(slug).InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		lead, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: ext, Name: name, Stage: stage, Source: "import"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return lead
}

func stageOf(t *testing.T, e *apptest.Env, slug string, lead int64) string {
	t.Helper()
	var s string
	if err := e.DB(slug).Read.QueryRow(`SELECT stage FROM leads WHERE id = ?`, lead).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func setValue(t *testing.T, e *apptest.Env, slug string, lead, v int64) {
	t.Helper()
	if err := inbox.SetLeadValue(context.Background(), e.DB(slug), lead, v, inbox.LeadActor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
}

// The lead page shows the person's conversations, consent and events; the board moves a card
// following the conversation form's rules and logs before→after.
func TestLeadPageAndBoardMove(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	viewer := e.User("parke", "veli", "viewer")
	lead, conv := seed(t, e, "parke", "webchat", "v1", "Ayşe Yılmaz", "+90 532 111 22 33", "Laminat fiyatı nedir?", map[string]string{"utm_campaign": "kis-indirimi"})
	setValue(t, e, "parke", lead, 42000)

	r := viewer.Get(fmt.Sprintf("/app/leads/%d/", lead))
	if r.StatusCode != 200 {
		t.Fatalf("lead page: %d %s", r.StatusCode, r.Body)
	}
	doc := r.Doc(t)
	if got := doc.Find("#lead-conversations [data-conversation]").Length(); got != 1 {
		t.Errorf("conversations shown: %d", got)
	}
	if doc.Find("#lead-move").Length() != 0 || doc.Find("#lead-merge").Length() != 0 {
		t.Error("a viewer sees the move or merge controls")
	}
	if !strings.Contains(doc.Find("#lead-value").Text(), "42.000") {
		t.Errorf("value: %q", doc.Find("#lead-value").Text())
	}

	// Forward on the board: the conversation becomes "qualified", the lead follows.
	r = op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"qualified"}, "next": {"/app/pipeline/"}})
	if r.StatusCode != 303 {
		t.Fatalf("move: %d %s", r.StatusCode, r.Body)
	}
	if s := stageOf(t, e, "parke", lead); s != "qualified" {
		t.Fatalf("stage after move: %s", s)
	}
	var state string
	_ = e.DB("parke").Read.QueryRow(`SELECT state FROM conversations WHERE id = ?`, conv).Scan(&state)
	if state != "qualified" {
		t.Errorf("conversation state: %s", state)
	}
	var payload string
	if err := e.DB("parke").Read.QueryRow(`SELECT payload FROM action_logs WHERE provider = 'lead_pipeline' AND action_type = 'lead_stage_moved' ORDER BY id DESC LIMIT 1`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, `"before":{"lead_stage":"new","state":"new"}`) || !strings.Contains(payload, `"after":{"lead_stage":"qualified","state":"qualified"}`) {
		t.Errorf("log payload: %s", payload)
	}
	// Backwards is refused, as the form would never move the lead back; nothing changes.
	r = op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"contacted"}, "next": {"/app/pipeline/"}})
	if r.StatusCode != 303 || stageOf(t, e, "parke", lead) != "qualified" {
		t.Fatalf("backwards: %d, stage %s", r.StatusCode, stageOf(t, e, "parke", lead))
	}
	// The board over htmx: the move answers the board; a refused one 409 with the reason.
	r = op.Do(htmxPost(t, op, fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"contacted"}}))
	if r.StatusCode != 409 || !strings.Contains(r.Body, "data-board-error") {
		t.Fatalf("htmx backwards: %d %s", r.StatusCode, r.Body)
	}
	r = op.Do(htmxPost(t, op, fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"won"}}))
	if r.StatusCode != 200 || !strings.Contains(r.Body, `id="board"`) {
		t.Fatalf("htmx won: %d %s", r.StatusCode, r.Body)
	}
	if stageOf(t, e, "parke", lead) != "won" {
		t.Fatal("not won")
	}
	// A viewer may not move.
	r = viewer.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"lost"}})
	if r.StatusCode != 403 {
		t.Fatalf("viewer move: %d", r.StatusCode)
	}
	// The board shows the column sums.
	r = viewer.Get("/app/pipeline/")
	if r.StatusCode != 200 {
		t.Fatalf("board: %d %s", r.StatusCode, r.Body)
	}
	doc = r.Doc(t)
	won := doc.Find(`[data-column="won"]`)
	if won.Find("[data-count]").Text() != "1" || !strings.Contains(won.Find("[data-sum]").Text(), "42.000") {
		t.Errorf("won column: %q %q", won.Find("[data-count]").Text(), won.Find("[data-sum]").Text())
	}
	if doc.Find("[data-stage-menu]").Length() != 0 {
		t.Error("a viewer gets stage menus")
	}
	// The lead page lists the moves with their stages.
	r = viewer.Get(fmt.Sprintf("/app/leads/%d/", lead))
	if n := r.Doc(t).Find(`#lead-events [data-action="lead_stage_moved"] [data-stage-change]`).Length(); n != 2 {
		t.Errorf("stage moves in events: %d", n)
	}
	// Read right to left, the arrow between the two stages points from the earlier to the later:
	// Arabic draws it the other way round (a "→" pointed back at the stage the lead left).
	for lang, arrow := range map[string]string{"en": "→", "tr": "→", "ar": "←"} {
		r = viewer.Get(fmt.Sprintf("/app/leads/%d/?lang=%s", lead, lang))
		move := r.Doc(t).Find(`#lead-events [data-action="lead_stage_moved"] [data-stage-change]`).First().Text()
		if !strings.Contains(move, " "+arrow+" ") || strings.Contains(move, map[string]string{"→": "←", "←": "→"}[arrow]) {
			t.Errorf("%s: stage move reads %q, want the arrow %s", lang, move, arrow)
		}
	}
}

// htmxPost is the board's own request: a form post from htmx aimed at #board.
func htmxPost(t *testing.T, c *apptest.Client, path string, form url.Values) *http.Request {
	t.Helper()
	req, _ := http.NewRequest("POST", c.E.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.E.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "board")
	return req
}

// htmxGet is an htmx request for target.
func htmxGet(t *testing.T, c *apptest.Client, path, target string) *http.Request {
	t.Helper()
	req, _ := http.NewRequest("GET", c.E.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return req
}

// A lead without a conversation (an import) moves on the board too, and the rooms that follow the
// funnel (OnStageChange: conversion tracking) hear of it as of a conversation's change.
func TestBoardMoveWithoutConversationIsTold(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("ithal", "parke_tas", "tr")
	op := e.User("ithal", "ayse", "operator")
	lead := importedLead(t, e, "ithal", "told-1", "İthal Aday", "new")
	got := make(chan inbox.StageChange, 4)
	inbox.OnStageChange(fmt.Sprintf("leads-test-%d-%p", lead, got), func(_ context.Context, tx *sql.Tx, ch inbox.StageChange) error {
		var slugLead int64
		if err := tx.QueryRow(`SELECT id FROM leads WHERE external_id = 'told-1'`).Scan(&slugLead); err == nil && slugLead == ch.LeadID {
			got <- ch
		}
		return nil
	})
	if r := op.Post(fmt.Sprintf("/app/leads/%d/stage", lead), url.Values{"stage": {"won"}}); r.StatusCode != 303 {
		t.Fatalf("move: %d %s", r.StatusCode, r.Body)
	}
	if s := stageOf(t, e, "ithal", lead); s != "won" {
		t.Fatalf("stage: %s", s)
	}
	select {
	case ch := <-got:
		if ch.From != "new" || ch.To != "won" || ch.State != "won" || ch.ConversationID != 0 {
			t.Errorf("told %+v", ch)
		}
	default:
		t.Error("the move was not told")
	}
}
