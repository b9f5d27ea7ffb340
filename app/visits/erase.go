package visits

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from the site visits, in the erasure's transaction: their visits
// keep status, times, duration and measured area, lose address, map link, notes and the
// customer's answer, and get a new link token; the photos taken there are unlinked here (the
// files themselves are the media room's, erased with the person's other files). It returns how
// many visits were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	spec := s.Spec()
	if _, err := tx.ExecContext(ctx, `DELETE FROM site_visit_photos WHERE visit_id IN (SELECT id FROM site_visits
		WHERE lead_id = ?1 OR conversation_id IN (SELECT value FROM json_each(?2)))`, s.LeadID, s.Conversations()); err != nil {
		return 0, fmt.Errorf("visits: erase photos: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE site_visits SET address = '', map_url = '', note = '', customer_answer = '',
		access_notes = '', outcome_notes = '', surface = kvkk_scrub(surface, ?1), token = lower(hex(randomblob(16)))
		WHERE lead_id = ?2 OR conversation_id IN (SELECT value FROM json_each(?3))`, spec, s.LeadID, s.Conversations())
	if err != nil {
		return 0, fmt.Errorf("visits: erase: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET address = kvkk_scrub(address, ?1), note = kvkk_scrub(note, ?1),
		access_notes = kvkk_scrub(access_notes, ?1), outcome_notes = kvkk_scrub(outcome_notes, ?1)
		WHERE kvkk_has(address || ' ' || note || ' ' || access_notes || ' ' || outcome_notes, ?1)`, spec); err != nil {
		return 0, fmt.Errorf("visits: erase: %w", err)
	}
	return n, nil
}
