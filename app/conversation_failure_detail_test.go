package app_test

import (
	"fmt"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestFailureDetailInReadersLanguage: the Details fold under a failed reply showed HighVibe's own
// English reason ("not sent — no Telegram bot token configured") on Turkish and Arabic pages. It
// now says HighVibe's own reasons in the reader's language; what the provider itself answered
// stays as the provider wrote it, labelled as the provider's.
func TestFailureDetailInReadersLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	op := e.User("acme", "oya", "operator")
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	res, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "telegram", ExternalID: "91", Name: "Ayşe", Body: "Taş lazım"})
	if err != nil {
		t.Fatal(err)
	}
	failed := func(stored string) int64 {
		t.Helper()
		id, err := svc.AddMessage(t.Context(), "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", Body: "Yarın arıyoruz"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write.Exec(`UPDATE messages SET delivery_status = 'failed', delivery_error = ? WHERE id = ?`, stored, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	own := failed("not sent — no Telegram bot token configured")
	prov := failed("not sent: provider answered 400: Bad Request: chat not found")
	blocked := failed("not sent: provider answered 403: the customer blocked the bot or deleted their Telegram account (Telegram: Forbidden: bot was blocked by the user)")
	page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		doc := op.Get(page + "?lang=" + lang).Doc(t)
		detail := func(id int64) string {
			return strings.Join(strings.Fields(doc.Find(fmt.Sprintf("#m%d .msg-detail", id)).Text()), " ")
		}
		if got := detail(own); !strings.Contains(got, p.T("inbox.failure_detail.no_telegram_token")) || strings.Contains(got, "not sent") || strings.Contains(got, "configured") {
			t.Errorf("%s: HighVibe's own reason reads %q", lang, got)
		}
		said := p.T("inbox.failure_detail.provider_said", p.T("inbox.channel.telegram"))
		if got := detail(prov); !strings.Contains(got, said) || !strings.Contains(got, "HTTP 400: Bad Request: chat not found") || strings.Contains(got, "provider answered") {
			t.Errorf("%s: the provider's answer reads %q", lang, got)
		}
		if got := detail(blocked); !strings.Contains(got, p.T("inbox.failure_detail.telegram_blocked")) || !strings.Contains(got, "Forbidden: bot was blocked by the user") || strings.Contains(got, "the customer blocked the bot") {
			t.Errorf("%s: the blocked reply's detail reads %q", lang, got)
		}
	}
}
