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
	sc := scoreLanguages(text)
	switch {
	case sc.letters == 0 || sc.nonLatin*2 > sc.letters:
		return "other"
	case sc.tr == 0 && sc.en == 0:
		return "other"
	case sc.tr >= sc.en:
		return "tr"
	default:
		return "en"
	}
}

// langScores is what scoreLanguages counts in a text: letters, letters of another script than
// Latin (Arabic ones among them), and the evidence for each language the panel speaks.
type langScores struct {
	letters, nonLatin, arabic int
	tr, en, de, fr, es        int
}

func scoreLanguages(text string) langScores {
	var sc langScores
	for _, r := range text {
		switch r {
		case '¿', '¡':
			sc.es++
		}
		if !unicode.IsLetter(r) {
			continue
		}
		sc.letters++
		switch r {
		case 'ç', 'ğ', 'ı', 'ş', 'ö', 'ü', 'Ç', 'Ğ', 'İ', 'Ş', 'Ö', 'Ü':
			sc.tr += 2
		case 'ä', 'ß', 'Ä':
			sc.de++
		case 'é', 'è', 'ê', 'à', 'ù', 'œ', 'ë', 'ï', 'É':
			sc.fr++
		case 'ñ', 'á', 'í', 'ó', 'ú', 'Ñ':
			sc.es++
		}
		if r > 0x24F {
			sc.nonLatin++
			if unicode.Is(unicode.Arabic, r) {
				sc.arabic++
			}
		}
	}
	for _, w := range tokens(text) {
		if trStop[w] || trStopFolded[w] {
			sc.tr += 2
		}
		if enStop[w] {
			sc.en += 2
		}
		if deStop[w] {
			sc.de += 2
		}
		if frStop[w] {
			sc.fr += 2
		}
		if esStop[w] {
			sc.es += 2
		}
	}
	return sc
}

// Common words of German, French and Spanish that Turkish and English do not write: WrittenIn
// tells a customer writing those apart from one writing Turkish.
var (
	deStop = words("und ich ist nicht das der den dem wir ihr wie viel kostet kosten hallo guten tag bitte danke für mit auf eine einen einer haben möchte möchten brauche brauchen gibt können sind wäre würde garten preis angebot")
	frStop = words("je nous vous est les une des du pour avec sur pas bonjour merci combien coûte voudrais voudrions avez pouvez jardin devis prix besoin aussi bien oui salut")
	esStop = words("los las una por para con está hola gracias cuánto cuesta precio quiero necesito buenos días usted nosotros muy sí también jardín presupuesto tienen puede")
)

// WrittenIn says which of the panel's six languages a customer writes in — "tr", "en", "de",
// "fr", "es" or "ar" — "other" for a text mostly in another script (Cyrillic, Greek, Hebrew, …),
// which is clearly not Turkish, and "" when it cannot be told (no letters, Latin words none of
// the lists knows, or Turkish or English words beside another script). Turkish and English are told as DetectLanguage tells them; German, French
// or Spanish only when their common words outweigh both.
func WrittenIn(text string) string {
	sc := scoreLanguages(text)
	switch {
	case sc.letters == 0:
		return ""
	case sc.nonLatin*2 > sc.letters && sc.tr+sc.en > 0:
		return "" // "السلام عليكم, merhaba": a greeting in another script, then Turkish
	case sc.nonLatin*2 > sc.letters && sc.arabic*2 > sc.nonLatin:
		return "ar"
	case sc.nonLatin*2 > sc.letters:
		return "other"
	}
	best, top := "", max(sc.tr, sc.en)
	for _, l := range []struct {
		lang  string
		score int
	}{{"de", sc.de}, {"fr", sc.fr}, {"es", sc.es}} {
		if l.score > top && l.score >= 2 {
			best, top = l.lang, l.score
		}
	}
	if best != "" {
		return best
	}
	if l := DetectLanguage(text); l != "other" {
		return l
	}
	return ""
}

// languageCode is a language code as the channels store it (a primary language subtag, "ru"),
// lower-case, "" when s is not one: nothing else reaches a prompt.
func languageCode(s string) string {
	if n := len(s); n < 2 || n > 3 {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}

// builtinLanguage is the language of the builtin texts for a customer whose messenger app is set
// to code: Turkish for Turkish, English for any other (the builtin texts are in those two).
func builtinLanguage(code string) string {
	if code == "tr" {
		return "tr"
	}
	return "en"
}

// languageNames are the English names of the languages a customer's app or words may name, for
// the configured model's prompt.
var languageNames = map[string]string{"tr": "Turkish", "en": "English", "de": "German", "fr": "French", "es": "Spanish", "ar": "Arabic",
	"ru": "Russian", "uk": "Ukrainian", "be": "Belarusian", "az": "Azerbaijani", "kk": "Kazakh", "ky": "Kyrgyz", "uz": "Uzbek",
	"tk": "Turkmen", "ka": "Georgian", "hy": "Armenian", "fa": "Persian", "ku": "Kurdish", "he": "Hebrew", "el": "Greek",
	"bg": "Bulgarian", "ro": "Romanian", "sr": "Serbian", "hr": "Croatian", "bs": "Bosnian", "sq": "Albanian", "mk": "Macedonian",
	"it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian",
	"sv": "Swedish", "nb": "Norwegian", "no": "Norwegian", "da": "Danish", "fi": "Finnish", "lt": "Lithuanian", "lv": "Latvian",
	"et": "Estonian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "hi": "Hindi", "ur": "Urdu", "id": "Indonesian",
	"ms": "Malay", "vi": "Vietnamese", "th": "Thai"}

// languageName names a language code in English for a prompt: "Russian"; a code without a name
// here as the code ("the language with the code \"sw\""); "" for "" or not a code.
func languageName(code string) string {
	if n := languageNames[code]; n != "" {
		return n
	}
	if code = languageCode(code); code != "" {
		return `the language with the code "` + code + `"`
	}
	return ""
}

// replyLanguage names the language a configured model is to answer in: the one the customer
// writes (WrittenIn of their message, else of their earlier messages) when it is German, French,
// Spanish or Arabic; their messenger app's (app) when their words do not tell, or are in another
// script the lists do not name (Cyrillic: the app says Russian or Ukrainian); else the builtin
// engine's reading, Turkish or English. "" when the product does not know.
func replyLanguage(res Result, text string, history []string, app string) string {
	said := WrittenIn(ownWords(text))
	if said == "" {
		said = WrittenIn(strings.Join(ownHistory(history), "\n"))
	}
	switch {
	case said == "de" || said == "fr" || said == "es" || said == "ar":
		return languageName(said)
	case said == "other" && app != "" && app != "tr" && app != "en":
		return languageName(app)
	case said == "" && app != "":
		return languageName(app)
	case res.Language == "tr" || res.Language == "en":
		return languageName(res.Language)
	}
	return ""
}
