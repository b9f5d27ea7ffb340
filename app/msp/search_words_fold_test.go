package msp_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// The ticket list's word search (three letters or more) reads a trigram index that held the
// subject and description as typed, so "istanbul" missed "İstanbul" and "cavus" missed "Çavuş",
// while a shorter query and every other list folded them. The index holds the folded text now,
// kept so when a subject is edited, and tickets written before the upgrade are found the same way.
func TestMSPTicketWordSearchFoldsTurkishLetters(t *testing.T) {
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	ctx := context.Background()
	old, err := msp.Create(ctx, e.DB("bilisim"), msp.NewTicket{Subject: "İstanbul şubesi yazıcı arızası", Description: "Çavuş Bey aradı, IŞIK yanıp sönüyor", Priority: "p3"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()

	// The file as the version before left it: the index of the text as typed, the upgrade not applied.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", "bilisim.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER msp_ticket_search_au`, `DROP TRIGGER msp_ticket_search_ad`, `DROP TRIGGER msp_ticket_search_ai`, `DROP TABLE msp_ticket_search`,
		`CREATE VIRTUAL TABLE msp_ticket_search USING fts5(subject, description, content='msp_tickets', content_rowid='id', tokenize='trigram')`,
		`INSERT INTO msp_ticket_search(msp_ticket_search) VALUES('rebuild')`,
		`CREATE TRIGGER msp_ticket_search_ai AFTER INSERT ON msp_tickets BEGIN
			INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, new.subject, new.description); END`,
		`CREATE TRIGGER msp_ticket_search_ad AFTER DELETE ON msp_tickets BEGIN
			INSERT INTO msp_ticket_search(msp_ticket_search, rowid, subject, description) VALUES ('delete', old.id, old.subject, old.description); END`,
		`CREATE TRIGGER msp_ticket_search_au AFTER UPDATE OF subject, description ON msp_tickets BEGIN
			INSERT INTO msp_ticket_search(msp_ticket_search, rowid, subject, description) VALUES ('delete', old.id, old.subject, old.description);
			INSERT INTO msp_ticket_search(rowid, subject, description) VALUES (new.id, new.subject, new.description); END`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := db.Exec(`DELETE FROM goose_db_version WHERE version_id = 67`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM msp_ticket_search WHERE msp_ticket_search MATCH '"istanbul"'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the old index finds istanbul %d times (%v): the test no longer starts from the old index", n, err)
	}
	db.Close()

	e = apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	owner := e.User("bilisim", "owner", "owner")
	if _, err := msp.Create(ctx, e.DB("bilisim"), msp.NewTicket{Subject: "Kadıköy ofisi: ağ kesintisi", Description: "ÜMİT HANIM'IN bilgisayarı", Priority: "p2"}, tech); err != nil {
		t.Fatal(err)
	}
	list := func(query string) string {
		r := owner.Get("/app/msp/tickets/?status=all&q=" + url.QueryEscape(query))
		if r.StatusCode != http.StatusOK {
			t.Fatalf("?q=%s: %d", query, r.StatusCode)
		}
		return r.Doc(t).Find("#tickets").Text()
	}
	for _, s := range []string{"istanbul", "ISTANBUL", "İSTANBUL", "İstanbul", "cavus", "ÇAVUŞ", "çavuş", "isik", "ışık", "yazici", "arizasi"} {
		if got := list(s); !strings.Contains(got, "İstanbul şubesi") || strings.Contains(got, "Kadıköy") {
			t.Errorf("?q=%s (a ticket from before the upgrade): %q, want the İstanbul ticket alone", s, got)
		}
	}
	for _, s := range []string{"kadikoy", "KADIKÖY", "kesintisi", "umit", "HANIM", "Ümit Hanım"} {
		if got := list(s); !strings.Contains(got, "Kadıköy ofisi") || strings.Contains(got, "İstanbul") {
			t.Errorf("?q=%s (a new ticket): %q, want the Kadıköy ticket alone", s, got)
		}
	}

	// An edited subject is found by its new words and no longer by the old ones.
	t1, err := msp.TicketByID(ctx, e.DB("bilisim").Read, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := owner.Post("/app/msp/tickets/"+itoa(old.ID)+"/edit", url.Values{"subject": {"Şişli deposu tarayıcı"}, "category": {t1.Category}, "priority": {t1.Priority}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	if got := list("sisli"); !strings.Contains(got, "Şişli deposu") {
		t.Errorf("?q=sisli after the edit: %q", got)
	}
	if got := list("istanbul"); strings.Contains(got, "Şişli") {
		t.Errorf("?q=istanbul after the subject changed: %q, want no ticket", got)
	}
	if got := list("cavus"); !strings.Contains(got, "Şişli deposu") {
		t.Errorf("?q=cavus (the description, unchanged) after the edit: %q", got)
	}
}
