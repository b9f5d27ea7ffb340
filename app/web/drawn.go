package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// An edit form says what it showed: beside each box, a hidden was_<name> holds the value the page
// drew (drawnField). On a save, KeepUntouched gives every box sent as it was drawn the record's
// stored value, which someone else may have changed since the page was drawn: a save changes only
// what its sender changed, and two people on one record do not undo each other.

// drawnField renders the hidden was_<name> input of a form's box name: the value the page first
// drew, kept from the posted form when the form is shown again after a refusal (so what the
// person changed stays changed), else value. An id (int, int64) of 0 is "" as its select's
// empty option sends it.
func drawnField(form any, name string, value any) template.HTML {
	var v url.Values
	switch f := form.(type) {
	case url.Values:
		v = f
	case map[string][]string:
		v = f
	case *Page:
		if f != nil {
			v = f.Form
		}
	}
	s := drawnValue(value)
	if vs, ok := v["was_"+name]; ok && len(vs) > 0 {
		s = vs[len(vs)-1]
	}
	return template.HTML(`<input type="hidden" name="was_` + template.HTMLEscapeString(name) + `" value="` + template.HTMLEscapeString(s) + `">`)
}

func drawnValue(value any) string {
	switch x := value.(type) {
	case int64:
		if x == 0 {
			return ""
		}
	case int:
		if x == 0 {
			return ""
		}
	}
	return fmt.Sprint(value)
}

// KeepUntouched sets every box of f that was sent as its page drew it (was_<name>) to its stored
// value (stored[name], an id of 0 as ""), and its was_ with it. A form without was_ fields (an
// API client, a page from before) is left as sent.
func KeepUntouched(f url.Values, stored map[string]any) {
	var untouched []string
	for k := range f {
		if name, ok := strings.CutPrefix(k, "was_"); ok && sameBox(f.Get(name), f.Get(k)) {
			untouched = append(untouched, name)
		}
	}
	for _, name := range untouched {
		if s, known := stored[name]; known {
			f.Set(name, drawnValue(s))
			f.Set("was_"+name, drawnValue(s))
		}
	}
}

// sameBox compares a box's value with what its page drew, a browser's CRLF line breaks as the
// LF the page drew, around spaces aside.
func sameBox(a, b string) bool {
	n := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return n(a) == n(b)
}
