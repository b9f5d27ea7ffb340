package inbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
)

// TestUnreadFilterShowsWhatTheBadgeCounts: the menu's badge and the dashboard's card counted only
// open conversations with unread messages, while the inbox's "Unread only" filter also listed won
// and lost ones, so the list behind the number was longer than the number. The filter, the inbox's
// new unread counter, its export and the badge now all mean open conversations with unread
// messages; the dashboard's "… unread" leads to that list.
func TestUnreadFilterShowsWhatTheBadgeCounts(t *testing.T) {
	e := newEnv(t)
	owner := e.User("acme", "oya", "owner")
	open := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "u-open", Name: "Açık Ece", Body: "Parke fiyatı?"}).ConversationID
	won := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "u-won", Name: "Kazanılan Can", Body: "Tamam, anlaştık"}).ConversationID
	lost := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "u-lost", Name: "Kaybedilen Nur", Body: "Başka firmayla devam"}).ConversationID
	for conv, state := range map[int64]string{won: "won", lost: "lost"} {
		if r := owner.Post(fmt.Sprintf("/app/inbox/%d/", conv), url.Values{"state": {state}}); r.StatusCode >= 400 {
			t.Fatalf("closing %d as %s: %d", conv, state, r.StatusCode)
		}
	}
	var stillUnread int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM conversations WHERE unread_count > 0`).Scan(&stillUnread)
	if stillUnread != 3 {
		t.Fatalf("%d conversations unread before the check, want all 3 (the closed ones were never opened)", stillUnread)
	}

	doc := owner.Get("/app/inbox/?unread=1&lang=en").Doc(t)
	var listed []int64
	doc.Find("li.inbox-row").Each(func(_ int, s *goquery.Selection) {
		id, _ := strconv.ParseInt(s.AttrOr("data-conversation-id", ""), 10, 64)
		listed = append(listed, id)
	})
	sort.Slice(listed, func(i, j int) bool { return listed[i] < listed[j] })
	badge := strings.TrimSpace(doc.Find(`.nav a[data-nav-unread] .count`).Contents().First().Text())
	counter := strings.TrimSpace(doc.Find(`a.counter[data-counter="unread"] b`).Text())
	if fmt.Sprint(listed) != fmt.Sprint([]int64{open}) || badge != "1" || counter != "1" {
		t.Errorf("unread filter lists %v, badge %q, counter %q; want only the open conversation %d, and 1 on both", listed, badge, counter, open)
	}
	if href := doc.Find(`a.counter[data-counter="unread"]`).AttrOr("href", ""); href != "/app/inbox/?unread=1" {
		t.Errorf("the unread counter leads to %q, want the unread filter", href)
	}
	// Choosing a closed state with it lists nothing, as "Needs a person" does.
	if n := owner.Get("/app/inbox/?unread=1&state=won").Doc(t).Find("li.inbox-row").Length(); n != 0 {
		t.Errorf("unread and won lists %d conversations, want none", n)
	}

	// The dashboard's "1 unread" leads to the same list.
	dash := owner.Get("/app/?lang=en").Doc(t)
	if link := dash.Find(`[data-card="open"] a[data-unread-link]`); link.AttrOr("href", "") != "/app/inbox/?unread=1" || !strings.Contains(link.Text(), "1") {
		t.Errorf("the dashboard's unread line is %q → %q, want a link to the unread filter", link.Text(), link.AttrOr("href", ""))
	}

	// The export of the filtered list holds the same conversations.
	r := owner.Get("/app/inbox/export?unread=1&format=csv")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %.200s", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, "Açık Ece") || strings.Contains(r.Body, "Kazanılan Can") || strings.Contains(r.Body, "Kaybedilen Nur") {
		t.Errorf("the unread export holds won or lost conversations, or misses the open one:\n%.600s", r.Body)
	}
}

// TestMenuUnreadNumberOpensWhatItCounts: the menu's unread number sat inside the Inbox link, so
// tapping it (on a phone, the obvious thing to tap) opened the whole inbox, not the conversations
// it counts. The number is now its own link, to the unread list (the same definition as the
// badge); "Inbox" still opens the whole inbox.
func TestMenuUnreadNumberOpensWhatItCounts(t *testing.T) {
	e := newEnv(t)
	owner := e.User("acme", "oya", "owner")
	a := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "n-a", Name: "Ada Yeni", Body: "Parke fiyatı?"}).ConversationID
	b := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110001", Name: "Bora Yeni", Body: "Taş var mı?"}).ConversationID
	read := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "n-read", Name: "Cem Okundu", Body: "Merhaba"}).ConversationID
	owner.Get(fmt.Sprintf("/app/inbox/%d/", read)) // opening it reads it

	for _, lang := range []string{"tr", "en", "ar"} {
		doc := owner.Get("/app/leads/?lang=" + lang).Doc(t)
		inboxLink := doc.Find(`.nav a.nav-link[href="/app/inbox/"]`)
		if inboxLink.Length() != 1 || inboxLink.Find(".count").Length() != 0 {
			t.Errorf("%s: the menu's Inbox link holds the unread number (%q), so tapping the number opens the whole inbox", lang, inboxLink.Text())
		}
		num := doc.Find(`.nav a[data-nav-unread]`)
		href := num.AttrOr("href", "")
		if href != "/app/inbox/?unread=1" || strings.TrimSpace(num.Find(".count").Contents().First().Text()) != "2" {
			t.Fatalf("%s: the menu's unread number is %q → %q, want 2 → the unread list", lang, num.Text(), href)
		}
		var listed []int64
		owner.Get(href + "&lang=" + lang).Doc(t).Find("li.inbox-row").Each(func(_ int, s *goquery.Selection) {
			id, _ := strconv.ParseInt(s.AttrOr("data-conversation-id", ""), 10, 64)
			listed = append(listed, id)
		})
		sort.Slice(listed, func(i, j int) bool { return listed[i] < listed[j] })
		if fmt.Sprint(listed) != fmt.Sprint([]int64{a, b}) {
			t.Errorf("%s: the number's list shows %v, want the two unread conversations %v", lang, listed, []int64{a, b})
		}
	}
}
