package analytics_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestLeadGenerationInTheReadersLanguage: the KPI page's "new leads are falling" card, raised by
// the job in the business's language (Turkish), reads in the language of whoever opens the page:
// German for a German reader, Arabic for an Arabic one, never the Turkish words it was raised in.
func TestLeadGenerationInTheReadersLanguage(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	now := time.Now().UnixMilli()
	day := int64(86400000)
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		for i := 0; i < 6; i++ { // six leads 31–59 days ago, none since: the funnel dropped
			if _, err := tx.Exec(`INSERT INTO leads(name, stage, source, created_at, updated_at) VALUES('x', 'new', 'manual', ?, ?)`,
				now-int64(35+i)*day, now-int64(35+i)*day); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	var stored string
	if err := db.Read.QueryRow(`SELECT title FROM decision_recommendations WHERE action_type = 'lead_generation'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, title, summary, action string }{
		{"de", "Neue Leads gehen zurück", "neue Leads in den letzten 30 Tagen", "Beleben Sie einen Kanal"},
		{"ar", "العملاء الجدد في تراجع", "في آخر", "أنعش قناة"},
	} {
		doc := owner.Get("/app/analytics/?lang=" + c.lang).Doc(t)
		card := doc.Find("#lead-generation li").First()
		got := strings.Join(strings.Fields(card.Text()), " ")
		for _, want := range []string{c.title, c.summary, c.action} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the card reads %q, want %q", c.lang, got, want)
			}
		}
		if strings.Contains(got, stored) {
			t.Errorf("%s: the card shows the stored Turkish title %q: %q", c.lang, stored, got)
		}
	}
}
