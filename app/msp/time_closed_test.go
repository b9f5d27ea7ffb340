package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A change to time of a month closed for billing is refused on the entry's own form, in the
// person's language: which month, that only an owner reopens it and what to do instead, beside the
// day, with what was typed still on the screen (read-only) — not a bare "Changed in the
// meantime" page. A removal from an old page comes back to it with the same reason on top.
func TestTimeEntryClosedMonthSaysSo(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	now := time.Now()
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"2"}, "note": {"sunucu"}}),
		http.StatusSeeOther, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	old := time.Date(now.Year()-1, time.November, 10, 0, 0, 0, 0, time.UTC)
	if _, err := te.db.Exec(t.Context(), `UPDATE msp_time_entries SET work_day = ? WHERE id = ?`, day(old), id); err != nil {
		t.Fatal(err)
	}
	edit := "/app/msp/time/entries/" + strconv.FormatInt(id, 10) + "/edit"
	for _, s := range []struct{ lang, month, none, title409, closed string }{
		{"tr", "Kas", "yalnızca işletme sahibi", "Bu arada değiştirildi", "faturalama için kapandı"},
		{"en", "Nov", "Only an owner can reopen it", "Changed in the meantime", "closed for billing"},
		{"ar", "نوفمبر", "لا يعيد فتحه إلا المالك", "تم التغيير في هذه الأثناء", "أُغلق هذا الشهر للفوترة"},
	} {
		typed := "düzeltme: " + s.lang
		r := te.owner.Post(edit+"?lang="+s.lang, url.Values{"day": {day(now)}, "hours": {"3"}, "note": {typed}})
		d := r.Doc(t)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: change in a closed month: %d", s.lang, r.StatusCode)
		}
		if strings.Contains(r.Body, s.title409) {
			t.Errorf("%s: the refusal is titled %q", s.lang, s.title409)
		}
		notice := d.Find("#entry-closed").Text()
		if !strings.Contains(notice, s.none) || !strings.Contains(notice, s.month) || !strings.Contains(notice, strconv.Itoa(old.Year())) {
			t.Errorf("%s: the notice above the form %q does not say which month closed and who reopens it", s.lang, notice)
		}
		if field := d.Find("#te-day-error").Text(); !strings.Contains(field, s.closed) {
			t.Errorf("%s: the day's error %q", s.lang, field)
		}
		if v, _ := d.Find("#te-note").Attr("value"); v != typed {
			t.Errorf("%s: the typed note is gone: %q", s.lang, v)
		}
		if _, disabled := d.Find("#entry-edit fieldset").Attr("disabled"); !disabled || d.Find(`#entry-edit button[type=submit]`).Length() != 0 {
			t.Errorf("%s: the closed month's form can still be sent", s.lang)
		}
		// The form opened on such an entry says the same before anything is typed.
		g := te.owner.Get(edit + "?lang=" + s.lang)
		if g.StatusCode != http.StatusConflict || !strings.Contains(g.Doc(t).Find("#entry-closed").Text(), s.none) ||
			!strings.Contains(g.Doc(t).Find("#te-day-error").Text(), s.closed) {
			t.Errorf("%s: the form of a closed month's entry: %d %q", s.lang, g.StatusCode, g.Doc(t).Find("#entry-closed").Text())
		}
	}
	var minutes int
	var note string
	if err := te.db.Read.QueryRow(`SELECT minutes, note FROM msp_time_entries WHERE id = ?`, id).Scan(&minutes, &note); err != nil || minutes != 120 || note != "sunucu" {
		t.Fatalf("the closed month's entry changed: %d %q %v", minutes, note, err)
	}
	// A removal from a page shown before the month closed: back to that page, the reason on top.
	back := "/app/msp/time?week=" + url.QueryEscape(day(old))
	r := te.owner.Post("/app/msp/time/entries/"+strconv.FormatInt(id, 10)+"/delete?lang=en", url.Values{"back": {back}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != back {
		t.Fatalf("removal in a closed month: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if got := te.owner.Get(back + "&lang=en").Doc(t).Find(".flash-error").Text(); !strings.Contains(got, "Only an owner can reopen it") {
		t.Errorf("the page after a refused removal says %q", got)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatal("the closed month's entry was removed")
	}
}

// Saving a change to a time entry removed meanwhile (another tab, someone else) says so in the
// person's language and keeps what was typed on the screen, read-only; it used to answer the
// generic "not found" page with the text gone.
func TestTimeEntryRemovedMeanwhileKeepsText(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	now := time.Now()
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(now)}, "hours": {"2"}}), http.StatusSeeOther, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries/"+sid+"/delete", nil), http.StatusSeeOther, "the other tab removes it")
	for lang, want := range map[string]string{"tr": "bu arada silindi", "en": "was removed meanwhile", "ar": "أُزيل سجل الوقت هذا في هذه الأثناء"} {
		typed := "yedekleme kontrolü " + lang
		r := te.oper.Post("/app/msp/time/entries/"+sid+"/edit?lang="+lang, url.Values{"day": {day(now)}, "hours": {"3"}, "note": {typed}})
		if r.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: change of a removed entry: %d", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if got := d.Find("#entry-closed").Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the notice says %q", lang, got)
		}
		if v, _ := d.Find("#te-note").Attr("value"); v != typed {
			t.Errorf("%s: the typed note is gone: %q", lang, v)
		}
		if h, _ := d.Find("#te-hours").Attr("value"); h != "3" {
			t.Errorf("%s: the typed hours are gone: %q", lang, h)
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 0 {
		t.Fatalf("%d entries after changing a removed one", n)
	}
}
