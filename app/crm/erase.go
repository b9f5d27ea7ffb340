package crm

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from the CRM, in the erasure's transaction: the customer the lead
// is linked to keeps its id (orders and invoices still add up) but loses name, phone, e-mail,
// company, city, notes and outside id; the person's orders keep status, totals and dates, their
// descriptions masked; their repair requests' descriptions are emptied. Other records that name
// the person are masked. It returns how many customer records were erased.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	var n int64
	if s.CustomerID > 0 {
		// A customer must have a name (the schema says so): the mask stands in for it.
		res, err := tx.ExecContext(ctx, `UPDATE customers SET name = ?, phone = '', phone_e164 = '', email = '', company = '', city = '',
			notes = '', external_id = NULL WHERE id = ?`, erasure.Mask, s.CustomerID)
		if err != nil {
			return 0, fmt.Errorf("crm: erase customer: %w", err)
		}
		n, _ = res.RowsAffected()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE repair_requests SET description = '' WHERE lead_id = ?1 OR (?2 > 0 AND customer_id = ?2)`,
		s.LeadID, s.CustomerID); err != nil {
		return 0, fmt.Errorf("crm: erase repair requests: %w", err)
	}
	for _, q := range []string{
		`UPDATE customers SET name = kvkk_scrub(name, ?1), phone = kvkk_scrub(phone, ?1), phone_e164 = kvkk_scrub(phone_e164, ?1),
			email = kvkk_scrub(email, ?1), notes = kvkk_scrub(notes, ?1), company = kvkk_scrub(company, ?1)
			WHERE kvkk_has(name || ' ' || phone || ' ' || phone_e164 || ' ' || email || ' ' || notes || ' ' || company, ?1)`,
		`UPDATE orders SET description = kvkk_scrub(description, ?1) WHERE kvkk_has(description, ?1)`,
		`UPDATE repair_requests SET description = kvkk_scrub(description, ?1) WHERE kvkk_has(description, ?1)`,
	} {
		if _, err := tx.ExecContext(ctx, q, spec); err != nil {
			return 0, fmt.Errorf("crm: erase: %w", err)
		}
	}
	return n, nil
}
