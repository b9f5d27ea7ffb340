package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/msp"
)

// bannerEnv is an IT-services tenant (Turkish, Istanbul time) with a client and a ticket of it, and
// an operator.
type bannerEnv struct {
	e      *apptest.Env
	oper   *apptest.Client
	ist    *time.Location
	client int64
	ticket *msp.Ticket
}

func newBannerEnv(t *testing.T) *bannerEnv {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	apptest.SetZone(t, e.User("bilisim", "olga", "owner"), ist.String())
	b := &bannerEnv{e: e, oper: e.User("bilisim", "oscar", "operator"), ist: ist}
	ctx, db, tech := context.Background(), e.DB("bilisim"), msp.Actor{Name: "Ayşe"}
	if b.client, err = msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Kuzey Lojistik"}, tech); err != nil {
		t.Fatal(err)
	}
	if b.ticket, err = msp.Create(ctx, db, msp.NewTicket{Subject: "E-posta gelmiyor", ClientID: b.client}, tech); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bannerEnv) post(t *testing.T, path string, form url.Values, want int) {
	t.Helper()
	if r := b.oper.Post(path, form); r.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d: %.400s", path, r.StatusCode, want, r.Body)
	}
}

// banners are the page's success and failure banners as the reader sees them.
func banners(t *testing.T, c *apptest.Client, path string) (ok, bad string) {
	t.Helper()
	r := c.Get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	doc := r.Doc(t)
	return strings.TrimSpace(doc.Find(".flash-ok").Text()), strings.TrimSpace(doc.Find(".flash-error").Text())
}

// overlap starts the operator's timer (two hours back) and types in a stretch that collides with
// it, on the ticket (onTicket) or for the client; it returns the typed stretch's clock times.
func (b *bannerEnv) overlap(t *testing.T, lang string, onTicket bool) (from, to string) {
	t.Helper()
	tid := strconv.FormatInt(b.ticket.ID, 10)
	started := time.Now().In(b.ist).Truncate(time.Minute).Add(-2 * time.Hour)
	if started.Hour() >= 22 { // near midnight: keep the timer's stretch and the typed one on one day
		started = started.Add(-3 * time.Hour)
	}
	b.post(t, "/app/msp/time/timer/start?lang="+lang, url.Values{"ticket_id": {tid}}, http.StatusSeeOther)
	if _, err := b.e.DB("bilisim").Write.Exec(`UPDATE msp_timers SET started_at = ?`, started.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	f, e := started.Add(30*time.Minute), started.Add(time.Hour)
	form := url.Values{"day": {f.Format(time.DateOnly)}, "start": {f.Format("15:04")}, "end": {e.Format("15:04")}}
	if onTicket {
		form.Set("ticket_id", tid)
	} else {
		form.Set("client", strconv.FormatInt(b.client, 10))
	}
	b.post(t, "/app/msp/time/entries?lang="+lang, form, http.StatusSeeOther)
	return f.Format("15:04"), e.Format("15:04")
}

// iso is s as a banner shows a word: between isolates, with a word joiner after each hyphen.
func iso(s string) string { return "\u2068" + strings.ReplaceAll(s, "-", "-\u2060") + "\u2069" }

// TestBannerReadInAnotherLanguage: a banner queued on a Turkish page and read after switching to
// Arabic is Arabic, words inside it included — the logged time of an MSP entry (a translated
// duration), the timer's refusal over logged time (a failure with the other entry's times and
// client), and a counted sentence of the profile's sign-out everywhere.
func TestBannerReadInAnotherLanguage(t *testing.T) {
	t.Parallel()
	b := newBannerEnv(t)
	ar := i18n.For("ar")

	// A duration typed in Turkish, read in Arabic: "سُجّل 1 س 30 د." rather than "1 sa 30 dk kaydedildi.".
	b.post(t, "/app/msp/time/entries?lang=tr", url.Values{"ticket_id": {strconv.FormatInt(b.ticket.ID, 10)},
		"day": {time.Now().In(b.ist).Format(time.DateOnly)}, "hours": {"1"}, "minutes": {"30"}}, http.StatusSeeOther)
	ok, _ := banners(t, b.oper, "/app/msp/time?lang=ar")
	if want := ar.T("msp_time.entry.saved", msp.FormatMinutes(ar, 90)); ok != want {
		t.Errorf("the saved entry's banner read in Arabic says %q, want %q", ok, want)
	}
	if _, err := b.e.DB("bilisim").Write.Exec(`DELETE FROM msp_time_entries`); err != nil {
		t.Fatal(err)
	}

	// The timer's refusal, stopped from a Turkish page, read in Arabic.
	from, to := b.overlap(t, "tr", false)
	banners(t, b.oper, "/app/msp/time?lang=tr") // the typed stretch's banner
	b.post(t, "/app/msp/time/timer/stop?lang=tr", url.Values{"back": {"/app/msp/time"}}, http.StatusSeeOther)
	_, bad := banners(t, b.oper, "/app/msp/time?lang=ar")
	if want := ar.T("msp_time.err.timer_overlap_client", iso(from), iso(to), iso("Kuzey Lojistik")); bad != want {
		t.Errorf("the timer's refusal read in Arabic says %q, want %q", bad, want)
	}

	// A counted sentence from another room: signed out on one other device, read in English.
	other := b.e.Client()
	other.Login("oscar", apptest.Password)
	b.post(t, "/app/profile/sessions/revoke?lang=tr", nil, http.StatusSeeOther)
	ok, _ = banners(t, b.oper, "/app/profile/?lang=en")
	if want := i18n.For("en").Plural("sessions.signed_out_everywhere", 1); ok != want {
		t.Errorf("the sign-out banner read in English says %q, want %q", ok, want)
	}
}

// TestBannerWordsIsolated: the words a banner carries — a ticket number, a client's name, clock
// times — are each set between Unicode isolates (FSI … PDI), in every language, so inside an
// Arabic sentence they keep their own order, and a ticket number does not wrap at its hyphen
// (a word joiner follows it: "T-\u2060000001"); the sentence itself is not isolated.
func TestBannerWordsIsolated(t *testing.T) {
	t.Parallel()
	b := newBannerEnv(t)
	from, to := b.overlap(t, "ar", true)
	banners(t, b.oper, "/app/msp/time?lang=ar")
	b.post(t, "/app/msp/time/timer/stop?lang=ar", url.Values{"back": {"/app/msp/time"}}, http.StatusSeeOther)
	for _, lang := range []string{"ar", "en"} {
		if lang == "en" { // the timer still runs: refused again, read in English
			b.post(t, "/app/msp/time/timer/stop?lang=ar", url.Values{"back": {"/app/msp/time"}}, http.StatusSeeOther)
		}
		_, bad := banners(t, b.oper, "/app/msp/time?lang="+lang)
		for _, w := range []string{iso(b.ticket.Ref()), iso(from), iso(to)} {
			if !strings.Contains(bad, w) {
				t.Errorf("%s: the refusal %q does not isolate %q", lang, bad, w)
			}
		}
		if strings.HasPrefix(bad, "\u2068") || strings.Count(bad, "\u2068") != 3 || strings.Count(bad, "\u2069") < 3 {
			t.Errorf("%s: the refusal %q isolates more than its three words", lang, bad)
		}
	}
	// The successful stop names the stretch's duration, a translated phrase, and no words to isolate.
	if _, err := b.e.DB("bilisim").Write.Exec(`DELETE FROM msp_time_entries`); err != nil {
		t.Fatal(err)
	}
	b.post(t, "/app/msp/time/timer/stop?lang=ar", url.Values{"back": {"/app/msp/time"}}, http.StatusSeeOther)
	var minutes int
	if err := b.e.DB("bilisim").Read.QueryRow(`SELECT minutes FROM msp_time_entries`).Scan(&minutes); err != nil {
		t.Fatal(err)
	}
	ar := i18n.For("ar")
	if ok, _ := banners(t, b.oper, "/app/msp/time?lang=ar"); ok != ar.T("msp_time.timer.stopped", msp.FormatMinutes(ar, minutes)) || strings.Contains(ok, "\u2068") {
		t.Errorf("the stop's banner %q", ok)
	}
}
