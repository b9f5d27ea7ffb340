package i18n

import "testing"

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
