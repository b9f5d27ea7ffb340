package notify

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"highvibe/app/tenantdb"
)

// Past is a notification someone was given before the data came in: a demo's history, seeded
// with the records it leads to. Read is when the person opened it (zero: still unread).
type Past struct {
	UserID int64
	Event  Event
	At     time.Time
	Read   time.Time
}

// ImportHistory writes past notifications as they stood, in time order (the list shows the
// newest first), without push messages or e-mails: those were due when the events happened.
// Each keeps its event's dedupe key, so an event of the same thing raised later tells nobody a
// second time; a notification already there is left as it is. It returns how many it wrote.
func ImportHistory(ctx context.Context, db *tenantdb.DB, ps []Past) (int, error) {
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b Past) int { return a.At.Compare(b.At) })
	n := 0
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			if p.UserID == 0 || !ValidKind(p.Event.Kind) || p.At.IsZero() {
				return fmt.Errorf("notify: import: incomplete notification %+v", p)
			}
			e := p.Event
			e.Name, e.Text = clip(e.Name, 120), clip(e.Text, 200)
			if e.At == 0 {
				e.At = p.At.UnixMilli()
			}
			// Coalesced as they would have been when they happened (one item per conversation's
			// burst, one approval waiting while unread).
			if _, merged, err := coalesce(ctx, tx, p.UserID, e, CoalesceWindow); err != nil || merged {
				if err != nil {
					return err
				}
				continue
			}
			id, created, err := insert(ctx, tx, p.UserID, e, p.At.UnixMilli())
			if err != nil {
				return err
			}
			if !created {
				continue
			}
			n++
			if !p.Read.IsZero() {
				if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE id = ?`, max(p.Read.UnixMilli(), p.At.UnixMilli()), id); err != nil {
					return fmt.Errorf("notify: import: %w", err)
				}
			}
		}
		return nil
	})
	return n, err
}
