// Package ops answers the machine-facing questions: is the process alive (/healthz/), is it ready
// to serve (/readyz/: databases open, migrations current, replication running) and how is it doing
// (/metrics, Prometheus text format).
package ops

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/web"
)

// Handler serves the health and metrics endpoints.
type Handler struct {
	Mgr          *tenantdb.Manager
	Repl         *replica.Manager // nil when replication is off
	MetricsToken string
	Started      time.Time
	// Prom is the server's registry (see Metrics in metrics.go).
	Prom *Metrics
	// MinFree is the free space on the data directory's disk under which readiness fails
	// (serve --min-free-disk; 0 = tenantdb.LowDisk, 8 MB).
	MinFree uint64
	// Unopened are the tenants listed in platform.db whose file could not be opened, with why
	// (nil: none known). Each is named failing by /readyz/ and /metrics.
	Unopened func() map[string]error
}

// TenantFix says in plain words what is wrong with a tenant file that does not open and what the
// administrator does about it.
func TenantFix(slug string, err error) string {
	file := "tenants/" + slug + ".db"
	restore := "stop the server, move " + file + " (with any " + file + "-wal and -shm beside it) out of the data directory, " +
		"run `highvibe restore --tenant " + slug + "`, then start the server"
	msg := err.Error()
	code := -1
	var se *sqlite.Error
	if errors.As(err, &se) {
		code = se.Code() & 0xff // the primary result code
	}
	var newer *tenantdb.NewerSchemaError
	switch {
	case errors.Is(err, tenantdb.ErrNotADatabase) || errors.Is(err, tenantdb.ErrReplaced):
		return OpenFix(file, "--tenant "+slug, err) // its file changed under the open handle
	case errors.As(err, &newer):
		return "its file " + file + " was written by a newer version of HighVibe (it holds migration " + fmt.Sprintf("%05d", newer.Newest) +
			", this program knows up to " + newer.Known + "); run the newer program, or restore the backup taken before the update"
	case errors.Is(err, tenantdb.ErrNoTenantDB) || errors.Is(err, os.ErrNotExist):
		return "its file " + file + " is missing; put it back, or restore it: `highvibe restore --tenant " + slug + "` (the server opens it within seconds)"
	case code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB:
		return "its file " + file + " is damaged (SQLite cannot read it); " + restore
	case code == sqlite3.SQLITE_READONLY || code == sqlite3.SQLITE_CANTOPEN || code == sqlite3.SQLITE_PERM || errors.Is(err, os.ErrPermission):
		return "its file " + file + " cannot be opened for writing by the server's user; give it back to that user " +
			"(chown highvibe: " + file + "*) and check the disk is not mounted read-only"
	case code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED:
		return "another program held its write lock for longer than the server waits (a sqlite3 shell with a transaction open, " +
			"a copy or backup tool writing it); end that program, and the server opens it within seconds — nothing needs restoring"
	case code == sqlite3.SQLITE_FULL || errors.Is(err, syscall.ENOSPC):
		return "the disk is full; free space, and the server opens it within seconds"
	}
	return "it could not be opened (" + msg + "); if the file is damaged, " + restore
}

// Healthz answers 200 while the process runs.
func (h *Handler) Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// OpenFix says in plain words what is wrong with the file of a database the server has open that
// failed DB.Check, and what the administrator does about it: file is its path in the data
// directory, restore the restore command's flag for it ("--tenant SLUG", "--platform").
func OpenFix(file, restore string, err error) string {
	putBack := "stop the server, move " + file + " (with any " + file + "-wal and -shm beside it) out of the data directory, " +
		"run `highvibe restore " + restore + "`, then start the server"
	switch {
	case errors.Is(err, tenantdb.ErrNotADatabase):
		return "its file " + file + " is not a SQLite database any more: something other than the server wrote over it while it was open; " + putBack
	case errors.Is(err, tenantdb.ErrReplaced):
		return "its file " + file + " was replaced by another file while the server had it open, so its pages may read one file and write the other; " +
			"restart the server now to open the file in its place (if that is not this data: " + putBack + ")"
	case errors.Is(err, os.ErrNotExist):
		return "its file " + file + " was moved or deleted while the server had it open; put the same file back, or " + putBack
	case errors.Is(err, os.ErrPermission):
		return "its file " + file + " cannot be read by the server's user any more; give it back to that user (chown highvibe: " + file + "*)"
	}
	return "its file " + file + " cannot be read (" + err.Error() + ")"
}

// TenantHealth is what readiness knows of the businesses the server serves.
type TenantHealth struct {
	Served  []string          // every business the server serves: open, or listed but not opened; sorted
	Failing map[string]string // the failing ones: slug → its FAIL line's text (what is wrong, what to do)
}

// CheckTenants checks the businesses the server serves without opening a connection (a monitor
// probing every few seconds does not keep all of them awake): an open one fails when its file
// fails DB.Check; one unopened (see Handler.Unopened) fails with why it did not open.
func CheckTenants(ctx context.Context, mgr *tenantdb.Manager, unopened func() map[string]error) TenantHealth {
	th := TenantHealth{Failing: map[string]string{}}
	slugs := mgr.OpenSlugs()
	for _, s := range slugs {
		// An open tenant's only error here is its file failing DB.Check (Manager.Tenant hands
		// out no handle whose file does).
		db, err := mgr.Tenant(ctx, s)
		if err == nil {
			err = db.Check()
		}
		if err != nil {
			th.Failing[s] = OpenFix("tenants/"+s+".db", "--tenant "+s, err)
		}
	}
	th.Served = slugs
	if unopened != nil {
		for s, err := range unopened() {
			if slices.Contains(slugs, s) {
				continue // opened since
			}
			th.Served = append(th.Served, s)
			th.Failing[s] = "not open: " + TenantFix(s, err)
		}
	}
	slices.Sort(th.Served)
	return th
}

// Readyz tells whether the server can serve. It answers 503 ("not ready") when what every
// business needs fails: the platform database, the disk, replication configured but broken, or
// when every business it serves fails. A business whose own database fails while others work
// does not take the server out of service: the answer stays 200,
// its first line says "degraded" and names the failing businesses, and a FAIL line for each says
// what is wrong and what to do. ?tenant=SLUG asks for one business: 503 when it or the server
// fails (404 when the server serves no such business), so an uptime monitor can watch each one.
// Its databases line counts the businesses the server serves (open and not opened) and names the
// failing ones; "migrations current" is said only of the databases that passed.
func (h *Handler) Readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	var lines []string
	ok := true
	// The control database answers a real query: every request needs it. Tenants are checked
	// without opening a connection (CheckTenants).
	platformOK := true
	if err := h.Mgr.Platform.Read.PingContext(ctx); err != nil {
		platformOK = false
		line := fmt.Sprintf("FAIL platform: %v", err)
		if hint := tenantdb.Explain(h.Mgr.DataDir, err); hint != "" {
			line += ": " + hint
		}
		lines = append(lines, line)
	} else if err := h.Mgr.Platform.Check(); err != nil {
		platformOK = false
		lines = append(lines, "FAIL platform: "+OpenFix("platform.db", "--platform", err))
	}
	ok = ok && platformOK
	th := CheckTenants(ctx, h.Mgr, h.Unopened)
	failing := slices.Sorted(maps.Keys(th.Failing))
	for _, s := range failing {
		lines = append(lines, fmt.Sprintf("FAIL tenant %s: %s", s, th.Failing[s]))
	}
	served := len(th.Served)
	if served > 0 && len(failing) == served {
		// Every business failing: the server serves nothing (a server of one business, as most
		// are, is down), so it is not ready.
		ok = false
	}
	platform := "platform"
	if !platformOK {
		platform = "platform FAILING"
	}
	if len(failing) == 0 && platformOK {
		lines = append(lines, fmt.Sprintf("databases: %s + %d tenants open, migrations current", platform, served))
	} else {
		lines = append(lines, fmt.Sprintf("databases: %s + %d of %d tenants open, migrations current in those; failing: %s",
			platform, served-len(failing), served, cmp.Or(strings.Join(failing, ", "), "none")))
	}
	minFree := cmp.Or(h.MinFree, tenantdb.LowDisk)
	if free, words, known := tenantdb.DiskFree(h.Mgr.DataDir); known && free < minFree {
		ok = false
		if free < tenantdb.LowDisk {
			lines = append(lines, fmt.Sprintf("FAIL disk: only %s free where the data directory %s is; writes fail or soon will: free space there", words, h.Mgr.DataDir))
		} else {
			lines = append(lines, fmt.Sprintf("FAIL disk: only %s free where the data directory %s is, under the %s that --min-free-disk asks for: free space there before writes start failing",
				words, h.Mgr.DataDir, tenantdb.SizeWords(minFree)))
		}
	}
	if h.Repl == nil {
		lines = append(lines, "replication: off (no litestream config)")
	} else {
		st := h.Repl.Status()
		switch {
		case !st.Enabled:
			lines = append(lines, "replication: off (no litestream config)")
		case !st.Healthy:
			ok = false
			lines = append(lines, "replication: FAILING")
		default:
			lines = append(lines, fmt.Sprintf("replication: running for %d databases", len(st.DBs)))
		}
		for _, d := range st.DBs {
			state := "ok"
			if d.Err != "" {
				state = "error: " + d.Err
			}
			last := "never"
			if !d.LastSyncAt.IsZero() {
				last = d.LastSyncAt.UTC().Format(time.RFC3339)
			}
			lines = append(lines, fmt.Sprintf("  %s → %s (last sync %s) %s", d.Path, d.Replica, last, state))
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	first := "ready"
	if slug := r.URL.Query().Get("tenant"); slug != "" {
		// One business: ready when the server is and this business's database is.
		if !slices.Contains(th.Served, slug) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, "no business %q on this server\n", slug)
			return
		}
		if fix, bad := th.Failing[slug]; bad {
			ok = false
			lines = append([]string{fmt.Sprintf("tenant %s: FAILING: %s", slug, fix)}, lines...)
		} else {
			lines = append([]string{fmt.Sprintf("tenant %s: open", slug)}, lines...)
		}
	} else if ok && len(failing) > 0 {
		first = fmt.Sprintf("degraded: %d of %d businesses failing: %s", len(failing), served, strings.Join(failing, ", "))
	}
	if ok {
		w.WriteHeader(http.StatusOK)
		fmt.Fprintln(w, first)
	} else {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready")
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}

// Metrics serves Prometheus text to loopback clients, or to anyone with the bearer token when set.
// The client is the one web.ClientOf decided: behind a trusted proxy that is the visitor the proxy
// names, so a proxy on loopback does not open metrics to the world; forwarding headers from an
// untrusted peer change nothing.
func (h *Handler) Metrics(w http.ResponseWriter, r *http.Request) {
	loopback := web.ClientOf(r).Addr.IsLoopback()
	tokenOK := false
	if h.MetricsToken != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		tokenOK = subtle.ConstantTimeCompare([]byte(got), []byte(h.MetricsToken)) == 1
	}
	if !loopback && !tokenOK {
		http.Error(w, "metrics are served to loopback only (or with the metrics token)", http.StatusForbidden)
		return
	}
	h.Prom.Handler().ServeHTTP(w, r)
}
