package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
)

// A regular customer's conversation longer than the page shows opens on its NEWEST messages, with
// a link to the earlier ones, a page at a time, oldest first, read-only. The page used to list
// the thread's first 1,000 messages: from the 1,001st on, what the customer wrote last was not on
// the operator's screen at all.
func TestLongConversationOpensOnItsNewestMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	const total = 1203
	var conv int64
	err := e.Handlers.InboxService.IngestBatch(context.Background(), "acme", e.DB("acme"), func(b *inbox.Batch) error {
		for i := 1; i <= total; i++ {
			res, err := b.Ingest(inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali Usta",
				ProviderMessageID: fmt.Sprintf("wamid.long%d", i), Body: fmt.Sprintf("mesaj-%04d", i)})
			if err != nil {
				return err
			}
			conv = res.ConversationID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	base := "/app/inbox/" + strconv.FormatInt(conv, 10) + "/"
	page := func(path string) (msgs []string, earlier string, composer bool) {
		t.Helper()
		r := op.Get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.StatusCode)
		}
		doc := r.Doc(t)
		doc.Find("#timeline li.msg .msg-body").Each(func(_ int, s *goquery.Selection) { msgs = append(msgs, strings.TrimSpace(s.Text())) })
		earlier, _ = doc.Find("#timeline li.timeline-earlier a").Attr("href")
		return msgs, earlier, doc.Find("textarea#body").Length() > 0
	}
	msgs, earlier, composer := page(base)
	if len(msgs) != 500 || msgs[0] != "mesaj-0704" || msgs[499] != "mesaj-1203" {
		t.Fatalf("the conversation page shows %d messages, %q … %q; want the newest 500, mesaj-0704 … mesaj-1203", len(msgs), first(msgs), final(msgs))
	}
	if !composer || earlier == "" {
		t.Fatalf("composer %v, link to earlier messages %q", composer, earlier)
	}
	msgs, earlier2, composer := page(earlier)
	if len(msgs) != 500 || msgs[0] != "mesaj-0204" || msgs[499] != "mesaj-0703" || composer || earlier2 == "" {
		t.Fatalf("earlier page: %d messages %q … %q, composer %v, link %q", len(msgs), first(msgs), final(msgs), composer, earlier2)
	}
	msgs, earlier3, _ := page(earlier2)
	if len(msgs) != 203 || msgs[0] != "mesaj-0001" || msgs[202] != "mesaj-0203" || earlier3 != "" {
		t.Fatalf("first page: %d messages %q … %q, link %q", len(msgs), first(msgs), final(msgs), earlier3)
	}
	// The live redraw of the timeline is the newest window too.
	if r := op.Get(base + "timeline"); !strings.Contains(r.Body, "mesaj-1203") || strings.Contains(r.Body, "mesaj-0703") {
		t.Error("the timeline redraw is not the newest 500 messages")
	}
	if r := viewer.Get(earlier); r.StatusCode != http.StatusOK {
		t.Errorf("a viewer reading earlier messages: %d", r.StatusCode)
	}
	for _, bad := range []string{base + "earlier", base + "earlier?before=x", base + "earlier?before=-4"} {
		if r := op.Get(bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.StatusCode)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func final(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
