package leads_test

import (
	"fmt"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Two people turn the same lead into a customer. Ayşe creates "Mehmet Kaya" from the lead page and
// links it; Mehmet, whose page still showed no customer, does the same a moment later, and the
// business had two customers for one person, the lead linked to the second, the first left
// alone. Now his press stores nothing: the lead page comes back saying someone changed the link since,
// and shows the customer it is linked to. A page that showed the link as it stands still links,
// unlinks and creates as before.
func TestLeadLinkedMeanwhileIsNotLinkedAgain(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	e.Set("parke", map[string]string{"modules": "sales"})
	ayse := e.User("parke", "ayse", "operator")
	mehmet := e.User("parke", "mehmet", "operator")
	lead, _ := seed(t, e, "parke", "webchat", "v1", "Mehmet Kaya", "+90 533 444 55 66", "Merhaba", nil)
	path := fmt.Sprintf("/app/leads/%d/", lead)
	create := `#lead-link form.form[method="post"]`
	hers := formValues(t, ayse.Get(path).Doc(t), create)
	his := formValues(t, mehmet.Get(path).Doc(t), create)
	customers := func() (n int) {
		_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM customers`).Scan(&n)
		return n
	}
	if r := ayse.Post(path+"customer", hers); r.StatusCode != 303 || customers() != 1 {
		t.Fatalf("ayşe's customer: %d, %d customers", r.StatusCode, customers())
	}
	r := mehmet.Post(path+"customer", his)
	if r.StatusCode != 303 {
		t.Fatalf("mehmet's customer: %d %s", r.StatusCode, r.Body)
	}
	if n := customers(); n != 1 {
		t.Fatalf("%d customers for one person", n)
	}
	doc := mehmet.Get(r.Header.Get("Location")).Doc(t)
	if got := doc.Find(".flash-error").Text(); !strings.Contains(got, "biri bu adayın müşteri bağlantısını değiştirdi") {
		t.Fatalf("banner %q", got)
	}
	if got := doc.Find("#lead-link").Text(); !strings.Contains(got, "Mehmet Kaya") {
		t.Fatalf("the page does not show the linked customer: %q", got)
	}
	// His page as shown now: unlink, then create again.
	unlink := formValues(t, doc, `#lead-link form:has(input[name="unlink"])`)
	if r := mehmet.Post(path+"customer", unlink); r.StatusCode != 303 {
		t.Fatalf("unlink: %d", r.StatusCode)
	}
	var linked int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM leads WHERE id = ? AND customer_id IS NOT NULL`, lead).Scan(&linked)
	if linked != 0 {
		t.Fatal("unlink from a page showing the link did not unlink")
	}
}
