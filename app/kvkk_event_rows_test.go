package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestKVKKSummarySaysWhatEachEventWas: the notes the product writes into a conversation (a
// recommendation approved by someone, a quote the customer opened) keep what happened as a code
// and only the decision's reason, often nothing, as their text. The person's data summary printed
// that text alone: "System" rows with an empty message the reader could not explain. They now say
// what happened, in the reader's language, as the conversation page does (with the reason after
// it), and the JSON copy carries the same event and who it names beside the stored text.
func TestKVKKSummarySaysWhatEachEventWas(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	conv := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110044", Name: "Deniz", Body: "Merhaba"})
	svc := e.Handlers.InboxService
	for _, m := range []inbox.Outgoing{
		{Direction: "system", AuthorKind: "system", AuthorName: "talha", Event: "recommendation_approved", Params: map[string]string{"actor": "talha"}},
		{Direction: "system", AuthorKind: "system", AuthorName: "talha", Event: "recommendation_rejected", Params: map[string]string{"actor": "talha"}, Body: "Fiyat eski"},
	} {
		if _, err := svc.AddMessage(context.Background(), "acme", e.DB("acme"), conv, m, ""); err != nil {
			t.Fatal(err)
		}
	}
	var lead int64
	_ = e.DB("acme").Read.QueryRow(`SELECT id FROM leads`).Scan(&lead)
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		want := []string{p.T("words.event.recommendation_approved", "talha"), p.T("words.event.recommendation_rejected", "talha") + " — Fiyat eski"}
		s := owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/summary?lang=%s", lead, lang))
		var got []string
		s.Doc(t).Find(".summary-messages tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if strings.TrimSpace(tr.Find("td.cell-pill").Text()) == p.T("export.author.system") {
				got = append(got, strings.Join(strings.Fields(tr.Find("td.cell-head").Text()), " "))
			}
		})
		if s.StatusCode != 200 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the %s data summary's system rows say %q, want %q", lang, got, want)
		}
	}
	j := owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/export.json", lead))
	var person struct {
		Conversations []struct {
			Messages []struct {
				Direction, Body, Event string
				EventBy                string `json:"event_by"`
			}
		}
	}
	if err := json.Unmarshal([]byte(j.Body), &person); err != nil || len(person.Conversations) != 1 {
		t.Fatalf("export.json: %d %v", j.StatusCode, err)
	}
	var events []string
	for _, m := range person.Conversations[0].Messages {
		if m.Direction == "system" {
			events = append(events, m.Event+"/"+m.EventBy+"/"+m.Body)
		}
	}
	if want := "recommendation_approved/talha/ recommendation_rejected/talha/Fiyat eski"; strings.Join(events, " ") != want {
		t.Errorf("the JSON copy's system messages are %q, want %q", events, want)
	}
}
