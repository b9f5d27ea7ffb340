package inbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// TestNextStepDueNeedsWords: a due date without words is refused at the next step's field, in
// the reader's language, with what was typed kept and nothing stored — posted without script
// and inline alike, and also when the words of a dated step are cleared; the words alone, and
// both cleared, still save.
func TestNextStepDueNeedsWords(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234568", Phone: "+905321234568", Name: "Ayşe", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	db := e.DB("acme")
	stored := func() (string, int64) {
		t.Helper()
		var next string
		var due int64
		if err := db.Read.QueryRow(`SELECT next_action, coalesce(next_action_due_at,0) FROM conversations WHERE id = ?`,
			res.ConversationID).Scan(&next, &due); err != nil {
			t.Fatal(err)
		}
		return next, due
	}
	trMsg := "Bu tarihe kadar ne yapılacağını yazın ya da tarihi silin."

	// Without script: the page again, the message under the next step's fields, the date kept.
	r := c.Post(path+"?lang=tr", url.Values{"next_action": {""}, "next_action_due_at": {"2030-01-02T10:00"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a date without words: %d, want 422", r.StatusCode)
	}
	doc := r.Doc(t)
	if got := doc.Find(`#next-error`).Text(); got != trMsg {
		t.Errorf("the next step's error says %q, want %q", got, trMsg)
	}
	if v, _ := doc.Find(`#next_action_due_at`).Attr("value"); v != "2030-01-02T10:00" {
		t.Errorf("the typed date was not kept: %q", v)
	}
	if v, _ := doc.Find(`#next_action`).Attr("aria-invalid"); v != "true" {
		t.Error("the words field is not marked invalid")
	}
	if next, due := stored(); next != "" || due != 0 {
		t.Errorf("stored %q %d after a refused save", next, due)
	}

	// Inline (htmx): the form's own status line says it.
	inline := func(v url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.URL+path+"?lang=tr", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "saved-next")
		r := c.Do(req)
		return r.StatusCode, r.Body
	}
	if code, body := inline(url.Values{"next_action": {"  "}, "next_action_due_at": {"2030-01-02T10:00"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, trMsg) {
		t.Errorf("inline date without words: %d %q", code, body)
	}
	if next, due := stored(); next != "" || due != 0 {
		t.Errorf("stored %q %d after a refused inline save", next, due)
	}

	// A dated step with words saves; clearing its words alone is refused; clearing both saves.
	if code, _ := inline(url.Values{"next_action": {"Keşif"}, "next_action_due_at": {"2030-01-02T10:00"}}); code != http.StatusOK {
		t.Fatalf("a dated step: %d", code)
	}
	if code, _ := inline(url.Values{"next_action": {""}}); code != http.StatusUnprocessableEntity {
		t.Errorf("clearing the words of a dated step: %d, want 422", code)
	}
	if next, due := stored(); next != "Keşif" || due == 0 {
		t.Errorf("the dated step changed to %q %d", next, due)
	}
	if code, _ := inline(url.Values{"next_action": {""}, "next_action_due_at": {""}}); code != http.StatusOK {
		t.Errorf("clearing both: %d", code)
	}
	if code, _ := inline(url.Values{"next_action": {"Ara"}, "next_action_due_at": {""}}); code != http.StatusOK {
		t.Errorf("words without a date: %d", code)
	}
	if next, due := stored(); next != "Ara" || due != 0 {
		t.Errorf("stored %q %d, want the words without a date", next, due)
	}
}
