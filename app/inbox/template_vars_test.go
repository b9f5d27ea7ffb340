package inbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// The templates page explains each variable next to the text field, in the reader's language
// ("{{name}} — müşterinin adı"), the variables themselves kept as typed; the list is the one the
// composer fills in, so a variable the composer knows is never left unexplained.
func TestTemplateVariablesExplained(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/settings/templates", url.Values{"name": {"Selam"}, "body": {"Merhaba {{name}}"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("template: %d", r.StatusCode)
	}
	explained := map[string]map[string]string{}
	for _, lang := range []string{"tr", "en", "ar"} {
		doc := owner.Get("/app/settings/templates?lang=" + lang).Doc(t)
		if id, _ := doc.Find(`#tb`).Attr("aria-describedby"); id != "tb-vars" {
			t.Errorf("%s: the text field is not described by the variables' explanation (%q)", lang, id)
		}
		explained[lang] = map[string]string{}
		doc.Find(`#tb-vars li[data-var]`).Each(func(_ int, li *goquery.Selection) {
			token := li.Find("code").Text()
			explained[lang][token] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(li.Text(), token)), "—"))
		})
	}
	if got := explained["tr"]["{{name}}"]; got != "müşterinin adı" {
		t.Errorf("{{name}} is explained in Turkish as %q, want “müşterinin adı”", got)
	}
	if got := explained["ar"]["{{name}}"]; got != "اسم العميل" {
		t.Errorf("{{name}} is explained in Arabic as %q", got)
	}
	for token, words := range explained["tr"] {
		if words == "" || words == explained["en"][token] {
			t.Errorf("%s: Turkish explanation %q (English %q)", token, words, explained["en"][token])
		}
	}

	// The composer's variables are the ones explained.
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "webchat", ExternalID: "v-1", Name: "Ayşe", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	vars, ok := owner.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/").Doc(t).Find(`[data-insert-template]`).Attr("data-vars")
	if !ok {
		t.Fatal("no template picker in the composer")
	}
	var filled map[string]string
	if err := json.Unmarshal([]byte(vars), &filled); err != nil {
		t.Fatal(err)
	}
	var composer, page []string
	for k := range filled {
		composer = append(composer, "{{"+k+"}}")
	}
	for k := range explained["tr"] {
		page = append(page, k)
	}
	slices.Sort(composer)
	slices.Sort(page)
	if !slices.Equal(composer, page) || len(page) == 0 {
		t.Errorf("the page explains %v, the composer fills %v", page, composer)
	}
	if filled["name"] != "Ayşe" || filled["agent"] != "olga" {
		t.Errorf("the composer fills %v", filled)
	}
}

// TestTemplateUnknownVariableRefused: a template naming a variable the composer does not fill in
// ("{{isim}}", Turkish for name) is refused next to its text, in the owner's language, with what
// was typed kept and nothing stored — the composer left it as written, and the customer got
// "Merhaba {{isim}}". The variables of the list are accepted, with spaces inside the braces too.
func TestTemplateUnknownVariableRefused(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	count := func() int {
		var n int
		if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM templates`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, body := range []string{"Merhaba {{isim}}, teklifiniz hazır.", "Merhaba {{name}}, {{müşteri adı}} bey"} {
		r := owner.Post("/app/settings/templates", url.Values{"name": {"Selam"}, "body": {body}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: %d, want 422", body, r.StatusCode)
		}
		doc := r.Doc(t)
		msg := doc.Find(".field-error").Text()
		if !strings.Contains(msg, "listelenen değişkenlerden biri değil") || !(strings.Contains(msg, "{{isim}}") || strings.Contains(msg, "{{müşteri adı}}")) {
			t.Errorf("%q: field error %q, want the unknown variable named in Turkish", body, msg)
		}
		if got := doc.Find("textarea[name=body]").Text(); got != body {
			t.Errorf("%q: the text field holds %q, want what was typed", body, got)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d templates stored from refused posts", n)
	}
	if r := owner.Post("/app/settings/templates", url.Values{"name": {"Selam"}, "body": {"Merhaba {{ name }}, ben {{agent}} — {{business}}"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("known variables: %d %.300s", r.StatusCode, r.Body)
	}
	if n := count(); n != 1 {
		t.Fatalf("templates = %d, want 1", n)
	}
}

// TestTemplatePhoneAsPeopleWriteIt: {{phone}} in a reply template put the stored form
// (+905321234567) into the text the customer reads; it is now the number as people write it, as
// every page of the panel shows it.
func TestTemplatePhoneAsPeopleWriteIt(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "owner")
	if r := c.Post("/app/settings/templates", url.Values{"name": {"Arayalım"}, "body": {"{{name}} Hanım, sizi {{phone}} numarasından arayacağız."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("template: %d", r.StatusCode)
	}
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "0532 123 45 67", Name: "Ayşe", Body: "Merhaba"})
	vars, ok := c.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/").Doc(t).Find(`[data-insert-template]`).Attr("data-vars")
	if !ok {
		t.Fatal("no template picker in the composer")
	}
	var filled map[string]string
	if err := json.Unmarshal([]byte(vars), &filled); err != nil {
		t.Fatal(err)
	}
	if filled["phone"] != "+90 532 123 45 67" {
		t.Errorf("{{phone}} is filled with %q, want +90 532 123 45 67", filled["phone"])
	}
}
