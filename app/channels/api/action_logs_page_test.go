package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/channels/api"
)

// TestActionLogsPageWithCursor: GET /api/v1/action-logs answered only the newest page (at most
// 500 rows) with no way to read further, and ignored a cursor. It now pages like the leads:
// next_cursor, passed back as cursor, answers the rows before, null on the last page; every row
// comes once; a cursor that is not a positive id is refused with 400 bad_query. Every answer is
// checked against the OpenAPI document.
func TestActionLogsPageWithCursor(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	read := e.APIKey("acme", "read")
	db := e.DB("acme")
	want := map[int64]bool{}
	for i := range 7 {
		if err := audit.Log(t.Context(), db, audit.Entry{Provider: "paging_test", ActionType: "step", Summary: fmt.Sprint("row ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Read.QueryContext(t.Context(), `SELECT id FROM action_logs WHERE provider = 'paging_test'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		want[id] = true
	}
	_ = rows.Close()
	c := e.APIClient()
	seen, pages, path := map[int64]bool{}, 0, "/api/v1/action-logs?provider=paging_test&limit=3"
	for {
		r, err := c.Call("GET", path, read, "", "")
		noReqErr(t, "GET "+path, err)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, r.Body)
		}
		l := decodeInto[api.ActionLogList](t, r)
		pages++
		var last int64
		for _, a := range l.ActionLogs {
			if seen[a.ID] || (last > 0 && a.ID >= last) {
				t.Fatalf("page %d: row %d twice or out of order", pages, a.ID)
			}
			seen[a.ID], last = true, a.ID
		}
		if l.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("the pages do not end")
		}
		path = "/api/v1/action-logs?provider=paging_test&limit=3&cursor=" + *l.NextCursor
	}
	if pages != 3 || len(seen) != len(want) {
		t.Errorf("%d pages, %d of %d rows: want 3 pages and every row once", pages, len(seen), len(want))
	}
	// A full last page says there is no next one.
	r, _ := c.Call("GET", "/api/v1/action-logs?provider=paging_test&limit=7", read, "", "")
	if l := decodeInto[api.ActionLogList](t, r); len(l.ActionLogs) != 7 || l.NextCursor != nil {
		t.Errorf("all 7 in one page: %d rows, next_cursor %v", len(l.ActionLogs), l.NextCursor)
	}
	for _, bad := range []string{"abc", "-4", "0", "1e3"} {
		r, err := c.Send("GET", "/api/v1/action-logs?cursor="+bad, http.Header{"X-Api-Key": {read}}, "")
		if err == nil {
			t.Errorf("cursor=%s: the OpenAPI document takes it", bad)
		}
		if r.StatusCode != http.StatusBadRequest || problem(t, r).Code != "bad_query" {
			t.Errorf("cursor=%s: %d %s, want 400 bad_query", bad, r.StatusCode, r.Body)
		}
	}
}
