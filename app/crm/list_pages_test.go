package crm_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestListsPageThroughEveryRecord: a CRM list shows its newest records a page at a time and links
// to the older ones, so a business with more records than a page reaches every one of them (the
// lists used to stop at 200 without a word). Following "older" from the first page visits every
// record once, newest first, with the search kept; orders that share a date are not skipped or
// repeated where a page ends between them.
func TestListsPageThroughEveryRecord(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "tr")
	owner := e.User("tas", "olga", "owner")
	db := e.DB("tas")
	const customers, orders = 130, 120
	for i := 1; i <= customers; i++ {
		city := "İzmir"
		if i%2 == 0 {
			city = "Bodrum"
		}
		if _, err := db.Write.Exec(`INSERT INTO customers(name, city, created_at, updated_at) VALUES(?, ?, 1, 1)`, fmt.Sprintf("Müşteri %03d", i), city); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= orders; i++ {
		day := int64(1767225600000 + int64(i/7)*86400000) // seven orders a day: pages end inside a day
		if _, err := db.Write.Exec(`INSERT INTO orders(customer_id, status, total, currency, description, ordered_at, created_at, updated_at)
			VALUES(1, 'open', 100, 'TRY', ?, ?, 1, 1)`, fmt.Sprintf("sipariş %03d", i), day); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(start string) (names []string, pages int) {
		at := start
		for at != "" {
			r := owner.Get(at)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", at, r.StatusCode)
			}
			d := r.Doc(t)
			rows := d.Find("#records tbody tr")
			if rows.Length() > 50 {
				t.Fatalf("%s: %d rows on one page", at, rows.Length())
			}
			rows.Each(func(_ int, s *goquery.Selection) {
				names = append(names, strings.TrimSpace(s.Find("td").First().Text()))
			})
			pages++
			next, _ := d.Find(`.pagination a[rel=next]`).Attr("href")
			if pages > 1 && d.Find(".pagination a").Not("[rel=next]").Length() != 1 {
				t.Errorf("%s: a later page has no way back to the newest", at)
			}
			at = next
			if pages > 10 {
				t.Fatal("the pages never end")
			}
		}
		return names, pages
	}
	names, pages := walk("/customers/")
	if len(names) != customers || pages != 3 {
		t.Fatalf("customers: %d records on %d pages, want %d on 3", len(names), pages, customers)
	}
	for i, n := range names {
		if want := fmt.Sprintf("Müşteri %03d", customers-i); n != want {
			t.Fatalf("customer %d is %q, want %q (newest first, each once)", i, n, want)
		}
	}
	bodrum, _ := walk("/customers/?q=Bodrum")
	if len(bodrum) != customers/2 {
		t.Errorf("a search paged through %d customers, want %d", len(bodrum), customers/2)
	}
	for _, n := range bodrum {
		var num int
		fmt.Sscanf(strings.TrimPrefix(n, "Müşteri "), "%d", &num)
		if num%2 != 0 {
			t.Errorf("the search's later page lost the search: %s", n)
		}
	}
	ids, pages := walk("/orders/")
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("order %s shown twice", id)
		}
		seen[id] = true
	}
	if len(ids) != orders || pages != 3 {
		t.Errorf("orders: %d on %d pages, want %d on 3", len(ids), pages, orders)
	}
	// An address kept from a page whose records have gone still answers, and leads back.
	r := owner.Get("/orders/?after=1.1")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Daha eski kayıt yok") {
		t.Errorf("past the oldest order: %d", r.StatusCode)
	}
}
