package notify_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/notify"
)

// TestAssigningTellsTheAssignee: a conversation is given only to owners and operators — the
// Assignee select does not offer a viewer and a posted viewer is refused with the reason — and the
// person a teammate assigns it to is told (who assigns themselves is not). Before, a viewer could
// be assigned (303) and nobody heard of being given a conversation.
func TestAssigningTellsTheAssignee(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba")
	settle(t, e, "acme")
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	id := func(n string) string { return strconv.FormatInt(tm.ids[n], 10) }

	// The select offers the owners and the operator, not the viewer.
	var offered []string
	tm.olga.Get(conv).Doc(t).Find(`select[name="assigned_user_id"] option`).Each(func(_ int, s *goquery.Selection) {
		if v := s.AttrOr("value", ""); v != "" {
			offered = append(offered, v)
		}
	})
	if slices.Contains(offered, id("vera")) || !slices.Contains(offered, id("oscar")) {
		t.Errorf("assignee options %v: the viewer offered or the operator missing", offered)
	}
	// Posted anyway: refused, said why, nothing stored.
	r := tm.olga.Post(conv, url.Values{"assigned_user_id": {id("vera")}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Only owners and operators can be assigned") {
		t.Fatalf("viewer assigned: %d", r.StatusCode)
	}
	var assigned int64
	if err := e.DB("acme").Read.QueryRow(`SELECT coalesce(assigned_user_id, 0) FROM conversations WHERE id = ?`, res.ConversationID).Scan(&assigned); err != nil || assigned != 0 {
		t.Fatalf("stored assignee %d (%v), want none", assigned, err)
	}

	// Olga gives it to Oscar: Oscar is told, nobody else.
	before := tm.mark(t, "acme")
	tm.post(t, tm.olga, conv, url.Values{"assigned_user_id": {id("oscar")}})
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindAssigned, res.ConversationID, before); !slices.Equal(got, []string{"oscar"}) {
		t.Errorf("assignment told %v, want oscar", got)
	}
	// Otto takes it himself: nobody is told.
	before = tm.mark(t, "acme")
	tm.post(t, tm.otto, conv, url.Values{"assigned_user_id": {id("otto")}})
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindAssigned, res.ConversationID, before); len(got) != 0 {
		t.Errorf("assigning oneself told %v", got)
	}
}
