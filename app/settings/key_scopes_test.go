package settings_test

import (
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// TestKeyTableScopesInWords: the API-key table names each key's scopes in the reader's words,
// the ones the create form's checkboxes use, not the codes the key is stored with ("read, import").
func TestKeyTableScopesInWords(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	form := url.Values{"name": {"Muhasebe"}, "scope": {"read", "import"}, web.OnceField: {web.NewOnceToken()}}
	if r := owner.Post("/app/settings/apikeys", form); r.StatusCode != http.StatusOK {
		t.Fatalf("create key: %d", r.StatusCode)
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		w := i18n.For(lang)
		doc := owner.Get("/app/settings/?lang=" + lang).Doc(t)
		cell := doc.Find(`#key-table tbody tr td[data-label="` + w.T("settings.scopes") + `"]`)
		if cell.Length() != 1 {
			t.Fatalf("%s: %d scope cells in the key table, want 1", lang, cell.Length())
		}
		got := cell.Text()
		want1 := w.T("scope.read") + ", " + w.T("scope.import")
		want2 := w.T("scope.import") + ", " + w.T("scope.read")
		if got != want1 && got != want2 {
			t.Errorf("%s: the key's scopes read %q, want %q", lang, got, want1)
		}
	}
}
