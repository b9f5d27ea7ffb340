package visits_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"highvibe/app/inbox"
)

// TestCalendarDialsTheCustomer: the calendar and a visit's page showed no phone number, while
// whoever drives to the site wants to tap and call the customer. The week's grid, the phone's
// agenda and the visit's page now link the number (as people write it, dialled in its
// international form), one left-to-right piece on an Arabic page; a customer who gave no name is
// named by that number, as the inbox names them.
func TestCalendarDialsTheCustomer(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	res, err := f.e.Handlers.InboxService.Ingest(t.Context(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905551234567", Phone: "+905551234567", Body: "Otopark için andezit, keşfe gelir misiniz?"})
	if err != nil {
		t.Fatal(err)
	}
	mon := nextMonday10()
	v := f.book(t, res.ConversationID, mon, f.op.UserID)
	named := f.book(t, f.conv, mon.Add(3*time.Hour), f.op.UserID)
	const shown, dial = "+90 555 123 45 67", "tel:+905551234567"
	for _, lang := range []string{"tr", "ar"} {
		doc := f.viewer.Get("/app/visits/?date=" + mon.Format("2006-01-02") + "&lang=" + lang).Doc(t)
		for where, sel := range map[string]string{"grid": ".cal-grid .cal-visit", "agenda": ".cal-agenda li"} {
			item := doc.Find(fmt.Sprintf(`%s:has(a[href="/app/visits/%d/"])`, sel, v.ID))
			tel := item.Find(`a[href="` + dial + `"]`)
			if tel.Length() != 1 || strings.TrimSpace(tel.Text()) != shown || tel.AttrOr("dir", "") != "ltr" {
				t.Errorf("%s, %s: the number to call is %d links reading %q (dir %q)", lang, where, tel.Length(), tel.Text(), tel.AttrOr("dir", ""))
			}
			if name := strings.TrimSpace(item.Find(".cal-name").Text()); name != shown {
				t.Errorf("%s, %s: the nameless customer is named %q", lang, where, name)
			}
			if other := doc.Find(fmt.Sprintf(`%s:has(a[href="/app/visits/%d/"])`, sel, named.ID)); other.Find(`a[href^="tel:"]`).Length() != 0 ||
				!strings.Contains(other.Find(".cal-name").Text(), "Deniz Yılmaz") {
				t.Errorf("%s, %s: a web chat visitor with no number reads %q", lang, where, strings.Join(strings.Fields(other.Text()), " "))
			}
		}
		page := f.viewer.Get(fmt.Sprintf("/app/visits/%d/?lang=%s", v.ID, lang)).Doc(t)
		tel := page.Find(`#visit a[href="` + dial + `"]`)
		if tel.Length() != 1 || strings.TrimSpace(tel.Text()) != shown || tel.AttrOr("dir", "") != "ltr" {
			t.Errorf("%s: the visit's page links the number %d times, reading %q", lang, tel.Length(), tel.Text())
		}
		if h := page.Find("h1.page-title").Text(); !strings.Contains(h, shown) {
			t.Errorf("%s: the visit's page is headed %q", lang, h)
		}
	}
}
