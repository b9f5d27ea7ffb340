package staff

import (
	"context"
	"os"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/platform"
	"highvibe/app/tenantdb/replica"
)

// Replication states of a tenant file, as the console shows them.
const (
	ReplOff     = "off"     // no replication configured on this server
	ReplOK      = "ok"      // replicated, last sync without error
	ReplError   = "error"   // replicated, but the replica reports an error
	ReplMissing = "missing" // replication is on, but this file is not covered by it
)

// TenantRow is one line of the tenant list.
type TenantRow struct {
	*platform.Tenant
	SizeBytes    int64 // the database file with its write-ahead log; -1 when the file is missing
	Repl         string
	ReplError    string
	LastSync     time.Time
	Behind       int64 // transactions the replica is behind the file
	LastActivity int64 // Unix ms of the newest audit row; 0 when none
}

// Suspended reports whether the tenant is suspended (status inactive).
func (r *TenantRow) Suspended() bool { return !r.Active() }

// Created is when the tenant was created.
func (r *TenantRow) Created() time.Time { return storedTime(r.CreatedAt) }

// storedTime reads a time the platform database stores as text (strftime '%Y-%m-%dT%H:%M:%fZ');
// the zero time when it does not parse, which the page shows as nothing.
func storedTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// SizeKB and SizeMB are the size on disk in kibibytes and mebibytes, for the page.
func (r *TenantRow) SizeKB() float64 { return float64(r.SizeBytes) / (1 << 10) }

// SizeMB is the size on disk in mebibytes.
func (r *TenantRow) SizeMB() float64 { return float64(r.SizeBytes) / (1 << 20) }

// sizeOnDisk is the tenant file plus its write-ahead log and shared-memory index: what the tenant
// takes on the disk now.
func sizeOnDisk(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	n := st.Size()
	for _, ext := range []string{"-wal", "-shm"} {
		if st, err := os.Stat(path + ext); err == nil {
			n += st.Size()
		}
	}
	return n
}

// Tenants lists the tenants whose slug or name contains q (all when q is empty), with size on
// disk, replication state and last activity.
func (s *Service) Tenants(ctx context.Context, repl *replica.Manager, q string) ([]*TenantRow, error) {
	ts, err := s.Platform.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	last, err := audit.LastActivity(ctx, s.Platform.DB)
	if err != nil {
		return nil, err
	}
	var st replica.Status
	if repl != nil {
		st = repl.Status()
	}
	byPath := make(map[string]replica.DBStatus, len(st.DBs))
	for _, d := range st.DBs {
		byPath[replica.Canonical(d.Path)] = d
	}
	q = strings.ToLower(strings.TrimSpace(q))
	out := make([]*TenantRow, 0, len(ts))
	for _, t := range ts {
		if q != "" && !strings.Contains(strings.ToLower(t.Slug), q) && !strings.Contains(strings.ToLower(t.Name), q) {
			continue
		}
		path := s.Mgr.TenantPath(t.Slug)
		row := &TenantRow{Tenant: t, SizeBytes: sizeOnDisk(path), LastActivity: last[t.Slug], Repl: ReplOff}
		if st.Enabled {
			d, ok := byPath[replica.Canonical(path)]
			switch {
			case !ok:
				row.Repl = ReplMissing
			case d.Err != "":
				row.Repl, row.ReplError = ReplError, d.Err
			default:
				row.Repl, row.LastSync = ReplOK, d.LastSyncAt
				if d.LocalTXID > d.ReplicaTXID {
					row.Behind = int64(d.LocalTXID - d.ReplicaTXID)
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}
