package ai

import "strings"

// QuoteFacts is what a customer's messages tell a written quote: the area, the stones they named
// (persona product keys), the thickness, whether the laying is diagonal (a bigger waste
// allowance), and the active catalog products that match. It is the same reading triage does
// (qualify and matchProducts), so a drafted quote says what the triage signals said.
type QuoteFacts struct {
	Area      float64
	Thickness string
	Diagonal  bool
	Named     []string
	Matched   []Product
}

// ReadQuoteFacts reads messages (the customer's, oldest first) with the tenant's persona (PersonaOf:
// a custom niche's vocabulary too); a later message's area or thickness wins over an earlier one.
func ReadQuoteFacts(p *Persona, messages []string, products []Product) QuoteFacts {
	var f QuoteFacts
	seen := map[string]bool{}
	for _, m := range messages {
		t := newText(m)
		q := qualify(p, t, lowerTR(m), m, readSignals(t), func(string) {})
		if q.area > 0 {
			f.Area = q.area
		}
		if q.thickness != "" {
			f.Thickness = q.thickness
		}
		f.Diagonal = f.Diagonal || q.diagonal
		for _, n := range q.named {
			if !seen[n] {
				seen[n] = true
				f.Named = append(f.Named, n)
			}
		}
	}
	f.Matched = matchProducts(p, f.Named, f.Thickness, products)
	if len(f.Matched) == 0 && len(f.Named) == 0 {
		return f
	}
	// Several matches of one stone (e.g. every thickness of lock paver when none was said): the
	// cheapest stands for each product named; matchProducts sorted them by price.
	var out []Product
	for _, m := range f.Matched {
		dup := false
		for _, o := range out {
			if strings.EqualFold(o.Category, m.Category) && o.Category != "" {
				dup = true
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	f.Matched = out
	return f
}
