package replica

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/benbjohnson/litestream"
)

// canonical turns a database path into the one key used everywhere: absolute,
// clean, and with symlinks in its directory resolved, so that "data/x.db",
// "./data/x.db" and a symlinked data directory all name the same database.
// Pages that show a database's replication state key it the same way.
func Canonical(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = filepath.Clean(p)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// canonicalDir is canonical for a directory itself.
func canonicalDir(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = filepath.Clean(p)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// match finds the entry covering the canonical path p. A path: entry wins;
// otherwise the first dir: entry whose directory holds p (directly, or at
// any depth when recursive) and whose pattern matches the file name. rel is
// p relative to that directory.
func (c *Config) match(p string) (dbc *DBConfig, rel string, ok bool) {
	for _, d := range c.DBs {
		if d.Path != "" && Canonical(d.Path) == p {
			return d, "", true
		}
	}
	for _, d := range c.DBs {
		if d.Dir == "" {
			continue
		}
		r, err := filepath.Rel(canonicalDir(d.Dir), p)
		if err != nil || r == "." || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			continue
		}
		parts := strings.Split(r, string(filepath.Separator))
		if len(parts) > 1 && !d.Recursive {
			continue
		}
		if throughMetaDir(parts[:len(parts)-1]) {
			continue
		}
		if ok, _ := filepath.Match(d.Pattern, parts[len(parts)-1]); ok {
			return d, r, true
		}
	}
	return nil, "", false
}

// throughMetaDir reports whether a path runs through Litestream's
// own per-database state directories, which are never databases to back up.
func throughMetaDir(dirs []string) bool {
	for _, d := range dirs {
		if strings.HasSuffix(d, litestream.MetaDirSuffix) {
			return true
		}
	}
	return false
}

// scanDir lists the SQLite databases currently in a dir: entry.
func (m *Manager) scanDir(dbc *DBConfig) []string {
	root := canonicalDir(dbc.Dir)
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // a file vanished while walking; the next scan sees the truth
		}
		if d.IsDir() {
			if p != root && (!dbc.Recursive || strings.HasSuffix(d.Name(), litestream.MetaDirSuffix)) {
				return filepath.SkipDir
			}
			return nil
		}
		if ok, _ := filepath.Match(dbc.Pattern, d.Name()); ok && looksLikeDatabase(p) {
			found = append(found, Canonical(p))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		m.logger.Warn("replica: scan directory", "dir", dbc.Dir, "error", err)
	}
	return found
}

// minDatabaseSize is the smallest SQLite database file that has been written: one page of the
// smallest page size, which holds the header.
const minDatabaseSize = 512

// looksLikeDatabase reports whether p is a regular file big enough to hold a SQLite header. A
// tenant database another process is still creating may be empty; it is picked up on a later
// scan. A file that only matches the pattern is refused by Litestream itself and shows up in
// Status.
//
// It must never open p. POSIX record locks belong to the process, not to a descriptor, and
// closing any descriptor of a file drops every lock the process holds on it. Reading the header
// of a database this process has open (every five seconds, for every tenant) silently dropped
// SQLite's SHARED lock: an outside sqlite3 that then closed believed it was the last user,
// checkpointed and deleted the WAL that the server went on writing to, and acknowledged writes
// were lost on the next crash. SQLite's own connections share one lock table per file and defer
// such closes; a plain os.Open is outside it.
func looksLikeDatabase(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Size() >= minDatabaseSize
}
