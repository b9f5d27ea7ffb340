package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"highvibe/app/fault"
	"highvibe/app/i18n"
)

// flashKeyMark starts a stored banner that is catalog keys with their arguments rather than words:
// it is put into words when shown, in the language of the page that shows it, so a banner queued
// in Turkish and read after switching to Arabic is Arabic.
const flashKeyMark = "\x00key\x00"

// Unicode's first-strong isolate and its end: a word argument of a keyed banner (a name, a ticket
// number, an amount already written) is set between them when shown, so it keeps its own direction
// inside the sentence around it — "15:10–15:40" stays in order inside Arabic, an Arabic name
// inside Turkish. A word joiner after each of its hyphens keeps a reference such as "T-000001" on
// one line: wrapped after the hyphen, an Arabic line would show "T-" at its end and "000001" on
// the next. A word too long for the line still breaks (the page's overflow-wrap). All three are
// invisible.
const (
	firstStrongIsolate = "\u2068"
	popIsolate         = "\u2069"
	wordJoiner         = "\u2060"
)

// bannerWord is a word argument as a banner shows it (see firstStrongIsolate).
func bannerWord(s string) string {
	if s == "" {
		return ""
	}
	return firstStrongIsolate + strings.ReplaceAll(s, "-", "-"+wordJoiner) + popIsolate
}

// flashArg is one argument of a keyed banner, stored by kind so the reader's language writes it:
// words (shown isolated), a whole number, a moment (date and time), a clock time, a calendar day,
// a calendar month, a number with decimals, or a phrase of its own (a translated word inside the
// sentence, or a counted noun).
type flashArg struct {
	S *string     `json:"s,omitempty"`
	I *int64      `json:"i,omitempty"`
	T *int64      `json:"t,omitempty"` // Unix ms, i18n.When
	C *int64      `json:"c,omitempty"` // Unix ms, i18n.Clock
	D *string     `json:"d,omitempty"` // YYYY-MM-DD, i18n.Day
	M *string     `json:"m,omitempty"` // YYYY-MM, i18n.Month
	N *flashNum   `json:"n,omitempty"` // i18n.Num
	P *flashKeyed `json:"p,omitempty"` // i18n.Phrase or i18n.Count
}

type flashNum struct {
	V float64 `json:"v"`
	D int     `json:"d"`
}

// flashKeyed is one sentence of a keyed banner: Key with Args, or, with N, the plural form of Key
// for N (i18n.Count). More are the banner's further sentences (top level only), shown after it
// separated by a space.
type flashKeyed struct {
	Key  string       `json:"k"`
	Args []flashArg   `json:"a,omitempty"`
	N    *int         `json:"n,omitempty"`
	More []flashKeyed `json:"more,omitempty"`
}

// FlashKey stores a one-time banner for the next page as a catalog key and its arguments,
// translated when the page shows it (see [FlashSay] for the arguments it knows).
func FlashKey(w http.ResponseWriter, r *http.Request, ok bool, key string, args ...any) {
	FlashSay(w, r, ok, i18n.P(key, args...))
}

// FlashSay stores a one-time banner for the next page as one or more sentences, each an
// i18n.Phrase or an i18n.Count ("3 suggestions approved."), put into words when the page shows
// it, in the reader's language, and joined with a space. A phrase's arguments may be words
// (strings: a name, a reference, an amount already written — shown between Unicode isolates so
// they keep their own direction), whole numbers, time.Time or i18n.When (date and time in the
// reader's zone), i18n.Clock, i18n.Day, i18n.Month, i18n.Num, and an i18n.Phrase or i18n.Count of
// their own (a translated word inside the sentence). Anything else is stored as its fmt words.
func FlashSay(w http.ResponseWriter, r *http.Request, ok bool, sentences ...any) {
	var k flashKeyed
	for i, s := range sentences {
		one := flashSentence(s)
		if i == 0 {
			k = one
		} else {
			k.More = append(k.More, one)
		}
	}
	if k.Key == "" {
		return
	}
	b, err := json.Marshal(k)
	if err != nil {
		return
	}
	flash(w, r, ok, flashKeyMark+string(b))
}

// FlashError stores err's message as the next page's failure banner, keyed like [Message] picks
// it (the error's own key and arguments, else its status's generic message), so it is worded in
// the language of the page that shows it.
func FlashError(w http.ResponseWriter, r *http.Request, err error) {
	if key, args := fault.KeyOf(err); key != "" {
		FlashKey(w, r, false, key, args...)
		return
	}
	// No key of its own: the generic words Message gives, which take no arguments.
	FlashKey(w, r, false, messageKey(From(r), err))
}

func flashSentence(s any) flashKeyed {
	switch v := s.(type) {
	case i18n.Phrase:
		k := flashKeyed{Key: v.Key}
		for _, a := range v.Args {
			k.Args = append(k.Args, flashArgOf(a))
		}
		return k
	case i18n.Count:
		n := v.N
		return flashKeyed{Key: v.Key, N: &n}
	case string:
		return flashKeyed{Key: v}
	}
	return flashKeyed{}
}

func flashArgOf(a any) flashArg {
	var fa flashArg
	switch v := a.(type) {
	case string:
		fa.S = &v
	case int:
		n := int64(v)
		fa.I = &n
	case int32:
		n := int64(v)
		fa.I = &n
	case int64:
		fa.I = &v
	case time.Time:
		ms := v.UnixMilli()
		fa.T = &ms
	case i18n.When:
		ms := v.T.UnixMilli()
		fa.T = &ms
	case i18n.Clock:
		ms := v.T.UnixMilli()
		fa.C = &ms
	case i18n.Day:
		d := string(v)
		fa.D = &d
	case i18n.Month:
		m := string(v)
		fa.M = &m
	case i18n.Num:
		fa.N = &flashNum{V: v.V, D: v.Decimals}
	case i18n.Phrase, i18n.Count:
		k := flashSentence(v)
		fa.P = &k
	default:
		s := fmt.Sprint(v)
		fa.S = &s
	}
	return fa
}

// flashWords is a stored banner in c's language: a keyed one is translated now, words stay as
// they were stored.
func flashWords(c *Ctx, stored string) string {
	raw, keyed := strings.CutPrefix(stored, flashKeyMark)
	if !keyed {
		return stored
	}
	var k flashKeyed
	if err := json.Unmarshal([]byte(raw), &k); err != nil || k.Key == "" {
		return ""
	}
	out := k.say(c)
	for _, m := range k.More {
		if s := m.say(c); s != "" {
			out += " " + s
		}
	}
	return out
}

// say is the sentence in c's language.
func (k flashKeyed) say(c *Ctx) string {
	if k.N != nil {
		return c.P.Plural(k.Key, *k.N)
	}
	return c.P.Say(k.phrase(c))
}

// phrase is the sentence as an i18n.Phrase for c's printer.
func (k flashKeyed) phrase(c *Ctx) i18n.Phrase {
	args := make([]any, 0, len(k.Args))
	for _, a := range k.Args {
		args = append(args, a.value(c))
	}
	return i18n.Phrase{Key: k.Key, Args: args}
}

// value is the argument as the printer takes it; words come isolated (bannerWord).
func (a flashArg) value(c *Ctx) any {
	switch {
	case a.S != nil:
		return bannerWord(*a.S)
	case a.I != nil:
		return *a.I
	case a.T != nil:
		return i18n.When{T: time.UnixMilli(*a.T).In(c.Zone())}
	case a.C != nil:
		return i18n.Clock{T: time.UnixMilli(*a.C).In(c.Zone())}
	case a.D != nil:
		return i18n.Day(*a.D)
	case a.M != nil:
		return i18n.Month(*a.M)
	case a.N != nil:
		return i18n.Num{V: a.N.V, Decimals: a.N.D}
	case a.P != nil:
		if a.P.N != nil {
			return i18n.Count{Key: a.P.Key, N: *a.P.N}
		}
		return a.P.phrase(c)
	}
	return ""
}
