package ai

import (
	"fmt"
	"math"
	"slices"
	"strings"

	w "highvibe/app/words"
)

// asks is what a message asks of the business, as either engine read it; recommendations and
// handoff reasons are built from it.
type asks struct {
	price, rough, stock, date, payment, warranty, legal, legalThreat, trouble, person bool
	when, paymentWord, legalWord                                                      string
	handoff                                                                           []string // handoff reason codes
}

// asks of builtin-2: its word lists.
func (g *signals) asks() asks {
	return asks{price: g.price != "" || g.firm != "", rough: g.rough != "" && g.firm == "", stock: g.stock != "", date: g.date(),
		when: strings.Join(nonEmpty(g.deadline, g.nearDay, g.dateAsk), ", "), payment: g.payment != "", paymentWord: g.payment,
		warranty: g.legal != "", legal: g.legal != "", legalThreat: g.legalThreat != "", legalWord: g.legalThreat + g.legal,
		trouble: len(g.complaint) > 0 || g.waited != "" || len(g.damage) > 0, person: g.human != ""}
}

// handoffReasons of builtin-2, in its order.
func (g *signals) handoffReasons() []string {
	var h []string
	for _, c := range []struct {
		code string
		on   bool
	}{{"stock", g.stock != ""}, {"firm_price", g.firm != ""}, {"date", g.date()}, {"complaint", len(g.complaint) > 0 || g.waited != ""},
		{"damage", len(g.damage) > 0}, {"legal_warranty", g.legalThreat+g.legal != ""}, {"human_requested", g.human != ""}} {
		if c.on {
			h = append(h, c.code)
		}
	}
	return h
}

// intentReason is the handoff reason code of each hands-off intent of builtin-3.
var intentReason = map[string]string{"price": "price", "stock": "stock", "date": "date", "payment": "payment", "warranty": "warranty",
	"complaint": "complaint", "legal": "legal_threat", "person": "human_requested", "callback": "callback"}

// asks of builtin-3: its intents. The word lists still say whether a price question is only a
// rough budget (for the pricing recommendation's wording).
func (d *Decision) asks(g *signals) asks {
	has := func(i string) bool { return slices.Contains(d.Intents, i) }
	words := func(i string) string {
		var w []string
		for _, e := range d.Evidence("intent_"+i, 3) {
			if e.Surface != "" {
				w = append(w, e.Surface)
			}
		}
		return strings.Join(w, ", ")
	}
	x := asks{price: has("price"), stock: has("stock"), date: has("date"), payment: has("payment"), warranty: has("warranty"),
		legalThreat: has("legal"), trouble: has("complaint"), person: has("person") || has("callback")}
	x.rough = !x.price && g.rough != ""
	x.when, x.paymentWord = words("date"), words("payment")
	if x.legalThreat {
		x.legalWord = words("legal")
	} else if x.warranty {
		x.legalWord = words("warranty")
	}
	for _, i := range d.Intents {
		if c := intentReason[i]; c != "" {
			x.handoff = append(x.handoff, c)
		}
	}
	if len(d.Carried) > 0 {
		x.handoff = append(x.handoff, "open_issue")
	}
	if d.Handoff && len(x.handoff) == 0 && d.Language != "ar" {
		x.handoff = append(x.handoff, "model_handoff")
	}
	return x
}

// explainBand lists the strongest reasons for the urgency band, as stored codes.
func (d *Decision) explainBand() []string {
	var ev []Evidence
	switch d.Band {
	case "high":
		ev = d.Evidence("band_high", 4)
	case "mid":
		ev = d.Evidence("band_mid", 4)
	default:
		ev = d.evidence("band_mid", 4, -1)
	}
	out := make([]string, 0, len(ev))
	for _, e := range ev {
		out = append(out, EncodeEvidence("band_"+d.Band, e))
	}
	return out
}

// explainIntents lists, per intent found, its strongest reasons (an intent carried from an earlier
// message is explained by that message).
func (d *Decision) explainIntents() []string {
	var out []string
	for _, i := range d.Intents {
		if slices.Contains(d.Carried, i) {
			out = append(out, EncodeEvidence("intent_"+i, Evidence{Kind: KindEarlier}))
			continue
		}
		for _, e := range d.Evidence("intent_"+i, 3) {
			out = append(out, EncodeEvidence("intent_"+i, e))
		}
	}
	return out
}

// confidence is how sure the model is of its handoff and band answers (0.5 = a coin toss).
func (d *Decision) confidence() float64 {
	c := 1.0
	for _, o := range []string{"handoff", "band_mid", "band_high"} {
		c = math.Min(c, math.Max(d.P[o], 1-d.P[o]))
	}
	return math.Min(0.95, c)
}

// recommend turns what the message asks into recommendations: every commitment goes to a person.
func recommend(p *Persona, lang string, x asks, r Result, products []Product, currency string, area float64, named []string, thickness string, diagonal bool) []Recommendation {
	var recs []Recommendation
	prio := "medium"
	if r.Urgency >= 60 {
		prio = "high"
	}
	if x.price || x.rough || (area > 0 && len(named) > 0) {
		recs = append(recs, pricingRec(p, lang, area, named, thickness, diagonal, x.rough, products, currency, prio))
	}
	if x.stock {
		// What the stock shows of the products named (only when the business counts stock): an
		// empty shelf is said plainly, so the reply nobody sends yet promises nothing that is not there.
		stock := stockOf(p, named, thickness, products)
		summary := t2(lang, "Müşteri stok durumunu soruyor; hiçbir şey taahhüt edilmedi.", "The customer asks about availability; nothing was promised.")
		for _, s := range stock {
			if s.OnHand <= 0 {
				summary += t2(lang, " Stokta yok: "+s.Name+"; mal gelmeden söz vermeyin.", " Out of stock: "+s.Name+"; promise nothing before goods come in.")
			} else {
				summary += t2(lang, fmt.Sprintf(" Stokta: %s %g %s.", s.Name, s.OnHand, s.Unit), fmt.Sprintf(" In stock: %s %g %s.", s.Name, s.OnHand, s.Unit))
			}
		}
		recs = append(recs, Recommendation{ActionType: "stock", Priority: bump(prio),
			Title:             t2(lang, "Stok sorusu: "+describe(named, thickness, area), "Stock question: "+describe(named, thickness, area)),
			Summary:           summary,
			RecommendedAction: "check_stock_and_reply", Confidence: 0.8,
			Words: w.Rec{Kind: "stock", Products: named, Thickness: atof(thickness), Area: area, Stock: stock}})
	}
	if x.date {
		recs = append(recs, Recommendation{ActionType: "delivery_date", Priority: bump(prio),
			Title:             t2(lang, "Teslim tarihi talebi", "Delivery date request"),
			Summary:           t2(lang, "Müşteri bir tarih istiyor ya da anıyor ("+x.when+"); tarih yalnızca ekip onayıyla verilir.", "The customer wants or names a date ("+x.when+"); a date is only given once the team confirms it."),
			RecommendedAction: "confirm_schedule", Confidence: 0.75, Words: w.Rec{Kind: "delivery_date", Word: x.when}})
	}
	if x.payment {
		recs = append(recs, Recommendation{ActionType: "payment_terms", Priority: prio,
			Title: t2(lang, "Ödeme koşulu sorusu", "Payment terms question"), Summary: "signal: " + x.paymentWord, RecommendedAction: "decide_payment_terms", Confidence: 0.7,
			Words: w.Rec{Kind: "payment_terms", Word: x.paymentWord}})
	}
	switch {
	case x.legalThreat:
		recs = append(recs, Recommendation{ActionType: "legal", Priority: "critical",
			Title: t2(lang, "Hukuki yola başvurma uyarısı", "The customer threatens legal action"), Summary: "signal: " + x.legalWord, RecommendedAction: "answer_by_owner", Confidence: 0.75,
			Words: w.Rec{Kind: "legal_threat", Word: x.legalWord}})
	case x.warranty:
		at := "legal"
		if w := strings.ToLower(x.legalWord); !x.legal || strings.HasPrefix(w, "garanti") || strings.HasPrefix(w, "warrant") || strings.HasPrefix(w, "guarantee") {
			at = "warranty"
		}
		recs = append(recs, Recommendation{ActionType: at, Priority: "high",
			Title: t2(lang, "Garanti / hukuki soru", "Warranty / legal question"), Summary: "signal: " + x.legalWord, RecommendedAction: "answer_by_owner", Confidence: 0.7,
			Words: w.Rec{Kind: "warranty", Word: x.legalWord}})
	}
	lowConf := len(x.handoff) > 0 && x.handoff[len(x.handoff)-1] == "low_confidence"
	if x.trouble || x.person || lowConf {
		pr := "high"
		if x.trouble {
			pr = "critical"
		}
		recs = append(recs, Recommendation{ActionType: "human_handoff", Priority: pr,
			Title:   t2(lang, "Bir kişinin devralması gerekiyor", "A person should take over"),
			Summary: "handoff: " + r.HandoffReason, RecommendedAction: "call_customer", Confidence: r.Confidence,
			Words: w.Rec{Kind: "handoff", Reasons: r.HandoffReason}})
	}
	return recs
}
