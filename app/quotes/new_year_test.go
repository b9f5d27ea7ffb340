package quotes_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/quotes"
)

// A quote drafted at 00:30 on 1 January in Istanbul (21:30 UTC on 31 December) belongs to the new
// year as the business lives it: the first number of the 2027 series, valid for 30 days from
// 1 January, and its PDF dated 01.01.2027. They were the old year's (TKL-2026-…, valid until
// 30 January, dated 31.12.2026): the year and the day were taken in UTC.
func TestQuoteNewYearInBusinessZone(t *testing.T) {
	t.Parallel()
	f := setup(t)
	apptest.SetZone(t, f.owner, "Europe/Istanbul")
	ctx := context.Background()
	db := f.e.DB("acme")
	at := time.Date(2026, 12, 31, 21, 30, 0, 0, time.UTC)
	q, err := quotes.Create(ctx, db, f.conv, quotes.Actor{Name: "olga"}, quotes.Defaults{Currency: "TRY", Language: "tr", Now: at})
	if err != nil {
		t.Fatal(err)
	}
	if q.Number != "TKL-2027-0001" || q.Year != 2027 {
		t.Errorf("quote drafted at 00:30 on 1 January in Istanbul numbered %s (year %d), want TKL-2027-0001", q.Number, q.Year)
	}
	if valid := time.UnixMilli(q.ValidUntil).UTC().Format(time.DateOnly); valid != "2027-01-31" {
		t.Errorf("valid until %s, want 2027-01-31 (30 days from 1 January)", valid)
	}

	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	// The quote's date in its PDF is the day of its last change in Istanbul.
	if _, err := db.Write.ExecContext(ctx, `UPDATE quotes SET updated_at = ? WHERE id = ?`, at.UnixMilli(), q.ID); err != nil {
		t.Fatal(err)
	}
	r := f.op.Get("/app/quotes/" + strconv.FormatInt(q.ID, 10) + "/pdf")
	if r.StatusCode != 200 {
		t.Fatalf("pdf: %d", r.StatusCode)
	}
	p := filepath.Join(t.TempDir(), "q.pdf")
	if err := os.WriteFile(p, []byte(r.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.Join(strings.Fields(string(out)), " ")
	if !strings.Contains(txt, "01.01.2027") || strings.Contains(txt, "31.12.2026") {
		t.Errorf("the PDF is not dated 01.01.2027:\n%s", txt)
	}
}
