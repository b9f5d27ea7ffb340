package jobs

import (
	"context"
	"database/sql"
	"math"
	"os"
	"time"

	"highvibe/app/tenantdb"
)

// A note is what the runner knows about one tenant's queue without asking the database: the
// earliest run_at of a queued job in each lane, and the database file as it was when the queue was
// read. While the file is unchanged the note is the truth (nothing can have been queued, cancelled
// or claimed), so a quiet tenant is never queried and its connections can stay closed; and since
// the note keeps the next run_at however far ahead it is, a timer fires on time in a tenant where
// nothing else happens.
type note struct {
	next    [numLanes]int64 // per lane, the earliest queued run_at (Unix ms); none = math.MaxInt64
	sig     fileSig         // the file when the note was taken
	taken   time.Time       // when the queue was read
	settled bool            // the file had not been modified for `settle` when the note was taken
}

// noneDue is a note's next for a queue with nothing queued.
var noneDue = [numLanes]int64{math.MaxInt64, math.MaxInt64, math.MaxInt64}

// idleRecheck bounds how long a note is trusted while the file does not change: a safety net, as
// every commit changes the file.
const idleRecheck = 5 * time.Minute

// settle: a file modified less than this long before its signature was taken may be modified
// again with the same size and time stamp (file systems keep modification times in ticks, and
// some in whole seconds), so such a note is trusted only briefly (unsettledTrust): the queue is
// read again a few times a second until the file has settled.
const settle = 2 * time.Second

// unsettledTrust is how long a note taken on a recently modified file is trusted.
const unsettledTrust = 200 * time.Millisecond

// releaseAfter: a tenant that ran no job for this long gives its idle connections back as soon as
// its queue is found with nothing due (the pools would close them after their own idle timeout
// anyway).
const releaseAfter = 20 * time.Second

// fileSig is what the file system says about a database and its WAL. Every commit appends to the
// WAL (or, when the WAL starts over, rewrites it with a new time stamp), and a checkpoint or the
// close of the last connection changes the database file or removes the WAL, so an unchanged
// signature means nobody (this process or another) wrote to the tenant since.
type fileSig struct {
	dbSize, walSize int64
	dbMod, walMod   int64
}

func sigOf(path string) fileSig {
	var s fileSig
	if fi, err := os.Stat(path); err == nil {
		s.dbSize, s.dbMod = fi.Size(), fi.ModTime().UnixNano()
	}
	// An empty WAL holds no commit: it appears when a connection opens a database whose last
	// connection had closed, and goes with the next last close. Counting it would make every
	// read by anyone (and the runner's own) look like a write.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		s.walSize, s.walMod = fi.Size(), fi.ModTime().UnixNano()
	}
	return s
}

// settledAt reports whether the file was last modified at least `settle` before now.
func (s fileSig) settledAt(now time.Time) bool {
	return now.UnixNano()-max(s.dbMod, s.walMod) >= int64(settle)
}

// trusted returns the note of a tenant if it still describes the queue.
func (r *Runner) trusted(slug string, sig fileSig, now time.Time) (*note, bool) {
	r.state.Lock()
	defer r.state.Unlock()
	n := r.notes[slug]
	if n == nil || n.sig != sig || now.Sub(n.taken) >= r.recheck || !n.settled && now.Sub(n.taken) >= unsettledTrust {
		return nil, false
	}
	return n, true
}

// look returns, per lane, the earliest queued run_at of the tenant, from its note when the note is
// still trusted, else from the database (and takes a new note).
func (r *Runner) look(ctx context.Context, slug string, db *tenantdb.DB) [numLanes]int64 {
	r.looks.Add(1)
	now := r.now()
	sig := sigOf(db.Path)
	if n, ok := r.trusted(slug, sig, now); ok {
		return n.next
	}
	n := &note{next: noneDue, taken: now}
	r.reads.Add(1)
	var at [numLanes]sql.NullInt64
	err := db.Read.QueryRowContext(ctx, `SELECT
		(SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND lane = 0),
		(SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND lane = 1),
		(SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND lane = 2)`).Scan(&at[0], &at[1], &at[2])
	if err != nil {
		if ctx.Err() == nil {
			r.log.Error("jobs: read queue", "tenant", slug, "err", err)
		}
		r.forget(slug)
		return noneDue
	}
	due := false
	for l, v := range at {
		if v.Valid {
			n.next[l] = v.Int64
			due = due || v.Int64 <= now.UnixMilli()
		}
	}
	r.state.Lock()
	quiet := !due && now.Sub(r.lastRun[slug]) > releaseAfter
	r.state.Unlock()
	if quiet {
		db.ReleaseIdle()
		// Closing the last connection checkpoints and removes the WAL: take the file as it is
		// now. A commit by someone else since the read above is recent, so it leaves the note
		// unsettled and the queue is read again at the next look.
		sig = sigOf(db.Path)
	}
	n.sig, n.settled = sig, sig.settledAt(now)
	r.state.Lock()
	if r.notes == nil {
		r.notes = map[string]*note{}
	}
	r.notes[slug] = n
	r.state.Unlock()
	return n.next
}

// forget drops a tenant's note, so its queue is read at the next look.
func (r *Runner) forget(slug string) {
	r.state.Lock()
	delete(r.notes, slug)
	r.state.Unlock()
}
