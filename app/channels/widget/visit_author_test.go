package widget_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestWidgetVisitConfirmationIsTheBusinesss: a visitor asks on the web chat, an operator books a
// site visit and approves its date in the queue; the confirmation the product sends on the
// business's behalf reached the widget signed "you" — in English, in a Turkish widget, as if the
// visitor had written it. It is now the business's message, named as the operator's replies are.
func TestWidgetVisitConfirmationIsTheBusinesss(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	r := c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"Bahçeye 80 m² kilit parke, keşfe gelir misiniz?","name":"Zeynep","consent":true,"lang":"tr"}`),
		map[string]string{"Origin": "https://example.org"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	first := decode(t, r)
	tok, conv := first["token"].(string), strconv.FormatInt(int64(first["conversation_id"].(float64)), 10)

	op := e.User("acme", "ayse", "operator")
	from := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	me := strconv.FormatInt(op.UserID, 10)
	slot, _ := op.Get("/app/visits/book?conversation_id=" + conv + "&assignee=" + me + "&duration=60&from=" + from).Doc(t).Find("#slots [data-slot]").First().Attr("value")
	if slot == "" {
		t.Fatal("no free slot on the booking page")
	}
	if r := op.Post("/app/visits/book", url.Values{"conversation_id": {conv}, "assignee": {me}, "duration": {"60"}, "from": {from},
		"start": {slot}, "address": {"Çankaya, Ankara"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking: %d", r.StatusCode)
	}
	var rec int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM decision_recommendations WHERE conversation_id = ? AND status = 'pending' AND recommended_action LIKE '/app/visits/%'`, conv).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	if r := op.Post("/app/approvals/"+strconv.FormatInt(rec, 10)+"/approve", url.Values{}); r.StatusCode >= 400 {
		t.Fatalf("approving the date: %d %s", r.StatusCode, r.Body)
	}

	var confirmation map[string]any
	apptest.Await(t, e.DB("acme"), "the visit's confirmation to reach the widget", func() bool {
		for _, x := range decode(t, c.Get("/widget/api/acme/messages?token="+tok+"&lang=tr"))["messages"].([]any) {
			if m := x.(map[string]any); strings.Contains(m["text"].(string), "/v/acme.") {
				confirmation = m
				return true
			}
		}
		return false
	})
	name := decode(t, c.Get("/widget/api/acme/config?lang=tr"))["name"]
	if m := confirmation; m["direction"] != "outbound" || m["author"] != name {
		t.Fatalf("the visit's confirmation reaches the widget as %v signed %q, want the business %q", m["direction"], m["author"], name)
	}
}
