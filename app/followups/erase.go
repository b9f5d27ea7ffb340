package followups

import (
	"context"
	"database/sql"
	"time"

	"highvibe/app/erasure"
)

// EraseLeadTx ends the erased person's open follow-up sequences (stopped, no consent), in the
// erasure's transaction (called by the kvkk room): nobody is chased after asking to be erased.
// The sequences hold no words of theirs; ended ones stay as they are. It returns how many it
// stopped.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	fs, err := ForLead(ctx, tx, s.LeadID)
	if err != nil {
		return 0, err
	}
	var n int64
	now := time.Now().UnixMilli()
	for _, f := range fs {
		ok, err := stop(ctx, tx, f.ID, "no_consent", now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
