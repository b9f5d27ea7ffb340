package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
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
	case []int64:
		return joinIDs(x)
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

// Untouched reports whether every one of the boxes names was sent as its page drew it: boxes that
// only mean something together (a day with its times) keep what is stored only all at once. A
// form without their was_ fields is not untouched.
func Untouched(f url.Values, names ...string) bool {
	for _, name := range names {
		if _, ok := f["was_"+name]; !ok || !sameBox(f.Get(name), f.Get("was_"+name)) {
			return false
		}
	}
	return true
}

// KeepUntouchedSet is KeepUntouched for a group of checkboxes name whose page drew the ids in
// was_<name> (comma-joined): the group gets the stored ids with those its sender ticked added and
// those it unticked taken away, so an id someone else ticked meanwhile stays. A form without the
// was_ field is left as sent.
func KeepUntouchedSet(f url.Values, name string, stored []int64) {
	if _, ok := f["was_"+name]; !ok {
		return
	}
	drawn, sent := splitIDs(f.Get("was_"+name)), []int64{}
	for _, v := range f[name] {
		if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && id > 0 {
			sent = append(sent, id)
		}
	}
	var out []int64
	for _, id := range stored {
		if !slices.Contains(drawn, id) || slices.Contains(sent, id) {
			out = append(out, id)
		}
	}
	for _, id := range sent {
		if !slices.Contains(drawn, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	vs := make([]string, len(out))
	for i, id := range out {
		vs[i] = strconv.FormatInt(id, 10)
	}
	f[name] = vs
	f.Set("was_"+name, joinIDs(out))
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}
