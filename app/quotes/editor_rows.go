package quotes

import (
	"strconv"

	"highvibe/app/i18n"
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
