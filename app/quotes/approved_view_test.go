package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestApprovedAssistantQuoteReadsAsDecided: once the assistant's draft is approved, its page
// still told the operator to "check quantities and allowances before approving", and its lines
// showed the allowance as "%8 %" (the rate, then a "%" in the unit column) where the customer's
// page and the PDF show "%8" alone. The note now says only who drafted it, and the allowance's
// unit cell is empty, as on the customer's page.
func TestApprovedAssistantQuoteReadsAsDecided(t *testing.T) {
	f := setup(t)
	id := newQuote(t, f.op, f.conv, url.Values{"assistant": {"1"}})
	page := "/app/quotes/" + strconv.FormatInt(id, 10) + "/?lang=tr"
	check := "onaylamadan önce miktarları"
	if got := f.op.Get(page).Doc(t).Find("[data-by-assistant]").Text(); !strings.Contains(got, check) {
		t.Fatalf("the pending draft does not ask for a check before approval: %q", got)
	}
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	doc := f.op.Get(page).Doc(t)
	if got := doc.Find("[data-by-assistant]").Text(); strings.Contains(got, check) || !strings.Contains(got, "asistan") {
		t.Errorf("the approved quote's note: %q", got)
	}
	allowances := 0
	doc.Find("#quote-lines tbody tr").Each(func(_ int, row *goquery.Selection) {
		if !strings.Contains(row.Find("td.cell-title").Text(), "Fire payı") {
			return
		}
		allowances++
		if qty := strings.TrimSpace(row.Find(`td[data-label="Miktar"]`).Text()); qty != "%10" {
			t.Errorf("the allowance's rate reads %q, want %%10", qty)
		}
		if unit := row.Find(`td[data-label="Birim"]`); strings.TrimSpace(unit.Text()) != "" || !unit.HasClass("is-empty") {
			t.Errorf("the allowance's unit cell reads %q (class %q)", unit.Text(), unit.AttrOr("class", ""))
		}
	})
	if allowances != 1 {
		t.Fatalf("%d allowance rows on the approved quote", allowances)
	}
}
