package quotes

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"highvibe/app/ai"
	"highvibe/app/audit"
	"highvibe/app/crm"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// DraftFromConversation lets the assistant draft a quote from a conversation: the area, stones
// and thickness the customer wrote (read like triage reads them: ai.ReadQuoteFacts), prices from
// the active catalog, and a waste allowance line (5 %, 10 % for diagonal laying) with its reason.
// The draft goes straight to the approval queue with its number (an approver decides on a numbered
// quote); nothing is sent. When the conversation names no catalog product the assistant can price,
// nothing is stored and no number taken: ErrNothingPriced, and a person prepares the quote in the
// new-quote editor.
func DraftFromConversation(ctx context.Context, db *tenantdb.DB, convID int64, persona *ai.Persona, a Actor, d Defaults, money func(int64, string) string) (*Quote, error) {
	msgs, _, err := inbox.Latest(ctx, db.Read, convID, 0, 500) // a long thread's latest, where today's area is
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, m := range msgs {
		if m.Direction == "inbound" {
			texts = append(texts, m.Body)
		}
	}
	prods, err := crm.Products(ctx, db, true)
	if err != nil {
		return nil, err
	}
	var cat []ai.Product
	ids := map[string]*crm.Product{}
	for _, p := range prods {
		cat = append(cat, ai.Product{SKU: p.SKU, Name: p.Name, Category: p.Category, Unit: p.Unit, Currency: p.Currency, UnitPrice: p.UnitPrice})
		ids[p.SKU] = p
	}
	facts := ai.ReadQuoteFacts(persona, texts, cat)
	var q *Quote
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = createTx(ctx, tx, convID, a, d, "assistant"); err != nil {
			return err
		}
		area := int64(math.Round(facts.Area * qtyScale))
		if area <= 0 {
			area = qtyScale
		}
		for _, m := range facts.Matched {
			p := ids[m.SKU]
			if p == nil {
				continue
			}
			q.Lines = append(q.Lines, Line{Kind: "product", ProductID: p.ID, Name: p.Name, Unit: p.Unit, Quantity: area,
				UnitPrice: int64(math.Round(p.UnitPrice * 100)), VATRate: DefaultVAT})
			break // one stone per quote; the person adds alternatives as a revision or a second quote
		}
		if len(q.Lines) > 0 {
			pct, reason := int64(500), "straight"
			if facts.Diagonal {
				pct, reason = 1000, "diagonal"
			}
			q.Lines = append(q.Lines, Line{Kind: "allowance", Name: allowanceName(q.Language), Unit: "%", Percent: pct,
				Reason: allowanceReason(q.Language, reason), VATRate: DefaultVAT})
		}
		q.Totals = Compute(q.Lines)
		if err := writeContent(ctx, tx, q); err != nil {
			return err
		}
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_drafted", Summary: q.Number,
			ModelName: "builtin-quote", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: convID,
			Payload: map[string]any{"quote_id": q.ID, "area": facts.Area, "products": facts.Named, "thickness": facts.Thickness,
				"diagonal": facts.Diagonal, "lines": len(q.Lines)}}); err != nil {
			return err
		}
		if len(q.Lines) == 0 {
			return ErrNothingPriced // rolls back: no empty draft, no number taken
		}
		return submitTx(ctx, tx, q, Actor{Name: a.Name}, money)
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// ErrNothingPriced: the assistant found nothing in the conversation it could price.
var ErrNothingPriced = errors.New("quotes: the assistant priced nothing")

// allowanceName and allowanceReason are the waste line's words in the quote's language (they are
// the quote's own text from then on, like a person's).
func allowanceName(lang string) string { return i18n.For(lang).T("quotes.allowance.name") }

func allowanceReason(lang, why string) string {
	return i18n.For(lang).T("quotes.allowance.reason." + why)
}
