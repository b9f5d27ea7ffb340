package inbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Saving a reply template that was deleted meanwhile (in another tab, by someone else) says so in
// the owner's language, and what was typed is not lost: it waits in the new-template form, to be
// created as a new template. It used to answer the generic "not found" page, the text gone.
func TestTemplateDeletedMeanwhileKeepsText(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/settings/templates", url.Values{"name": {"Adres"}, "body": {"Adres {{name}}"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("template: %d", r.StatusCode)
	}
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM templates WHERE name = 'Adres'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	// The other tab deletes it.
	if r := owner.Post("/app/settings/templates/"+sid+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	for lang, want := range map[string]string{"tr": "bu arada silindi", "en": "was deleted meanwhile", "ar": "حُذف هذا القالب في هذه الأثناء"} {
		typed := "Adresimiz: Gebze, " + lang
		r := owner.Post("/app/settings/templates/"+sid+"?lang="+lang, url.Values{"name": {"Adres yeni"}, "body": {typed}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: save of a deleted template: %d", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if got := d.Find("#deleted-meanwhile").Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the notice says %q", lang, got)
		}
		create := d.Find(`form[action="/app/settings/templates"]`)
		if v, _ := create.Find(`input[name=name]`).Attr("value"); v != "Adres yeni" || create.Find(`textarea[name=body]`).Text() != typed {
			t.Errorf("%s: the new-template form carries %q / %q, want what was typed", lang, v, create.Find(`textarea[name=body]`).Text())
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM templates`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d templates after saving a deleted one (%v)", n, err)
	}
}
