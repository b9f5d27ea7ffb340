package quotes

import (
	"strconv"
	"strings"

	"highvibe/app/i18n"
	"highvibe/app/web"
)

// Row is one line of the editor form as its inputs show it: a stored line written back into the
// form, or, after a refused save, the line exactly as it was sent, so a quantity such as "12,5,0"
// stays in its field for the person to correct instead of coming back empty or as the old value.
type Row struct {
	Kind, Name, Unit, Reason           string
	ProductID                          int64
	Qty, Price, Percent, Discount, VAT string
	Net                                int64 // a stored line's net, shown beside its number; 0 on a sent row
}

// rowOf writes a stored line into the form (quantities in the panel language lang).
func rowOf(l Line, lang string) Row {
	r := Row{Kind: l.Kind, Name: l.Name, Unit: l.Unit, Reason: l.Reason, ProductID: l.ProductID, Net: l.Net,
		VAT: i18n.FixedValue(l.VATRate, 2, lang)}
	if l.UnitPrice != 0 {
		r.Price = i18n.CentsValue(l.UnitPrice, lang)
	}
	if l.Quantity != 0 {
		r.Qty = i18n.QuantityValue(l.Quantity, lang)
	}
	if l.Percent != 0 {
		r.Percent = i18n.FixedValue(l.Percent, 2, lang)
	}
	if l.Discount != 0 {
		r.Discount = i18n.FixedValue(l.Discount, 2, lang)
	}
	return r
}

// sentRows are the form's rows as sent, blank ones included, so that row N on the page is the
// row N that a message "line.N.field" names.
func sentRows(in Input) []Row {
	rows := make([]Row, 0, len(in.Lines))
	for _, li := range in.Lines {
		r := Row{Kind: li.Kind, Name: li.Name, Unit: li.Unit, Reason: li.Reason, Qty: li.Quantity, Price: li.UnitPrice,
			Percent: li.Percent, Discount: li.Discount, VAT: li.VAT}
		r.ProductID, _ = strconv.ParseInt(li.ProductID, 10, 64)
		rows = append(rows, r)
	}
	return rows
}

// LinesPrint is the fingerprint of a quote's lines as the editor draws them in the panel language
// lang (its hidden was_lines): a save compares it with the lines as sent and as stored
// (web.KeepUntouchedList).
func LinesPrint(lines []Line, lang string) string {
	rows := make([]Row, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, rowOf(l, lang))
	}
	return rowsPrint(rows, lang)
}

// inputPrint is LinesPrint of the lines a form sent (blank rows left out), typed in the panel
// language lang.
func inputPrint(lines []LineInput, lang string) string {
	var kept []LineInput
	for _, l := range lines {
		if !l.empty() {
			kept = append(kept, l)
		}
	}
	return rowsPrint(sentRows(Input{Lines: kept}), lang)
}

// rowsPrint fingerprints rows with their numbers as the save reads them (quantities in the panel
// language lang), not as typed: "1250.5" retyped as "1.250,50", or lines drawn on a Turkish page
// and sent after the panel switched to English, are the same lines.
func rowsPrint(rows []Row, lang string) string {
	num := func(s string, read func(string) (int64, bool)) string {
		if n, ok := read(s); ok && strings.TrimSpace(s) != "" {
			return "#" + strconv.FormatInt(n, 10)
		}
		return s
	}
	qty := func(s string) (int64, bool) { return ParseQuantity(s, lang) }
	price := func(s string) (int64, bool) { return ParseMoney(s, "") }
	var b strings.Builder
	for _, r := range rows {
		for _, s := range []string{r.Kind, strconv.FormatInt(r.ProductID, 10), r.Name, r.Unit, r.Reason, num(r.Qty, qty), num(r.Price, price),
			num(r.Percent, ParseRate), num(r.Discount, ParseRate), num(r.VAT, ParseRate)} {
			b.WriteString(strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")))
			b.WriteByte(0)
		}
		b.WriteByte('\n')
	}
	return web.Fingerprint(b.String())
}

// inputsOf are stored lines as the form sends them (quantities in the panel language lang), for a
// save whose lines were left as drawn: the stored lines stay.
func inputsOf(lines []Line, lang string) []LineInput {
	out := make([]LineInput, 0, len(lines))
	for _, l := range lines {
		r := rowOf(l, lang)
		out = append(out, LineInput{Kind: r.Kind, ProductID: strconv.FormatInt(r.ProductID, 10), Name: r.Name, Unit: r.Unit,
			Quantity: r.Qty, UnitPrice: r.Price, Percent: r.Percent, Reason: r.Reason, Discount: r.Discount, VAT: r.VAT})
	}
	return out
}
