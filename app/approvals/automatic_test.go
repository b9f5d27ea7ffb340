package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/i18n"
)

// TestAutomaticWithdrawalIsWorded: a draft the product withdrew by itself (its follow-up stopped,
// its customer erased) was shown as decided by "system", an English code word, under Latest
// decisions, on the queue opened at it and in the action logs. Each now says it in the page's
// language ("Otomatik", "Automatic", "تلقائي"); a person's name stays as it is.
func TestAutomaticWithdrawalIsWorded(t *testing.T) {
	f := setup(t)
	op := f.e.User("acme", "olga", "operator")
	owner := f.e.User("acme", "talha", "owner")
	id := f.rec(t, "follow_up", "Merhaba, teklifimizi inceleme fırsatınız oldu mu?")
	if err := f.e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
		return approvals.WithdrawTx(context.Background(), tx, id, approvals.Actor{Name: "system"})
	}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		want := i18n.For(lang).T("words.actor.system")
		for what, sel := range map[string]string{
			"/app/approvals/?lang=" + lang:                          fmt.Sprintf("#decided-%d", id),
			fmt.Sprintf("/app/approvals/?rec=%d&lang=%s", id, lang): fmt.Sprintf("#rec-%d", id),
			"/app/logs/?provider=approval_queue&lang=" + lang:       "table",
		} {
			got := op.Get(what).Doc(t).Find(sel).First().Text()
			if !strings.Contains(got, want) || strings.Contains(got, "system") {
				t.Errorf("%s: %s names the decider %q, want %q", what, sel, strings.Join(strings.Fields(got), " "), want)
			}
		}
	}
	// A person's decision keeps the person's name.
	stock := f.rec(t, "stock", "")
	owner.Post(fmt.Sprintf("/app/approvals/%d/approve", stock), nil)
	if got := op.Get("/app/approvals/?lang=en").Doc(t).Find(fmt.Sprintf("#decided-%d", stock)).Text(); !strings.Contains(got, "talha") {
		t.Errorf("a person's decision does not name them: %q", got)
	}
}
