package web

import (
	"html/template"
	"strings"
)

// emailBreaks is an e-mail address as HTML that a narrow box wraps only where the address still
// reads as one: after its "@" and after a dot. Each piece between those stays whole (a hyphen in
// "yildiz-insaat" is no place to part it) and a line-break opportunity (<wbr>) stands between
// them; the text, and so what a copy button copies, is the address unchanged. The element showing
// it carries the class "email" (leads.css, chat.css), which scrolls a piece wider than the box
// instead of letting it run out.
func emailBreaks(addr string) template.HTML {
	var b strings.Builder
	piece := func(s string) {
		if s != "" {
			b.WriteString("<span>" + template.HTMLEscapeString(s) + "</span>")
		}
	}
	start := 0
	for i, r := range addr {
		if r == '@' || r == '.' {
			piece(addr[start : i+1])
			if i+1 < len(addr) {
				b.WriteString("<wbr>")
			}
			start = i + 1
		}
	}
	piece(addr[start:])
	return template.HTML(b.String()) // #nosec G203: every piece is escaped above
}
