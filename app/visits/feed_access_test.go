package visits_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A member whose access to the business was closed (disabled by the owner, removed by the platform
// team, or their account disabled) no longer reads the business's visits through the calendar
// address made while they had it: the feed answers 404 as an unknown address, and opens again
// once their access is given back.
func TestICalFeedEndsWithTheMembersAccess(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	f.book(t, f.conv, time.Now().Add(48*time.Hour).Truncate(time.Hour), f.op.UserID)
	u := makeFeed(t, f.op)
	if r := getFeed(t, f.e, u); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Deniz Yılmaz") {
		t.Fatalf("feed before: %d\n%s", r.StatusCode, r.Body)
	}

	id := strconv.FormatInt(f.op.UserID, 10)
	if r := f.owner.Post("/app/settings/users/"+id+"/disable", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := getFeed(t, f.e, u); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Deniz") {
		t.Errorf("a disabled member's feed: %d\n%s", r.StatusCode, r.Body)
	}
	if r := f.owner.Post("/app/settings/users/"+id+"/disable", map[string][]string{"disabled": {"false"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.StatusCode)
	}
	if r := getFeed(t, f.e, u); r.StatusCode != http.StatusOK {
		t.Errorf("the feed once enabled again: %d", r.StatusCode)
	}

	// Taken out of the business altogether.
	ctx := context.Background()
	p := f.e.Server.Platform
	tn, err := p.TenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveMembership(ctx, f.op.UserID, tn.ID); err != nil {
		t.Fatal(err)
	}
	if r := getFeed(t, f.e, u); r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "Deniz") {
		t.Errorf("a removed member's feed: %d", r.StatusCode)
	}
}
