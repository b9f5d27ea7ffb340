package settings

import (
	"net/http"
	"os"
	"strings"
	"time"

	"highvibe/app/platform"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/web"
)

// behindAfter is how long a file may have changes its replica lacks before the page says the
// copy is behind: Litestream ships a change within seconds, so minutes mean it is not keeping up.
const behindAfter = 5 * time.Minute

// The states of one file of the business on the backups page.
const (
	backupOK        = "ok"        // copied, nothing waiting
	backupCopying   = "copying"   // changes on their way, for less than behindAfter
	backupBehind    = "behind"    // changes not copied for longer than behindAfter
	backupStarting  = "starting"  // just added: its first copy has not finished yet
	backupFailing   = "failing"   // the replica reports an error: nothing new is copied
	backupUncovered = "uncovered" // replication is on, but this file is not in its configuration
	backupNoFile    = "nofile"    // the file does not exist yet (no photos stored): nothing to copy
)

// backupFile is one database of the business as the backups page shows it.
type backupFile struct {
	What     string // "records" (the business's database) or "files" (its photos and files)
	State    string
	Kind     string // the replica's kind: file, s3, sftp
	Place    string // the folder, or the bucket and host; never a user name or key
	LastSync time.Time
	Behind   uint64 // transactions the replica does not have yet
	Trouble  string // catalog key of what is wrong, in plain words (failing)
	Detail   string // the replica's own error, for whoever runs the server
}

// Bad reports whether the file's backup needs someone to act.
func (f backupFile) Bad() bool {
	return f.State == backupFailing || f.State == backupUncovered || f.State == backupBehind
}

// backupsData is the backups page.
type backupsData struct {
	Enabled bool // a litestream configuration is loaded
	Files   []backupFile
	Bad     bool // some file needs someone to act
	Check   *backupCheck
}

// checkStaleAfter is how old the last `highvibe backup check` may be before the page warns: the
// guide asks for one every week, and a day's grace covers a run that slipped.
const checkStaleAfter = 8 * 24 * time.Hour

// backupCheck is the newest recorded run of `highvibe backup check` as this business's owner
// sees it: its time, and what it found for this business's databases and the shared one.
type backupCheck struct {
	Never bool // no run was ever recorded
	RanAt time.Time
	Stale bool // older than checkStaleAfter
	// Failed: a database of this business, or the shared one, did not restore and match.
	Failed bool
	Rows   []backupCheckRow
}

// backupCheckRow is one database of the last run: which, and its result as a catalog key.
type backupCheckRow struct {
	What   string // catalog key naming the database
	Result string // catalog key of what the check found
	LagMin int    // minutes the copy was behind the live data (0: up to date)
	Detail string // the command's own words, for whoever runs the server
}

// LagHours is the lag in hours, for a lag of two hours or more ("5.8 hours", not "347 min").
func (r backupCheckRow) LagHours() float64 { return float64(r.LagMin) / 60 }

// lastCheck reads the newest recorded backup check for business slug.
func (h *Handler) lastCheck(r *http.Request, slug string) (*backupCheck, error) {
	run, err := h.Platform.LastBackupCheck(r.Context(), slug)
	if err != nil || run == nil {
		return &backupCheck{Never: true}, err
	}
	c := &backupCheck{RanAt: run.RanAt, Stale: time.Since(run.RanAt) > checkStaleAfter}
	seen := map[string]bool{}
	for _, d := range run.Databases {
		row := backupCheckRow{What: "backup.check.db." + d.Kind, LagMin: int(d.Lag.Round(time.Minute) / time.Minute), Detail: d.Problems}
		seen[d.Kind] = true
		switch {
		case !d.OK && d.Integrity != "" && d.Integrity != "ok":
			row.Result = "backup.check.res.damaged"
		case !d.OK && d.Diffs != "":
			row.Result = "backup.check.res.differs"
		case !d.OK:
			row.Result = "backup.check.res.failed"
		case d.InFlight:
			row.Result = "backup.check.res.in_flight"
		default:
			row.Result = "backup.check.res.ok"
		}
		c.Failed = c.Failed || !d.OK
		c.Rows = append(c.Rows, row)
	}
	if !seen[platform.BackupDBTenant] {
		// The business was added after the run: its records have never been proven restorable.
		c.Rows = append([]backupCheckRow{{What: "backup.check.db.tenant", Result: "backup.check.res.absent"}}, c.Rows...)
	}
	return c, nil
}

// Backups is /app/settings/backups: for the owner, whether this business's databases are copied
// off the server, where to, when last and how far behind, from the same replication status
// /readyz/ prints (replica.Manager.Status); nothing here contacts the replica.
func (h *Handler) Backups(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	d := h.backups(c.Tenant.Slug)
	var err error
	if d.Check, err = h.lastCheck(r, c.Tenant.Slug); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "settings/backups", &web.Page{Title: c.T("backup.title"), Nav: "settings", Guide: "backup-and-restore", Data: d})
}

// BackupTrouble reports whether replication is configured and a database of business slug is
// failing, falling behind or not covered: what the backups page marks as needing someone.
func (h *Handler) BackupTrouble(slug string) bool {
	d := h.backups(slug)
	return d.Enabled && d.Bad
}

func (h *Handler) backups(slug string) *backupsData {
	d := &backupsData{}
	var st replica.Status
	if h.Repl != nil {
		st = h.Repl.Status()
	}
	d.Enabled = st.Enabled
	if !d.Enabled {
		return d
	}
	mgr := h.Platform.Mgr
	for _, f := range []struct{ what, path string }{{"records", mgr.TenantPath(slug)}, {"files", mgr.MediaPath(slug)}} {
		bf := backupFile{What: f.what}
		ds, covered := st.For(f.path)
		switch {
		case !covered && f.what == "files" && !exists(f.path):
			bf.State = backupNoFile
		case !covered:
			bf.State = backupUncovered
		default:
			bf.Kind, bf.Place = replica.Where(ds.Replica)
			bf.LastSync, bf.Behind = ds.LastSyncAt, ds.Behind()
			switch {
			case ds.Err != "":
				bf.State, bf.Trouble, bf.Detail = backupFailing, trouble(ds.Err), ds.Err
			case bf.LastSync.IsZero():
				bf.State = backupStarting
			case bf.Behind > 0 && time.Since(bf.LastSync) > behindAfter:
				bf.State = backupBehind
			case bf.Behind > 0:
				bf.State = backupCopying
			default:
				bf.State = backupOK
			}
		}
		d.Bad = d.Bad || bf.Bad()
		d.Files = append(d.Files, bf)
	}
	return d
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// trouble names what a replica's error means for the owner, as a catalog key: the place cannot
// be reached, it refuses the server's login, it refuses to be written, it is full, its certificate
// is not trusted, or (anything else) copying fails.
func trouble(err string) string {
	e := strings.ToLower(err)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(e, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("x509", "certificate", "tls: "):
		return "backup.trouble.certificate"
	case has("no space left", "disk quota", "quota exceeded", "entitytoolarge"):
		return "backup.trouble.full"
	case has("unable to authenticate", "handshake failed", "invalidaccesskeyid", "signaturedoesnotmatch", "access key", "credential", "host key", "knownhosts"):
		return "backup.trouble.login"
	case has("permission denied", "accessdenied", "access denied", "read-only file system", "forbidden"):
		return "backup.trouble.permission"
	case has("no such host", "connection refused", "timeout", "timed out", "unreachable", "not answering", "dial ", "connection reset", "eof", "nosuchbucket", "no such file or directory"):
		return "backup.trouble.unreachable"
	}
	return "backup.trouble.unknown"
}
