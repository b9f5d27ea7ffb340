package docs

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"highvibe/app/fold"
)

// Anchor is the id a guide heading gets, so a link can name a part of a page ("/guide/
// troubleshooting#konusmalar-ve-kanallar"): the heading folded to plain lower case as the search
// does (Turkish ç ğ ı İ ö ş ü and the other Latin letters with marks become their ASCII letter),
// letters and digits kept, a space, "-" or "_" a "-", anything else (punctuation, dashes, signs)
// left out. A letter of another script (Arabic, say) stays as it is: the browser matches it in
// a link written plainly or percent-encoded. On an ASCII heading this is exactly the id the
// Markdown renderer gave before, so the English anchors did not move. A heading with nothing left
// is "heading"; a second heading with the same anchor on one page gets "-1", then "-2" and so on.
func Anchor(heading string) string {
	out := make([]byte, 0, len(heading))
	for _, r := range fold.String(trimSpace(heading)) {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			out = append(out, byte(r))
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '-' || r == '_':
			out = append(out, '-')
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			out = utf8.AppendRune(out, r)
		}
	}
	if len(out) == 0 {
		return "heading"
	}
	return string(out)
}

// trimSpace trims the ASCII blanks the Markdown renderer trims off a heading's line.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r\v\f") }

// headingIDs gives one page's headings their Anchor, each id once on the page. It also works out
// the id each heading had before Anchor (when every letter outside ASCII was dropped: "Konuşmalar
// ve kanallar" was #konumalar-ve-kanallar), so a bookmark to a Turkish part still lands.
type headingIDs struct {
	now, was ids
	aliases  [][2]string // a heading's id and its former one, where they differ
}

// ids is the ids given on a page, each once.
type ids struct {
	used map[string]bool
	next map[string]int // the suffix to try next for an id already taken
}

// take gives id, or id-1, id-2 … when it is taken.
func (s *ids) take(id string) string {
	if s.used == nil {
		s.used, s.next = map[string]bool{}, map[string]int{}
	}
	if !s.used[id] {
		s.used[id] = true
		return id
	}
	for i := s.next[id] + 1; ; i++ {
		if c := id + "-" + strconv.Itoa(i); !s.used[c] {
			s.used[c] = true
			s.next[id] = i
			return c
		}
	}
}

// Generate is parser.IDs': the id for a heading whose line is value.
func (s *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	id, was := Anchor(string(value)), formerAnchor(string(value))
	if kind != ast.KindHeading {
		id, was = orID(id), orID(was)
	}
	id, was = s.now.take(id), s.was.take(was)
	if was != id {
		s.aliases = append(s.aliases, [2]string{id, was})
	}
	return []byte(id)
}

// Put is parser.IDs': an id a heading was given by hand is taken.
func (s *headingIDs) Put(value []byte) { s.now.take(string(value)); s.was.take(string(value)) }

func orID(id string) string {
	if id == "heading" {
		return "id"
	}
	return id
}

// formerAnchor is the id the Markdown renderer gave a heading before Anchor: ASCII letters and
// digits kept, a blank, "-" or "_" a "-", every other character (all of ç ğ ı İ ö ş ü) dropped.
func formerAnchor(heading string) string {
	out := make([]byte, 0, len(heading))
	for _, c := range []byte(trimSpace(heading)) {
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			out = append(out, c)
		case 'A' <= c && c <= 'Z':
			out = append(out, c+'a'-'A')
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '-' || c == '_':
			out = append(out, '-')
		}
	}
	if len(out) == 0 {
		return "heading"
	}
	return string(out)
}

// keepFormer gives each heading whose id changed an empty marker with its former id, first thing
// inside the heading, so /guide/<section>#<former id> scrolls to the same heading. A former id that
// is another heading's id now is left to that heading.
func (s *headingIDs) keepFormer(html string) string {
	for _, a := range s.aliases {
		if s.now.used[a[1]] {
			continue
		}
		for _, level := range "123456" {
			open := "<h" + string(level) + ` id="` + a[0] + `">`
			if i := strings.Index(html, open); i >= 0 {
				html = html[:i+len(open)] + `<span id="` + a[1] + `"></span>` + html[i+len(open):]
				break
			}
		}
	}
	return html
}
