package words

import (
	"encoding/json"
	"strings"
	"time"

	"highvibe/app/i18n"
)

// Rec is what the assistant stores about one recommendation instead of words: its kind and
// parameters. The title and summary a page shows are made from it in the viewer's language.
type Rec struct {
	Kind      string   `json:"kind"`                // pricing stock delivery_date payment_terms legal_threat warranty handoff
	Products  []string `json:"products,omitempty"`  // product keys the customer named (lock_paver)
	Thickness float64  `json:"thickness,omitempty"` // cm
	Area      float64  `json:"area,omitempty"`      // m²
	Rough     bool     `json:"rough,omitempty"`     // pricing: a rough budget, not a firm price
	// Case of a pricing recommendation: unclear (area or product unknown), no_match (no active
	// catalog line), estimate (the range below), competitor (a competitor is Pct cheaper).
	Case     string   `json:"case,omitempty"`
	Names    []string `json:"names,omitempty"` // the catalog products matched, by the business's own names
	WasteLo  float64  `json:"waste_lo,omitempty"`
	WasteHi  float64  `json:"waste_hi,omitempty"`
	Diagonal bool     `json:"diagonal,omitempty"`
	Min      float64  `json:"min,omitempty"`
	Max      float64  `json:"max,omitempty"`
	Currency string   `json:"currency,omitempty"`
	// Left are the matched products an estimate left out for being priced in another currency,
	// as "name (CUR)".
	Left    []string `json:"left,omitempty"`
	Pct     float64  `json:"pct,omitempty"`
	Word    string   `json:"word,omitempty"`    // the customer's word that raised it (a date, a payment term)
	Reasons string   `json:"reasons,omitempty"` // handoff reason codes
	// Key, for a recommendation worded straight from the catalog (the KPI center's): the title is
	// Key+".title" with TitleArgs, the summary Key+".summary" with SummaryArgs.
	Key         string `json:"key,omitempty"`
	TitleArgs   []any  `json:"title_args,omitempty"`
	SummaryArgs []any  `json:"summary_args,omitempty"`
	// At, when set (Unix ms), is a moment the title names (a site visit's date): written in the
	// viewer's language and the tenant's zone, it comes before TitleArgs.
	At int64 `json:"at,omitempty"`
	// Day, when set (YYYY-MM-DD), is a calendar day the summary names (a contract's last day):
	// written as a date in the viewer's language, it comes before SummaryArgs.
	Day string `json:"day,omitempty"`
	// Nums, when set, writes the numbers of TitleArgs and SummaryArgs in the viewer's locale (as
	// i18n.Num, at most two decimals): their catalog verbs are %s (stock quantities: "12,5").
	Nums bool `json:"nums,omitempty"`
	// Stock, on a stock question, is what the business's stock shows of the products the customer
	// named (module inventory; only counted products).
	Stock []StockLine `json:"stock,omitempty"`
}

// StockLine is one counted product's stock as a stock question saw it.
type StockLine struct {
	Name   string  `json:"name"`
	OnHand float64 `json:"on_hand"`
	Unit   string  `json:"unit,omitempty"`
}

// stockWords say what the stock shows: the products out of stock (never to be promised), then
// the ones on hand with their quantity.
func (r Rec) stockWords() []i18n.Phrase {
	var out []i18n.Phrase
	var none []string
	var have []i18n.Phrase
	for _, s := range r.Stock {
		if s.OnHand <= 0 {
			none = append(none, s.Name)
		} else {
			have = append(have, i18n.P("words.rec.stock_qty", s.Name, i18n.Num{V: s.OnHand, Decimals: -1}, i18n.Unit(s.Unit)))
		}
	}
	if len(none) > 0 {
		out = append(out, i18n.P("words.rec.stock_out", joinNames(none)))
	}
	if len(have) > 0 {
		out = append(out, i18n.P("words.rec.stock_have", have))
	}
	return out
}

// args are the arguments of a Key phrase: whole numbers as integers for %d, or with Nums every
// number written in the viewer's locale.
func (r Rec) args(a []any) []any {
	if !r.Nums {
		return ints(a)
	}
	out := make([]any, len(a))
	for i, x := range a {
		switch v := x.(type) {
		case float64:
			x = i18n.Num{V: v, Decimals: -1}
		case int64:
			x = i18n.Num{V: float64(v), Decimals: -1}
		case int:
			x = i18n.Num{V: float64(v), Decimals: -1}
		}
		out[i] = x
	}
	return out
}

// ints turns the whole numbers JSON decoded as float64 back into integers for %d.
func ints(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if f, ok := a.(float64); ok && f == float64(int64(f)) {
			a = int64(f)
		}
		out[i] = a
	}
	return out
}

// countedArgs are the numbers of catalog-worded recommendations that count something but are
// not the phrase's first argument (so the catalog cannot pick the phrase's plural form by them):
// by "<Key>.title" or "<Key>.summary", the index in TitleArgs or SummaryArgs and the plural key
// that says the number in the form the reader's language gives it (Arabic "بعد يومين",
// "بعد 3 أيام", "بعد 11 يومًا"). The stored arguments stay numbers.
var countedArgs = map[string]struct {
	arg int
	key string
}{
	"seasonal.rec.soon.title":                   {1, "seasonal.rec.soon.in_days"},
	"seasonal.rec.soon_nolast.title":            {1, "seasonal.rec.soon.in_days"},
	"msp_time.rec.renewal_block.summary":        {0, "msp_time.rec.renewal.in_days"},
	"msp_time.rec.renewal_managed.summary":      {0, "msp_time.rec.renewal.in_days"},
	"msp_time.rec.renewal_per_incident.summary": {0, "msp_time.rec.renewal.in_days"},
	"analytics.rec.leadgen.summary":             {0, "analytics.rec.leadgen.new_leads"},
}

// counted turns the counting number of the phrase key's arguments into an i18n.Count.
func counted(key string, args []any) []any {
	c, ok := countedArgs[key]
	if !ok || c.arg >= len(args) {
		return args
	}
	switch n := args[c.arg].(type) {
	case int64:
		args[c.arg] = i18n.Count{Key: c.key, N: int(n)}
	case int:
		args[c.arg] = i18n.Count{Key: c.key, N: n}
	}
	return args
}

// JSON is the stored form of r.
func (r Rec) JSON() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// what names the goods of a request: the products, the thickness, the area.
func (r Rec) what() i18n.Phrase {
	var parts []i18n.Phrase
	for _, p := range r.Products {
		parts = append(parts, Term(p))
	}
	if r.Thickness > 0 {
		parts = append(parts, i18n.P("words.unit.cm", i18n.Num{V: r.Thickness, Decimals: -1}))
	}
	if r.Area > 0 {
		parts = append(parts, i18n.P("words.unit.m2", i18n.Num{V: r.Area, Decimals: -1}))
	}
	if len(parts) == 0 {
		return i18n.P("words.rec.unspecified")
	}
	return i18n.P("words.list", parts)
}

// Title is the recommendation's title.
func (r Rec) Title() i18n.Phrase {
	if r.Key != "" {
		args := counted(r.Key+".title", r.args(r.TitleArgs))
		if r.At != 0 {
			args = append([]any{i18n.When{T: time.UnixMilli(r.At)}}, args...)
		}
		return i18n.P(r.Key+".title", args...)
	}
	switch r.Kind {
	case "pricing", "stock":
		return i18n.P("words.rec.title."+r.Kind, r.what())
	}
	if has("words.rec.title." + r.Kind) {
		return i18n.P("words.rec.title." + r.Kind)
	}
	return text(r.Kind)
}

// Summary is what the assistant says about it.
func (r Rec) Summary() []i18n.Phrase {
	if r.Key != "" {
		args := r.args(r.SummaryArgs)
		if strings.HasPrefix(r.Key, "seasonal.rec.") && len(args) > 0 {
			// A seasonal date's summary starts with its expected demand, a change in percent.
			switch n := args[0].(type) {
			case int:
				args[0] = i18n.Pct{V: float64(n), Signed: true}
			case int64:
				args[0] = i18n.Pct{V: float64(n), Signed: true}
			case float64:
				args[0] = i18n.Pct{V: n, Decimals: 1, Signed: true}
			}
		}
		if strings.HasPrefix(r.Key, "sla.rec_") && len(args) > 2 {
			// An SLA warning's summary: the ticket, its subject and the share of the target used,
			// written as the page's language writes a percentage.
			switch n := args[2].(type) {
			case int64:
				args[2] = i18n.Pct{V: float64(n)}
			case float64:
				args[2] = i18n.Pct{V: n, Decimals: -1}
			case i18n.Num:
				args[2] = i18n.Pct{V: n.V, Decimals: n.Decimals}
			}
		}
		args = counted(r.Key+".summary", args)
		if r.Day != "" {
			args = append([]any{i18n.Day(r.Day)}, args...)
		}
		return []i18n.Phrase{i18n.P(r.Key+".summary", args...)}
	}
	switch r.Kind {
	case "pricing":
		out := []i18n.Phrase{i18n.P("words.rec.ask_price")}
		if r.Rough {
			out[0] = i18n.P("words.rec.ask_rough")
		}
		switch r.Case {
		case "unclear":
			out = append(out, i18n.P("words.rec.unclear"))
		case "no_match":
			out = append(out, i18n.P("words.rec.no_match"))
		case "competitor":
			out = []i18n.Phrase{i18n.P("words.rec.competitor", r.what(), i18n.Pct{V: r.Pct, Decimals: -1})}
		case "estimate":
			out = append(out, i18n.P("words.rec.estimate", i18n.Num{V: r.Area, Decimals: -1}, joinNames(r.Names),
				i18n.Num{V: r.WasteLo, Decimals: -1}, i18n.Num{V: r.WasteHi, Decimals: -1},
				i18n.Money{Amount: r.Min, Currency: r.Currency, Whole: true}, i18n.Money{Amount: r.Max, Currency: r.Currency, Whole: true}))
			if r.Diagonal {
				out = append(out, i18n.P("words.rec.diagonal"))
			}
			if len(r.Left) > 0 {
				out = append(out, i18n.P("words.rec.other_currency", joinNames(r.Left)))
			}
		}
		return out
	case "stock":
		return append([]i18n.Phrase{i18n.P("words.rec.stock")}, r.stockWords()...)
	case "delivery_date":
		return []i18n.Phrase{quoted("words.rec.date", r.Word)}
	case "payment_terms", "legal_threat", "warranty", "legal":
		return []i18n.Phrase{quoted("words.rec.word", r.Word)}
	case "handoff":
		return []i18n.Phrase{i18n.P("words.rec.handoff", Reasons(r.Reasons))}
	}
	return nil
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// RecTitle is the title a page shows for a recommendation: made from its stored kind and
// parameters, or (a row from before they were stored, or written by a person) its title as it is.
func RecTitle(stored, title string) i18n.Phrase {
	var r Rec
	if decode(stored, &r) && (r.Kind != "" || r.Key != "") {
		return r.Title()
	}
	return text(title)
}

// RecSummary is RecTitle for the summary.
func RecSummary(stored, summary string) []i18n.Phrase {
	var r Rec
	if decode(stored, &r) && (r.Kind != "" || r.Key != "") {
		return r.Summary()
	}
	if summary == "" {
		return nil
	}
	return []i18n.Phrase{text(summary)}
}
