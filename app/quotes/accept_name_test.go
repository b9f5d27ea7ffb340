package quotes_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestAcceptNameIsOneLineOfText: the name a customer types when accepting a quote reaches the
// conversation's note and the action log as one line of plain text, without the right-to-left
// override (U+202E) or control characters it was sent with: the override turned the rest of the
// panel's line around.
func TestAcceptNameIsOneLineOfText(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id, link := sentUntil(t, f, f.conv, time.Now().AddDate(0, 0, 20).Format("2006-01-02"))
	if r := f.e.Client().Post(link+"/accept", url.Values{"name": {"Deniz\u202e Yılmaz\n\tIBAN\u0007"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("accept: %d", r.StatusCode)
	}
	if f.str(t, `SELECT status FROM quotes WHERE id = ?`, id) != "accepted" {
		t.Fatal("not accepted")
	}
	for _, q := range []string{`SELECT group_concat(body, '|') FROM messages WHERE direction = 'system'`, `SELECT group_concat(input_excerpt, '|') FROM action_logs WHERE action_type = 'quote_accepted'`} {
		got := f.str(t, q)
		if strings.ContainsAny(got, "\u202e\u0007\n\t") || !strings.Contains(got, "Deniz Yılmaz IBAN") {
			t.Errorf("%s: %q", q, got)
		}
	}
}
