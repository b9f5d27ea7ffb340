package i18n

import (
	"fmt"
	"html/template"
	"math"
	"time"
)

// FuncMap returns the template functions bound to this printer, so a page parsed once can be
// rendered per request in that request's language:
//
//	{{t "nav.inbox"}}  {{t "error.403.body" .Role .Action}}  {{plural "time.days_ago" .N}}
//	{{int .Count}}  {{num .Score 1}}  {{pct .Rate 1}}  {{money .Total .Currency}}
//	{{date .At}}  {{day .ValidUntil}}  {{datetime .At}}  {{ago .At}}  {{month "2026-07"}}  {{unit .Unit}}
//
// Every function returns a plain string, never template.HTML, so html/template escapes both the
// catalog text and user-supplied arguments. Numbers may be any Go integer (int, plural) or any
// integer or float (num, pct, money); times may be time.Time or *time.Time, where nil or the
// zero time renders as "" (a "never" column decides its own wording). A value of the wrong
// type stops the template with an error instead of printing something wrong.
func (p *Printer) FuncMap() template.FuncMap {
	return template.FuncMap{
		"t":    p.T,
		"unit": Unit,
		"plural": func(key string, n any, args ...any) (string, error) {
			i, err := toInt64(n)
			if err != nil {
				return "", fmt.Errorf("i18n: plural %q: %w", key, err)
			}
			return p.Plural(key, int(i), args...), nil
		},
		"int": func(n any) (string, error) {
			i, err := toInt64(n)
			if err != nil {
				return "", fmt.Errorf("i18n: int: %w", err)
			}
			return p.Int(i), nil
		},
		"num": func(f any, decimals int) (string, error) {
			v, err := toFloat64(f)
			if err != nil {
				return "", fmt.Errorf("i18n: num: %w", err)
			}
			return p.Number(v, decimals), nil
		},
		"pct": func(f any, decimals int) (string, error) {
			v, err := toFloat64(f)
			if err != nil {
				return "", fmt.Errorf("i18n: pct: %w", err)
			}
			return p.Percent(v, decimals), nil
		},
		"spct": func(f any, decimals int) (string, error) {
			v, err := toFloat64(f)
			if err != nil {
				return "", fmt.Errorf("i18n: spct: %w", err)
			}
			return p.SignedPercent(v, decimals), nil
		},
		"money": func(amount any, currency string) (string, error) {
			v, err := toFloat64(amount)
			if err != nil {
				return "", fmt.Errorf("i18n: money: %w", err)
			}
			return p.Money(v, currency), nil
		},
		// amountvalue writes an amount as an edit form's value in the page's language ("1250,50").
		"amountvalue": func(amount any) (string, error) {
			v, err := toFloat64(amount)
			if err != nil {
				return "", fmt.Errorf("i18n: amountvalue: %w", err)
			}
			return AmountValue(v, p.lang()), nil
		},
		// wholemoney shows an amount kept in whole units without decimals ({{wholemoney .Value $cur}}).
		"wholemoney": func(amount any, currency string) (string, error) {
			v, err := toFloat64(amount)
			if err != nil {
				return "", fmt.Errorf("i18n: wholemoney: %w", err)
			}
			return p.WholeMoney(int64(v), currency), nil
		},
		// label shows a stored word, or a comma-separated list of them, by its catalog label under
		// prefix ({{label "inbox.reason." .HandoffReason}}); anything that is not a known word
		// (free text written by a person, an older row) is shown as it is.
		"label": p.Label,
		// list joins the words or names of a list as the page's language does ({{list .Names}}:
		// "Ali, Veli", in Arabic "Ali، Veli"); listsep is its separator, for a list whose items
		// carry markup ({{range $i, $n := .}}{{if $i}}{{listsep}}{{end}}<bdi>{{$n}}</bdi>{{end}}).
		"list":    p.List,
		"listsep": p.ListSep,
		// say renders an [i18n.Phrase] a room composed from stored codes and parameters.
		"say":  p.Say,
		"date": timeFunc("date", p.Date),
		// day shows a calendar day stored as its midnight UTC (a quote's "valid until"): the
		// same date in every time zone, never shifted to the day before west of Greenwich.
		"day":      timeFunc("day", func(t time.Time) string { return p.In(nil).Date(t.UTC()) }),
		"datetime": timeFunc("datetime", p.DateTime),
		// month shows a calendar month stored as "2006-01" by its name: {{month .Month}} is
		// "Tem 2026" in Turkish.
		"month": p.YearMonth,
		// back and forward are the arrows of a previous and a next link ("← Haz 2026",
		// "Ağu 2026 →"), pointing the way the page reads: in Arabic the previous month is to the
		// right, so back is "→" there and forward "←".
		"back":    p.Back,
		"forward": p.Forward,
		// zone names the page's time zone in the reader's language with its offset now:
		// "İstanbul (UTC+03:00)" (ZoneName).
		"zone": func() string { return p.ZoneName(p.Loc, time.Now()) },
		"ago": timeFunc("ago", func(t time.Time) string {
			return p.Ago(time.Now(), t)
		}),
	}
}

// timeFunc adapts a time formatter to the loose types templates pass around.
func timeFunc(name string, f func(time.Time) string) func(any) (string, error) {
	return func(v any) (string, error) {
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case *time.Time:
			if x != nil {
				t = *x
			}
		case nil:
		default:
			return "", fmt.Errorf("i18n: %s: want time.Time, got %T", name, v)
		}
		if t.IsZero() {
			return "", nil
		}
		return f(t), nil
	}
}

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint:
		return uintToInt64(uint64(x))
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		return uintToInt64(x)
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
}

func uintToInt64(u uint64) (int64, error) {
	if u > math.MaxInt64 {
		return 0, fmt.Errorf("%d is too large", u)
	}
	return int64(u), nil
}

func toFloat64(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	}
	i, err := toInt64(v)
	if err != nil {
		return 0, fmt.Errorf("want a number, got %T", v)
	}
	return float64(i), nil
}
