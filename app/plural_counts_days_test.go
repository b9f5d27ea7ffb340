package app_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/i18n"
	"highvibe/app/words"
)

// TestDayAndMinuteCountsSayTheirPluralForms: a contract renewal's days left, a seasonal date's
// days to go, the KPI center's new leads and a site visit's minutes were said with one form for
// every number ("بعد 2 يومًا", "بعد 3 يوم", "1 عميلًا جديدًا", "dans 1 jours"); the seasonal
// presets' lead days, the pipeline's closed columns, a visit's length and travel buffer and a
// backup check's lag were too. Each now reads the plural form its language gives the number, in
// Arabic and in French. The recommendations are rendered through the approval queue from their
// stored words; the template-only counts (whose pages show fixed or settings-made numbers that
// cannot be set to 0–100 without heavy setup) through the catalog call their templates make.
func TestDayAndMinuteCountsSayTheirPluralForms(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	c := e.Client()
	c.Login(app.DemoUser, pw)
	db := e.DB(app.DemoSlug)

	recs := map[string]func(n int) words.Rec{
		"msp_time.rec.renewal_block": func(n int) words.Rec {
			return words.Rec{Key: "msp_time.rec.renewal_block", TitleArgs: []any{"Yıldız İnşaat"}, Day: "2027-03-31", SummaryArgs: []any{n}}
		},
		"seasonal.rec.soon": func(n int) words.Rec {
			return words.Rec{Key: "seasonal.rec.soon", TitleArgs: []any{"Bayram", n}, Day: "2027-03-31", SummaryArgs: []any{30, 4}}
		},
		"seasonal.rec.soon_nolast": func(n int) words.Rec {
			return words.Rec{Key: "seasonal.rec.soon_nolast", TitleArgs: []any{"Bayram", n}, Day: "2027-03-31", SummaryArgs: []any{30}}
		},
		"analytics.rec.leadgen": func(n int) words.Rec {
			return words.Rec{Key: "analytics.rec.leadgen", SummaryArgs: []any{n, 5}}
		},
		"visits.rec": func(n int) words.Rec {
			return words.Rec{Key: "visits.rec", At: time.Date(2027, 3, 31, 10, 0, 0, 0, time.UTC).UnixMilli(), SummaryArgs: []any{n, "Ayşe"}}
		},
	}
	want := map[string]map[string][]string{
		"ar": {
			"msp_time.rec.renewal_block": {"، اليوم. جدّده", "، بعد يوم واحد. جدّده", "، بعد يومين. جدّده", "، بعد 3 أيام. جدّده", "، بعد 11 يومًا. جدّده", "، بعد 100 يوم. جدّده"},
			"seasonal.rec.soon":          {"Bayram اليوم: استعد", "Bayram بعد يوم واحد: استعد", "Bayram بعد يومين: استعد", "Bayram بعد 3 أيام: استعد", "Bayram بعد 11 يومًا: استعد", "Bayram بعد 100 يوم: استعد"},
			"seasonal.rec.soon_nolast":   {"Bayram اليوم: استعد", "Bayram بعد يوم واحد: استعد", "Bayram بعد يومين: استعد", "Bayram بعد 3 أيام: استعد", "Bayram بعد 11 يومًا: استعد", "Bayram بعد 100 يوم: استعد"},
			"analytics.rec.leadgen":      {"لا عملاء جدد في آخر 30 يومًا مقابل 5", "عميل جديد واحد في آخر", "عميلان جديدان في آخر", "3 عملاء جدد في آخر", "11 عميلًا جديدًا في آخر", "100 عميل جديد في آخر"},
			"visits.rec":                 {"زيارة مدتها 0 دقيقة لدى Ayşe", "زيارة مدتها 1 دقيقة لدى Ayşe", "زيارة مدتها 2 دقيقة لدى Ayşe", "زيارة مدتها 3 دقائق لدى Ayşe", "زيارة مدتها 11 دقيقة لدى Ayşe", "زيارة مدتها 100 دقيقة لدى Ayşe"},
		},
		"fr": {
			"msp_time.rec.renewal_block": {", aujourd'hui. Renouvelez", ", dans 1 jour. Renouvelez", ", dans 2 jours. Renouvelez", ", dans 3 jours. Renouvelez", ", dans 11 jours. Renouvelez", ", dans 100 jours. Renouvelez"},
			"seasonal.rec.soon":          {"Bayram aujourd'hui : préparez-vous", "Bayram dans 1 jour : préparez-vous", "Bayram dans 2 jours :", "Bayram dans 3 jours :", "Bayram dans 11 jours :", "Bayram dans 100 jours :"},
			"seasonal.rec.soon_nolast":   {"Bayram aujourd'hui : préparez-vous", "Bayram dans 1 jour : préparez-vous", "Bayram dans 2 jours :", "Bayram dans 3 jours :", "Bayram dans 11 jours :", "Bayram dans 100 jours :"},
			"analytics.rec.leadgen":      {"0 nouveau prospect sur 30 jours contre 5", "1 nouveau prospect sur", "2 nouveaux prospects sur", "3 nouveaux prospects sur", "11 nouveaux prospects sur", "100 nouveaux prospects sur"},
			"visits.rec":                 {"Une visite de 0 minute chez Ayşe", "Une visite de 1 minute chez Ayşe", "Une visite de 2 minutes chez Ayşe", "Une visite de 3 minutes chez", "Une visite de 11 minutes chez", "Une visite de 100 minutes chez"},
		},
	}
	action := func(key string) string {
		if key == "visits.rec" {
			return "delivery_date"
		}
		return "follow_up"
	}
	recsSay(t, c, countedRecs(t, db, "plural-days-test", recs, action), want)

	// The template-only counts, as {{t key n}} says them.
	catalog := map[string]map[string][]string{
		"ar": {
			"seasonal.prepare_days":   {"التحضير في اليوم نفسه", "التحضير قبل يوم واحد", "التحضير قبل يومين", "التحضير قبل 3 أيام", "التحضير قبل 11 يومًا", "التحضير قبل 100 يوم"},
			"leads.board.closed_days": {"اليوم", "آخر يوم", "آخر يومين", "آخر 3 أيام", "آخر 11 يومًا", "آخر 100 يوم"},
			"calendar.visit.minutes":  {"0 دقيقة", "دقيقة واحدة", "دقيقتان", "3 دقائق", "11 دقيقة", "100 دقيقة"},
			"visits.book.minutes":     {"0 دقيقة", "دقيقة واحدة", "دقيقتان", "3 دقائق", "11 دقيقة", "100 دقيقة"},
			"visits.book.slots_hint":  {"(دون وقت للتنقل قبلها", "(مع دقيقة واحدة للتنقل", "(مع دقيقتين للتنقل", "(مع 3 دقائق للتنقل", "(مع 11 دقيقة للتنقل", "(مع 100 دقيقة للتنقل"},
			"backup.check.lag":        {"الحية بمقدار 0 دقيقة)", "الحية بدقيقة واحدة)", "الحية بدقيقتين)", "الحية بمقدار 3 دقائق)", "الحية بمقدار 11 دقيقة)", "الحية بمقدار 100 دقيقة)"},
		},
		"fr": {
			"seasonal.prepare_days":   {"préparer 0 jour avant", "préparer 1 jour avant", "préparer 2 jours avant", "préparer 3 jours avant", "préparer 11 jours avant", "préparer 100 jours avant"},
			"leads.board.closed_days": {"0 dernier jour", "1 dernier jour", "2 derniers jours", "3 derniers jours", "11 derniers jours", "100 derniers jours"},
			"visits.book.minutes":     {"0 minute", "1 minute", "2 minutes", "3 minutes", "11 minutes", "100 minutes"},
			"visits.book.slots_hint":  {"(avec 0 minute de trajet", "(avec 1 minute de trajet", "(avec 2 minutes de trajet", "(avec 3 minutes de trajet", "(avec 11 minutes de trajet", "(avec 100 minutes de trajet"},
		},
	}
	for lang, keys := range catalog {
		p := i18n.For(lang)
		for key, says := range keys {
			for i, n := range pluralCounts {
				if got := p.T(key, n); !strings.Contains(got, says[i]) || strings.Contains(got, "%!") {
					t.Errorf("%s, %s with %d reads %q, want it to say %q", lang, key, n, got, says[i])
				}
			}
		}
	}
}
