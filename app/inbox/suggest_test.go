package inbox_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// TestConversationSuggestDraft: "Taslak öner" puts the assistant's reply to the latest customer
// message into the composer (htmx fragment, or the page prefilled without script), sends nothing,
// and logs draft_suggested; an unknown conversation is a 404 and a viewer may not ask.
func TestConversationSuggestDraft(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	db := e.DB("acme")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali",
		Body: "Merhaba, salon için parke döşetmek istiyoruz, bilgi alabilir miyim?"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	count := func(q string) int {
		var n int
		if err := db.Read.QueryRow(q, res.ConversationID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	outbound := func() int {
		return count(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`)
	}
	logged := func() int {
		return count(`SELECT count(*) FROM action_logs WHERE conversation_id = ? AND action_type = 'draft_suggested'`)
	}
	sentBefore := outbound()

	c.Header.Set("HX-Request", "true")
	r := c.Post(path+"suggest", url.Values{})
	c.Header.Del("HX-Request")
	if r.StatusCode != 200 {
		t.Fatalf("suggest: %d %.300s", r.StatusCode, r.Body)
	}
	doc := r.Doc(t)
	draft := strings.TrimSpace(doc.Find("textarea#body[name=body]").Text())
	if draft == "" {
		t.Fatalf("no draft in the composer fragment: %.500s", r.Body)
	}
	t.Logf("draft: %q", draft)
	if !strings.ContainsAny(draft, "ıİşŞğĞçÇöÖüÜ") {
		t.Errorf("draft is not Turkish like the customer: %q", draft)
	}
	if outbound() != sentBefore {
		t.Fatal("suggesting a draft sent a message")
	}
	if logged() != 1 {
		t.Fatalf("draft_suggested logs = %d, want 1", logged())
	}
	var lang, output string
	if err := db.Read.QueryRow(`SELECT json_extract(payload, '$.language'), output_excerpt FROM action_logs WHERE conversation_id = ? AND action_type = 'draft_suggested'`,
		res.ConversationID).Scan(&lang, &output); err != nil {
		t.Fatal(err)
	}
	if lang != "tr" || strings.TrimSpace(output) != draft {
		t.Errorf("log language %q output %q, want tr and the draft", lang, output)
	}
	if doc.Find("#composer-status[hx-swap-oob]").Length() != 1 {
		t.Errorf("no composer status in the fragment: %.500s", r.Body)
	}

	// Without htmx: back to the conversation with the draft in the message box, still unsent.
	r = c.Post(path+"suggest", url.Values{})
	if r.StatusCode != 303 {
		t.Fatalf("suggest without htmx: %d", r.StatusCode)
	}
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, path+"?draft=") {
		t.Fatalf("redirect to %q", loc)
	}
	page := c.Get(loc)
	if got := strings.TrimSpace(page.Doc(t).Find("form#composer textarea#body").Text()); got != draft {
		t.Errorf("prefilled composer %q, want %q", got, draft)
	}
	if outbound() != sentBefore || logged() != 2 {
		t.Errorf("after the plain post: outbound %d (was %d), logs %d", outbound(), sentBefore, logged())
	}

	if r := c.Post("/app/inbox/999999/suggest", url.Values{}); r.StatusCode != 404 {
		t.Errorf("unknown conversation: %d, want 404", r.StatusCode)
	}
	if r := viewer.Post(path+"suggest", url.Values{}); r.StatusCode != 403 {
		t.Errorf("viewer: %d, want 403", r.StatusCode)
	}
	if logged() != 2 {
		t.Errorf("refused requests logged a suggestion: %d", logged())
	}
}

// TestConversationSuggestBudgetSpent: with the assistant's budget spent the button answers with the
// catalog's message through the one error renderer, in the operator's language, and logs nothing.
func TestConversationSuggestBudgetSpent(t *testing.T) {
	e := newEnv(t)
	e.Tenant("kaya", "parke_tas", "tr")
	c := e.User("kaya", "olga", "operator")
	res := ingest(t, e, "kaya", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali", Body: "Merhaba"})
	// A paid provider with a budget of 0 is stopped before any call is made.
	e.Set("kaya", map[string]string{"ai_provider": "openai_compatible", "monthly_budget_usd": "0"})
	c.Header.Set("HX-Request", "true")
	r := c.Post("/app/inbox/"+strconv.FormatInt(res.ConversationID, 10)+"/suggest", url.Values{})
	if r.StatusCode != 503 {
		t.Fatalf("status %d, want 503: %.300s", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, "Asistanın aylık bütçesi doldu") || strings.Contains(r.Body, "inbox.suggest.error") {
		t.Errorf("error answer is not the Turkish catalog message: %.600s", r.Body)
	}
	var n int
	if err := e.DB("kaya").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'draft_suggested'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("draft_suggested logs = %d (%v), want 0", n, err)
	}
}

// TestConversationSuggestKeepsTyping: asking for a draft with words already in the message box
// keeps them — the draft follows them after a blank line, and the status says so — instead of
// replacing the box and throwing away what the operator had typed; when both do not fit in one
// message the box keeps their words alone and says why. The box keeps its @mention picker, and
// the page without script gets the same text.
func TestConversationSuggestKeepsTyping(t *testing.T) {
	e := newEnv(t)
	e.Tenant("kaya", "parke_tas", "tr")
	c := e.User("kaya", "olga", "operator")
	e.User("kaya", "mert", "operator")
	res := ingest(t, e, "kaya", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali",
		Body: "Merhaba, salon için parke döşetmek istiyoruz, bilgi alabilir miyim?"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	typed := "Ali Bey merhaba, cuma günü adresinize uğrayabiliriz."

	c.Header.Set("HX-Request", "true")
	r := c.Post(path+"suggest", url.Values{"direction": {"outbound"}, "body": {typed + "\n"}})
	if r.StatusCode != 200 {
		t.Fatalf("suggest: %d %.300s", r.StatusCode, r.Body)
	}
	doc := r.Doc(t)
	box := doc.Find("textarea#body[name=body]")
	got := box.Text()
	draft, ok := strings.CutPrefix(got, typed+"\n\n")
	if !ok || strings.TrimSpace(draft) == "" {
		t.Fatalf("the box reads %q; want the typed words, a blank line, then the draft", got)
	}
	if status := doc.Find("#composer-status").Text(); !strings.Contains(status, "Taslak yazdığınızın altına eklendi") {
		t.Errorf("status %q: want it to say the draft was added below the typed words", status)
	}
	if m, _ := box.Attr("data-mention-members"); !strings.Contains(m, `"mert"`) {
		t.Errorf("the box lost its @mention picker: data-mention-members=%q", m)
	}

	// An empty box (spaces only) gets the draft alone.
	r = c.Post(path+"suggest", url.Values{"body": {"  \n"}})
	if got := r.Doc(t).Find("textarea#body").Text(); got != draft {
		t.Errorf("empty box: %q, want the draft alone %q", got, draft)
	}

	// No room for both: the typed words stay, alone, and the status says why.
	long := strings.Repeat("ş", 4000-len([]rune(draft))-1)
	r = c.Post(path+"suggest", url.Values{"body": {long}})
	doc = r.Doc(t)
	if got := doc.Find("textarea#body").Text(); got != long {
		t.Errorf("no room: the box holds %d characters, want the %d typed", len([]rune(got)), len([]rune(long)))
	}
	if status := doc.Find("#composer-status").Text(); !strings.Contains(status, "sığmıyor") {
		t.Errorf("no room: status %q", status)
	}
	c.Header.Del("HX-Request")

	// Without script: the page comes back with both in the box.
	r = c.Post(path+"suggest", url.Values{"body": {typed}})
	if r.StatusCode != 303 {
		t.Fatalf("suggest without htmx: %d", r.StatusCode)
	}
	if got := c.Get(r.Header.Get("Location")).Doc(t).Find("form#composer textarea#body").Text(); got != typed+"\n\n"+draft {
		t.Errorf("without script the box reads %q, want the typed words then the draft", got)
	}
}
