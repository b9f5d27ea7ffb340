package approvals_test

import (
	"fmt"
	"testing"
)

// TestBannerShownOnceAndTruthful approves one recommendation, rejects another, then opens a third
// page: each decision's page says what that decision did, and the banner is gone afterwards.
// (Before banners were taken out of the session, every later page repeated "Approved." (the
// oldest banner) even right after a rejection.)
func TestBannerShownOnceAndTruthful(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	a := f.rec(t, "pricing", "")
	b := f.rec(t, "stock", "")
	banner := func(path string) string {
		t.Helper()
		return owner.Get(path).Doc(t).Find(".flashes .flash").Text()
	}
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/approve", a), nil); r.StatusCode != 303 {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if got := banner("/app/approvals/"); got != "Approved." {
		t.Errorf("after approve: banner %q, want Approved.", got)
	}
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/reject", b), nil); r.StatusCode != 303 {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	if got := banner("/app/approvals/"); got != "Rejected." {
		t.Errorf("after reject: banner %q, want Rejected.", got)
	}
	for _, p := range []string{"/app/inbox/", "/app/approvals/"} {
		if got := banner(p); got != "" {
			t.Errorf("%s after the banner was shown: %q, want none", p, got)
		}
	}
}
