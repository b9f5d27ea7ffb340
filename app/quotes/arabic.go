package quotes

import "strings"

// Arabic in the PDF. The PDF library places glyphs one after another, left to right, without
// shaping or bidirectional ordering, so this file does the two steps a text engine would do, in
// their simplest correct form for business text: letters become their contextual presentation
// forms (isolated, final, initial, medial; lam-alef ligatures) from Unicode's Arabic Presentation
// Forms-B block, which the embedded DejaVu Sans covers in full; then a line whose base direction
// is right-to-left is put in visual order (runs of Latin letters and numbers keep their own
// order). Not covered: vowel marks (harakat, dropped), Persian and Urdu letters outside the basic
// block, and the full Unicode bidirectional algorithm (nested embeddings).

// arabicForms maps a letter to its isolated presentation form and how many forms follow it there
// (1: never joins, 2: joins only to the letter before it, 4: joins on both sides).
var arabicForms = map[rune][2]rune{
	0x0621: {0xFE80, 1}, 0x0622: {0xFE81, 2}, 0x0623: {0xFE83, 2}, 0x0624: {0xFE85, 2}, 0x0625: {0xFE87, 2},
	0x0626: {0xFE89, 4}, 0x0627: {0xFE8D, 2}, 0x0628: {0xFE8F, 4}, 0x0629: {0xFE93, 2}, 0x062A: {0xFE95, 4},
	0x062B: {0xFE99, 4}, 0x062C: {0xFE9D, 4}, 0x062D: {0xFEA1, 4}, 0x062E: {0xFEA5, 4}, 0x062F: {0xFEA9, 2},
	0x0630: {0xFEAB, 2}, 0x0631: {0xFEAD, 2}, 0x0632: {0xFEAF, 2}, 0x0633: {0xFEB1, 4}, 0x0634: {0xFEB5, 4},
	0x0635: {0xFEB9, 4}, 0x0636: {0xFEBD, 4}, 0x0637: {0xFEC1, 4}, 0x0638: {0xFEC5, 4}, 0x0639: {0xFEC9, 4},
	0x063A: {0xFECD, 4}, 0x0641: {0xFED1, 4}, 0x0642: {0xFED5, 4}, 0x0643: {0xFED9, 4}, 0x0644: {0xFEDD, 4},
	0x0645: {0xFEE1, 4}, 0x0646: {0xFEE5, 4}, 0x0647: {0xFEE9, 4}, 0x0648: {0xFEED, 2}, 0x0649: {0xFEEF, 2},
	0x064A: {0xFEF1, 4},
}

// lamAlef is the isolated lam-alef ligature for each alef (the final form follows it).
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const tatweel = 0x0640

func forms(r rune) int {
	if r == tatweel {
		return 4
	}
	return int(arabicForms[r][1])
}

func isHaraka(r rune) bool { return r >= 0x064B && r <= 0x0652 }

// shapeArabic turns Arabic letters of s (logical order) into their contextual forms.
func shapeArabic(s string) string {
	var in []rune
	for _, r := range s {
		if !isHaraka(r) {
			in = append(in, r)
		}
	}
	out := make([]rune, 0, len(in))
	for i := 0; i < len(in); i++ {
		r := in[i]
		n := forms(r)
		if n == 0 {
			out = append(out, r)
			continue
		}
		joinPrev := i > 0 && forms(in[i-1]) == 4 && n >= 2
		if r == 0x0644 && i+1 < len(in) {
			if lig, ok := lamAlef[in[i+1]]; ok {
				if joinPrev {
					lig++
				}
				out = append(out, lig)
				i++
				continue
			}
		}
		if r == tatweel {
			out = append(out, r)
			continue
		}
		joinNext := n == 4 && i+1 < len(in) && forms(in[i+1]) >= 2
		base := arabicForms[r][0]
		switch {
		case joinPrev && joinNext:
			out = append(out, base+3)
		case joinPrev:
			out = append(out, base+1)
		case joinNext:
			out = append(out, base+2)
		default:
			out = append(out, base)
		}
	}
	return string(out)
}

func isRTLRune(r rune) bool {
	return (r >= 0x0590 && r <= 0x08FF) || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

func isLTRRune(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= 0x00C0 && r < 0x0590)
}

var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '<': '>', '>': '<', '«': '»', '»': '«'}

// visualRTL shapes a right-to-left line and returns it in visual (left-to-right drawing) order:
// the runs reversed, the right-to-left runs' characters reversed and their brackets mirrored,
// the left-to-right runs (numbers, Latin names, "TKL-2026-0042", "1,250.50 ₺") kept as written.
//
// Text between a left-to-right isolate and its pop (U+2066 … U+2069: an Arabic percentage from
// i18n, "+30%") is one left-to-right run; the two marks themselves are not drawn.
func visualRTL(s string) string {
	var rs []rune
	var isolated []bool
	depth := 0
	for _, r := range shapeArabic(s) {
		switch r {
		case 0x2066, 0x2067, 0x2068:
			depth++
			continue
		case 0x2069:
			depth = max(0, depth-1)
			continue
		}
		rs, isolated = append(rs, r), append(isolated, depth > 0)
	}
	if len(rs) == 0 {
		return ""
	}
	// Direction per rune: strong ones as they are; a neutral between two LTR runes (or an LTR
	// rune and the end of a number-like group such as "₺") joins the LTR run, else the base RTL.
	ltr := make([]bool, len(rs))
	for i, r := range rs {
		ltr[i] = isLTRRune(r) || isolated[i]
	}
	for i := range rs {
		if ltr[i] || isRTLRune(rs[i]) {
			continue
		}
		if (rs[i] == '-' || rs[i] == '+') && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9' {
			ltr[i] = true // a sign belongs to its number
			continue
		}
		prev, next := false, false
		for j := i - 1; j >= 0; j-- {
			if ltr[j] || isRTLRune(rs[j]) {
				prev = ltr[j]
				break
			}
		}
		for j := i + 1; j < len(rs); j++ {
			if isLTRRune(rs[j]) || isRTLRune(rs[j]) {
				next = isLTRRune(rs[j])
				break
			}
		}
		ltr[i] = prev && next
	}
	// Cut into runs, then lay them out right to left.
	type run struct {
		ltr   bool
		runes []rune
	}
	var runs []run
	for i, r := range rs {
		if len(runs) == 0 || runs[len(runs)-1].ltr != ltr[i] {
			runs = append(runs, run{ltr: ltr[i]})
		}
		runs[len(runs)-1].runes = append(runs[len(runs)-1].runes, r)
	}
	var b strings.Builder
	for i := len(runs) - 1; i >= 0; i-- {
		ru := runs[i]
		if ru.ltr {
			b.WriteString(string(ru.runes))
			continue
		}
		for j := len(ru.runes) - 1; j >= 0; j-- {
			r := ru.runes[j]
			if m, ok := mirrored[r]; ok {
				r = m
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
