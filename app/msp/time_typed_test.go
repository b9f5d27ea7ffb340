package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
)

// A refused time entry gives back the duration as typed: "1,5" hours (an hour and a half, the
// way one says it) stays in a box that keeps any text — a number box showed nothing for it, so
// the person lost what they typed — with the message at the field in their language, on the
// ticket's page and on the timesheet alike; nothing is stored.
func TestTimeEntryRefusedKeepsTypedDuration(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	today := day(time.Now())
	tid := strconv.FormatInt(te.ticket.ID, 10)
	for _, lang := range []string{"tr", "en"} {
		for _, c := range []struct {
			where string
			f     url.Values
			input string
			typed string
		}{
			{"ticket", url.Values{"ticket_id": {tid}, "day": {today}, "hours": {"1,5"}, "note": {"Sunucu yedeği"}}, "#te-hours", "1,5"},
			{"timesheet", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "day": {today}, "hours": {"1"}, "minutes": {"30 dk"}}, "#te-minutes", "30 dk"},
		} {
			r := te.oper.Post("/app/msp/time/entries?lang="+lang, c.f)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s %s: %d, want 422", lang, c.where, r.StatusCode)
			}
			in := r.Doc(t).Find(c.input)
			if got := in.AttrOr("value", "<none>"); got != c.typed {
				t.Errorf("%s %s: %s shows %q, want what was typed %q", lang, c.where, c.input, got, c.typed)
			}
			if ty := in.AttrOr("type", "text"); ty != "text" {
				t.Errorf("%s %s: %s is a %q box, which shows nothing for text it cannot read", lang, c.where, c.input, ty)
			}
			if in.AttrOr("aria-invalid", "") != "true" {
				t.Errorf("%s %s: %s not marked invalid", lang, c.where, c.input)
			}
			if got, want := strings.TrimSpace(in.Closest(".field").Find(".field-error").Text()), i18n.For(lang).T("msp_time.err.whole"); got != want {
				t.Errorf("%s %s: message %q, want %q", lang, c.where, got, want)
			}
			if note := r.Doc(t).Find("#te-note").AttrOr("value", ""); note != c.f.Get("note") {
				t.Errorf("%s %s: note shows %q", lang, c.where, note)
			}
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 0 {
		t.Fatalf("%d entries stored from refused forms", n)
	}
}
