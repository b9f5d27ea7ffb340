package quotes_test

import (
	"net/http"
	"net/url"
	"testing"
)

// A refused edit of a snippet comes back as the edit of that snippet, with what the owner sent: it
// used to come back as the "new snippet" form (the page looked for ?edit= in the address), so the
// corrected text was stored as a second snippet and the one being edited kept its old words; the
// kind and the "active" box came back as the first kind and unticked.
func TestSnippetEditRefusedStaysTheEdit(t *testing.T) {
	f := setup(t)
	var id string
	if err := f.e.DB("acme").Read.QueryRow(`SELECT id FROM quote_snippets WHERE title = '2 yıl işçilik'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	r := f.owner.Post("/app/quotes/settings/snippets/"+id, url.Values{"kind": {"warranty"}, "title": {""}, "body": {"Döşeme işçiliğine 3 yıl garanti."}, "active": {"true"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused edit: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	form := doc.Find(`form[action^="/app/quotes/settings/snippets"]`)
	if action, _ := form.Attr("action"); action != "/app/quotes/settings/snippets/"+id {
		t.Errorf("the refused edit posts to %q, want the snippet's own address", action)
	}
	if got, _ := form.Find(`select[name=kind] option[selected]`).Attr("value"); got != "warranty" {
		t.Errorf("kind %q, want warranty", got)
	}
	if _, ticked := form.Find(`input[type=checkbox][name=active]`).Attr("checked"); !ticked {
		t.Error(`the "active" box is not ticked as sent`)
	}
	if got := form.Find(`textarea[name=body]`).Text(); got != "Döşeme işçiliğine 3 yıl garanti." {
		t.Errorf("body %q", got)
	}
	if got := form.Find(`#title`).Parent().Find(".field-error").Text(); got == "" {
		t.Error("no message next to the title")
	}
	if n := f.count(t, `SELECT count(*) FROM quote_snippets`); n != 2 {
		t.Errorf("%d snippets, want 2", n)
	}
}
