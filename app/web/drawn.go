package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/fault"
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
	case Choice:
		return x.Value
	case Pick:
		return drawnValue(x.ID)
	case Number:
		return x.Value
	}
	return fmt.Sprint(value)
}

// KeepUntouched sets every box of f that was sent as its page drew it (was_<name>) to its stored
// value (stored[name], an id of 0 as ""), and its was_ with it. A form without was_ fields (an API
// client, a page from before) is left as sent.
//
// A box its sender changed whose stored value changed too since the page was drawn, to something
// else than what the sender typed, is a box two people changed: the later save would silently
// undo the earlier one. KeepUntouched then answers ChangedMeanwhile naming those boxes (what is
// stored, what was typed), keeps what was typed in them and sets their was_ to what is stored, so
// the form shown again says what happened and a second press saves deliberately. The caller
// stores nothing when it gets the error (returned inside the save's transaction, it rolls back).
func KeepUntouched(f url.Values, stored map[string]any) error {
	var untouched, both []string
	for k := range f {
		name, ok := strings.CutPrefix(k, "was_")
		if !ok {
			continue
		}
		s, known := stored[name]
		switch {
		case !known:
		case same(s, f.Get(name), f.Get(k)):
			untouched = append(untouched, name)
		case !same(s, drawnValue(s), f.Get(k)) && !same(s, drawnValue(s), f.Get(name)):
			both = append(both, name)
		}
	}
	for _, name := range untouched {
		f.Set(name, drawnValue(stored[name]))
		f.Set("was_"+name, drawnValue(stored[name]))
	}
	if len(both) == 0 {
		return nil
	}
	slices.Sort(both)
	e := fault.Conflict("form.changed_meanwhile").WithCode("changed_meanwhile")
	for _, name := range both {
		now := drawnValue(stored[name])
		e.Fields = append(e.Fields, meanwhile(name, stored[name], now, f.Get(name)))
		f.Set("was_"+name, now)
	}
	return e
}

// KeepUntouchedGroup is KeepUntouched for boxes that only mean something together (a day with its
// times): left all as drawn, they all take what is stored; changed by their sender while someone
// else changed any of them too, to something else than what the sender sent, the group is refused
// as ChangedMeanwhile, naming the boxes whose stored value differs from what was sent, with every
// box's was_ set to what is stored.
func KeepUntouchedGroup(f url.Values, stored map[string]any) error {
	names := make([]string, 0, len(stored))
	for name := range stored {
		if _, ok := f["was_"+name]; !ok {
			return nil // a form that does not say what it showed is taken as sent
		}
		names = append(names, name)
	}
	slices.Sort(names)
	untouched := true
	for _, name := range names {
		untouched = untouched && same(stored[name], f.Get(name), f.Get("was_"+name))
	}
	if untouched {
		return KeepUntouched(f, stored)
	}
	var moved, differ bool
	for _, name := range names {
		now := drawnValue(stored[name])
		moved = moved || !same(stored[name], now, f.Get("was_"+name))
		differ = differ || !same(stored[name], now, f.Get(name))
	}
	if !moved || !differ {
		return nil
	}
	e := fault.Conflict("form.changed_meanwhile").WithCode("changed_meanwhile")
	for _, name := range names {
		now := drawnValue(stored[name])
		if !same(stored[name], now, f.Get(name)) {
			e.Fields = append(e.Fields, meanwhile(name, stored[name], now, f.Get(name)))
		}
		f.Set("was_"+name, now)
	}
	return e
}

// JoinMeanwhile is one ChangedMeanwhile error naming the boxes of all errs (nil ones left out);
// an error that is not ChangedMeanwhile is returned as it is.
func JoinMeanwhile(errs ...error) error {
	var out *fault.Error
	for _, err := range errs {
		switch {
		case err == nil:
		case !ChangedMeanwhile(err):
			return err
		case out == nil:
			out = fault.As(err)
		default:
			out.Fields = append(out.Fields, fault.As(err).Fields...)
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// KeepUntouchedList is for a list a form saves whole (an order's or a quote's lines), whose page
// drew its fingerprint (Fingerprint of the list as drawn) in a hidden was_<name>: drawn is that,
// sent and stored the fingerprints of the list as sent and as stored now. A list sent as drawn is
// untouched: the stored one stays (a line a colleague added meanwhile is kept). A list its sender
// changed while someone else changed it too, to something else, refuses the save as
// ChangedMeanwhile naming the list (the form shown again keeps the sender's lines and its was_
// says stored, so a second press saves them deliberately). A form without the fingerprint
// (drawn "") is taken as sent.
func KeepUntouchedList(name, drawn, sent, stored string) (untouched bool, err error) {
	switch {
	case drawn == "":
		return false, nil
	case drawn == sent:
		return true, nil
	case stored == drawn || stored == sent:
		return false, nil
	}
	e := fault.Conflict("form.changed_meanwhile").WithCode("changed_meanwhile")
	e.Fields = fault.Fields{{Field: name, Key: "form.changed_meanwhile.list"}}
	return false, e
}

// Choice is a stored value of KeepUntouched that is one of a list's words, shown to people through
// its catalog key Prefix+Value ("msp.priority." + "p1"): a box changed by two people names both
// choices in the reader's language.
type Choice struct{ Value, Prefix string }

func (c Choice) String() string { return c.Value }

// Pick is the stored value of KeepUntouched for a select whose options are records (a ticket's
// client, a device's site, an order's customer): ID the stored one (0: none), Name the visible
// name of an option's id as the select shows it, asked only when the box was changed by two
// people, to name both choices.
type Pick struct {
	ID   int64
	Name func(id int64) string
}

// name is the option id (as the select sends it) by its visible name, "#id" for one Name does
// not know.
func (p Pick) name(v string) string {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return v
	}
	if p.Name != nil {
		if n := strings.TrimSpace(p.Name(id)); n != "" {
			return n
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Tick is the stored value of KeepUntouched for a checkbox that sends value when ticked: a box
// changed by two people names both sides as "Yes" or "No".
func Tick(on bool, value string) Choice {
	if !on {
		value = ""
	}
	return Choice{Value: value, Prefix: tickPrefix}
}

const tickPrefix = "\x00tick"

// Word is an argument of a message that is itself a catalog key: FieldErrors translates it.
type Word string

// Day is an argument of a message that is a day ("2028-06-30"): FieldErrors writes it as the
// reader's language writes days ("30.06.2028").
type Day string

// Amount is an argument of a message that is an amount of money in whole units and its currency
// (an ISO code, "" for a bare number): FieldErrors writes it as the reader's language writes
// amounts ("10.000.000.000 ₺", "₺10,000,000,000"), so a limit reads in the form's own number style.
type Amount struct {
	Units    int64
	Currency string
}

// MeanwhileField is the entry of FieldErrors' answer that says, at the top of a form shown again,
// why ChangedMeanwhile stored nothing.
const MeanwhileField = "changed_meanwhile"

// ChangedMeanwhile reports whether err is KeepUntouched's refusal: a box its sender changed was
// changed by someone else too since the page was drawn.
func ChangedMeanwhile(err error) bool {
	e := fault.As(err)
	return e != nil && e.Key == "form.changed_meanwhile"
}

// meanwhile is the field error of box name that its sender set to typed while someone else saved
// now (stored as s): both values, as the box shows them.
func meanwhile(name string, s any, now, typed string) fault.FieldError {
	show := func(v string) any {
		if _, err := time.Parse(time.DateOnly, strings.TrimSpace(v)); err == nil {
			return Day(strings.TrimSpace(v)) // a date box: the day as the reader's language writes it
		}
		return bannerWord(v) // its own direction, on one line: "OCT-2026-0001" inside Arabic keeps its order
	}
	switch x := s.(type) {
	case Pick:
		now, typed = strings.TrimSpace(now), strings.TrimSpace(typed)
		switch {
		case now == "":
			return fault.FieldError{Field: name, Key: "form.changed_meanwhile.unpicked", Args: []any{bannerWord(x.name(typed))}}
		case typed == "":
			return fault.FieldError{Field: name, Key: "form.changed_meanwhile.you_unpicked", Args: []any{bannerWord(x.name(now))}}
		}
		return fault.FieldError{Field: name, Key: "form.changed_meanwhile.picked", Args: []any{bannerWord(x.name(now)), bannerWord(x.name(typed))}}
	case Choice:
		show = func(v string) any { return Word(x.Prefix + v) }
		if x.Prefix == tickPrefix {
			yes := func(v string) any { return Word(map[bool]string{true: "common.yes", false: "common.no"}[v != ""]) }
			return fault.FieldError{Field: name, Key: "form.changed_meanwhile.field", Args: []any{yes(now), yes(typed)}}
		}
	}
	now, typed = strings.TrimSpace(now), strings.TrimSpace(typed)
	switch {
	case now == "":
		return fault.FieldError{Field: name, Key: "form.changed_meanwhile.emptied", Args: []any{show(typed)}}
	case typed == "":
		return fault.FieldError{Field: name, Key: "form.changed_meanwhile.you_emptied", Args: []any{show(now)}}
	}
	return fault.FieldError{Field: name, Key: "form.changed_meanwhile.field", Args: []any{show(now), show(typed)}}
}

// Number is the stored value of KeepUntouched for a box that holds an amount (money, hours, a
// quantity): Value as the page draws it, Read the form's own reading of a typed amount (the one
// its save uses, in the reader's language) into a whole number of its units (cents, minutes,
// thousandths). Two values Read reads as the same number are the same: "1.250,50" retyped as
// "1250.5", or drawn on a Turkish page and sent after the panel switched to English, is no change.
type Number struct {
	Value string
	Read  func(string) (int64, bool)
}

func (n Number) String() string { return n.Value }

// same compares two values of the box whose stored value is s: as numbers when it holds an
// amount (Number) and both read as one, else as text (sameBox).
func same(s any, a, b string) bool {
	if n, ok := s.(Number); ok && n.Read != nil {
		x, okx := n.Read(a)
		y, oky := n.Read(b)
		if okx && oky {
			return x == y
		}
	}
	return sameBox(a, b)
}

// sameBox compares a box's value with what its page drew, a browser's CRLF line breaks as the
// LF the page drew, around spaces aside.
func sameBox(a, b string) bool {
	n := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return n(a) == n(b)
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
