// Package erasure is what every room needs to erase one person (a data subject's request under
// KVKK; guide: 49-exports-and-kvkk.md): the Subject — who they are and every form in which their
// name, phone, e-mail and the hashes made of them are stored — and two SQL functions registered
// with the SQLite driver, so a room scrubs its own tables in one literal statement each:
//
//	kvkk_scrub(text, spec) → text with every stored form of the person replaced by Mask
//	kvkk_has(text, spec)   → 1 when text holds any of them
//
// spec is Subject.Spec(), a JSON argument. The kvkk room orchestrates: it builds the Subject and
// calls each room's erase function in one transaction (a room writes only its own tables).
package erasure

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"modernc.org/sqlite"

	"highvibe/app/phone"
)

// Mask replaces the person's name, phone and e-mail inside text that is kept (a note about them,
// a job's stored webhook body). It is no word of any language.
const Mask = "•••"

// Subject is the person being erased.
type Subject struct {
	LeadID          int64
	CustomerID      int64   // the CRM customer linked to the lead (0: none)
	ConversationIDs []int64 // every conversation of the lead
	Names           []string
	Phones          []string // as stored (typed and E.164)
	Emails          []string
	spec, own       string
	seen            map[string]*Seen
}

// Seen is what a read before the erasure's transaction found in one large table (messages, the
// action log, finished jobs), so the transaction, which holds the tenant's only writer while
// customers' messages wait for it, tests only those rows and the ones that can have changed
// since: rows added after the read (an id above Below) and, where the table records it, rows
// updated since At. The read takes Below and At before it scans, so nothing falls between.
type Seen struct {
	IDs   []int64 // the rows that held the person
	Below int64   // every row up to this id was read
	At    int64   // Unix ms the read began
}

// IDsJSON is IDs as a JSON array, for `IN (SELECT value FROM json_each(?))`.
func (v *Seen) IDsJSON() string { return idsJSON(v.IDs) }

// Reader is what a pre-read needs: a read connection (or a transaction).
type Reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Seen is the pre-read of table, or nil when there was none (the room then reads every row).
func (s *Subject) Seen(table string) *Seen { return s.seen[table] }

// SetSeen records the pre-read of table.
func (s *Subject) SetSeen(table string, v *Seen) {
	if s.seen == nil {
		s.seen = map[string]*Seen{}
	}
	s.seen[table] = v
}

// Adopt takes over the pre-reads of pre, read before the transaction, when pre is the same
// person in every form the rooms look for (the same needles, and the same conversations); when
// anything changed in between, the rooms read every row again.
func (s *Subject) Adopt(pre *Subject) {
	if pre == nil || pre.LeadID != s.LeadID || pre.Spec() != s.Spec() || pre.OwnSpec() != s.OwnSpec() ||
		pre.Conversations() != s.Conversations() || pre.CustomerID != s.CustomerID {
		return
	}
	for t, v := range pre.seen {
		s.SetSeen(t, v)
	}
}

// OwnSpec is Spec for rows that are the person's own (their conversations' notifications, jobs
// and log rows): there a first or last name alone is them too, not only the full name.
func (s *Subject) OwnSpec() string {
	if s.own == "" {
		var sp spec
		_ = json.Unmarshal([]byte(s.Spec()), &sp)
		for _, n := range s.Names {
			for _, w := range strings.Fields(n) {
				if utf8.RuneCountInString(w) >= 3 {
					sp.Needles = append(sp.Needles, w, strings.ToLowerSpecial(unicode.TurkishCase, w), strings.ToUpperSpecial(unicode.TurkishCase, w), jsonASCII(w))
				}
			}
		}
		b, _ := json.Marshal(sp)
		s.own = string(b)
	}
	return s.own
}

// ScrubOwn is Scrub with OwnSpec.
func (s *Subject) ScrubOwn(text string) string { return matcherFor(s.OwnSpec()).scrub(text) }

// Needles are the literal forms the person is stored in, longest first: each name as written,
// lower- and upper-cased (Turkish rules) and JSON-escaped; each e-mail; each phone as typed, in
// E.164, as digits with and without the country code and the trunk 0; and the SHA-256 hex of the
// normalised e-mail, phone and names that ad platforms are sent (conversion tracking).
func (s *Subject) Needles() []string {
	set := map[string]bool{}
	add := func(v string) {
		if v = strings.TrimSpace(v); utf8.RuneCountInString(v) >= 3 {
			set[v] = true
		}
	}
	hash := func(v string) {
		if v != "" {
			h := sha256.Sum256([]byte(v))
			set[hex.EncodeToString(h[:])] = true
		}
	}
	for _, n := range s.Names {
		n = strings.Join(strings.Fields(n), " ")
		add(n)
		add(strings.ToLowerSpecial(unicode.TurkishCase, n))
		add(strings.ToUpperSpecial(unicode.TurkishCase, n))
		add(strings.ToLower(n))
		add(jsonASCII(n))
		hash(strings.ToLower(n))
		for _, w := range strings.Fields(strings.ToLowerSpecial(unicode.TurkishCase, n)) {
			hash(w) // Meta's fn / ln
		}
	}
	for _, e := range s.Emails {
		add(e)
		add(strings.ToLower(e))
		hash(strings.ToLower(strings.TrimSpace(e)))
	}
	for _, p := range s.Phones {
		add(p)
		d := digits(p)
		if len(d) < 7 {
			continue
		}
		nat := national(d)
		add(d)
		add(nat)
		add("0" + nat)
		add("90" + nat)
		add("+90" + nat)
		hash("90" + nat) // E.164 digits, as Meta and TikTok hash them
		hash("+90" + nat)
		// A stored international number of another country (+491701234567 of a German
		// business): its own E.164 forms and hashes, and its national number as written there.
		if e := intl(p); e != "" {
			add(e)
			add(e[1:])
			hash(e[1:])
			hash(e)
			if n := phone.NationalNumber(e); len(n) >= 5 {
				add(n)
				add("0" + n)
			}
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

// Spec is the JSON argument of kvkk_scrub and kvkk_has for this person.
func (s *Subject) Spec() string {
	if s.spec == "" {
		var nats []string
		for _, p := range s.Phones {
			if d := digits(p); len(d) >= 7 {
				nats = append(nats, national(d))
			}
			if n := phone.NationalNumber(intl(p)); len(n) >= 7 && !slices.Contains(nats, n) {
				nats = append(nats, n) // +49 170 1234567 typed as 0170 123 45 67
			}
		}
		b, _ := json.Marshal(spec{Needles: s.Needles(), Phones: nats})
		s.spec = string(b)
		s.own = ""
	}
	return s.spec
}

// Scrub is kvkk_scrub in Go.
func (s *Subject) Scrub(text string) string { return matcherFor(s.Spec()).scrub(text) }

// Has is kvkk_has in Go.
func (s *Subject) Has(text string) bool { return matcherFor(s.Spec()).has(text) }

type spec struct {
	Needles []string `json:"n"`
	Phones  []string `json:"p"` // national numbers: found whatever separators were typed between the digits
}

// matcher finds the person in a text. re is one case-insensitive alternation of every needle and
// phone pattern, and Go's regexp runs such a pattern through its slowest engine, a step per byte
// per pattern state: milliseconds for one webhook body, and an erasure tests every row of the
// largest tables (messages, the action log, finished jobs). So has answers without it, by two
// tests that are each exactly one half of re:
//   - a needle matches case-insensitively (Unicode simple folding, as (?i) does) exactly when the
//     text, each rune replaced by the smallest rune of its folding orbit, holds the needle so
//     replaced (UTF-8 finds a rune sequence only at rune boundaries);
//   - a phone pattern (its prefix is optional) matches exactly when the text, without the
//     separators it allows between digits, holds the national digits.
//
// re is left for scrub, which must know where each match is, and runs only on texts has accepts.
type matcher struct {
	re      *regexp.Regexp
	needles []string // folded (fold)
	phones  []string // national digits
}

// scrub is text with every form of the person replaced by Mask.
func (m *matcher) scrub(text string) string {
	if !m.has(text) {
		return text
	}
	return m.re.ReplaceAllString(text, Mask)
}

// has reports whether text holds any form of the person: re.MatchString(text), by the two
// tests of matcher, without re.
func (m *matcher) has(text string) bool {
	if len(m.phones) > 0 {
		bare := stripSeparators(text)
		for _, p := range m.phones {
			if strings.Contains(bare, p) {
				return true
			}
		}
	}
	if len(m.needles) > 0 {
		folded := fold(text)
		for _, n := range m.needles {
			if strings.Contains(folded, n) {
				return true
			}
		}
	}
	return false
}

// stripSeparators drops what a phone pattern allows between two digits: \s (tab, newline, form
// feed, carriage return, space) and ( ) . - /. All are single bytes, and no byte of a multi-byte
// rune is one of them or a digit, so the work is done on bytes.
func stripSeparators(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t', '\n', '\f', '\r', ' ', '(', ')', '.', '-', '/':
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// fold replaces every rune of s by the smallest rune of its simple case-folding orbit (the runes
// (?i) takes as equal): 'k', 'K' and the Kelvin sign all become 'K'. A byte that is not UTF-8
// becomes U+FFFD, as the regexp reads it.
func fold(s string) string {
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, foldRune(r))
		i += n
	}
	return string(b)
}

// foldTable holds foldRune of the runes below its length (Latin, Greek, Cyrillic, Arabic…).
var foldTable = func() []rune {
	t := make([]rune, 0x3000)
	for r := range t {
		t[r] = slowFold(rune(r))
	}
	return t
}()

func foldRune(r rune) rune {
	if r >= 0 && int(r) < len(foldTable) {
		return foldTable[r]
	}
	return slowFold(r)
}

func slowFold(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// minimal drops every needle that holds another: where it is found, so is the shorter one.
func minimal(needles []string) []string {
	var out []string
	for i, n := range needles {
		redundant := false
		for j, o := range needles {
			if j != i && strings.Contains(n, o) && (len(o) < len(n) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, n)
		}
	}
	return out
}

var matchers sync.Map // spec → *matcher

func matcherFor(js string) *matcher {
	if m, ok := matchers.Load(js); ok {
		return m.(*matcher)
	}
	var sp spec
	_ = json.Unmarshal([]byte(js), &sp)
	var alts []string
	for _, p := range sp.Phones {
		// +90 (532) 987 65 43, 0532-987-6543 … : the national digits with anything of " ()-./"
		// between them, after an optional country code or trunk zero.
		var b strings.Builder
		b.WriteString(`(?:\+?\s*9\s*0[\s().\-/]*|0[\s().\-/]*)?`)
		for i, r := range p {
			if i > 0 {
				b.WriteString(`[\s().\-/]*`)
			}
			b.WriteRune(r)
		}
		alts = append(alts, b.String())
	}
	for _, n := range sp.Needles {
		alts = append(alts, regexp.QuoteMeta(n))
	}
	m := &matcher{phones: sp.Phones}
	for _, n := range sp.Needles {
		m.needles = append(m.needles, fold(n))
	}
	m.needles = minimal(m.needles)
	if len(alts) == 0 {
		m.re = regexp.MustCompile(`\A\z.`) // matches nothing
	} else {
		m.re = regexp.MustCompile(`(?i)(?:` + strings.Join(alts, `|`) + `)`)
	}
	matchers.Store(js, m)
	return m
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// national is a Turkish number's ten national digits (without 90 or the trunk 0); other numbers
// stay as they are.
// intl is p in E.164 when it is written with its country code ("+49 170 1234567"), else "".
func intl(p string) string {
	if !strings.HasPrefix(strings.TrimSpace(p), "+") {
		return ""
	}
	return phone.Normalize(p, "")
}

func national(d string) string {
	switch {
	case len(d) == 12 && strings.HasPrefix(d, "90"):
		return d[2:]
	case len(d) == 11 && strings.HasPrefix(d, "0"):
		return d[1:]
	}
	return d
}

// jsonASCII is s as a JSON encoder that escapes every non-ASCII letter writes it (\u015e…), the
// way some providers' webhook bodies carry names.
func jsonASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16Pair(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xD800 + (r>>10)&0x3FF, 0xDC00 + r&0x3FF
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("kvkk_scrub", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		js, _ := args[1].(string)
		m := matcherFor(js)
		switch v := args[0].(type) {
		case string:
			return m.scrub(v), nil
		case []byte:
			if !m.has(string(v)) {
				return v, nil
			}
			return m.re.ReplaceAll(v, []byte(Mask)), nil
		}
		return args[0], nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("kvkk_has", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		js, _ := args[1].(string)
		m := matcherFor(js)
		switch v := args[0].(type) {
		case string:
			return m.has(v), nil
		case []byte:
			return m.has(string(v)), nil
		}
		return false, nil
	})
}

// Conversations is ConversationIDs as a JSON array, for `IN (SELECT value FROM json_each(?))`.
func (s *Subject) Conversations() string { return idsJSON(s.ConversationIDs) }

func idsJSON(ids []int64) string {
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	return string(append(b, ']'))
}
