package ai

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Features of builtin-3. Every feature the model weighs keeps the words of the message that made
// it fire, so an explanation can show the customer's own word and a category, never a code.
//
// The text is lower-cased with the Turkish İ/ı rules and folded to plain Latin letters (ç→c, ğ→g,
// ı→i, ö→o, ş→s, ü→u, circumflexes dropped), so "şikayet", "sikayet" and "ŞİKAYET" are one word.
// Words are cut to their first five letters, a simple suffix stripping that works well for an
// agglutinative language: "çatladı", "çatlamış", "çatlak" all become "catla". Character 3- and
// 4-grams inside each word catch typos and the endings that carry meaning ("-madı", "-sın").

// Feature kinds (they decide how a feature is worded on the conversation page).
const (
	KindWord    = "word"    // a word, or a part of one
	KindPhrase  = "phrase"  // two words in a row ("acil değil", "call me")
	KindPhone   = "phone"   // a phone number
	KindArea    = "area"    // an area ("200 m²")
	KindClock   = "clock"   // a time of day ("saat 8", "at 8")
	KindDate    = "date"    // a day of the month ("15'inde", "the 20th", "15.06")
	KindNumber  = "number"  // any other number
	KindEmoji   = "emoji"   // an emoji
	KindMark    = "mark"    // punctuation or shouting
	KindScript  = "script"  // the alphabet the message is written in
	KindEarlier = "earlier" // a word of an earlier message of the conversation
)

// feature is one fired feature: its name in the model, its kind, and the customer's words.
type feature struct {
	name, kind, surface string
}

// stemLen is how many letters of a folded word the word feature keeps.
const stemLen = 5

// historyLen is how many earlier customer messages are read as context.
const historyLen = 3

var (
	reFeatPhone = regexp.MustCompile(`\+?\d[\d\s()-]{8,}\d`)
	reFeatArea  = regexp.MustCompile(`(?i)\d+(?:[.,]\d+)?\s*(?:m²|m2|metrekare|metre kare|sqm|square met|metre)`)
	reFeatClock = regexp.MustCompile(`(?i)(?:saat\s*\d{1,2}|\d{1,2}[:.]\d{2}|\d{1,2}\s*(?:'|’)?\s*(?:de|da|te|ta)\b|\b(?:at\s+)?\d{1,2}\s*(?:am|pm)\b|at\s+\d{1,2}\b)`)
	reFeatDate  = regexp.MustCompile(`(?i)(?:\b\d{1,2}\s*(?:'|’)?\s*(?:s[iı]nde|inde|ında|unda|ünde|th|st|nd|rd)\b|\b\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\b|(?:ayın|ayin)\s+\d{1,2})`)
	reFeatNum   = regexp.MustCompile(`\d+`)
)

// foldWord lower-cases (Turkish rules) and folds a text to plain Latin letters.
func foldWord(s string) string { return foldTR(dropCircumflex(lowerTR(s))) }

// stem is the word feature of one token: its first stemLen letters after folding.
func stem(tok string) string {
	f := foldWord(tok)
	if utf8.RuneCountInString(f) <= stemLen {
		return f
	}
	r := []rune(f)
	return string(r[:stemLen])
}

// rawTokens splits the text into words as written (letters only; digits are read apart).
func rawTokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

func isEmoji(r rune) bool {
	return (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF)
}

// extract returns the features of a message and its earlier messages (oldest first).
func extract(text string, history []string) []feature {
	var out []feature
	seen := map[string]bool{}
	add := func(name, kind, surface string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, feature{name, kind, surface})
		}
	}
	add("bias", "", "")
	toks := rawTokens(text)
	prev := ""
	for _, tok := range toks {
		st := stem(tok)
		add("w:"+st, KindWord, tok)
		g := " " + foldWord(tok) + " "
		r := []rune(g)
		for n := 3; n <= 4; n++ {
			for i := 0; i+n <= len(r); i++ {
				add("c:"+string(r[i:i+n]), KindWord, tok)
			}
		}
		if prev != "" {
			add("b:"+stem(prev)+"_"+st, KindPhrase, prev+" "+tok)
		}
		prev = tok
	}
	if len(toks) <= 2 {
		add("short", KindMark, strings.TrimSpace(text))
	}
	rest := text
	for _, m := range reFeatPhone.FindAllString(rest, -1) {
		if len(onlyDigits(m)) >= 10 {
			add("n:phone", KindPhone, strings.TrimSpace(m))
			rest = strings.Replace(rest, m, " ", 1)
		}
	}
	if m := reFeatArea.FindString(rest); m != "" {
		add("n:area", KindArea, m)
	}
	if m := reFeatClock.FindString(rest); m != "" {
		add("n:clock", KindClock, strings.TrimSpace(m))
	}
	if m := reFeatDate.FindString(rest); m != "" {
		add("n:date", KindDate, strings.TrimSpace(m))
	}
	if m := reFeatNum.FindString(rest); m != "" {
		add("n:any", KindNumber, m)
	}
	arabic, turkish, letters, upper := 0, false, 0, 0
	for _, r := range text {
		switch {
		case isEmoji(r):
			add("e:"+string(r), KindEmoji, string(r))
			add("e:any", KindEmoji, string(r))
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case strings.ContainsRune("çğışöüÇĞİŞÖÜ", r):
			turkish = true
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if arabic > 0 {
		add("s:arabic", KindScript, "")
		if arabic*2 > letters {
			add("s:mostly_arabic", KindScript, "")
		}
	}
	if turkish {
		add("s:turkish", KindScript, "")
	}
	if letters >= 8 && upper*10 >= letters*7 {
		add("m:shout", KindMark, text)
	}
	if strings.Count(text, "!") >= 2 {
		add("m:excl", KindMark, "!!")
	}
	if strings.Contains(text, "?") {
		add("m:question", KindMark, "?")
	}
	lexicon(text, add)
	if len(history) > historyLen {
		history = history[len(history)-historyLen:]
	}
	for _, h := range history {
		add("x:any", KindEarlier, "")
		for _, tok := range rawTokens(h) {
			add("x:"+stem(tok), KindEarlier, tok)
		}
		lexicon(h, func(name, _, surface string) { add("x"+name, KindEarlier, surface) })
	}
	return out
}

// lexicon adds the word lists of builtin-2 as features: each list that matched is one feature
// whose weight the model learns, with the matched word as its explanation.
func lexicon(raw string, add func(name, kind, surface string)) {
	g := readSignals(newText(raw))
	for _, l := range []struct{ name, hit string }{{"stock", g.stock}, {"firm", g.firm}, {"price", g.price}, {"rough", g.rough},
		{"date", g.dateAsk}, {"near_day", g.nearDay}, {"deadline", g.deadline}, {"waited", g.waited}, {"legal_threat", g.legalThreat},
		{"legal", g.legal}, {"payment", g.payment}, {"human", g.human}, {"greeting", g.greeting}, {"info", g.info},
		{"urgent", g.urgent}, {"calm", g.calm}, {"complaint", first(g.complaint)}, {"damage", first(g.damage)}, {"negative", first(g.negative)},
		{"works", g.works}} {
		if l.hit != "" {
			add("r:"+l.name, KindWord, asWritten(raw, l.hit))
		}
	}
}

// asWritten returns the customer's own word for a one-word list entry ("avukat" → "avukatıma"),
// so an explanation quotes the message; a phrase is returned as matched.
func asWritten(raw, hit string) string {
	if strings.ContainsRune(hit, ' ') {
		return hit
	}
	f := foldWord(hit)
	for _, tok := range rawTokens(raw) {
		if strings.HasPrefix(foldWord(tok), f) {
			return tok
		}
	}
	return hit
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
