package quotes

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from the quotes, in the erasure's transaction: their quotes keep
// number, status, lines and totals, lose the customer's name and the note, and get a new link
// token (the old customer link stops working); any quote text that names them is masked. Sent
// quotes are frozen by the schema except inside an erasure. It returns how many quotes were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	res, err := tx.ExecContext(ctx, `UPDATE quotes SET customer_name = '', note = kvkk_scrub(note, ?1),
		payment_text = kvkk_scrub(payment_text, ?1), warranty_text = kvkk_scrub(warranty_text, ?1),
		token = lower(hex(randomblob(16)))
		WHERE lead_id = ?2 OR conversation_id IN (SELECT value FROM json_each(?3))`, spec, s.LeadID, s.Conversations())
	if err != nil {
		return 0, fmt.Errorf("quotes: erase: %w", err)
	}
	n, _ := res.RowsAffected()
	for _, q := range []string{
		`UPDATE quotes SET customer_name = kvkk_scrub(customer_name, ?1), note = kvkk_scrub(note, ?1)
			WHERE kvkk_has(customer_name || ' ' || note, ?1)`,
		`UPDATE quote_lines SET name = kvkk_scrub(name, ?1), reason = kvkk_scrub(reason, ?1) WHERE kvkk_has(name || ' ' || reason, ?1)`,
	} {
		if _, err := tx.ExecContext(ctx, q, spec); err != nil {
			return 0, fmt.Errorf("quotes: erase: %w", err)
		}
	}
	return n, nil
}
