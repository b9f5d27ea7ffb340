package inbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A refused edit of a reply template (a name another template has) is shown on that template's own
// form, with what the owner typed and the message next to its name. It used to land on the "new
// template" form below: the edited template showed its old words without a word of why, and the
// typed text sat in the new form, one click from being created as another template.
func TestTemplateEditRefusedStaysOnItsForm(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, n := range []string{"Selam", "Adres"} {
		if r := owner.Post("/app/settings/templates", url.Values{"name": {n}, "body": {n + " {{name}}"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("template %s: %d", n, r.StatusCode)
		}
	}
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM templates WHERE name = 'Adres'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	r := owner.Post("/app/settings/templates/"+sid, url.Values{"name": {"Selam"}, "body": {"Adresimiz: Gebze {{name}}"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused edit: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	edit := doc.Find(`form[action="/app/settings/templates/` + sid + `"]`)
	if v, _ := edit.Find(`input[name=name]`).Attr("value"); v != "Selam" {
		t.Errorf("the edited template's name field %q, want what was typed", v)
	}
	if v := edit.Find(`textarea[name=body]`).Text(); v != "Adresimiz: Gebze {{name}}" {
		t.Errorf("the edited template's text %q, want what was typed", v)
	}
	if msg := strings.TrimSpace(edit.Find(".field-error").Text()); msg == "" {
		t.Error("no message on the edited template's form")
	}
	if _, ok := edit.Find(`input[name=name]`).Attr("aria-invalid"); !ok {
		t.Error("the edited template's name is not marked invalid")
	}
	create := doc.Find(`form[action="/app/settings/templates"]`)
	if v, _ := create.Find(`input[name=name]`).Attr("value"); v != "" {
		t.Errorf("the new-template form carries %q", v)
	}
	if create.Find(".field-error").Length() != 0 {
		t.Error("the message is on the new-template form")
	}
	var body string
	if err := e.DB("acme").Read.QueryRow(`SELECT body FROM templates WHERE id = ?`, id).Scan(&body); err != nil || body != "Adres {{name}}" {
		t.Errorf("stored body %q (%v)", body, err)
	}
}
