package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A list's filter whose value the address cannot read (client=abc, status=whatever) is not
// silently read as "any": the page answers, lists as without that filter, and says above the list
// in the reader's language which filter was ignored. A well-formed id that names nothing still
// narrows the list to nothing.
func TestListFilterNotUnderstoodIsSaid(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	cid := strconv.FormatInt(te.client, 10)

	type list struct {
		path, key, label, rows string
		all                    int // rows the list has without the filter
	}
	for _, l := range []list{
		{"/app/msp/tickets/?client=abc", "client", "Müşteri", "#tickets tbody tr", 3},
		{"/app/msp/tickets/?assignee=bob", "assignee", "", "#tickets tbody tr", 3},
		{"/app/msp/tickets/?priority=urgent", "priority", "", "#tickets tbody tr", 3},
		{"/app/msp/tickets/?status=nope", "status", "", "#tickets tbody tr", 3},
		{"/app/msp/board?client=-4", "client", "", "#board [data-card]", 3},
		{"/app/msp/devices/?client=abc", "client", "", "#devices tbody tr", 1},
		{"/app/msp/sites/?client=1x", "client", "", "#sites tbody tr", 1},
	} {
		r := te.oper.Get(l.path)
		wantStatus(t, r, http.StatusOK, l.path)
		d := r.Doc(t)
		if n := d.Find(l.rows).Length(); n != l.all {
			t.Errorf("%s: %d rows, want %d (the list without that filter)", l.path, n, l.all)
		}
		note := d.Find(`.ignored-filters [data-ignored-filter="` + l.key + `"]`)
		if note.Length() != 1 || !strings.Contains(note.Text(), "yok sayıldı") || (l.label != "" && !strings.Contains(note.Text(), l.label)) {
			t.Errorf("%s: no word above the list that the %s filter was ignored: %q", l.path, l.key, d.Find(".ignored-filters").Text())
		}
		if bad := l.path[strings.Index(l.path, "=")+1:]; !strings.Contains(note.Text(), bad) {
			t.Errorf("%s: the note does not quote %q: %q", l.path, bad, note.Text())
		}
	}

	// Read values narrow as before, with no note; an id that names nothing lists nothing.
	for path, want := range map[string]int{
		"/app/msp/tickets/?client=" + cid: 2, // its own ticket and the one on its device
		"/app/msp/tickets/?client=999999": 0,
		"/app/msp/devices/?client=999999": 0,
		"/app/msp/tickets/?priority=p3":   3,
	} {
		r := te.oper.Get(path)
		wantStatus(t, r, http.StatusOK, path)
		d := r.Doc(t)
		if n := d.Find("#tickets tbody tr, #devices tbody tr").Length(); n != want {
			t.Errorf("%s: %d rows, want %d", path, n, want)
		}
		if d.Find(".ignored-filters").Length() != 0 {
			t.Errorf("%s: a note about an ignored filter: %q", path, d.Find(".ignored-filters").Text())
		}
	}

	// The contracts list: an unknown status listed nothing at all; now it is ignored and named.
	te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {"2026-01-01"}, "ends_on": {"2027-12-31"}, "hours": {"10"}, "currency": {"TRY"}, "price": {"1000"}})
	r := te.owner.Get("/app/msp/contracts/?status=soon&client=x")
	wantStatus(t, r, http.StatusOK, "contracts")
	d := r.Doc(t)
	if n := d.Find("#contracts tbody tr").Length(); n != 1 {
		t.Errorf("contracts with an unreadable status: %d rows, want 1", n)
	}
	if d.Find(`[data-ignored-filter="status"]`).Length() != 1 || d.Find(`[data-ignored-filter="client"]`).Length() != 1 {
		t.Errorf("contracts: the ignored filters are not named: %q", d.Find(".ignored-filters").Text())
	}
	// The timesheet: a week the address cannot read shows this week and says so.
	r = te.oper.Get("/app/msp/time?week=next")
	wantStatus(t, r, http.StatusOK, "timesheet")
	if r.Doc(t).Find(`[data-ignored-filter="week"]`).Length() != 1 {
		t.Error("timesheet: an unreadable week is not named")
	}
}

// A page link of the tickets list that cannot be followed (?before=zzz, cut or garbled) is not
// silently the first page: it is, and a line above the list says the list starts again there.
func TestTicketsPageLinkNotFollowedIsSaid(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	r := te.oper.Get("/app/msp/tickets/?before=zzz")
	wantStatus(t, r, http.StatusOK, "before=zzz")
	d := r.Doc(t)
	if n := d.Find("#tickets tbody tr").Length(); n != 3 {
		t.Errorf("%d tickets, want the first page's 3", n)
	}
	if note := d.Find(`.ignored-filters [data-ignored-filter="before"]`).Text(); !strings.Contains(note, "ilk sayfa") {
		t.Errorf("no line saying the list starts again: %q", note)
	}
	if d = te.oper.Get("/app/msp/tickets/?before=999999").Doc(t); d.Find(".ignored-filters").Length() != 0 {
		t.Errorf("a readable page link is said to be ignored")
	}
}
