package inbox_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
)

// TestConversationLogSaysWhatChanged: a conversation's action log named each save only
// "Konuşma güncellendi" (the conversation card's list and the Logs page alike), so an operator
// could not see who moved the stage, to whom it was assigned or what the next step became; each
// row now says it, in the reader's language (Turkish, English and Arabic here), the operator's
// own words quoted.
func TestConversationLogSaysWhatChanged(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	e.User("acme", "ayse", "operator")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234570", Phone: "+905321234570", Name: "Kemal", Body: "Merhaba, 80 m² kilit parke"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"

	ayse := ""
	c.Get(path + "?lang=tr").Doc(t).Find(`#assigned_user_id option`).Each(func(_ int, o *goquery.Selection) {
		if strings.TrimSpace(o.Text()) == "ayse" {
			ayse, _ = o.Attr("value")
		}
	})
	if ayse == "" {
		t.Fatal("ayse is not in the assignee list")
	}
	for _, v := range []url.Values{{"state": {"qualified"}}, {"assigned_user_id": {ayse}}, {"next_action": {"Numune taş götür"}}, {"tags": {"vip"}}} {
		if r := c.Post(path+"?lang=tr", v); r.StatusCode >= 400 {
			t.Fatalf("saving %v: %d", v, r.StatusCode)
		}
	}

	card := c.Get(path + "?lang=tr").Doc(t).Find(`#thread-logs`).Text()
	for _, want := range []string{"Durum: Yeni → Nitelikli", "Atanan kişi: ayse", "Sonraki adım «Numune taş götür»", "Etiketler «vip»"} {
		if !strings.Contains(card, want) {
			t.Errorf("the conversation's log does not say %q:\n%s", want, card)
		}
	}
	logs := c.Get("/app/logs/?lang=en").Body
	for _, want := range []string{"State: New → Qualified", "Assigned to ayse"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the Logs page (en) does not say %q", want)
		}
	}
	if ar := c.Get(path + "?lang=ar").Doc(t).Find(`#thread-logs`).Text(); !strings.Contains(ar, "المسؤول: ayse") || strings.Contains(ar, "Qualified") {
		t.Errorf("the Arabic log:\n%s", ar)
	}
}
