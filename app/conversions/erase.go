package conversions

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
	"highvibe/app/tenantdb"
)

// EraseLeadTx erases the person from conversion tracking, in the erasure's transaction (called by
// the kvkk room): the click ids, browser ids and landing address kept for their lead, and the
// hashed e-mail, phone, names and external id of their events, are emptied; each event keeps its
// name, value, currency and time (the attribution report still counts it), a delivery not yet
// made is given up (its job finds it failed and sends nothing) and the marketing consent counts as
// withdrawn, so nothing more about them reaches an ad platform. It returns how many events
// were theirs.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	// The consent counts as withdrawn too: a later stage change makes no event that could be sent.
	if _, err := tx.ExecContext(ctx, `UPDATE lead_attribution SET gclid = '', gbraid = '', wbraid = '', fbclid = '', fbc = '', fbp = '',
		ttclid = '', page_url = '', withdrawn_at = coalesce(withdrawn_at, ?2), updated_at = ?2 WHERE lead_id = ?1`, s.LeadID, tenantdb.Now()); err != nil {
		return 0, fmt.Errorf("conversions: erase attribution: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversion_deliveries SET status = 'failed', reason = 'erased' WHERE status = 'queued'
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
