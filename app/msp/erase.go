package msp

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from the MSP module, in the erasure's transaction: tickets they
// opened keep number, client, category, priority, status, times and SLA outcome (the client's
// figures), their description and the bodies of their timeline emptied and the subject masked;
// anything else that names them (another ticket, a site's or client's contact, time-entry
// notes) is masked. The ticket search index is rewritten with FTS5's secure delete. It returns how
// many tickets were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_search(msp_ticket_search, rank) VALUES('secure-delete', 1)`); err != nil {
		return 0, fmt.Errorf("msp: erase: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_events SET body = '', from_value = kvkk_scrub(from_value, ?1), to_value = kvkk_scrub(to_value, ?1)
		WHERE ticket_id IN (SELECT id FROM msp_tickets WHERE lead_id = ?2 OR conversation_id IN (SELECT value FROM json_each(?3)))`,
		spec, s.LeadID, s.Conversations()); err != nil {
		return 0, fmt.Errorf("msp: erase events: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET description = '', subject = kvkk_scrub(subject, ?1)
		WHERE lead_id = ?2 OR conversation_id IN (SELECT value FROM json_each(?3))`, spec, s.LeadID, s.Conversations())
	if err != nil {
		return 0, fmt.Errorf("msp: erase tickets: %w", err)
	}
	n, _ := res.RowsAffected()
	for _, q := range []string{
		`UPDATE msp_tickets SET subject = kvkk_scrub(subject, ?1), description = kvkk_scrub(description, ?1)
			WHERE kvkk_has(subject || ' ' || description, ?1)`,
		`UPDATE msp_ticket_events SET body = kvkk_scrub(body, ?1) WHERE kvkk_has(body, ?1)`,
		`UPDATE msp_ticket_proposals SET category_why = kvkk_scrub(category_why, ?1), priority_why = kvkk_scrub(priority_why, ?1)
			WHERE kvkk_has(category_why || ' ' || priority_why, ?1)`,
		`UPDATE msp_clients SET contact_name = kvkk_scrub(contact_name, ?1), contact_phone = kvkk_scrub(contact_phone, ?1),
			contact_email = kvkk_scrub(contact_email, ?1), notes = kvkk_scrub(notes, ?1)
			WHERE kvkk_has(contact_name || ' ' || contact_phone || ' ' || contact_email || ' ' || notes, ?1)`,
		`UPDATE msp_sites SET contact_name = kvkk_scrub(contact_name, ?1), contact_phone = kvkk_scrub(contact_phone, ?1),
			access_notes = kvkk_scrub(access_notes, ?1) WHERE kvkk_has(contact_name || ' ' || contact_phone || ' ' || access_notes, ?1)`,
		`UPDATE msp_time_entries SET note = kvkk_scrub(note, ?1) WHERE kvkk_has(note, ?1)`,
		`UPDATE msp_timers SET note = kvkk_scrub(note, ?1) WHERE kvkk_has(note, ?1)`,
	} {
		if _, err := tx.ExecContext(ctx, q, spec); err != nil {
			return 0, fmt.Errorf("msp: erase: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_search(msp_ticket_search, rank) VALUES('secure-delete', 0)`); err != nil {
		return 0, fmt.Errorf("msp: erase: %w", err)
	}
	// Older versions of changed tickets sit in older segments, only marked deleted: merge them away.
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_search(msp_ticket_search) VALUES('optimize')`); err != nil {
		return 0, fmt.Errorf("msp: erase: %w", err)
	}
	return n, nil
}
