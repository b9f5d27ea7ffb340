package i18n

import (
	"time"
)

// Phrase is a catalog key with its arguments: what a room hands a page for words it composes
// from stored codes and parameters (a recommendation's title, a log row's summary, a system
// note), so the page says them in the viewer's language. Arguments are rendered by type before
// formatting: a Phrase (or a []Phrase, joined as the language writes a list, [Printer.List]) is
// translated in turn, a Num is a number in the page's locale, a Money an amount with its
// currency, a When a date and time; anything else (a name, the customer's own words) is printed
// as it is.
type Phrase struct {
	Key  string
	Args []any
	// Quote is the customer's own words the phrase is about ("asks for a price" + «fiyat»): the
	// page shows them quoted after the phrase, marked as not to be translated.
	Quote string
}

// P is shorthand for a Phrase.
func P(key string, args ...any) Phrase { return Phrase{Key: key, Args: args} }

// Num is a number argument of a Phrase, written with Decimals digits after the separator
// (-1: as few as it needs, at most two).
type Num struct {
	V        float64
	Decimals int
}

// Money is an amount argument of a Phrase.
type Money struct {
	Amount   float64
	Currency string
	Whole    bool // an amount in whole units (an estimate rounded to hundreds): no decimals
}

// Pct is a percentage argument of a Phrase (V in percent units: 30 is 30 %), written as the
// page's language writes one ("%30" in tr, "30%" in en); Signed puts a plus before a rise
// ("+%30"), for an expected change.
type Pct struct {
	V        float64
	Decimals int
	Signed   bool
}

// When is a moment argument of a Phrase: its date and clock time in the page's language and
// time zone (Printer.DateTime).
type When struct{ T time.Time }

// Count is a counted-noun argument of a Phrase: the plural key Key said for N ("1 reply",
// "2 replies"), with the plural form the page's language needs.
type Count struct {
	Key string
	N   int
}

// Day is a calendar-day argument of a Phrase, stored as YYYY-MM-DD (a contract's last day): its
// date in the page's language, the same day in every time zone. Anything else shows as it is.
type Day string

// Month is a calendar-month argument of a Phrase, stored as YYYY-MM (a billing month): its short
// name and year in the page's language (Printer.YearMonth).
type Month string

// Clock is a clock-time argument of a Phrase: the time of day of T in the page's language and
// time zone ("14:05", in English "2:05 PM"), without its date.
type Clock struct{ T time.Time }

// Say renders a phrase in the printer's language (see [Phrase]).
func (p *Printer) Say(ph Phrase) string {
	if ph.Key == "" {
		return ""
	}
	args := make([]any, len(ph.Args))
	for i, a := range ph.Args {
		args[i] = p.arg(a)
	}
	return p.T(ph.Key, args...)
}

func (p *Printer) arg(a any) any {
	switch x := a.(type) {
	case Phrase:
		return p.Say(x)
	case []Phrase:
		out := make([]string, 0, len(x))
		for _, ph := range x {
			if s := p.Say(ph); s != "" {
				out = append(out, s)
			}
		}
		return p.List(out)
	case Num:
		d := x.Decimals
		if d < 0 {
			d = 0
			for d < 2 && x.V*pow10(d) != float64(int64(x.V*pow10(d))) {
				d++
			}
		}
		return p.Number(x.V, d)
	case Money:
		if x.Whole {
			return p.money(x.Amount, x.Currency, 0)
		}
		return p.Money(x.Amount, x.Currency)
	case Pct:
		d := x.Decimals
		if d < 0 { // as few decimals as the value needs, at most two (as Num)
			d = 0
			for d < 2 && x.V*pow10(d) != float64(int64(x.V*pow10(d))) {
				d++
			}
		}
		if x.Signed {
			return p.SignedPercent(x.V, d)
		}
		return p.Percent(x.V, d)
	case Count:
		return p.Plural(x.Key, x.N)
	case When:
		return p.DateTime(x.T)
	case Clock:
		return p.Clock(x.T)
	case Month:
		return p.YearMonth(string(x))
	case Day:
		if d, err := time.Parse(time.DateOnly, string(x)); err == nil {
			return p.In(nil).Date(d)
		}
		return string(x)
	}
	return a
}

func pow10(n int) float64 {
	f := 1.0
	for range n {
		f *= 10
	}
	return f
}
