package settings_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/hours"
)

// The holidays box names the last year the Turkish holidays cover, and covers it: "2029 yılına
// kadar" read in Turkish as "until 2029" (the holidays of 2029 not in), while the days are there
// through 31 December 2029, as the SLA page ("2029 yılı sonuna kadar") and the guide say.
func TestHoursPresetLabelIncludesItsLastYear(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	year := strconv.Itoa(hours.PresetUntil("tr"))
	for lang, want := range map[string]string{"tr": year + " yılı sonuna kadar", "en": "through " + year} {
		r := owner.Get("/app/settings/hours?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", lang, r.StatusCode)
		}
		label := r.Doc(t).Find(`input[name=preset]`).Parent().Text()
		if !strings.Contains(label, want) {
			t.Errorf("%s: holidays box %q, want %q in it", lang, strings.TrimSpace(label), want)
		}
	}
}
