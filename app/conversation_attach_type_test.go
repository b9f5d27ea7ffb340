package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// A file the conversation's attach form does not take (a Word file, a voice note) is refused
// with what this form takes — photos (JPEG, PNG, WebP, GIF) and PDF, the list its check and its
// accept attribute use — in the operator's language. It said "only photos, PDFs and the usual
// voice, video and office files", promising files the form refuses.
func TestConversationAttachRefusalSaysWhatTheFormTakes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	op := e.User("acme", "ayse", "operator")
	_, conv := widgetThread(t, e, "acme", "Merhaba, teklifi Word olarak alabilir miyim?")
	page := op.Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t)
	if got := page.Find("#attach-file").AttrOr("accept", ""); got != "image/jpeg,image/png,image/webp,image/gif,application/pdf" {
		t.Errorf("the file field accepts %q", got)
	}
	// A .docx is a zip; an .ogg voice note is accepted from a channel but not from this form.
	docx := append([]byte("PK\x03\x04"), make([]byte, 200)...)
	for _, lang := range i18n.Langs {
		r := postFile(op, fmt.Sprintf("/app/inbox/%d/attach?lang=%s", conv, lang), "teklif.docx", docx, map[string]string{"body": "Teklif"})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a Word file: %d\n%.800s", lang, r.StatusCode, r.Body)
		}
		got := strings.TrimSpace(r.Doc(t).Find("#attach-error").Text())
		want := i18n.For(lang).T("media.err.bad_upload", "JPEG, PNG, WebP, GIF, PDF")
		if got != want {
			t.Errorf("%s: the file field says %q, want %q", lang, got, want)
		}
	}
	if n := countRows(t, e, "acme", "SELECT COUNT(*) FROM messages WHERE author_kind = 'user'"); n != 0 {
		t.Errorf("a refused file stored %d messages", n)
	}
}
