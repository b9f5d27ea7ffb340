package media

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/tenantdb"
)

// EraseLeadTx removes every attachment of a lead's messages, in the caller's transaction (the one
// that erases the person). Call Sweep after the commit: it removes the bytes nobody names any more.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, leadID int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE lead_id = ?`, leadID)
	if err != nil {
		return 0, fmt.Errorf("media: erase lead: %w", err)
	}
	return res.RowsAffected()
}

// EraseLead removes a person's files: their attachments rows and then every byte no other
// attachment names (a photo two people sent stays for the other). It returns how many files went.
func (s *Service) EraseLead(ctx context.Context, slug string, db *tenantdb.DB, leadID int64) (int64, error) {
	var n int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = EraseLeadTx(ctx, tx, leadID)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, s.Sweep(ctx, slug, db)
}

// Sweep deletes from the media database every content no attachment of the tenant and no pin (the
// logo) names.
func (s *Service) Sweep(ctx context.Context, slug string, db *tenantdb.DB) error {
	if _, err := s.Mgr.Tenant(ctx, slug); err != nil {
		return err
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return err
	}
	sums, err := blobSums(ctx, mdb)
	if err != nil {
		return err
	}
	keep, err := referenced(ctx, db.Read)
	if err != nil {
		return err
	}
	pinned, err := pinnedSums(ctx, mdb)
	if err != nil {
		return err
	}
	var gone []string
	for _, s := range sums {
		if !keep[s] && !pinned[s] {
			gone = append(gone, s)
		}
	}
	return deleteBlobs(ctx, mdb, gone)
}
