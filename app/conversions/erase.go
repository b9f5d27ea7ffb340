package conversions

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx erases the person from conversion tracking, in the erasure's transaction (called by
// the kvkk room): the click ids, browser ids and landing address kept for their lead, and the
// hashed e-mail, phone, names and external id of their events, are emptied; each event keeps its
// name, value, currency and time (the attribution report still counts it) and a delivery not yet
// made is given up, so nothing more about them reaches an ad platform. It returns how many events
// were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE lead_attribution SET gclid = '', gbraid = '', wbraid = '', fbclid = '', fbc = '', fbp = '',
		ttclid = '', page_url = '' WHERE lead_id = ?`, s.LeadID); err != nil {
		return 0, fmt.Errorf("conversions: erase attribution: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversion_deliveries SET status = 'failed' WHERE status = 'queued'
		AND event_id IN (SELECT id FROM conversion_events WHERE lead_id = ?)`, s.LeadID); err != nil {
		return 0, fmt.Errorf("conversions: erase deliveries: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE conversion_events SET gclid = '', gbraid = '', wbraid = '', fbc = '', fbp = '', ttclid = '',
		em_hash = '', em_google_hash = '', ph_hash = '', ph_plus_hash = '', fn_hash = '', ln_hash = '', external_hash = ''
		WHERE lead_id = ?`, s.LeadID)
	if err != nil {
		return 0, fmt.Errorf("conversions: erase events: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE conversion_deliveries SET last_error = kvkk_scrub(last_error, ?1) WHERE kvkk_has(last_error, ?1)`, s.Spec()); err != nil {
		return 0, fmt.Errorf("conversions: erase deliveries: %w", err)
	}
	return n, nil
}
