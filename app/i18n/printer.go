package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Printer speaks one language: it translates keys and formats numbers, money and dates for
// it. Handlers get one per request with [For], and templates receive its [Printer.FuncMap],
// so every string on a page comes from the same language. The zero value and a nil *Printer
// speak English. A Printer holds no mutable state and is safe for concurrent use.
type Printer struct {
	// Lang is the printer's language, one of [Langs]; the layout also uses it for <html lang>.
	Lang string
	// Loc, when set, is the time zone dates and clock times are shown in (the tenant's zone on
	// panel pages); nil shows each time in its own location.
	Loc *time.Location
}

// In returns a printer of the same language that shows dates and times in loc (nil: each time
// in its own location).
func (p *Printer) In(loc *time.Location) *Printer { return &Printer{Lang: p.lang(), Loc: loc} }

// local is t in the printer's zone.
func (p *Printer) local(t time.Time) time.Time {
	if p != nil && p.Loc != nil {
		return t.In(p.Loc)
	}
	return t
}

// For returns the printer for lang. Anything that is not exactly one of [Langs] gets the
// English printer, so a stale cookie or a bad tenant setting can never break a page; run
// user input through [Negotiate] first.
func For(lang string) *Printer {
	if !Supported(lang) {
		lang = "en"
	}
	return &Printer{Lang: lang}
}

// lang is the printer's language, English for a nil or zero Printer.
func (p *Printer) lang() string {
	if p == nil || p.Lang == "" {
		return "en"
	}
	return p.Lang
}

// T translates key. A key missing in the printer's language falls back to English, and one
// missing in English too is returned as is, so a gap shows up as a readable key rather than
// an empty element. With args the message is a fmt.Sprintf format; without args only "%%" is
// turned into "%". A key that exists only in plural forms ("<key>.one", "<key>.other") whose first
// argument is a whole number is [Printer.Plural] of it: an error that carries a count (fault's
// key and args) reads "1 conversation" and "2 conversations" without knowing it is plural.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := p.lookup(key)
	if !ok {
		if len(args) > 0 {
			if n, isInt := count(args[0]); isInt && p.Has(key) {
				return p.Plural(key, n, args[1:]...)
			}
		}
		return key
	}
	return format(msg, args)
}

// count is v as an int when v is a whole number of any of Go's integer types.
func count(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	case uint:
		return int(n), true
	case uint64:
		return int(n), true
	case uint32:
		return int(n), true
	}
	return 0, false
}

// Label translates v, a stored enumeration word or a ", "-separated list of them, through the
// catalog keys prefix+word; words without a key are kept as they are. A list is joined the
// language's way ([Printer.List]).
func (p *Printer) Label(prefix, v string) string {
	parts := strings.Split(v, ",")
	for i, w := range parts {
		w = strings.TrimSpace(w)
		if msg, ok := p.lookup(prefix + w); ok && w != "" {
			w = msg
		}
		parts[i] = w
	}
	return p.List(parts)
}

// List joins the items of a list shown to people (names, words, dates) the way the printer's
// language writes one: "a, b, c", in Arabic "a، b، c" with its own comma. It is the one joiner of
// such lists; a template that wraps each item in markup puts [Printer.ListSep] between them.
func (p *Printer) List(items []string) string { return strings.Join(items, p.ListSep()) }

// ListSep is what stands between two items of a list in the printer's language (catalog key
// common.list_sep: ", ", in Arabic "، ").
func (p *Printer) ListSep() string { return p.T("common.list_sep") }

// Has reports whether [Printer.T] or [Printer.Plural] would find a real message for key (in
// the printer's language or the English fallback) rather than echo the key. Error pages use it
// to pick a specific message when one exists and a generic one otherwise.
func (p *Printer) Has(key string) bool {
	if _, ok := p.lookup(key); ok {
		return true
	}
	_, ok := p.lookup(key + ".other")
	return ok
}

// Plural translates a message that depends on a count, choosing the form "<key>.<category>"
// by the language's plural rules ("<key>.zero" is used for 0 whenever a catalog has it, and
// .other when the exact form is missing). n is passed as the first format argument, before
// args. Missing forms fall back to English, then to a plain key, then to the key itself.
func (p *Printer) Plural(key string, n int, args ...any) string {
	all := append([]any{n}, args...)
	lang := p.lang()
	if msg, ok := pluralLookup(catalogs[lang], lang, key, n); ok {
		return format(msg, all)
	}
	if msg, ok := pluralLookup(catalogs["en"], "en", key, n); ok {
		return format(msg, all)
	}
	if msg, ok := p.lookup(key); ok {
		return format(msg, all)
	}
	return key
}

// Ago says how long before now t happened: "just now", "5 min ago", "3 hours ago",
// "2 days ago" in the printer's language (catalog keys time.*). From 30 days on, or for a
// time more than a minute in the future (clock skew aside, that is not "ago"), it shows the
// date instead, which reads better than "400 days ago".
func (p *Printer) Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < -time.Minute:
		return p.DateTime(t)
	case d < time.Minute:
		return p.T("time.just_now")
	case d < time.Hour:
		return p.Plural("time.minutes_ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return p.Plural("time.hours_ago", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return p.Plural("time.days_ago", int(d/(24*time.Hour)))
	}
	return p.Date(t)
}

// lookup finds key in the printer's language, then in English.
func (p *Printer) lookup(key string) (string, bool) {
	if msg, ok := catalogs[p.lang()][key]; ok {
		return msg, true
	}
	msg, ok := catalogs["en"][key]
	return msg, ok
}

// pluralLookup picks the plural form of key for n in one catalog.
func pluralLookup(cat map[string]string, lang, key string, n int) (string, bool) {
	if n == 0 {
		if msg, ok := cat[key+".zero"]; ok {
			return msg, true
		}
	}
	if msg, ok := cat[key+"."+pluralCategory(lang, n)]; ok {
		return msg, true
	}
	msg, ok := cat[key+".other"]
	return msg, ok
}

// format applies args to a catalog message. A message without placeholders (an Arabic
// "two minutes ago" spelled out, say) is returned without its arguments instead of getting
// fmt's "%!(EXTRA ...)" noise.
func format(msg string, args []any) string {
	if len(args) == 0 || !hasVerbs(msg) {
		if strings.Contains(msg, "%%") {
			return strings.ReplaceAll(msg, "%%", "%")
		}
		return msg
	}
	return fmt.Sprintf(msg, derefArgs(args)...)
}

// derefArgs replaces pointers to numbers and strings (a template's optional score, *int) by their
// values, so "%d" prints the score and never the pointer's address; a nil pointer prints as 0 or "".
func derefArgs(args []any) []any {
	out := args
	for i, a := range args {
		var v any
		switch p := a.(type) {
		case *int:
			v = 0
			if p != nil {
				v = *p
			}
		case *int64:
			v = int64(0)
			if p != nil {
				v = *p
			}
		case *float64:
			v = 0.0
			if p != nil {
				v = *p
			}
		case *string:
			v = ""
			if p != nil {
				v = *p
			}
		default:
			continue
		}
		if &out[0] == &args[0] {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	return out
}

// hasVerbs reports whether msg contains a placeholder other than "%%".
func hasVerbs(msg string) bool {
	for i := 0; i < len(msg); i++ {
		if msg[i] == '%' {
			if i+1 < len(msg) && msg[i+1] == '%' {
				i++
				continue
			}
			return true
		}
	}
	return false
}
