package settings_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// TestKeyTableScopesInWords: the API-key table names each key's scopes in the reader's words,
// the ones the create form's checkboxes use, not the codes the key is stored with ("read, import"),
// joined as the reader's language writes a list (in Arabic with «، », not the Latin comma).
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
		// Joined as the language writes a list: Arabic with its own comma («، »).
		want1 := w.List([]string{w.T("scope.read"), w.T("scope.import")})
		want2 := w.List([]string{w.T("scope.import"), w.T("scope.read")})
		if got != want1 && got != want2 {
			t.Errorf("%s: the key's scopes read %q, want %q", lang, got, want1)
		}
		// Its moments in the reader's words too, not the stored "2026-12-04T18:01:42.555Z" (which
		// an Arabic phone broke at its hyphens).
		created := strings.TrimSpace(doc.Find(`#key-table tbody tr td[data-label="` + w.T("settings.created") + `"]`).Text())
		if created == "" || regexp.MustCompile(`\d{4}-\d\d-\d\dT`).MatchString(created) {
			t.Errorf("%s: the key's creation reads %q, want a date and time in the reader's words", lang, created)
		}
	}
}

// TestNoKeysSaysWhatKeysAreFor: a business without API keys read "Burada henüz bir şey yok." under
// the key table's headers, with nothing on what a key is for; the owner of a new business reaches
// this table from the WhatsApp settings, which ask for a key. The empty table says what a key is
// for and where to make one, in the reader's language.
func TestNoKeysSaysWhatKeysAreFor(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, lang := range []string{"tr", "en", "ar"} {
		w := i18n.For(lang)
		got := strings.TrimSpace(owner.Get("/app/settings/?lang=" + lang).Doc(t).Find("#key-table tbody").Text())
		if got != w.T("settings.keys_empty") || !strings.Contains(got, w.T("inbox.channel.whatsapp")) || strings.Contains(got, w.T("common.empty")) {
			t.Errorf("%s: the empty key table reads %q, want %q", lang, got, w.T("settings.keys_empty"))
		}
	}
}

// TestKeyAgainNamesRevokeButton: the note shown when a key form is sent twice tells the reader to
// revoke the key if its secret was not copied; where the catalog names the button (Turkish,
// Arabic) it names it as the button reads, not with another verb ("iptal edip" beside
// "Geçersiz kıl"). The other catalogs use the button's own verb (revoke, widerrufen, revoque,
// révoquez).
func TestKeyAgainNamesRevokeButton(t *testing.T) {
	for _, lang := range []string{"tr", "ar"} {
		w := i18n.For(lang)
		if note, button := w.T("settings.key_already_made"), w.T("button.revoke"); !strings.Contains(note, button) {
			t.Errorf("%s: the resend note %q does not name the button %q", lang, note, button)
		}
	}
}
