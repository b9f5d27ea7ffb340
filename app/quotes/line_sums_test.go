package quotes_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// trMoney reads a Turkish amount as shown ("16.758,00 ₺", "-882,00 ₺") as kuruş.
func trMoney(t *testing.T, s string) int64 {
	t.Helper()
	m := regexp.MustCompile(`(-?)([\d.]+),(\d\d)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no amount in %q", s)
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(m[2], ".", "")+m[3], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if m[1] == "-" {
		n = -n
	}
	return n
}

// TestQuoteLinesAddUpAsShown: a quote with a discounted line shows, on the customer's page, on
// the panel's quote page and in the PDF, each line's amount before its discount, so the lines as
// shown add up to the subtotal; the line's discount is shown on the line and the discounts add up
// to the discount total; subtotal − discounts = net, net + KDV = total. The discounted line used to
// show its amount after the discount while the subtotal was the sum before it, so a customer
// adding up the lines found the discount missing from the subtotal.
func TestQuoteLinesAddUpAsShown(t *testing.T) {
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	form := lines(pid)
	form["discount"] = []string{"5", "", "", ""}
	approveLines(t, f, id, form)
	if r := f.op.Post("/app/quotes/"+sid+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	// 120 m² × 1.250,50 = 150.060,00 less 5 % (7.503,00); labour 21.600,00; the 8 % allowance
	// of the granite's net 142.557,00 = 11.404,56.
	const subtotal, discount = 15006000 + 2160000 + 1140456, -750300
	totals := func(doc *goquery.Document) map[string]int64 {
		m := map[string]int64{}
		doc.Find("#quote-totals dt").Each(func(_ int, dt *goquery.Selection) {
			m[strings.TrimSpace(dt.Text())] = trMoney(t, dt.Next().Text())
		})
		return m
	}
	check := func(where string, amounts []int64, discounts []int64, tot map[string]int64, names [5]string) {
		t.Helper()
		var sum, less int64
		for _, a := range amounts {
			sum += a
		}
		for _, d := range discounts {
			less += d
		}
		if sum != tot[names[0]] || sum != subtotal {
			t.Errorf("%s: the lines as shown %v add up to %d, the subtotal shown is %d (want %d)", where, amounts, sum, tot[names[0]], subtotal)
		}
		if discounts != nil && less != tot[names[1]] {
			t.Errorf("%s: the lines' discounts %v add up to %d, the discount total shown is %d", where, discounts, less, tot[names[1]])
		}
		if tot[names[1]] != discount || tot[names[0]]+tot[names[1]] != tot[names[2]] || tot[names[2]]+tot[names[3]] != tot[names[4]] {
			t.Errorf("%s: the totals do not add up: %v", where, tot)
		}
	}
	pageNames := [5]string{"Ara toplam", "İndirimler", "Net tutar", "KDV", "Genel toplam"}
	link := "/q/acme." + f.str(t, `SELECT token FROM quotes WHERE id = ?`, id)
	for where, page := range map[string]string{"customer's page": link + "?lang=tr", "panel": "/app/quotes/" + sid + "/?lang=tr"} {
		c := f.op
		if where == "customer's page" {
			c = f.e.Client()
		}
		doc := c.Get(page).Doc(t)
		var amounts, discounts []int64
		doc.Find("#quote-lines tbody tr td:last-child").Each(func(_ int, s *goquery.Selection) { amounts = append(amounts, trMoney(t, s.Text())) })
		if where == "customer's page" {
			doc.Find("#quote-lines [data-line-discount]").Each(func(_ int, s *goquery.Selection) { discounts = append(discounts, trMoney(t, s.Text())) })
			if len(discounts) != 1 {
				t.Errorf("the customer's page shows %d line discounts, want the granite's", len(discounts))
			}
		}
		names := pageNames
		if where == "panel" {
			names[2], names[4] = "Net", "KDV dahil toplam"
		}
		check(where, amounts, discounts, totals(doc), names)
	}

	out := pdfLayout(t, f.e.Client().Get(link+"/pdf").Body)
	// A line's row starts with its number and ends with its amount; a totals row is its label
	// and amount.
	row := regexp.MustCompile(`^\s*\d+\s+.*?(-?[\d.]+,\d\d) ₺\s*$`)
	var amounts []int64
	tot := map[string]int64{}
	for _, l := range strings.Split(out, "\n") {
		if m := row.FindStringSubmatch(l); m != nil {
			amounts = append(amounts, trMoney(t, m[1]))
			continue
		}
		for _, n := range pageNames {
			if m := regexp.MustCompile(`^\s*` + n + `\s+(-?[\d.]+,\d\d) ₺\s*$`).FindStringSubmatch(l); m != nil {
				tot[n] = trMoney(t, m[1])
			}
		}
	}
	if len(amounts) != 3 {
		t.Fatalf("the PDF shows %d line rows, want 3:\n%s", len(amounts), out)
	}
	check("PDF", amounts, nil, tot, pageNames)
}
