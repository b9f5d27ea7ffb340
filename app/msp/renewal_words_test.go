package msp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The contract renewal recommendation reads in the reader's language wherever its title shows —
// the approval queue and the dashboard — with the contract's last day as a date of that language
// (never the stored 2026-12-24 form); the stored title and summary are the English form of the
// same words (the API's and the action log's), naming the contract's type, not its code.
func TestRenewalRecommendationInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, true, "tr")
	now := time.Now()
	end := now.AddDate(0, 0, 20)
	te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {day(now.AddDate(-1, 0, 0))}, "ends_on": {day(end)},
		"hours": {"8"}, "price": {"100"}, "currency": {"TRY"}})
	settle(t, te.db)
	var title, summary string
	if err := te.db.Read.QueryRow(`SELECT title, summary FROM decision_recommendations WHERE dedupe_key LIKE 'msp_renewal:%'`).Scan(&title, &summary); err != nil {
		t.Fatal(err)
	}
	if title != "Renew the managed service contract with Kuzey Lojistik" || !strings.Contains(summary, end.Format("Jan 2, 2006")) || strings.Contains(summary, "managed contract") {
		t.Fatalf("stored English form: %q / %q", title, summary)
	}
	for _, c := range []struct{ lang, title, date string }{
		{"tr", "Kuzey Lojistik ile yönetilen hizmet sözleşmesini yenileyin", end.Format("02.01.2006")},
		{"ar", "جدّد عقد الخدمة المُدارة مع Kuzey Lojistik", end.Format("02/01/2006")},
		{"de", "Managed-Service-Vertrag mit Kuzey Lojistik verlängern", end.Format("02.01.2006")},
	} {
		q := te.owner.Get("/app/approvals/?lang=" + c.lang)
		wantStatus(t, q, http.StatusOK, c.lang+" queue")
		if !strings.Contains(q.Body, c.title) || !strings.Contains(q.Body, c.date) || strings.Contains(q.Body, day(end)) {
			t.Errorf("%s queue: want %q with %s: %.2000s", c.lang, c.title, c.date, q.Doc(t).Find("main").Text())
		}
		if strings.Contains(q.Body, title) {
			t.Errorf("%s queue shows the stored English title", c.lang)
		}
		d := te.owner.Get("/app/?lang=" + c.lang)
		wantStatus(t, d, http.StatusOK, c.lang+" dashboard")
		if !strings.Contains(d.Body, c.title) || strings.Contains(d.Body, "Renew the") {
			t.Errorf("%s dashboard: want %q", c.lang, c.title)
		}
	}
}
