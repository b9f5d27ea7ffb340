package widget_test

import (
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestWidgetNameIsOneLineOfText: a visitor's name carrying a right-to-left override (U+202E), an
// isolate, a new line and a control character reaches the inbox as one line of plain text. The
// override was stored as typed, and in the panel's lists (the inbox's rows, its latest messages)
// it stayed open past the name and turned the rest of the line around: "Ayşe Kaya <U+202E>IBAN
// TR12 0006" read "abaseh 6000 21RT NABI" and the time "ecnö za".
func TestWidgetNameIsOneLineOfText(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	c := e.Client()
	r := c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"200 m² bahçe","name":"  Ayşe\u202e Kaya\n\tIBAN\u2066 TR12\u0007 0006\u2069 ","lang":"tr","client_id":"name-test-0123456789abcdef"}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	const want = "Ayşe Kaya IBAN TR12 0006"
	var name string
	if err := e.DB("acme").Read.QueryRow(`SELECT name FROM leads`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != want {
		t.Errorf("the lead's name is stored as %q, want %q", name, want)
	}
	op := e.User("acme", "operator", "operator")
	page := op.Get("/app/inbox/")
	if page.StatusCode != 200 {
		t.Fatalf("inbox: %d", page.StatusCode)
	}
	if strings.ContainsAny(page.Body, "\u202e\u2066\u2069\u0007") {
		t.Error("the inbox page carries the visitor's direction override or control character")
	}
	if !strings.Contains(page.Body, want) {
		t.Errorf("the inbox does not show the name as %q", want)
	}
	// A name arabic letters write right to left needs no override and keeps its letters.
	r = c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"مرحبا","name":"سارة أحمد","lang":"ar","client_id":"name-test-arabic-0123456789ab"}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM leads WHERE name = 'سارة أحمد'`).Scan(&n)
	if n != 1 {
		t.Error("an Arabic name is not stored as typed")
	}
}
