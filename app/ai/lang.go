// Package ai is the assistant room (guide: 19-ai-settings.md): a deterministic builtin engine (language, scores with
// the signals behind them, handoff rules, niche personas), an optional OpenAI-compatible provider
// with privacy masking, the monthly budget, and the triage and review jobs. Anything that commits
// the business (price, payment term, warranty, date) only ever becomes a recommendation for a person.
package ai

import (
	"strings"
	"unicode"
)

// BuiltinModel is the model name the deterministic engine writes into logs and recommendations.
// The number moves whenever the same message would get different scores or handoff reasons, so an
// old log still says which rules produced it: builtin-1 (until the urgency rework), builtin-2 (the
// urgency signals of urgency.go, folded Turkish, damage and legal-threat signals), builtin-3 (the
// trained model of model.go for urgency, intents, handoff and language).
const BuiltinModel = "builtin-3"

// Builtin2Model is the name of the word-list engine (Analyze), kept for comparison.
const Builtin2Model = "builtin-2"

var trStop = words("ve bir bu için mi mı mu mü var yok ne kadar nedir istiyorum merhaba selam fiyat fiyatı teşekkür teşekkürler lütfen bahçe bahçesi ile da de çok nasıl olur mısınız musunuz ben biz sizin bize evet hayır tamam günaydın iyi akşamlar hayırlı kaç metre stok teslim taş döşeme")

// trStopFolded is trStop as typed without Turkish letters ("icin", "lutfen", "tesekkurler").
var trStopFolded = func() map[string]bool {
	m := map[string]bool{}
	for w := range trStop {
		m[foldTR(w)] = true
	}
	return m
}()

var enStop = words("the and is a an for what how much price hello hi want need please i we you your our of to in on with can could would do does is are be this that there budget thanks thank yes no garden quote")

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// tokens lower-cases (Turkish-aware for İ/I) and splits text into words.
func tokens(s string) []string {
	return strings.FieldsFunc(lowerTR(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// lowerTR lower-cases with the Turkish dotted/dotless I rules when the text has Turkish letters
// (ISIK → ısık), and with the ordinary rules otherwise (Installment → installment).
func lowerTR(s string) string {
	s = strings.ReplaceAll(s, "İ", "i")
	if strings.ContainsAny(s, "çğışöüÇĞŞÖÜ") {
		s = strings.ReplaceAll(s, "I", "ı")
	}
	return strings.ToLower(s)
}

// DetectLanguage says "tr", "en" or "other" from the letters and the common words of a text.
// Turkish-only letters weigh heavily because short messages often carry one or two of them.
func DetectLanguage(text string) string {
	tr, en, letters, nonLatin := 0, 0, 0, 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch r {
		case 'ç', 'ğ', 'ı', 'ş', 'ö', 'ü', 'Ç', 'Ğ', 'İ', 'Ş', 'Ö', 'Ü':
			tr += 2
		}
		if r > 0x24F {
			nonLatin++
		}
	}
	if letters == 0 {
		return "other"
	}
	if nonLatin*2 > letters {
		return "other"
	}
	for _, w := range tokens(text) {
		if trStop[w] || trStopFolded[w] {
			tr += 2
		}
		if enStop[w] {
			en += 2
		}
	}
	switch {
	case tr == 0 && en == 0:
		return "other"
	case tr >= en:
		return "tr"
	default:
		return "en"
	}
}
