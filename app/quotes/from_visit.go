package quotes

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// FromVisit starts a draft quote for a conversation after a site visit (app/visits): the empty
// draft of Create plus one line for the area measured on site (areaDM2 in hundredths of a m²,
// unit m², no price yet: the person prices it in the editor). words gives the line's name and
// the quote's note in the quote's language (the customer reads both). Nothing is sent or
// submitted; the draft waits in the editor like any other.
func FromVisit(ctx context.Context, db *tenantdb.DB, convID int64, a Actor, d Defaults, areaDM2 int64, words func(lang string) (lineName, note string)) (*Quote, error) {
	if areaDM2 <= 0 || areaDM2*10 > maxQuantity {
		return nil, fmt.Errorf("quotes: from visit: area %d out of range", areaDM2)
	}
	var q *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = createTx(ctx, tx, convID, a, d, ""); err != nil {
			return err
		}
		lineName, note := words(q.Language)
		q.Lines = []Line{{Kind: "product", Name: lineName, Unit: "m²", Quantity: areaDM2 * 10, VATRate: DefaultVAT}}
		if len([]rune(note)) > 2000 {
			note = string([]rune(note)[:2000])
		}
		q.Note = note
		q.Totals = Compute(q.Lines)
		if err := writeContent(ctx, tx, q); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_saved", Summary: q.Number,
			Output: "site visit: " + lineName, ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: q.ConversationID,
			Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision, "area_dm2": areaDM2, "from": "site_visit"}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}
