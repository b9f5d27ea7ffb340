package settings

import (
	"net/http"
	"os"
	"strings"
	"time"

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
}

// Backups is /app/settings/backups: for the owner, whether this business's databases are copied
// off the server, where to, when last and how far behind, from the same replication status
// /readyz/ prints (replica.Manager.Status); nothing here contacts the replica.
func (h *Handler) Backups(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	d := h.backups(c.Tenant.Slug)
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
