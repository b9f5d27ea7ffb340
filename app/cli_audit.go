package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
	"highvibe/schema"
)

func cmdAuditVerify(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("audit verify", io)
	tenant := fs.String("tenant", "", "tenant slug")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !tenantdb.ValidSlug(*tenant) {
		return usagef("audit verify: --tenant is required (a valid slug)")
	}
	m, err := tenantdb.NewManager(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.Tenant(ctx, *tenant); errors.Is(err, tenantdb.ErrNoTenantDB) {
		return usagef("audit verify: no database for tenant %q", *tenant)
	} else if err != nil {
		return err
	}
	rep, err := audit.Check(ctx, m, *tenant)
	if err != nil {
		return err
	}
	fmt.Fprint(io.Out, describeChain(*tenant, rep))
	return nil
}

// describeChain is verify's answer: one line that says "intact", then what exactly was proved.
func describeChain(slug string, rep *audit.Report) string {
	if rep.Rows == 0 {
		return fmt.Sprintf("audit chain of %s intact: the log is empty\n", slug)
	}
	s := fmt.Sprintf("audit chain of %s intact: %d rows verified\n", slug, rep.Rows)
	switch {
	case rep.KeyedFrom == 0:
		s += fmt.Sprintf("  rows 1–%d are from before keyed hashes (plain SHA-256); the next change starts the keyed chain\n", rep.Newest)
	case rep.Unkeyed > 0:
		s += fmt.Sprintf("  rows 1–%d are from before keyed hashes (plain SHA-256); rows %d–%d carry hashes keyed with the tenant's audit key\n", rep.Unkeyed, rep.KeyedFrom, rep.Newest)
	default:
		s += "  every row carries a hash keyed with the tenant's audit key\n"
	}
	switch {
	case rep.Head == nil:
		s += "  platform.db holds no record of the newest row yet (the next change records it): until then, removal of the newest rows cannot be detected\n"
	case rep.Ahead == 0:
		s += fmt.Sprintf("  the newest row, %d, matches the head recorded in platform.db\n", rep.Newest)
	default:
		s += fmt.Sprintf("  platform.db recorded row %d as the newest; rows %d–%d were written after it (their record did not reach platform.db, e.g. the process stopped in between) and chain from it with keyed hashes\n",
			rep.Head.ID, rep.Head.ID+1, rep.Newest)
	}
	return s
}

func cmdAuditRotateKey(ctx context.Context, args []string, io *IO) error {
	fs, data := flags("audit rotate-key", io)
	tenant := fs.String("tenant", "", "tenant slug")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !tenantdb.ValidSlug(*tenant) {
		return usagef("audit rotate-key: --tenant is required (a valid slug)")
	}
	m, _, err := openPlatform(ctx, *data)
	if err != nil {
		return err
	}
	defer m.Close()
	db, err := m.Tenant(ctx, *tenant)
	if errors.Is(err, tenantdb.ErrNoTenantDB) {
		return usagef("audit rotate-key: no database for tenant %q", *tenant)
	} else if err != nil {
		return err
	}
	gen, path, err := audit.RotateTenantKey(ctx, db, "cli")
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "audit key of %s: generation %d added to %s; new rows are keyed with it, older rows still verify with theirs. Back up the file again.\n", *tenant, gen, path)
	return nil
}

// restoredAuditChain checks the audit log of a tenant file that restore just wrote. A copy written
// elsewhere (--output) is only checked and reported. A file restored into its normal place must
// verify with the tenant's key; platform.db's head record then moves to it — when the restored file
// ends before the recorded head (a restore goes back in time), a "restore" row saying which rows are
// gone is appended first, so the log itself tells of the restore and verifies afterwards. A file that
// cannot be verified (its key file is missing, or its chain is broken) is removed again: restore
// never leaves a tenant whose log nobody can check.
func restoredAuditChain(ctx context.Context, data, slug, out string, inPlace bool, ts string, io *IO) error {
	if !inPlace {
		return checkRestoredCopy(ctx, data, slug, out, io)
	}
	err := settleRestoredChain(ctx, data, slug, ts, io)
	if err == nil {
		return nil
	}
	for _, p := range []string{out, out + "-wal", out + "-shm"} {
		_ = os.Remove(p)
	}
	return fmt.Errorf("restore: %w — the restored file was removed again, so no tenant is left whose audit log cannot be checked", err)
}

func settleRestoredChain(ctx context.Context, data, slug, ts string, io *IO) error {
	m, err := tenantdb.NewManager(ctx, data)
	if err != nil {
		return err
	}
	defer m.Close()
	rec := audit.Attach(m, nil)
	head, err := audit.ReadHead(ctx, m.Platform, slug)
	if err != nil {
		return err
	}
	db, err := m.Tenant(ctx, slug)
	if err != nil {
		return err
	}
	keyPath := audit.KeyPath(db.Path)
	rep, err := audit.CheckDB(ctx, db, keyPath, nil)
	if err != nil {
		return err
	}
	if head != nil && head.ID > rep.Newest {
		// Back in time: the rows after the restored point are gone on purpose. Say so in the log,
		// then record the new head (lower than the old one, so only a forced record moves it).
		err := audit.Log(ctx, db, audit.Entry{Provider: "settings", ActionType: "restore", ModelName: "human-review", ActorName: "cli",
			Summary: fmt.Sprintf("tenant restored from the backup: the restored log ends at row %d; before the restore platform.db recorded row %d as the newest, so rows %d–%d are not in this file",
				rep.Newest, head.ID, rep.Newest+1, head.ID),
			Payload: map[string]any{"restored_newest": rep.Newest, "previous_head_id": head.ID, "previous_head_hash": head.Hash, "timestamp": ts}})
		if err != nil {
			return err
		}
		if err := rec.Record(ctx, slug, db, true); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "audit log of %s: the restored file ended at row %d, before the recorded newest row %d; row %d now records the restore\n",
			slug, rep.Newest, head.ID, rep.Newest+1)
	} else if err := rec.Record(ctx, slug, db, false); err != nil {
		return err
	}
	rep, err = audit.Check(ctx, m, slug)
	if err != nil {
		return err
	}
	fmt.Fprint(io.Out, describeChain(slug, rep))
	return nil
}

// checkRestoredCopy reports whether a restored copy's log verifies with the tenant's key; it
// changes nothing but the copy's schema (migrated like any tenant file opened by this binary).
func checkRestoredCopy(ctx context.Context, data, slug, out string, io *IO) error {
	db, err := tenantdb.Open(ctx, out, schema.FS, "tenant")
	if err != nil {
		return err
	}
	defer db.Close()
	keyPath := audit.KeyPath(filepath.Join(data, "tenants", slug+".db"))
	rep, err := audit.CheckDB(ctx, db, keyPath, nil)
	if err != nil {
		fmt.Fprintf(io.Out, "the copy's audit log does not verify: %v\n", err)
		return nil
	}
	fmt.Fprintf(io.Out, "the copy's audit log verifies with %s: %d rows\n", keyPath, rep.Rows)
	return nil
}
