package quotes

import (
	"strconv"
	"strings"
	"time"

	"highvibe/app/fault"
	"highvibe/app/i18n"
)

// LineInput is one line of the editor form as typed.
type LineInput struct {
	Kind, ProductID, Name, Unit, Quantity, UnitPrice, Percent, Reason, Discount, VAT string
}

// Input is the editor form as typed.
type Input struct {
	Language, CustomerName, ValidUntil, Note string
	PaymentSnippet, WarrantySnippet          string
	Lines                                    []LineInput
	// LinesWas is the fingerprint of the lines as the sender's page drew them (LinesPrint; "" when
	// the form does not say): lines left as drawn keep what is stored, lines changed here and by
	// someone else meanwhile refuse the save.
	LinesWas string
	// Typed is the panel language the numbers were typed in: how a quantity such as "1.250" reads
	// (one thousand two hundred fifty in Turkish, one and a quarter in English).
	Typed string
}

// Catalog answers what a product line needs from the catalog (name, unit, price in minor units);
// ok false for a product that is unknown or inactive.
type Catalog func(id int64) (name, unit string, price int64, ok bool)

// Languages a quote (its page and PDF) can be written in.
var Languages = []string{"tr", "en", "de", "fr", "es", "ar"}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// empty reports whether a form row was left blank (the editor always offers a few spare rows).
func (l LineInput) empty() bool {
	return strings.TrimSpace(l.ProductID) == "" && strings.TrimSpace(l.Name) == "" && strings.TrimSpace(l.Quantity) == "" &&
		strings.TrimSpace(l.UnitPrice) == "" && strings.TrimSpace(l.Percent) == ""
}

// Validate turns the form into lines and header fields of q (language, customer name, validity,
// note), or field errors (fault.KindInvalid) keyed "line.N.field" for line N (1-based) and by
// field name for the header; nothing of q changes when there is an error. Product lines take
// name, unit and price from the catalog where the form leaves them empty.
func (in Input) Validate(q *Quote, cat Catalog) error {
	var f fault.Fields
	lang := strings.TrimSpace(in.Language)
	if !oneOf(lang, Languages) {
		f.Add("language", "quotes.err.language")
	}
	name := strings.TrimSpace(in.CustomerName)
	if len([]rune(name)) > 200 {
		f.Add("customer_name", "quotes.err.too_long")
	}
	note := strings.TrimSpace(in.Note)
	if len([]rune(note)) > 2000 {
		f.Add("note", "quotes.err.too_long")
	}
	valid, err := i18n.ParseTime("2006-01-02", in.ValidUntil, time.UTC)
	if err != nil || valid.Year() < 2000 || valid.Year() > 2100 { // a slip on the year: 0000, 9999
		f.Add("valid_until", "quotes.err.date")
	}
	var lines []Line
	for i, li := range in.Lines {
		if li.empty() {
			continue
		}
		n := strconv.Itoa(i + 1)
		l := Line{Kind: strings.TrimSpace(li.Kind), Name: strings.TrimSpace(li.Name), Unit: strings.TrimSpace(li.Unit),
			Reason: strings.TrimSpace(li.Reason), VATRate: DefaultVAT}
		if !oneOf(l.Kind, LineKinds) {
			f.Add("line."+n+".kind", "quotes.err.kind")
			continue
		}
		pidText := strings.TrimSpace(li.ProductID)
		pid, err := strconv.ParseInt(pidText, 10, 64)
		if pidText != "" && (err != nil || pid < 0) && l.Kind == "product" {
			// Not a product the page's list offered: read as none, the line was saved as a free
			// one without its product (no stock taken when the quote is accepted).
			f.Add("line."+n+".product", "quotes.err.product")
			continue
		}
		if err == nil && pid > 0 && l.Kind == "product" {
			pname, punit, price, ok := cat(pid)
			if !ok {
				f.Add("line."+n+".product", "quotes.err.product")
				continue
			}
			l.ProductID = pid
			if l.Name == "" {
				l.Name = pname
			}
			if l.Unit == "" {
				l.Unit = punit
			}
			if strings.TrimSpace(li.UnitPrice) == "" {
				li.UnitPrice = fixed(price, 2)
			}
		}
		if k := len([]rune(l.Name)); k < 1 || k > 200 {
			f.Add("line."+n+".name", "quotes.err.line_name")
		}
		if len([]rune(l.Unit)) > 16 {
			f.Add("line."+n+".unit", "quotes.err.too_long")
		}
		if len([]rune(l.Reason)) > 500 {
			f.Add("line."+n+".reason", "quotes.err.too_long")
		}
		if l.Kind == "allowance" {
			p, ok := ParseRate(li.Percent)
			if !ok || p <= 0 || p > rateScale {
				f.Add("line."+n+".percent", "quotes.err.percent")
			}
			if l.Reason == "" {
				f.Add("line."+n+".reason", "quotes.err.reason")
			}
			l.Percent, l.Unit = p, "%"
		} else {
			// A number too big to keep is refused for what it is, with the largest one taken, not
			// as if it were zero or not a number.
			qty, ok := ParseQuantity(li.Quantity, in.Typed)
			switch {
			case ok && qty > maxQuantity, !ok && tooManyDigits(li.Quantity):
				f.Add("line."+n+".quantity", "quotes.err.quantity_max")
			case !ok || qty <= 0:
				f.Add("line."+n+".quantity", "quotes.err.quantity")
			}
			price, ok2 := ParseMoney(li.UnitPrice, q.Currency)
			switch {
			case ok2 && price > maxUnitPrice, !ok2 && tooManyDigits(li.UnitPrice):
				f.Add("line."+n+".unit_price", "quotes.err.price_max")
			case !ok2:
				f.Add("line."+n+".unit_price", "quotes.err.price")
			}
			l.Quantity, l.UnitPrice = qty, price
		}
		if s := strings.TrimSpace(li.Discount); s != "" {
			d, ok := ParseRate(s)
			if !ok || d > rateScale {
				f.Add("line."+n+".discount", "quotes.err.percent")
			}
			l.Discount = d
		}
		if s := strings.TrimSpace(li.VAT); s != "" {
			v, ok := ParseRate(s)
			if !ok || v > rateScale {
				f.Add("line."+n+".vat", "quotes.err.percent")
			}
			l.VATRate = v
		}
		lines = append(lines, l)
	}
	if len(lines) > 100 {
		f.Add("lines", "quotes.err.too_many")
	}
	if err := f.Err(); err != nil {
		return err
	}
	q.Language, q.CustomerName, q.Note = lang, name, note
	q.ValidUntil = valid.UTC().UnixMilli()
	q.Lines = lines
	q.Totals = Compute(q.Lines)
	return nil
}

// tooManyDigits reports whether s, refused by the number readers, is nonetheless a plain number
// (digits, grouped or not, maybe with a fraction) whose whole part has more digits than they read:
// a value too big, not a typing slip.
func tooManyDigits(s string) bool {
	t := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "₺", "").Replace(i18n.ASCIIDigits(strings.TrimSpace(s)))
	if t == "" || strings.Trim(t, "0123456789.,") != "" {
		return false
	}
	whole := t
	if last := strings.LastIndexAny(t, ".,"); last >= 0 {
		sep, other := t[last:last+1], ","
		if sep == "," {
			other = "."
		}
		// The last mark is the decimal one when the other mark groups before it ("1.250,5") or
		// it stands alone without three digits after it ("12,5"), as the readers take it.
		if strings.Contains(t[:last], other) || (strings.Count(t, sep) == 1 && len(t)-last-1 != 3) {
			whole = t[:last]
		}
	}
	whole = strings.TrimLeft(strings.NewReplacer(".", "", ",", "").Replace(whole), "0")
	return len(whole) > 12
}
