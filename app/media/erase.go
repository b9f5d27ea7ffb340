package media

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/tenantdb"
)

// EraseLeadTx removes every attachment of a lead's messages, in the caller's transaction (the one
// that erases the person), and returns how many went and the contents (files and thumbnails) they
// named. After the commit, DropUnnamed removes those of the contents nothing else names.
func EraseLeadTx(ctx context.Context, tx *sql.Tx, leadID int64) (n int64, sums []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT sha256 FROM attachments WHERE lead_id = ? AND sha256 <> ''
		UNION SELECT thumb_sha256 FROM attachments WHERE lead_id = ? AND thumb_sha256 <> ''`, leadID, leadID)
	if err != nil {
		return 0, nil, fmt.Errorf("media: erase lead: %w", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("media: erase lead: %w", err)
		}
		sums = append(sums, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("media: erase lead: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE lead_id = ?`, leadID)
	if err != nil {
		return 0, nil, fmt.Errorf("media: erase lead: %w", err)
	}
	n, err = res.RowsAffected()
	return n, sums, err
}

// EraseLead removes a person's files: their attachments rows (in one transaction with also, when
// given: the caller's record of the erasure) and then the bytes no other attachment or pin names
// (a photo two people sent stays for the other). The bytes are overwritten, not only unlinked
// (see DropUnnamed). It returns how many files went.
func (s *Service) EraseLead(ctx context.Context, slug string, db *tenantdb.DB, leadID int64, also func(tx *sql.Tx, files int64) error) (int64, error) {
	var n int64
	var sums []string
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, sums, err = EraseLeadTx(ctx, tx, leadID); err != nil {
			return err
		}
		if also != nil {
			return also(tx, n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, s.DropUnnamed(ctx, slug, sums)
}

// DropUnnamed deletes those of sums that no attachment of the tenant and no pin names any more,
// for good: the media database overwrites deleted content with zeros (secure_delete) and its
// write-ahead log is folded into the main file and truncated (at once when nothing else reads the
// file, else at the replication's next checkpoint), so the bytes are left neither in free pages nor
// in the log. (Copies already replicated stay until the replica's retention drops them.)
func (s *Service) DropUnnamed(ctx context.Context, slug string, sums []string) error {
	if len(sums) == 0 {
		return nil
	}
	if _, err := s.Mgr.Tenant(ctx, slug); err != nil {
		return err
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return err
	}
	return s.dropUnnamed(ctx, slug, mdb, sums)
}

// Sweep deletes from the media database every content no attachment of the tenant and no pin (the
// logo) names. Files being uploaded right now are kept before their attachment exists: run it only
// where no upload can be under way (a restore, maintenance).
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
	return s.dropUnnamed(ctx, slug, mdb, sums)
}
