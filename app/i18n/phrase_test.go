package i18n

import (
	"testing"
	"time"
)

// TestSay: a phrase's arguments are said in the printer's language — nested phrases translated,
// lists joined, numbers and money in the locale's format, anything else as it is.
func TestSay(t *testing.T) {
	ph := P("words.rec.estimate", Num{V: 1400, Decimals: -1}, "Kilit Parke 8 cm", Num{V: 5, Decimals: -1}, Num{V: 8, Decimals: -1},
		Money{Amount: 285600, Currency: "TRY"}, Money{Amount: 293800, Currency: "TRY"})
	for lang, want := range map[string]string{
		"en": "1,400 m² × Kilit Parke 8 cm; waste allowance 5–8%. Material estimate: ",
		"tr": "1.400 m² × Kilit Parke 8 cm; fire payı %5–8. Malzeme tahmini: ",
	} {
		got := For(lang).Say(ph)
		if len(got) < len(want) || got[:len(want)] != want {
			t.Errorf("%s: %q, want it to start %q", lang, got, want)
		}
	}
	list := P("words.rec.title.pricing", P("words.list", []Phrase{P("words.term.lock_paver"), P("words.unit.cm", Num{V: 8, Decimals: -1})}))
	if got := For("de").Say(list); got != "Preisanfrage: Verbundpflaster, 8 cm" {
		t.Errorf("de: %q", got)
	}
	if got := For("fr").Say(P("words.unit.m2", Num{V: 12.5, Decimals: -1})); got != "12,5 m²" {
		t.Errorf("fr decimals: %q", got)
	}
	if got := For("en").Say(Phrase{}); got != "" {
		t.Errorf("empty phrase: %q", got)
	}
}

// TestSayMonthAndClock: a calendar month is its short name and year in the printer's language, a
// clock time the time of day in the printer's zone, 12-hour only in English.
func TestSayMonthAndClock(t *testing.T) {
	for lang, month := range map[string]string{"tr": "Tem\u00a02026", "en": "Jul\u00a02026", "ar": "يوليو\u00a02026"} {
		p := For(lang)
		if got, want := p.Say(P("msp_time.month.closed_flash", Month("2026-07"))), p.T("msp_time.month.closed_flash", month); got != want {
			t.Errorf("%s month: %q, want %q", lang, got, want)
		}
	}
	at := time.Date(2026, 7, 3, 11, 5, 0, 0, time.UTC)
	ist := time.FixedZone("TRT", 3*3600)
	for lang, clock := range map[string]string{"tr": "14:05", "en": "2:05 PM", "de": "14:05"} {
		p := For(lang).In(ist)
		if got, want := p.Say(P("calendar.moved", Clock{T: at}, Day("2026-07-03"))), p.T("calendar.moved", clock, p.Date(at)); got != want {
			t.Errorf("%s clock: %q, want %q", lang, got, want)
		}
	}
}
