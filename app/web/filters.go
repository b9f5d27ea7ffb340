package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"highvibe/app/i18n"
)

// IgnoredFilter is a filter in a list's address whose value the list could not read (client=abc,
// status=whatever): the list is shown as if the filter were not there, and says so above its rows
// (the shared partial "ignored-filters"), in the reader's language, rather than silently showing
// everything as if nothing had been chosen.
type IgnoredFilter struct {
	Key   string // the query parameter ("client")
	Label string // the filter's name as the page shows it, translated ("Client")
	Value string // what the address said, cut to 40 characters
	// Why, when set, is the whole notice (translated) for a value that reads but cannot be used
	// as it is: a range whose end comes before its start, a page link the list cannot follow.
	Why string
}

// IgnoreFilter records that the list's filter key (label: its name on the page) could not read
// value; the page shows it above the list.
func (c *Ctx) IgnoreFilter(key, label, value string) { c.IgnoreFilterWhy(key, label, value, "") }

// IgnoreFilterWhy is IgnoreFilter with the notice's own words (why: translated; "" for the
// shared "cannot read" sentence).
func (c *Ctx) IgnoreFilterWhy(key, label, value, why string) {
	if c == nil {
		return
	}
	for _, f := range c.ignored {
		if f.Key == key {
			return
		}
	}
	if r := []rune(value); len(r) > 40 {
		value = string(r[:40]) + "…"
	}
	c.ignored = append(c.ignored, IgnoredFilter{Key: key, Label: label, Value: value, Why: why})
}

// IgnoreCursor records that the list's page link (key: "cursor", "after", "before") could not
// be followed (cut, or made by an older version of the list): the list starts again from its
// first page and says so above it.
func (c *Ctx) IgnoreCursor(key, value string) {
	if c == nil {
		return
	}
	c.IgnoreFilterWhy(key, "", value, c.T("list.cursor_ignored"))
}

// IgnoredKey reports whether the filter key was recorded as ignored.
func (c *Ctx) IgnoredKey(key string) bool {
	for _, f := range c.IgnoredFilters() {
		if f.Key == key {
			return true
		}
	}
	return false
}

// IgnoredFilters are the filters IgnoreFilter recorded for this request, in order.
func (c *Ctx) IgnoredFilters() []IgnoredFilter {
	if c == nil {
		return nil
	}
	return c.ignored
}

// FilterID reads the id filter key of a list's query: 0 (any) when it is absent or empty; a value
// that is not a whole number above zero is read as 0 too and recorded as ignored (IgnoreFilter).
// A well-formed id that names nothing is returned as it is: the list it narrows is empty.
func (c *Ctx) FilterID(q url.Values, key, label string) int64 {
	raw := q.Get(key)
	s := strings.TrimSpace(i18n.ASCIIDigits(raw))
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		c.IgnoreFilter(key, label, raw)
		return 0
	}
	return id
}

// FilterChoice reads the filter key of a list's query that takes one of choices: "" (any) when it
// is absent or empty; a value none of choices is read as "" too and recorded as ignored.
func (c *Ctx) FilterChoice(q url.Values, key, label string, choices []string) string {
	raw := q.Get(key)
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	if !slices.Contains(choices, s) {
		c.IgnoreFilter(key, label, raw)
		return ""
	}
	return s
}

// Shown is the value as the notice quotes it, isolated from the sentence around it (an Arabic
// sentence around "12-ab" would otherwise reorder its parts).
func (f IgnoredFilter) Shown() string { return Isolate(f.Value) }

// Isolate is s isolated from the sentence around it, for a value a notice quotes.
func Isolate(s string) string { return "\u2068" + s + "\u2069" }

// WithoutIgnored is a copy of the query v without the filters recorded as ignored: the links a
// list page makes (its next page, its export, the same filters elsewhere) carry what the list
// applies, not what it left out.
func (c *Ctx) WithoutIgnored(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if !c.IgnoredKey(k) {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}
