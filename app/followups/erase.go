package followups

import (
	"context"
	"database/sql"
	"time"

	"highvibe/app/erasure"
)

// EraseLeadTx ends the erased person's open follow-up sequences (stopped, no consent; the waiting
// draft withdrawn from the queue), in the
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
		if f.Status != "active" && f.Status != "waiting" {
			continue
		}
		// stopTx also withdraws the draft still waiting in the approval queue: nobody approves a
		// message to an erased person.
		if err := stopTx(ctx, tx, f, "no_consent", now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
