// Package settingdef says what a tenant setting is: its key, default, kind, whether it is a secret,
// how a value is checked and how a settings form shows it. The platform room stores settings and
// owns its own definitions (name, niche, AI, ...); each channel declares its own in its registry
// entry (app/channels/channel Info.Settings), and the server hands those to the platform at
// start-up (platform.NewService). This package imports nothing of the application, so both sides
// can use it without an import cycle.
package settingdef

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Kind is what sort of value a setting holds; forms draw their field from it.
type Kind string

const (
	Text   Kind = "text"   // free text (maxlength MaxLen)
	Secret Kind = "secret" // never shown again once saved: a password field with a "clear" box
	Bool   Kind = "bool"   // true or false (stored as "true"/"false"; yes/no/on/off/1/0 accepted)
	Number Kind = "number" // a number between Min and Max
	URL    Kind = "url"    // an http(s) address
	Choice Kind = "choice" // one of Options
)

// Def declares one tenant setting.
type Def struct {
	Key     string
	Default string
	Kind    Kind // "" is Text
	// Label is the catalog key of the field's label on a settings form; Choice options are
	// labelled Label+"."+option.
	Label string
	// Check returns "" when a value is valid, else why not in English (the command line's and
	// platform.ValidationError's words). It runs after the checks Kind, Options and MaxLen imply.
	Check func(string) string
	// Problem, for a form, returns "" when a value is fine, else the catalog key naming the
	// problem in the user's language (nil = a generic "not valid" message when Check fails).
	Problem func(string) string
	MaxLen  int      // the most characters a value may have (0 = no limit beyond Check)
	Min     int      // Number: the smallest value a form accepts
	Max     int      // Number: the largest value a form accepts
	Options []string // Choice: the allowed values, in form order
	// Heading is the catalog key of a sub-heading a form shows before this field ("" = none).
	Heading string
	// Placeholder is an example shown in the empty field; it is an address or a host, the same in
	// every language, never a sentence.
	Placeholder string
	// PortField, for a Choice, is the key of the Number setting whose usual value depends on the
	// choice (a mail server's connection security and its port); UsualPorts names that value per
	// option. A form suggests it when the choice changes, only while the field is empty or holds
	// another option's usual value, never over a number the owner typed.
	PortField  string
	UsualPorts map[string]string
}

// IsSecret reports whether the value must never be shown again after saving.
func (d Def) IsSecret() bool { return d.Kind == Secret }

// Valid returns "" when v is an acceptable value, else why not in English.
func (d Def) Valid(v string) string {
	if d.Kind == Bool && !slices.Contains([]string{"true", "false", "1", "0", "yes", "no", "on", "off"}, strings.ToLower(v)) {
		return "must be true or false"
	}
	if len(d.Options) > 0 && !slices.Contains(d.Options, v) {
		return "must be one of: " + strings.Join(d.Options, ", ")
	}
	if d.MaxLen > 0 && len([]rune(v)) > d.MaxLen {
		return "must be at most " + strconv.Itoa(d.MaxLen) + " characters"
	}
	if d.Check != nil {
		return d.Check(v)
	}
	return ""
}

// Normalize turns an accepted value into its stored form (booleans become "true" or "false").
func (d Def) Normalize(v string) string {
	if d.Kind != Bool {
		return v
	}
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return "true"
	}
	return "false"
}

// Set is a fixed collection of definitions, looked up by key. A nil *Set knows no setting.
type Set struct {
	list  []Def
	byKey map[string]int
}

// NewSet builds a set; an empty or repeated key panics (a programming error caught at start-up).
func NewSet(defs ...Def) *Set {
	s := &Set{byKey: map[string]int{}}
	for _, d := range defs {
		if d.Key == "" {
			panic("settingdef: a setting without a key")
		}
		if _, dup := s.byKey[d.Key]; dup {
			panic("settingdef: setting " + d.Key + " declared twice")
		}
		s.byKey[d.Key] = len(s.list)
		s.list = append(s.list, d)
	}
	return s
}

// With returns a new set holding s's definitions and then defs.
func (s *Set) With(defs ...Def) *Set { return NewSet(append(s.All(), defs...)...) }

// All returns the definitions in declaration order.
func (s *Set) All() []Def {
	if s == nil {
		return nil
	}
	return slices.Clone(s.list)
}

// Lookup returns the definition of key and whether there is one.
func (s *Set) Lookup(key string) (Def, bool) {
	if s == nil {
		return Def{}, false
	}
	i, ok := s.byKey[key]
	if !ok {
		return Def{}, false
	}
	return s.list[i], true
}

// Keys lists every key, sorted.
func (s *Set) Keys() []string {
	out := make([]string, 0, len(s.All()))
	for _, d := range s.All() {
		out = append(out, d.Key)
	}
	sort.Strings(out)
	return out
}

// IsSecret reports whether key is a secret setting.
func (s *Set) IsSecret(key string) bool {
	d, _ := s.Lookup(key)
	return d.IsSecret()
}

// Default is key's default value ("" when unknown).
func (s *Set) Default(key string) string {
	d, _ := s.Lookup(key)
	return d.Default
}

// Checks shared by definitions. Each returns "" when the value is valid, else why not in English.

// NonEmpty refuses blank values.
func NonEmpty(v string) string {
	if strings.TrimSpace(v) == "" {
		return "must not be empty"
	}
	return ""
}

// HTTPURL accepts "" or an absolute http(s) URL.
func HTTPURL(v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http(s) URL"
	}
	return ""
}

// Port accepts a TCP port number.
func Port(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return "must be a port number between 1 and 65535"
	}
	return ""
}

// WholeNumber accepts an integer between lo and hi.
func WholeNumber(lo, hi int64) func(string) string {
	return func(v string) string {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Sprintf("must be a whole number between %d and %d", lo, hi)
		}
		return ""
	}
}
