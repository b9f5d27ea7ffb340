package quotes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// A quote whose PDF could not be kept (the media storage full) went as the link alone; the banner
// right after said so once, but then its page and the list said "Sent" and the conversation showed
// the message as any other, as if the PDF had gone. The message now records that it went without
// the PDF and why, and the page, the list and the conversation say so in the reader's language.
func TestQuoteSentWithoutItsPDFSaysSo(t *testing.T) {
	f := setup(t)
	conv := conversationOn(t, f, "webchat", "v-link-only", "")
	id := approvedQuote(t, f, conv)
	sid := strconv.FormatInt(id, 10)
	f.e.Set("acme", map[string]string{"media_quota_mb": "0"})
	r := f.op.Post("/app/quotes/"+sid+"/send", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	const why = "The business's storage for photos and files is full. The owner can raise the quota in Settings."
	page := f.op.Get("/app/quotes/" + sid + "/?lang=en").Doc(t)
	if got := page.Find("#quote-status").Text(); got != "Link sent, no PDF" {
		t.Errorf("badge %q, want Link sent, no PDF", got)
	}
	if got := page.Find("[data-no-pdf]").Text(); got != "Link sent, without the PDF: "+why {
		t.Errorf("page line %q", got)
	}
	list := f.op.Get("/app/quotes/?lang=en").Doc(t)
	if got := strings.TrimSpace(list.Find("[data-quote='" + sid + "'] [data-label='Status']").Text()); got != "Link sent, no PDF" {
		t.Errorf("list status %q, want Link sent, no PDF", got)
	}
	conversation := f.op.Get("/app/inbox/" + strconv.FormatInt(conv, 10) + "/?lang=tr").Doc(t)
	if got := strings.TrimSpace(conversation.Find("[data-no-file]").Text()); !strings.Contains(got, "PDF bu mesajla gitmedi: İşletmenin fotoğraf ve dosya alanı dolu.") {
		t.Errorf("conversation note %q", got)
	}
	// A quote sent with its PDF still says Sent.
	f.e.Set("acme", map[string]string{"media_quota_mb": "1024"})
	other := approvedQuote(t, f, conversationOn(t, f, "webchat", "v-with-pdf", ""))
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(other, 10)+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	page = f.op.Get("/app/quotes/" + strconv.FormatInt(other, 10) + "/?lang=en").Doc(t)
	if got := page.Find("#quote-status").Text(); got != "Sent" || page.Find("[data-no-pdf]").Length() != 0 {
		t.Errorf("a quote sent with its PDF: badge %q, no-PDF line %d", got, page.Find("[data-no-pdf]").Length())
	}
}
