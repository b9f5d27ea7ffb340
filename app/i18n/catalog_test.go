package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestCatalogsComplete is the test that fails when a message is missing in any language: it
// covers every room file under locales/, so new rooms are checked without touching this file.
func TestCatalogsComplete(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatalf("catalogs do not load: %v", err)
	}
	for _, problem := range Check() {
		t.Error(problem)
	}
}

// TestCatalogKeySets compares the message sets directly: plural forms count as one message,
// since Arabic needs more forms than English.
func TestCatalogKeySets(t *testing.T) {
	messages := func(lang string) []string {
		var out []string
		for _, k := range Keys(lang) {
			for _, c := range pluralCategories {
				if b, ok := strings.CutSuffix(k, "."+c); ok && slices.Contains(Keys("en"), b+".other") {
					k = b + ".<plural>"
					break
				}
			}
			if len(out) == 0 || out[len(out)-1] != k {
				out = append(out, k)
			}
		}
		return out
	}
	en := messages("en")
	if len(en) < 100 {
		t.Fatalf("English catalog has only %d messages; is the foundation catalog missing?", len(en))
	}
	for _, lang := range Langs[1:] {
		got := messages(lang)
		if !slices.Equal(got, en) {
			t.Errorf("%s: message set differs from English:\n  only in en: %v\n  only in %s: %v", lang, minus(en, got), lang, minus(got, en))
		}
	}
}

// TestCatalogsAreTranslated guards against a language file that is a copy of English.
// Brand names and international words (KPI, API, "Status") may stay, but not many of them.
func TestCatalogsAreTranslated(t *testing.T) {
	for _, lang := range Langs[1:] {
		same, total := 0, 0
		for _, k := range Keys("en") {
			if v, ok := catalogs[lang][k]; ok {
				total++
				if v == catalogs["en"][k] {
					same++
				}
			}
		}
		if same*10 > total {
			t.Errorf("%s: %d of %d messages are identical to English", lang, same, total)
		}
	}
}

func TestArabicIsArabicScript(t *testing.T) {
	for _, k := range []string{"nav.inbox", "login.title", "error.500.body", "time.just_now"} {
		if !strings.ContainsFunc(catalogs["ar"][k], func(r rune) bool { return r >= 0x0600 && r <= 0x06FF }) {
			t.Errorf("ar %q = %q has no Arabic letters", k, catalogs["ar"][k])
		}
	}
}

func TestKeys(t *testing.T) {
	keys := Keys("tr")
	if !slices.IsSorted(keys) || !slices.Contains(keys, "nav.inbox") || !slices.Contains(keys, "time.days_ago.other") {
		t.Errorf("Keys(tr) should be sorted and hold nav.inbox and plural forms, got %d keys", len(keys))
	}
	if Keys("xx") != nil {
		t.Error("Keys of an unknown language should be nil")
	}
}

func TestLoadCatalogsErrors(t *testing.T) {
	allLangs := func(files map[string]string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for _, lang := range Langs {
			fsys["locales/"+lang+"/common.json"] = &fstest.MapFile{Data: []byte(`{"a": "A"}`)}
		}
		for name, data := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
		return fsys
	}
	scenarios := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"clean", allLangs(nil), ""},
		{"duplicate across rooms", allLangs(map[string]string{"locales/tr/inbox.json": `{"b": "B", "a": "A2"}`}),
			`key "a" defined in both locales/tr/common.json and locales/tr/inbox.json`},
		{"duplicate in one file", allLangs(map[string]string{"locales/de/inbox.json": `{"b": "B", "b": "C"}`}), `key "b" appears twice`},
		{"nested value", allLangs(map[string]string{"locales/fr/inbox.json": `{"b": {"c": "C"}}`}), "value must be a string"},
		{"number value", allLangs(map[string]string{"locales/fr/inbox.json": `{"b": 3}`}), "value must be a string"},
		{"not an object", allLangs(map[string]string{"locales/es/inbox.json": `["b"]`}), "want one JSON object"},
		{"broken json", allLangs(map[string]string{"locales/es/inbox.json": `{"b": "B",}`}), "locales/es/inbox.json"},
		{"trailing data", allLangs(map[string]string{"locales/es/inbox.json": `{"b": "B"} {}`}), "extra data"},
		{"unknown language", allLangs(map[string]string{"locales/xx/inbox.json": `{}`}), "locales/xx: not a language folder"},
		{"region folder", allLangs(map[string]string{"locales/tr-TR/inbox.json": `{}`}), "locales/tr-TR: not a language folder"},
		{"not json", allLangs(map[string]string{"locales/en/notes.txt": `hi`}), "not a .json room file"},
		{"missing language", func() fstest.MapFS {
			f := allLangs(nil)
			delete(f, "locales/ar/common.json")
			return f
		}(), "locales/ar: no catalog folder"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			cats, err := loadCatalogs(s.fsys, "locales")
			if s.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if cats["ar"]["a"] != "A" {
					t.Errorf("merged catalog lost a key: %v", cats["ar"])
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Fatalf("error = %v, want it to mention %q", err, s.wantErr)
			}
			if cats["en"]["a"] != "A" {
				t.Error("a bad file must not stop the good files from loading")
			}
		})
	}
}

func TestLoadCatalogsMergesRooms(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, lang := range Langs {
		fsys["locales/"+lang+"/common.json"] = &fstest.MapFile{Data: []byte(`{"nav.inbox": "I"}`)}
		fsys["locales/"+lang+"/inbox.json"] = &fstest.MapFile{Data: []byte(`{"inbox.title": "T"}`)}
	}
	cats, err := loadCatalogs(fsys, "locales")
	if err != nil {
		t.Fatal(err)
	}
	if len(cats["de"]) != 2 || cats["de"]["inbox.title"] != "T" {
		t.Errorf("rooms not merged: %v", cats["de"])
	}
}

// TestCheckFindsProblems feeds check hand-made catalogs with one mistake of each kind.
func TestCheckFindsProblems(t *testing.T) {
	good := func() map[string]map[string]string {
		cats := map[string]map[string]string{}
		for _, lang := range Langs {
			cats[lang] = map[string]string{
				"a":           "A " + lang,
				"hello":       "Hello %s " + lang,
				"days.one":    "%d day " + lang,
				"days.other":  "%d days " + lang,
				"pct":         "100%% " + lang,
				"two.args":    "%s and %d " + lang,
				"plain.one":   "not plural " + lang, // no plain.other in English: an ordinary key
				"count.other": "%d things " + lang,
				"count.one":   "one thing " + lang, // exact form may spell out the number
			}
		}
		for _, k := range []string{"days", "count"} {
			for _, c := range []string{"zero", "two", "few", "many"} {
				cats["ar"][k+"."+c] = "%d ar " + c
			}
		}
		return cats
	}
	if p := check(good()); len(p) != 0 {
		t.Fatalf("clean catalogs reported problems: %v", p)
	}
	scenarios := []struct {
		name   string
		mutate func(map[string]map[string]string)
		want   string
	}{
		{"missing key", func(c map[string]map[string]string) { delete(c["de"], "a") }, `de: missing key "a"`},
		{"only in a translation", func(c map[string]map[string]string) { c["fr"]["extra"] = "x" }, `fr: "extra" is not in the English catalog`},
		{"empty", func(c map[string]map[string]string) { c["es"]["a"] = "  " }, `es: "a" is empty`},
		{"verb count", func(c map[string]map[string]string) { c["tr"]["hello"] = "Merhaba" }, `tr: "hello" has placeholders [], English "hello" has [%s]`},
		{"verb kind", func(c map[string]map[string]string) { c["tr"]["two.args"] = "%d ve %s" }, `tr: "two.args" has placeholders [%d %s]`},
		{"reordered is fine", func(c map[string]map[string]string) { c["tr"]["two.args"] = "%[2]d ve %[1]s" }, ""},
		{"lone percent", func(c map[string]map[string]string) { c["de"]["pct"] = "100 %" }, `de: "pct": bad format`},
		{"percent before a letter", func(c map[string]map[string]string) { c["de"]["pct"] = "50 % off" }, `de: "pct" has placeholders [%o]`},
		{"percent at end", func(c map[string]map[string]string) { c["de"]["pct"] = "100%" }, `de: "pct": bad format`},
		{"missing plural form", func(c map[string]map[string]string) { delete(c["ar"], "days.few") }, `ar: missing plural form "days.few"`},
		{"missing one", func(c map[string]map[string]string) { delete(c["tr"], "days.one") }, `tr: missing plural form "days.one"`},
		{"unused plural form", func(c map[string]map[string]string) { c["tr"]["days.few"] = "%d gün" }, `tr: "days.few": plural form "few" is never chosen`},
		{"zero is allowed anywhere", func(c map[string]map[string]string) { c["tr"]["days.zero"] = "bugün" }, ""},
		{"plural verbs", func(c map[string]map[string]string) { c["de"]["days.other"] = "%s Tage" }, `de: "days.other" has placeholders [%s], English "days.other" has [%d]`},
		{"many must keep the count", func(c map[string]map[string]string) { c["ar"]["days.many"] = "أيام" }, `ar: "days.many" has placeholders []`},
		{"translated plural only", func(c map[string]map[string]string) { c["tr"]["hours.other"] = "%d saat" }, `tr: "hours.other" is not in the English catalog`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			cats := good()
			s.mutate(cats)
			problems := check(cats)
			if s.want == "" {
				if len(problems) != 0 {
					t.Fatalf("unexpected problems: %v", problems)
				}
				return
			}
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, s.want) }) {
				t.Fatalf("problems %q do not mention %q", problems, s.want)
			}
		})
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestContactedReadsTheSame: a lead's stage, a conversation's state and the KPI page's funnel name
// "contacted" with one word in each language; Turkish had "İletişim kuruldu" on the lead's page and
// the pipeline and "İletişime geçildi" on the inbox card of the same person.
func TestContactedReadsTheSame(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		want := p.T("inbox.state.contacted")
		for _, key := range []string{"analytics.stage.contacted", "analytics.state.contacted"} {
			if got := p.T(key); got != want {
				t.Errorf("%s: %s is %q, the inbox says %q", lang, key, got, want)
			}
		}
	}
}

// TestHintsNameTheirButtons: a message that tells the reader to press a button on another page
// names it as that button is labelled, in every language (the dashboard's "press Refresh" pointed
// at a button that reads "Refresh now").
func TestHintsNameTheirButtons(t *testing.T) {
	for _, c := range []struct{ hint, button string }{
		{"dashboard.no_snapshot", "analytics.refresh"},
	} {
		for _, lang := range Langs {
			p := For(lang)
			if hint, button := p.T(c.hint), p.T(c.button); !strings.Contains(hint, button) {
				t.Errorf("%s (%s) %q does not name the button %q", c.hint, lang, hint, button)
			}
		}
	}
}

// TestCardDefinitionsNameWhatTheCardShows: a KPI card's definition, printed under its number, names
// what the card shows when there is nothing to measure, in every language (the forecast accuracy
// card read "Not enough history" above a definition that said it was 0).
func TestCardDefinitionsNameWhatTheCardShows(t *testing.T) {
	for _, c := range []struct{ def, shown string }{
		{"analytics.def.forecast_accuracy", "analytics.forecast.no_history"},
	} {
		for _, lang := range Langs {
			p := For(lang)
			if def, shown := p.T(c.def), p.T(c.shown); !strings.Contains(def, shown) {
				t.Errorf("%s (%s) %q does not name what the card shows, %q", c.def, lang, def, shown)
			}
		}
	}
}

// TestLeadsAndTicketsReadApart: the KPI page names sales leads with the leads page's own word, in
// every language, and never with the word of the MSP tickets on the same page; Turkish called both
// "Talepler", side by side, and Spanish called leads "Contactos" while their page says "Prospectos".
func TestLeadsAndTicketsReadApart(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		leads, nav, tickets := p.T("leads.title"), p.T("nav.leads"), p.T("analytics.msp.kpi.tickets")
		for _, key := range []string{"analytics.kpi.lead_count", "words.log.kpi.leads"} {
			got := strings.TrimRight(strings.TrimSuffix(p.T(key, ""), ":"), ": ")
			if !strings.EqualFold(got, leads) && !strings.EqualFold(got, nav) {
				t.Errorf("%s: %s is %q, the leads page says %q (menu %q)", lang, key, got, leads, nav)
			}
			if strings.EqualFold(got, tickets) {
				t.Errorf("%s: %s is %q, the word of the MSP tickets", lang, key, got)
			}
		}
	}
}

// TestDraftNoteNamesNoDirection: the note in a conversation's draft frame that cannot reach its
// customer sends the reader to the page's notice that says why. On a phone that notice stands above
// the messages, on a laptop below them (chat.css), so "the notice above" pointed the laptop reader
// at nothing; the note names the notice without a direction, in every language.
func TestDraftNoteNamesNoDirection(t *testing.T) {
	directions := map[string][]string{
		"en": {"above", "below"}, "tr": {"üstteki", "yukarı", "aşağı", "alttaki"}, "de": {"oben", "unten"},
		"fr": {"ci-dessus", "ci-dessous"}, "es": {"arriba", "abajo"}, "ar": {"أعلاه", "أدناه"},
	}
	for _, lang := range Langs {
		got := For(lang).T("inbox.draft.cannot_reach")
		for _, d := range directions[lang] {
			if strings.Contains(got, d) {
				t.Errorf("%s: the draft note %q points %q", lang, got, d)
			}
		}
	}
}

// TestEmptyNotificationsSayWhatToDo: an empty notification list named only the kinds of the first
// version (no assignments, site visits or answers to quotes) and nothing to do; it now names the
// kinds and sends the reader to the settings page by its own title, in every language.
func TestEmptyNotificationsSayWhatToDo(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		hint, settings := p.T("notify.empty_hint"), p.T("notify.prefs.title")
		if !strings.Contains(strings.ToLower(hint), strings.ToLower(settings)) {
			t.Errorf("%s: the empty notification list %q does not name %q", lang, hint, settings)
		}
	}
}

// TestTurkishKPIMedianOneWord: the KPI page's Turkish definitions called the same statistic
// "medyan" (time to quote, first reply) and "ortanca" (time to visit) a few cards apart; an owner
// reads two words as two measures. One word, the one the page already used most.
func TestTurkishKPIMedianOneWord(t *testing.T) {
	p := For("tr")
	for _, key := range []string{"analytics.def.quote_lead_hours", "analytics.def.visit_lead_hours", "hours.kpi.median_business", "hours.kpi.median_wall"} {
		if got := p.T(key); strings.Contains(got, "ortanca") || !strings.Contains(got, "medyan") {
			t.Errorf("%s reads %q, want medyan", key, got)
		}
	}
}

// TestSpanishAddressesTheReaderAsUsted: the Spanish panel speaks to its reader as "usted" ("Elija
// una conversación", "Guarde sus cambios"), but the notification settings, the reply box and a few
// hints said "tú" ("Escribe una respuesta…", "tus notificaciones", "inténtalo de nuevo"), so an
// owner met both registers on one screen. Every Spanish message now says "usted".
func TestSpanishAddressesTheReaderAsUsted(t *testing.T) {
	tu := regexp.MustCompile(`(^|[^\p{L}])([Tt]ú|[Tt]us?|[Tt]e|ti|contigo|[Pp]uedes|[Tt]ienes|[Qq]uieres|eligiste|[Rr]ecibes|[Ee]scribe una|[Ee]lige una|inténtalo|ábrelo|cámbialo|[Dd]éjala|[Pp]ermítelas)([^\p{L}]|$)`) // "TI" is IT
	for _, k := range Keys("es") {
		if m := tu.FindStringSubmatch(catalogs["es"][k]); m != nil {
			t.Errorf("es: %s says %q (tú): %q", k, m[2], catalogs["es"][k])
		}
	}
}

// TestLeadsCardNamedAsTheLeadsPage: the dashboard's card of leads took the reader to the leads
// under another name than the menu and the leads page gave them — "Potansiyel müşteriler" beside
// "Adaylar" and "Müşteri adayları" in Turkish, "Clientes potenciales" beside "Prospectos" in
// Spanish, where the lead panel, the approval queue and the hints said "cliente potencial" too.
// The card is named as the page is, in every language, and Spanish says "prospecto" throughout
// (only Meta's and TikTok's own event names keep theirs).
func TestLeadsCardNamedAsTheLeadsPage(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		if got := p.T("dashboard.leads"); got != p.T("leads.title") && got != p.T("nav.leads") {
			t.Errorf("%s: the dashboard card reads %q, the leads page %q (menu %q)", lang, got, p.T("leads.title"), p.T("nav.leads"))
		}
	}
	for _, k := range Keys("es") {
		if v := strings.ToLower(catalogs["es"][k]); !strings.HasPrefix(k, "conv.event.") && (strings.Contains(v, "cliente potencial") || strings.Contains(v, "clientes potenciales")) {
			t.Errorf("es: %s says %q where the panel says %q", k, catalogs["es"][k], "prospecto")
		}
	}
}

// TestSpanishRangesSayEntre: a length or number range read "Use de 2 a 64 caracteres", a calque
// of the Turkish and English order; Spanish says "entre 2 y 64". Only a span of hours keeps
// "de 22:00 a 07:00", which is how Spanish says it.
func TestSpanishRangesSayEntre(t *testing.T) {
	calque := regexp.MustCompile(`(^|[^\p{L}])de (%d|%\[\d\]d|\d+) a (%d|%\[\d\]d|\d+)([^\p{L}\d]|$)`)
	for _, k := range Keys("es") {
		if m := calque.FindString(catalogs["es"][k]); m != "" {
			t.Errorf("es: %s says %q, want \"entre … y …\": %q", k, strings.TrimSpace(m), catalogs["es"][k])
		}
	}
}

// TestTurkishCallsAConversationKonusma: the Turkish panel named the same thing two ways — the
// inbox "konuşma", the dashboard's "Son görüşmeler", the action log's "Görüşme" column, the
// follow-ups' "Görüşme #12". A conversation is a konuşma everywhere; "görüşmek" (to talk with a
// person) and "görüşmek üzere" keep their own meaning.
func TestTurkishCallsAConversationKonusma(t *testing.T) {
	p := For("tr")
	other := regexp.MustCompile(`[Gg]örüşme(?:[^k]|$)`)
	for _, key := range Keys("tr") {
		if v := p.T(key); other.MatchString(v) {
			t.Errorf("%s reads %q: the panel calls a conversation konuşma", key, v)
		}
	}
}

// TestScoresReadTheSame: the inbox's score pills said "Mood 70" while the conversation's panel
// said "Sentiment score"; a score has one name in each language, the pill's word in its label.
func TestScoresReadTheSame(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		for _, s := range []string{"urgency", "qualification", "sentiment"} {
			pill := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(p.T("words.pill."+s), "%d", "")))
			if label := strings.ToLower(p.T("inbox.score." + s)); !strings.Contains(label, pill) {
				t.Errorf("%s: the %s pill says %q, the panel %q", lang, s, pill, label)
			}
		}
	}
}
