package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/inbox"
)

// TestNotificationOpensItsRecommendation: on a busy day the queue holds more groups than a page.
// The owner's "waiting for approval" notification opens the queue at that recommendation — its
// conversation's group with its draft and buttons — not at the top of the first page, where a
// low-priority one of today is not; and once a colleague decided it, the same link says who
// decided, instead of an empty spot.
func TestNotificationOpensItsRecommendation(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	seedQueue(t, db, 3*approvals.GroupsPerPage, 1)
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "v9", Name: "Derya", Body: "50 m² andezit ne kadar?"})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		id, _, err = approvals.Create(context.Background(), tx, approvals.New{ConversationID: res.ConversationID, Title: "Fiyat talebi: andezit, 50 m²",
			Priority: "low", ActionType: "pricing", Confidence: 0.7, ModelName: "builtin-3", DraftReply: "50 m² için yaklaşık 76.100 TRY."})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var nid int64
	for deadline := time.Now().Add(10 * time.Second); nid == 0 && time.Now().Before(deadline); {
		_ = db.Read.QueryRow(`SELECT id FROM notifications WHERE recommendation_id = ?`, id).Scan(&nid)
		if nid == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if nid == 0 {
		t.Fatal("no notification for the recommendation")
	}
	open := func() *apptest.Resp {
		t.Helper()
		r := owner.Get(fmt.Sprintf("/app/notifications/%d?t=acme", nid))
		for r.StatusCode == http.StatusSeeOther {
			loc, _ := url.Parse(r.Header.Get("Location"))
			r = owner.Get(loc.RequestURI())
		}
		return r
	}
	p := open()
	card := p.Doc(t).Find(fmt.Sprintf("#rec-%d", id))
	if card.Length() != 1 || card.Find("textarea[name=draft]").Length() != 1 {
		t.Fatalf("the notification opens a queue page without its recommendation (%d cards of it)", card.Length())
	}
	if n := p.Doc(t).Find("[data-group]").Length(); n != 1 {
		t.Errorf("the notification's queue shows %d groups, want its conversation's only", n)
	}
	if p.Doc(t).Find("a[data-whole-queue]").Length() != 1 {
		t.Errorf("no way from the focused queue to the whole queue")
	}
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/reject", id), url.Values{"reason": {"fiyat değişti"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("colleague's rejection: %d", r.StatusCode)
	}
	p = open()
	got := p.Doc(t).Find(fmt.Sprintf("#rec-%d", id))
	if got.Length() != 1 || !strings.Contains(got.Text(), "olga") || !strings.Contains(got.Text(), "fiyat değişti") {
		t.Fatalf("the decided recommendation's link does not say who decided: %q", got.Text())
	}
	if got.Find("form").Length() != 0 {
		t.Errorf("a decided recommendation still offers buttons")
	}
}
