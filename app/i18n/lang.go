package i18n

import (
	"strconv"
	"strings"
)

// Langs lists the panel languages in the order the language switcher shows them. English
// comes first because it is the fallback for every missing message.
var Langs = []string{"en", "tr", "de", "fr", "es", "ar"}

// langNames are endonyms: each language is offered in its own name, so a user who cannot read
// the current language still finds theirs.
var langNames = map[string]string{
	"en": "English",
	"tr": "Türkçe",
	"de": "Deutsch",
	"fr": "Français",
	"es": "Español",
	"ar": "العربية",
}

// Supported reports whether lang is one of [Langs] exactly (lower-case base code, no region).
// Handlers use it to validate a language picked in the switcher or stored as a tenant setting.
func Supported(lang string) bool {
	_, ok := langNames[lang]
	return ok
}

// Dir returns the HTML text direction for lang ("rtl" for Arabic, "ltr" otherwise), for the
// layout's <html dir="..."> attribute.
func Dir(lang string) string {
	if base(lang) == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Back is the arrow of a link to what comes before (the previous month): it points to where the
// reading starts, "←" in a left-to-right language and "→" in Arabic. Arrows are not mirrored by
// the bidirectional algorithm, so the glyph itself must follow the page's direction.
func (p *Printer) Back() string {
	if Dir(p.lang()) == "rtl" {
		return "→"
	}
	return "←"
}

// Forward is the arrow of a link to what comes next: "→", and "←" in Arabic.
func (p *Printer) Forward() string {
	if Dir(p.lang()) == "rtl" {
		return "←"
	}
	return "→"
}

// LangName returns the language's name in that language (its endonym) for the language
// switcher; an unsupported code is returned unchanged.
func LangName(lang string) string {
	if name, ok := langNames[lang]; ok {
		return name
	}
	return lang
}

// Negotiate picks the language of a request, in this order (guide: 18-language.md): the user's own
// choice (switcher cookie or ?lang=), then the tenant's primary locale, then the browser's
// Accept-Language header (q-values honoured, regions stripped: tr-TR → tr), then English.
// Every input may be empty or garbage; the result is always one of [Langs].
func Negotiate(userChoice, tenantLocale, acceptLanguage string) string {
	if l := base(userChoice); Supported(l) {
		return l
	}
	if l := base(tenantLocale); Supported(l) {
		return l
	}
	if l := fromAcceptLanguage(acceptLanguage); l != "" {
		return l
	}
	return "en"
}

// base reduces a language tag to its lower-case primary subtag: " TR_tr " → "tr".
func base(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}

// Limits on the Accept-Language header: it is outside input, and no real browser sends more.
const (
	maxAcceptLanguageLen    = 1024
	maxAcceptLanguageRanges = 32
)

// fromAcceptLanguage returns the supported language with the highest q-value in an
// Accept-Language header (RFC 9110 §12.5.4), the earlier one on ties, or "" when none fits.
func fromAcceptLanguage(header string) string {
	if len(header) > maxAcceptLanguageLen {
		header = header[:maxAcceptLanguageLen]
	}
	best, bestQ := "", 0.0
	for i, part := range strings.Split(header, ",") {
		if i >= maxAcceptLanguageRanges {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		lang := base(tag)
		if !Supported(lang) {
			continue // also skips "*": the fallback is English anyway
		}
		q, ok := qValue(params)
		if ok && q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// qValue reads the weight from the parameters after a language range; a missing q means 1,
// and a malformed or out-of-range one makes the range unusable.
func qValue(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		name, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || !(q >= 0 && q <= 1) { // also refuses NaN
			return 0, false
		}
		return q, true
	}
	return 1, true
}
