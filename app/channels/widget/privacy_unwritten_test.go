package widget_test

import (
	"fmt"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestPrivacyPageBeforeTheNoticeIsWritten: before the business wrote its notice, its privacy page
// read "Notice version: kvkk-e3b0c442" under the general text, a code made of an empty text. The
// page now shows the general text without a version; the business's owner, signed in, also reads
// that the notice is not written yet, what it lacks, and a link to the field where it is written.
// A visitor and an operator do not see that note; a written notice keeps its version.
func TestPrivacyPageBeforeTheNoticeIsWritten(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"privacy_notice": ""})
	owner := e.User("acme", "olga", "owner")
	op := e.User("acme", "ayla", "operator")
	tr := i18n.For("tr")
	for who, c := range map[string]*apptest.Client{"visitor": e.Client(), "operator": op, "owner": owner} {
		doc := c.Get("/kvkk/acme/?lang=tr").Doc(t)
		body := doc.Find("main").Text()
		if strings.Contains(body, "kvkk-") {
			t.Errorf("%s: the unwritten notice's page shows a version code: %q", who, strings.Join(strings.Fields(body), " "))
		}
		if !strings.Contains(body, tr.T("kvkk.default")) {
			t.Errorf("%s: the general text is missing", who)
		}
		note := doc.Find("[data-unwritten]")
		if who != "owner" {
			if note.Length() != 0 {
				t.Errorf("%s reads the owner's note", who)
			}
			continue
		}
		if !strings.Contains(note.Text(), tr.T("kvkk.unwritten.title")) || note.Find(`a[href="/app/settings/#privacy_notice"]`).Length() != 1 {
			t.Errorf("the owner's note: %q", strings.Join(strings.Fields(note.Text()), " "))
		}
	}
	if owner.Get("/app/settings/").Doc(t).Find("#privacy_notice").Length() != 1 {
		t.Error("the settings page has no #privacy_notice field to write it in")
	}

	e.Set("acme", map[string]string{"privacy_notice": "Verileriniz yalnızca talebinizi yanıtlamak için kullanılır."})
	doc := owner.Get("/kvkk/acme/?lang=tr").Doc(t)
	if doc.Find("[data-unwritten]").Length() != 0 {
		t.Error("the owner's note stays after the notice is written")
	}
	if !strings.Contains(doc.Find("main").Text(), "kvkk-") {
		t.Error("a written notice lost its version")
	}
}

// TestConsentToTheGeneralTextIsNamed: a visitor who agreed while the business had no notice of its
// own agreed to the general text; the lead page and the person's data page showed its version
// code "kvkk-e3b0c442" as if it were a notice. They now say it was the general text; a consent
// to a written notice keeps its version code.
func TestConsentToTheGeneralTextIsNamed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"privacy_notice": ""})
	owner := e.User("acme", "olga", "owner")
	tr := i18n.For("tr")
	send := func(name string) int64 {
		t.Helper()
		r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Granit fiyatı?","name":"`+name+`","consent":true,"lang":"tr"}`), nil)
		if r.StatusCode != 201 {
			t.Fatalf("widget post: %d", r.StatusCode)
		}
		var id int64
		if err := e.DB("acme").Read.QueryRow(`SELECT id FROM leads WHERE name = ?`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	general := send("Ayşe")
	e.Set("acme", map[string]string{"privacy_notice": "Verileriniz yalnızca talebinizi yanıtlamak için kullanılır."})
	written := send("Zeynep")
	for _, page := range []string{"/app/leads/%d/?lang=tr", "/app/kvkk/leads/%d/?lang=tr"} {
		body := strings.Join(strings.Fields(owner.Get(fmt.Sprintf(page, general)).Doc(t).Find("main").Text()), " ")
		if strings.Contains(body, "kvkk-") || !strings.Contains(body, tr.T("leads.consent.general")) {
			t.Errorf("%s of a consent to the general text: %q", page, body)
		}
		body = owner.Get(fmt.Sprintf(page, written)).Doc(t).Find("main").Text()
		if !strings.Contains(body, "kvkk-") || strings.Contains(body, tr.T("leads.consent.general")) {
			t.Errorf("%s of a consent to a written notice lost its version", page)
		}
	}
}
