package inbox_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
)

// TestRecentMessagesSayWhenCut: the inbox's "Latest messages" column shows a long message's
// first 160 characters followed by "…", so the reader sees there is more; it stopped mid-sentence
// ("… yoksa kazı ve") as if the customer had written no further. A short message reads whole.
func TestRecentMessagesSayWhenCut(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	long := strings.Repeat("Zeminde hazır bir alt zemin var mı, yoksa kazı ve dolgu gerekir mi? ", 4)
	ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "a", Name: "Hüseyin Çelik", Body: long})
	ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "b", Name: "Işık Demir", Body: "Kısa soru."})
	doc := c.Get("/app/inbox/").Doc(t)
	var got []string
	doc.Find(`ul.recent li p`).Each(func(_ int, p *goquery.Selection) { got = append(got, p.Text()) })
	if len(got) != 2 {
		t.Fatalf("recent messages %q, want 2", got)
	}
	if got[0] != "Kısa soru." {
		t.Errorf("the short message reads %q", got[0])
	}
	if want := string([]rune(long)[:160]) + "…"; got[1] != want {
		t.Errorf("the long message reads %q, want %q", got[1], want)
	}
}
