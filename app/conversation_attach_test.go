package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
	"highvibe/app/web"
)

// A file over the documents' limit sent from the conversation's attach form (a plain post, as
// without script) comes back with the caption the operator typed and the reason at the file
// field, in the operator's language, and only there (it was also in the banner and the message
// box's status line); nothing is sent or kept. Before, the body was parsed all or nothing and
// the refused form came back with the caption empty. A PDF between the photos' and
// the documents' limits is sent: it is held to the documents' 25 MB, not the photos' 5 MB.
func TestConversationAttachOverTheLimitKeepsTheCaption(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	op := e.User("acme", "ayse", "operator")
	_, conv := widgetThread(t, e, "acme", "Merhaba, planı gönderebilir misiniz?")
	messages := func() int { return countRows(t, e, "acme", "SELECT COUNT(*) FROM messages WHERE author_kind = 'user'") }
	before := messages()
	caption := "Ölçü planı: salon 42,5 m², lütfen bakın"
	big := append(mediatest.PDF(), bytes.Repeat([]byte{' '}, 26<<20)...)
	for lang, want := range map[string]string{"tr": "25 MB", "en": "25 MB", "ar": "25"} {
		r := postFile(op, fmt.Sprintf("/app/inbox/%d/attach?lang=%s", conv, lang), "plan.pdf", big, map[string]string{"body": caption})
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("%s: a 26 MB file: %d\n%.1500s", lang, r.StatusCode, r.Body)
		}
		doc := r.Doc(t)
		if got := doc.Find("#attach-caption").AttrOr("value", ""); got != caption {
			t.Errorf("%s: the caption came back as %q, typed %q", lang, got, caption)
		}
		msg := doc.Find("#attach-error").Text()
		if !strings.Contains(msg, want) {
			t.Errorf("%s: the file field says %q, want the limit (%s)", lang, msg, want)
		}
		// Said once, at the field (app.js brings it into view): not again in the banner on top
		// and in the message box's status line.
		if n := strings.Count(doc.Find("main").Text(), strings.TrimSpace(msg)); msg != "" && n != 1 {
			t.Errorf("%s: the page says the file's refusal %d times, want once", lang, n)
		}
		if _, open := doc.Find("details.composer-attach").Attr("open"); !open {
			t.Errorf("%s: the attach form is closed on the refused page", lang)
		}
	}
	// With htmx the form stays on the page as typed; the reason goes under its file field.
	h := op.Do(sendRequest(t, e.URL, sendForm{path: fmt.Sprintf("/app/inbox/%d/attach?lang=tr", conv)}, url.Values{"body": {caption}}, big, web.NewOnceToken(), true))
	if h.StatusCode != http.StatusRequestEntityTooLarge || h.Header.Get("HX-Retarget") != "#attach-status" || !strings.Contains(h.Doc(t).Find("#attach-error").Text(), "25 MB") {
		t.Errorf("htmx: a 26 MB file: %d, retarget %q: %.500s", h.StatusCode, h.Header.Get("HX-Retarget"), h.Body)
	}
	if n := messages(); n != before {
		t.Fatalf("a refused file stored messages: %d → %d", before, n)
	}
	plan := append(mediatest.PDF(), bytes.Repeat([]byte{' '}, 8<<20)...)
	if r := postFile(op, fmt.Sprintf("/app/inbox/%d/attach", conv), "plan.pdf", plan, map[string]string{"body": caption}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("an 8 MB PDF: %d\n%.1500s", r.StatusCode, r.Body)
	}
	if n := countRows(t, e, "acme", "SELECT COUNT(*) FROM attachments WHERE kind = 'document' AND status = 'stored'"); n != 1 {
		t.Fatalf("an 8 MB PDF: %d documents stored, want 1", n)
	}
}
