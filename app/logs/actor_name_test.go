package logs_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/audit"
)

// TestLogsShowThePersonsName: the action log showed who did something by the login stored with
// the row ("talha.k"), while everywhere else colleagues read the name the person goes by. The
// page (its first page, an "older" page and the dashboard's last entries) now shows the person
// as they are named now, looked up by the user id the row keeps; the stored row is untouched and
// its chain still verifies. The text search finds a person's rows by that name too. A row
// without a person (the assistant, the command line) and a person without a name read as before.
func TestLogsShowThePersonsName(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	talha := e.User("acme", "talha.k", "owner")
	omer := e.User("acme", "omer", "operator")
	log := func(id int64, name, summary string) {
		t.Helper()
		if err := audit.Log(ctx, db, audit.Entry{Provider: "settings", ActionType: "update", Summary: summary,
			ModelName: "human-review", ActorUserID: id, ActorName: name}); err != nil {
			t.Fatal(err)
		}
	}
	log(talha.UserID, "talha.k", "by talha")
	log(omer.UserID, "omer", "by omer")
	log(0, "cli", "from the command line")
	for range 55 { // enough rows that talha's are on the "older" page
		log(omer.UserID, "omer", "filler")
	}
	if r := talha.Post("/app/profile/name", url.Values{"display_name": {"Talha Yıldız"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}

	who := func(doc *goquery.Document) map[string]string {
		out := map[string]string{}
		doc.Find("tr.log-row").Each(func(_ int, s *goquery.Selection) {
			out[strings.TrimSpace(s.Find("td").Eq(5).Text())] = strings.TrimSpace(s.Find("td").Eq(4).Text())
		})
		return out
	}
	doc := omer.Get("/app/logs/?lang=en").Doc(t)
	if got := who(doc)["filler"]; got != "omer" {
		t.Errorf("a person without a name reads %q, want the login", got)
	}
	older, ok := doc.Find(`a[hx-target="#log-rows-more"]`).Attr("href")
	if !ok {
		t.Fatal("no older entries link")
	}
	got := who(omer.Get(older + "&lang=en").Doc(t))
	if got["by talha"] != "Talha Yıldız" {
		t.Errorf("the older page names talha's row %q, want the name he goes by", got["by talha"])
	}
	if got["by omer"] != "omer" || got["from the command line"] != "cli" {
		t.Errorf("rows without a name changed: %v", got)
	}
	if q := omer.Get("/app/logs/?q=by+talha&lang=en").Doc(t); who(q)["by talha"] != "Talha Yıldız" {
		t.Errorf("the first page names talha's row %q", who(q)["by talha"])
	}

	// The text search finds his rows by the name he goes by now, though they store his login.
	if q := who(omer.Get("/app/logs/?q=Y%C4%B1ld%C4%B1z&lang=en").Doc(t)); q["by talha"] != "Talha Yıldız" || q["by omer"] != "" {
		t.Errorf("searching for his name found %v, want his rows only", q)
	}

	// The dashboard's last entries name him too.
	log(talha.UserID, "talha.k", "latest by talha")
	if s := talha.Get("/app/?lang=en").Doc(t).Find("#logs").Text(); !strings.Contains(s, "Talha Yıldız") || strings.Contains(s, "talha.k") {
		t.Errorf("the dashboard's last entries: %q", s)
	}

	// The stored rows keep the login, and the chain verifies.
	var stored string
	if err := db.Read.QueryRow(`SELECT actor_name FROM action_logs WHERE decision_summary = 'by talha'`).Scan(&stored); err != nil || stored != "talha.k" {
		t.Errorf("stored actor %q (%v), want the login untouched", stored, err)
	}
	if _, err := audit.Verify(ctx, db); err != nil {
		t.Errorf("audit verify: %v", err)
	}
}
