// Package fold is the one plain alphabet every search meets in: lower case with Turkish rules and
// no diacritics ("Çavuş" → "cavus", "İstanbul" and "ISTANBUL" → "istanbul"). The inbox's search
// documents, the lists that match names with LIKE and the MSP ticket search's index all use it;
// it is also the SQL function hv_fold, registered on every connection, because schema triggers
// (the ticket search index) call it.
package fold

import (
	"database/sql/driver"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"
)

// Map turns letters with diacritics into their plain ASCII letter. Turkish dotted and dotless
// i both become "i", so a query typed without Turkish letters still matches.
var Map = map[rune]string{
	'ç': "c", 'ğ': "g", 'ı': "i", 'i': "i", 'ö': "o", 'ş': "s", 'ü': "u",
	'â': "a", 'î': "i", 'û': "u", 'á': "a", 'à': "a", 'ä': "a", 'ã': "a", 'å': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'í': "i", 'ì': "i", 'ï': "i", 'ñ': "n",
	'ó': "o", 'ò': "o", 'ô': "o", 'õ': "o", 'ú': "u", 'ù': "u", 'ß': "ss",
}

// String lower-cases s with Turkish rules (İ and I both become i) and removes diacritics.
// Search documents are up to 64 KB and are folded on every new message, so ASCII and the Latin
// letters (Turkish's among them) take a table instead of the Unicode case tables.
func String(s string) string {
	return string(Append(make([]byte, 0, len(s)), s))
}

// Append appends String(s) to b.
func Append(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r < rune(len(latin)) {
			b = append(b, latin[r]...)
			continue
		}
		b = append(b, foldRune(r)...)
	}
	return b
}

// latin is foldRune of every rune below U+0250 (Latin-1, Latin Extended-A and -B), made once.
var latin = func() (t [0x250]string) {
	for r := range rune(len(t)) {
		t[r] = foldRune(r)
	}
	return t
}()

// foldRune is the rule for one rune.
func foldRune(r rune) string {
	switch r {
	case 'I', 'İ':
		return "i"
	}
	r = unicode.ToLower(r)
	if f, ok := Map[r]; ok {
		return f
	}
	return string(r)
}

// hv_fold(text) is String as an SQL function: for lists that match names with LIKE (SQLite's LIKE
// folds only ASCII letters, so "öztürk" did not find "Öztürk") and for the MSP ticket search index,
// whose triggers index the folded subject and description (schema 00067). Registered with the
// driver once, before any database opens; the tenant database package imports this one so every
// connection that can fire those triggers has it.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("hv_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		if !ok {
			return "", nil
		}
		return String(s), nil
	})
}
