package seasonal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Saving a date that was deleted meanwhile (in another tab, by someone else) says so in the
// owner's language and keeps what was typed, in the form of a new date that saves it again; it
// used to answer the generic "not found" page with the text gone.
func TestDateDeletedMeanwhileKeepsText(t *testing.T) {
	t.Parallel()
	v := newEnv(t, "tr")
	f := url.Values{"name": {"Anneler Günü"}, "rule": {"fixed"}, "month": {"5"}, "day": {"10"}, "lead_days": {"14"}, "uplift_pct": {"60"}}
	want(t, v.owner.Post("/app/seasonal/new", f), http.StatusSeeOther, "new date")
	id := v.count(t, `SELECT id FROM seasonal_campaigns`)
	want(t, v.owner.Post("/app/seasonal/"+itoa(int64(id))+"/delete", nil), http.StatusSeeOther, "the other tab deletes it")
	f.Set("notes", "Kırmızı gül siparişi 10 gün önce.")
	for lang, msg := range map[string]string{"tr": "bu arada silindi", "en": "was deleted meanwhile", "ar": "حُذف هذا الموعد في هذه الأثناء"} {
		r := v.owner.Post("/app/seasonal/"+itoa(int64(id))+"/edit?lang="+lang, f)
		want(t, r, http.StatusNotFound, lang+": save of a deleted date")
		d := r.Doc(t)
		if got := d.Find("#deleted-meanwhile").Text(); !strings.Contains(got, msg) {
			t.Errorf("%s: the notice says %q", lang, got)
		}
		form := d.Find("form.season-form")
		if a, _ := form.Attr("action"); a != "/app/seasonal/new" {
			t.Errorf("%s: the form saves to %q, want a new date", lang, a)
		}
		if n, _ := form.Find("#name").Attr("value"); n != "Anneler Günü" || !strings.Contains(form.Text(), "Kırmızı gül siparişi") {
			t.Errorf("%s: the form lost what was typed (name %q)", lang, n)
		}
	}
	// Saved from there, it is a new date.
	want(t, v.owner.Post("/app/seasonal/new", f), http.StatusSeeOther, "saved again as new")
	if n := v.count(t, `SELECT count(*) FROM seasonal_campaigns WHERE notes LIKE 'Kırmızı%'`); n != 1 {
		t.Errorf("%d dates after saving again", n)
	}
}
