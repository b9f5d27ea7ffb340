package analytics

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/erasure"
)

// EraseLeadTx masks the person in the stored KPI snapshots (the high-value customers and the
// charts name customers), in the erasure's transaction; every figure stays.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, s *erasure.Subject) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE analytics_snapshots SET kpi = kvkk_scrub(kpi, ?1), chart_pack = kvkk_scrub(chart_pack, ?1)
		WHERE kvkk_has(kpi, ?1) OR kvkk_has(chart_pack, ?1)`, s.Spec())
	if err != nil {
		return 0, fmt.Errorf("analytics: erase: %w", err)
	}
	return res.RowsAffected()
}
