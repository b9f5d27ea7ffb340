package replica

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Covers checks that the config is about the data directory dataDir and nothing else: every
// database it lists lies inside dataDir, platform.db is covered, and so is a tenant created later
// (a dir: entry over tenants/). A server that replicated another data directory's files would
// write into that server's replica beside it and damage it; one whose config misses its own
// files would run without backups while saying replication runs. The error says which, in
// words an administrator can act on.
func (c *Config) Covers(dataDir string) error {
	data := canonicalDir(dataDir)
	inside := func(p string) bool {
		r, err := filepath.Rel(data, p)
		return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	}
	for _, d := range c.DBs {
		p, what := d.Path, "database"
		if p == "" {
			p, what = canonicalDir(d.Dir), "folder"
		} else {
			p = Canonical(p)
		}
		if !inside(p) {
			return fmt.Errorf("it names the %s %s, which is not in this server's data directory %s "+
				"(relative paths in litestream.yml are read from the folder the file is in); "+
				"list only this server's databases, with absolute paths such as %s and %s",
				what, p, data, filepath.Join(data, "platform.db"), filepath.Join(data, "tenants"))
		}
	}
	if _, _, ok := c.match(Canonical(filepath.Join(data, "platform.db"))); !ok {
		return fmt.Errorf("it does not back up this server's %s; add an entry with path: %s",
			filepath.Join(data, "platform.db"), filepath.Join(data, "platform.db"))
	}
	if _, _, ok := c.match(Canonical(filepath.Join(data, "tenants", "a-new-tenant.db"))); !ok {
		return fmt.Errorf("it does not back up the businesses' databases in %s; add an entry with dir: %s and pattern: \"*.db\"",
			filepath.Join(data, "tenants"), filepath.Join(data, "tenants"))
	}
	return nil
}
