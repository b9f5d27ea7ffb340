package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/notify"
)

// History brought in (the demo's) stands as it was: in time order on the list, newest first, the
// read ones read, the unread ones on the bell, and a second import of the same events adds nothing.
func TestImportHistory(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	olga := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	ctx := context.Background()
	now := time.Now()
	ps := []notify.Past{ // not in time order on purpose
		{UserID: olga.UserID, Event: notify.Event{Kind: notify.KindApproval, RecommendationID: 7, Name: "Ayşe Demir"}, At: now.Add(-time.Hour)},
		{UserID: olga.UserID, Event: notify.Event{Kind: notify.KindNewConversation, ConversationID: 3, Name: "Selin Aydın", Text: "200 m² bahçe"},
			At: now.Add(-50 * time.Hour), Read: now.Add(-49 * time.Hour)},
		{UserID: olga.UserID, Event: notify.Event{Kind: notify.KindOverdue, ConversationID: 4, Name: "Murat Koç", DueAt: now.Add(-26 * time.Hour).UnixMilli()},
			At: now.Add(-26 * time.Hour)},
	}
	n, err := notify.ImportHistory(ctx, db, ps)
	if err != nil || n != 3 {
		t.Fatalf("import: %d, %v", n, err)
	}
	if n, err := notify.ImportHistory(ctx, db, ps); err != nil || n != 0 {
		t.Fatalf("second import wrote %d (%v), want 0", n, err)
	}
	list, err := notify.List(ctx, db, olga.UserID, false, 10)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	if list[0].Kind != notify.KindApproval || list[1].Kind != notify.KindOverdue || list[2].Kind != notify.KindNewConversation {
		t.Errorf("order %s %s %s, want newest first", list[0].Kind, list[1].Kind, list[2].Kind)
	}
	if list[2].Unread() || !list[0].Unread() || list[2].CreatedAt != now.Add(-50*time.Hour).UnixMilli() {
		t.Errorf("read states or times not kept: %+v", list[2])
	}
	if list[0].Href() != "/app/approvals/?rec=7#rec-7" || list[1].Href() != "/app/inbox/4/" {
		t.Errorf("links %s %s", list[0].Href(), list[1].Href())
	}
	if c, err := notify.UnreadCount(ctx, db, olga.UserID); err != nil || c != 2 {
		t.Errorf("unread %d, %v", c, err)
	}
	r := olga.Get("/app/notifications/?lang=en")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "New conversation with <bdi>Selin Aydın</bdi>") || !strings.Contains(r.Body, "Unread (2)") {
		t.Errorf("list page %d: %.400s", r.StatusCode, r.Body)
	}
	// In Arabic the name keeps its own direction inside the sentence.
	if r := olga.Get("/app/notifications/?lang=ar"); !strings.Contains(r.Body, "محادثة جديدة مع <bdi>Selin Aydın</bdi>") {
		t.Errorf("Arabic list: the name is not isolated: %.600s", r.Body)
	}
	if _, err := notify.ImportHistory(ctx, db, []notify.Past{{UserID: olga.UserID, Event: notify.Event{Kind: "bogus"}, At: now}}); err == nil {
		t.Error("an unknown kind was imported")
	}
}
