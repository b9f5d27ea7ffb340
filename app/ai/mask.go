package ai

import (
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Mask redacts personal data before any text leaves the server (privacy_profile=masked): e-mail
// addresses, IBANs (mod-97 checked), card numbers (Luhn checked), Turkish ID numbers (TCKN
// checksum) and phone numbers. Checksums keep ordinary numbers (areas, prices) readable.
//
// Numbers are found by tokens, not by one regular expression: every run of digits (in any script:
// Arabic-Indic and full-width digits count) is a token, and tokens joined by a few spaces, dashes,
// dots, brackets or line breaks form a chain. Every contiguous part of a chain is tried — so a card
// followed by "80 m²" is still a card, and a phone written after a price is still a phone — and
// each part that is a card, an ID number or a phone is hidden; what is left stays as it was.
func Mask(s string) string {
	if s == "" {
		return s
	}
	// A label can open a new word boundary ("70TX13…" becomes "[card]TX13…"), so the passes repeat
	// until nothing changes. Labels hold no digits, so every round that changes something removes
	// digits, and a few rounds always end it.
	rs := []rune(s)
	for range 4 {
		f := fold(rs)
		out, f := maskEmails(rs, f)
		out, f = maskIBANs(out, f)
		out = maskNumbers(out, f)
		if string(out) == string(rs) {
			break
		}
		rs = out
	}
	return string(rs)
}

// span is a part of the text to replace with a label.
type span struct {
	from, to int // rune indexes, to exclusive
	label    string
}

// replace swaps the (sorted, non-overlapping) spans for their labels in both the text and its fold.
func replace(rs, f []rune, spans []span) ([]rune, []rune) {
	if len(spans) == 0 {
		return rs, f
	}
	out := make([]rune, 0, len(rs))
	fo := make([]rune, 0, len(rs))
	at := 0
	for _, sp := range spans {
		out, fo = append(out, rs[at:sp.from]...), append(fo, f[at:sp.from]...)
		out, fo = append(out, []rune(sp.label)...), append(fo, []rune(sp.label)...)
		at = sp.to
	}
	return append(out, rs[at:]...), append(fo, f[at:]...)
}

// fold maps every rune to the ASCII rune it stands for where there is one (digits of any script,
// full-width letters and punctuation, unusual spaces), one rune for one, so positions in the fold
// are positions in the text.
func fold(rs []rune) []rune {
	f := make([]rune, len(rs))
	for i, r := range rs {
		switch {
		case r < 0x80:
			f[i] = r
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			f[i] = r - 0xFF01 + 0x21
		case r == 0x3000 || r == 0x00A0 || r == 0x2007 || r == 0x2009 || r == 0x202F:
			f[i] = ' '
		case r >= 0x2010 && r <= 0x2015: // hyphens and dashes
			f[i] = '-'
		default:
			if v := digitValue(r); v >= 0 {
				f[i] = '0' + rune(v)
			} else {
				f[i] = r
			}
		}
	}
	return f
}

// digitValue is the value of a decimal digit of any script, or -1. Unicode lays every script's
// digits out as runs of ten from its zero, which is what the Nd table's ranges are.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if !unicode.Is(unicode.Nd, r) {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10
		}
	}
	return -1
}

var reMaskEmail = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)

func maskEmails(rs, f []rune) ([]rune, []rune) {
	fs := string(f)
	locs := reMaskEmail.FindAllStringIndex(fs, -1)
	if locs == nil {
		return rs, f
	}
	// byte offset in the fold → rune index
	idx := make(map[int]int, len(f)+1)
	b := 0
	for i, r := range f {
		idx[b] = i
		b += len(string(r))
	}
	idx[b] = len(f)
	spans := make([]span, len(locs))
	for i, l := range locs {
		spans[i] = span{idx[l[0]], idx[l[1]], "[email]"}
	}
	return replace(rs, f, spans)
}

func isASCIILetter(r rune) bool { return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') }
func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isAlnum(r rune) bool       { return unicode.IsLetter(r) || unicode.IsDigit(r) || isASCIIDigit(r) }

// maskIBANs hides IBANs: two letters and two digits at the start of a word, then letters and
// digits, single spaces allowed between them. The country's IBAN length is tried (every length
// from 15 to 34 for a country not in the registry) and the longest that passes mod 97 is hidden.
func maskIBANs(rs, f []rune) ([]rune, []rune) {
	var spans []span
	lastEnd := -1 // a hidden IBAN's label ends in "]", so what follows it starts a word
	for p := 0; p+4 <= len(f); p++ {
		if (p > 0 && p != lastEnd && isAlnum(f[p-1])) || !isASCIILetter(f[p]) || !isASCIILetter(f[p+1]) || !isASCIIDigit(f[p+2]) || !isASCIIDigit(f[p+3]) {
			continue
		}
		var compact []rune
		var at []int
		for i := p; i < len(f) && len(compact) < 34; i++ {
			switch {
			case isASCIILetter(f[i]) || isASCIIDigit(f[i]):
				compact, at = append(compact, f[i]), append(at, i)
				continue
			case f[i] == ' ' && i+1 < len(f) && (isASCIILetter(f[i+1]) || isASCIIDigit(f[i+1])):
				continue
			}
			break
		}
		for l := len(compact); l >= 15; l-- {
			if want := IBANLength(string(compact[:2])); (want == 0 || want == l) && ValidIBAN(string(compact[:l])) {
				spans = append(spans, span{p, at[l-1] + 1, "[iban]"})
				p, lastEnd = at[l-1], at[l-1]+1
				break
			}
		}
	}
	return replace(rs, f, spans)
}

// isSep is what may stand between the digit groups of one number.
func isSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '-', '.', '(', ')':
		return true
	}
	return false
}

// maxSep is the longest run of separators inside one chain ("0532 - 123": three).
const maxSep = 3

// token is a run of digits in the fold.
type token struct {
	from, to int
	digits   string
}

// chains splits the fold into chains of digit tokens joined by short separator runs.
func chains(f []rune) [][]token {
	var out [][]token
	var cur []token
	for i := 0; i < len(f); {
		if !isASCIIDigit(f[i]) {
			i++
			continue
		}
		j := i
		for j < len(f) && isASCIIDigit(f[j]) {
			j++
		}
		t := token{i, j, string(f[i:j])}
		if len(cur) > 0 {
			gap := f[cur[len(cur)-1].to:i]
			joined := len(gap) <= maxSep
			for _, r := range gap {
				joined = joined && isSep(r)
			}
			if !joined {
				out = append(out, cur)
				cur = nil
			}
		}
		cur = append(cur, t)
		i = j
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// IsPhone says whether digits (a number's digits without separators) are a phone number:
// a Turkish number with or without 0 or 90 in front, one written with + (8 to 15 digits) or with
// the international prefix 00.
func IsPhone(digits string, plus bool) bool {
	n := len(digits)
	trArea := func(c byte) bool { return c >= '2' && c <= '5' }
	switch {
	case plus:
		return n >= 8 && n <= 15
	case n == 10:
		return trArea(digits[0])
	case n == 11:
		return digits[0] == '0' && trArea(digits[1])
	case n == 12 && strings.HasPrefix(digits, "90"):
		return trArea(digits[2])
	case n >= 10 && n <= 17 && strings.HasPrefix(digits, "00"):
		return digits[2] != '0' // a country code never starts with 0
	}
	return false
}

// maskNumbers hides cards and ID numbers first (their checksums are strong evidence), then
// phones among the tokens that are left.
func maskNumbers(rs, f []rune) []rune {
	var spans []span
	for _, ch := range chains(f) {
		type hit struct {
			i, j  int // first and last token
			label string
		}
		var hits []hit
		taken := make([]bool, len(ch))
		for i := range ch {
			d := ""
			for j := i; j < len(ch); j++ {
				if d += ch[j].digits; len(d) > 19 {
					break
				}
				switch {
				case len(d) == 11 && ValidTCKN(d):
					hits = append(hits, hit{i, j, "[tckn]"})
				case len(d) >= 13 && Luhn(d):
					hits = append(hits, hit{i, j, "[card]"})
				default:
					continue
				}
				for k := i; k <= j; k++ {
					taken[k] = true
				}
			}
		}
		for i := range ch {
			if !phoneEdge(f, ch, i, true) {
				continue
			}
			d := ""
			for j := i; j < len(ch) && !taken[j]; j++ {
				if d += ch[j].digits; len(d) > 17 {
					break
				}
				if phoneEdge(f, ch, j, false) && IsPhone(d, ch[i].from > 0 && f[ch[i].from-1] == '+') {
					hits = append(hits, hit{i, j, "[phone]"})
				}
			}
		}
		// Hits that share a token become one span (with the separators between their tokens); the
		// first hit found names it. Hits that only touch stay apart ("[phone] - [phone]").
		sort.Slice(hits, func(a, b int) bool { return hits[a].i < hits[b].i || hits[a].i == hits[b].i && hits[a].j > hits[b].j })
		for k := 0; k < len(hits); {
			h := hits[k]
			for k++; k < len(hits) && hits[k].i <= h.j; k++ {
				h.j = max(h.j, hits[k].j)
			}
			from, to := ch[h.i].from, ch[h.j].to
			if h.label == "[phone]" {
				from, to = phoneFrame(f, from, to)
			}
			spans = append(spans, span{from, to, h.label})
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
	out, _ := replace(rs, f, spans)
	return out
}

// phoneEdge says whether token i of a chain may begin (start) or end a phone number: not glued to
// letters ("TR34 0006 1005" is part of a word) and not in the middle of a number grouped by
// thousands with single dots ("1.500.000 - 2.000.000" holds no phone).
func phoneEdge(f []rune, ch []token, i int, start bool) bool {
	if start {
		return !letterAt(f, ch[i].from-1) && (i == 0 || string(f[ch[i-1].to:ch[i].from]) != ".")
	}
	return !letterAt(f, ch[i].to) && (i == len(ch)-1 || string(f[ch[i].to:ch[i+1].from]) != ".")
}

func letterAt(f []rune, i int) bool { return i >= 0 && i < len(f) && unicode.IsLetter(f[i]) }

// phoneFrame widens a phone's span over a "+" in front and an opening bracket whose closing one
// is inside the number ("(0532) 123 45 67"), so no stray punctuation is left around the label.
func phoneFrame(f []rune, from, to int) (int, int) {
	inner := string(f[from:to])
	if from > 0 && f[from-1] == '(' && strings.Contains(inner, ")") && !strings.Contains(inner, "(") {
		from--
	}
	if from > 0 && f[from-1] == '+' {
		from--
	}
	return from, to
}

// ValidTCKN checks a Turkish national ID number: 11 digits, no leading zero, two check digits.
func ValidTCKN(d string) bool {
	if len(d) != 11 || d[0] == '0' {
		return false
	}
	n := make([]int, 11)
	for i := range d {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		n[i] = int(d[i] - '0')
	}
	odd := n[0] + n[2] + n[4] + n[6] + n[8]
	even := n[1] + n[3] + n[5] + n[7]
	if ((odd*7-even)%10+10)%10 != n[9] {
		return false
	}
	sum := 0
	for _, v := range n[:10] {
		sum += v
	}
	return sum%10 == n[10]
}

// Luhn checks a card number's check digit.
func Luhn(d string) bool {
	sum, alt := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if alt {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		alt = !alt
	}
	return len(d) > 0 && sum%10 == 0
}

// ibanLengths is the length of an IBAN per country (the ISO 13616 registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
	"MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
	"QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// IBANLength is the IBAN length of a country code (either case), or 0 when it is not in the registry.
func IBANLength(country string) int { return ibanLengths[strings.ToUpper(country)] }

// ValidIBAN checks an IBAN with the ISO 13616 mod-97 rule (spaces allowed).
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	var b strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// onlyDigits keeps the ASCII digits of s.
func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
