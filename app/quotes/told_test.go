package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// settle waits until every job that is due or was tried (the notification jobs) has finished, a
// retry after a failed first try included (apptest.Settle).
func (f *fixture) settle(t *testing.T) {
	t.Helper()
	apptest.Settle(t, f.e.DB("acme"))
}

// TestQuoteAnswersAreTold: a customer's question about a quote and their acceptance on the quote's
// page reach the conversation's assignee as notifications (the list in the panel names them), and
// the owners when nobody is assigned; before, they only showed in the timeline and nobody heard.
func TestQuoteAnswersAreTold(t *testing.T) {
	t.Parallel()
	f := setupWith(t, apptest.Options{})
	_, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	f.settle(t)
	base := `SELECT count(*) FROM notifications WHERE kind = ? AND user_id = ?`
	// What came before (the new conversation, the approval) was seen: the answers are news of
	// their own, not folded into an unread item about the same conversation.
	for _, c := range []*apptest.Client{f.owner, f.op} {
		if r := c.Post("/app/notifications/read-all", nil); r.StatusCode >= 400 {
			t.Fatalf("read all: %d", r.StatusCode)
		}
	}

	// Nobody assigned: the owner hears of the question, the operator does not.
	anon := f.e.Client()
	if r := anon.Post(link+"/ask", url.Values{"question": {"Teslim ne zaman?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d", r.StatusCode)
	}
	f.settle(t)
	if n := f.count(t, base, "quote_question", f.owner.UserID); n != 1 {
		t.Errorf("owner told of the question %d times, want 1", n)
	}
	if n := f.count(t, base, "quote_question", f.op.UserID); n != 0 {
		t.Errorf("operator told of a question on a conversation not theirs")
	}
	item := f.owner.Get("/app/notifications/").Doc(t).Find(".notify-item").First()
	if got := item.Find(".notify-line").Text(); !strings.Contains(got, "Deniz Yılmaz teklifle ilgili soru sordu") || !strings.Contains(item.Text(), "Teslim ne zaman?") {
		t.Errorf("notification list does not name the question: %q", got)
	}

	// Assigned to the operator: they hear of the acceptance, the owner does not.
	if r := f.owner.Post("/app/inbox/"+strconv.FormatInt(f.conv, 10)+"/", url.Values{"assigned_user_id": {strconv.FormatInt(f.op.UserID, 10)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
	}
	f.settle(t)
	if r := anon.Post(link+"/accept", url.Values{"name": {"Deniz Yılmaz"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("accept: %d", r.StatusCode)
	}
	f.settle(t)
	if n := f.count(t, base, "quote_accepted", f.op.UserID); n != 1 {
		t.Errorf("assignee told of the acceptance %d times, want 1", n)
	}
	if n := f.count(t, base, "quote_accepted", f.owner.UserID); n != 0 {
		t.Errorf("owner told of an acceptance on a conversation assigned to someone")
	}
	item = f.op.Get("/app/notifications/").Doc(t).Find(".notify-item").First()
	if got := item.Find(".notify-line").Text(); !strings.Contains(got, "Deniz Yılmaz teklifi kabul etti") || !strings.Contains(item.Text(), "TKL-") {
		t.Errorf("notification list does not name the acceptance: %q", got)
	}
	// The preferences page offers both kinds.
	prefs := f.op.Get("/app/notifications/settings").Doc(t)
	for _, k := range []string{"quote_accepted", "quote_question"} {
		if prefs.Find(`input[name="push_`+k+`"]`).Length() != 1 {
			t.Errorf("preferences page has no %s line", k)
		}
	}
}
