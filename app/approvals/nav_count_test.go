package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"highvibe/app/approvals"
)

// TestMenuCountsAtMost99Plus: the menu's count of cards waiting grew without end ("1240" pushed
// the menu onto two lines on a phone) while the inbox's unread count stops at 99+; both say 99+
// past 99 (the menu's count, and the copy of it the queue's decisions send back, are drawn alike).
func TestMenuCountsAtMost99Plus(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner := f.e.User("acme", "olga", "owner")
	add := func(n, from int) {
		t.Helper()
		if err := f.e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
			for i := from; i < from+n; i++ {
				if _, _, err := approvals.Create(context.Background(), tx, approvals.New{ConversationID: f.conv, Title: fmt.Sprint("Check ", i),
					Priority: "medium", ActionType: "stock", Confidence: 0.8, ModelName: "builtin-2", DedupeKey: fmt.Sprint("t:many:", i)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(path string) string {
		t.Helper()
		return strings.TrimSpace(owner.Get(path).Doc(t).Find("#nav-pending .count").Contents().First().Text())
	}
	add(99, 0)
	if got := count("/app/?lang=tr"); got != "99" {
		t.Errorf("99 cards: the menu says %q", got)
	}
	add(1, 99)
	for _, path := range []string{"/app/?lang=tr", "/app/approvals/?lang=tr"} {
		if got := count(path); got != "99+" {
			t.Errorf("%s with 100 cards: the menu says %q", path, got)
		}
	}
}
