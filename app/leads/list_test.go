package leads_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// rowIDs are the lead ids a list page shows, in order.
func rowIDs(t *testing.T, r *apptest.Resp) []string {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("list: %d %s", r.StatusCode, r.Body)
	}
	var out []string
	r.Doc(t).Find("#lead-rows tr[data-lead]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-lead", ""))
	})
	return out
}

func id(n int64) string { return fmt.Sprint(n) }

// Every filter of the list narrows it to the leads it names, alone and together; a filter it
// cannot read is left out and named above the list (TestLeadsListBadFilterIsSaid).
func TestLeadsListFilters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	a, convA := seed(t, e, "parke", "webchat", "w1", "Ayşe Yılmaz", "+90 532 111 22 33", "Merhaba", map[string]string{"utm_campaign": "kis-indirimi"})
	b, _ := seed(t, e, "parke", "whatsapp", "905329998877", "Burak Demir", "+90 532 999 88 77", "Fiyat?", nil)
	c, convC := seed(t, e, "parke", "telegram", "t-77", "Can Öztürk", "", "Selam", map[string]string{"utm_campaign": "yaz"})
	setValue(t, e, "parke", a, 5000)
	setValue(t, e, "parke", b, 120000)
	// Ayşe's conversation is assigned to the operator; Can's is lost (no open conversation).
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", convA), url.Values{"assigned_user_id": {id(op.UserID)}}); r.StatusCode >= 400 {
		t.Fatalf("assign: %d %s", r.StatusCode, r.Body)
	}
	if r := op.Post(fmt.Sprintf("/app/inbox/%d/", convC), url.Values{"state": {"lost"}}); r.StatusCode >= 400 {
		t.Fatalf("lost: %d %s", r.StatusCode, r.Body)
	}
	all := []string{id(c), id(b), id(a)} // newest first
	cases := []struct {
		query string
		want  []string
	}{
		{"", all},
		{"?stage=lost", []string{id(c)}},
		{"?stage=open", []string{id(b), id(a)}},
		{"?source=whatsapp", []string{id(b)}},
		{"?campaign=kis-indirimi", []string{id(a)}},
		{"?assignee=me", []string{id(a)}},
		{"?assignee=" + id(op.UserID), []string{id(a)}},
		{"?assignee=none", []string{id(c), id(b)}},
		{"?open=no", []string{id(c)}},
		{"?open=yes", []string{id(b), id(a)}},
		{"?min=10000", []string{id(b)}},
		{"?min=1000&max=10000", []string{id(a)}},
		{"?max=0", []string{id(c)}},
		{"?q=" + url.QueryEscape("0532 999"), []string{id(b)}},
		{"?q=" + url.QueryEscape("٠٥٣٢ ٩٩٩"), []string{id(b)}}, // typed on an Arabic keyboard
		{"?q=" + url.QueryEscape("Öztürk"), []string{id(c)}},
		// Turkish letters in any case, or typed without them.
		{"?q=" + url.QueryEscape("öztürk"), []string{id(c)}},
		{"?q=" + url.QueryEscape("ÖZTÜRK"), []string{id(c)}},
		{"?q=ozturk", []string{id(c)}},
		{"?q=" + url.QueryEscape("AYŞE YILMAZ"), []string{id(a)}},
		{"?q=demir&source=whatsapp&open=yes", []string{id(b)}},
		{"?q=demir&source=webchat", nil},
		{"?sort=value", []string{id(b), id(a), id(c)}},
		{"?sort=oldest", []string{id(a), id(b), id(c)}},
		{"?from=2000-01-01&to=2199-12-31", all},
		{"?to=2001-01-01", nil},
	}
	for _, tc := range cases {
		if got := rowIDs(t, op.Get("/app/leads/"+tc.query)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
}

// The list pages by keyset: 50 a page, every lead once, in order, for each sort; the next page of
// an htmx request is only its rows.
func TestLeadsListPaging(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	db := e.DB("parke")
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		for i := 1; i <= 120; i++ {
			if _, _, err := inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: fmt.Sprintf("imp-%d", i), Name: fmt.Sprintf("Kişi %03d", i),
				Stage: "new", Source: "import", CreatedAt: int64(1_700_000_000_000 + (i%7)*1000)}); err != nil { // ties on created_at: the id breaks them
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{"newest", "oldest", "updated", "value"} {
		seen := map[string]bool{}
		next := "/app/leads/?sort=" + sort
		pages := 0
		for next != "" {
			r := op.Get(next)
			ids := rowIDs(t, r)
			pages++
			if pages < 3 && len(ids) != 50 || pages == 3 && len(ids) != 20 {
				t.Fatalf("%s page %d: %d rows", sort, pages, len(ids))
			}
			for _, x := range ids {
				if seen[x] {
					t.Fatalf("%s: lead %s twice", sort, x)
				}
				seen[x] = true
			}
			next = r.Doc(t).Find("[data-next]").AttrOr("href", "")
		}
		if len(seen) != 120 || pages != 3 {
			t.Errorf("%s: %d leads on %d pages", sort, len(seen), pages)
		}
	}
	// htmx: the next page's rows only, with its own "more" row.
	first := op.Get("/app/leads/")
	more := first.Doc(t).Find("[data-next]").AttrOr("href", "")
	req := htmxGet(t, op, more, "lead-rows-more")
	r := op.Do(req)
	if r.StatusCode != 200 || strings.Contains(r.Body, "<html") || strings.Count(r.Body, `data-lead="`) != 50 || !strings.Contains(r.Body, `id="lead-rows-more"`) {
		t.Errorf("htmx page: %d, %d rows", r.StatusCode, strings.Count(r.Body, `data-lead="`))
	}
}
