package replica

import (
	"net/url"
	"strings"
)

// For is the replication state of the database file at path, as Status reports it; false when
// replication does not cover that file (or is off). The owner's backup page and the staff
// console read one business's files this way, from the same Status /readyz/ prints.
func (st Status) For(path string) (DBStatus, bool) {
	want := Canonical(path)
	for _, d := range st.DBs {
		if Canonical(d.Path) == want {
			return d, true
		}
	}
	return DBStatus{}, false
}

// Behind is how many transactions the file has that its replica does not have yet.
func (d DBStatus) Behind() uint64 {
	if d.LocalTXID > d.ReplicaTXID {
		return d.LocalTXID - d.ReplicaTXID
	}
	return 0
}

// Where splits a replica's description (DBStatus.Replica: "file:///srv/backup/x.db",
// "s3://bucket/path (endpoint https://minio.lan:9000)", "sftp://user@host/path") into its kind
// ("file", "s3", "sftp"; the description itself when it is none of those) and the place a
// person recognises: the folder for a file replica, the bucket and the storage's host for S3, the
// host for SFTP. No user name, key or path on a remote host is kept: what the business's owner
// reads is where the copy lives, not how to get in.
func Where(desc string) (kind, place string) {
	endpoint := ""
	if i := strings.Index(desc, " (endpoint "); i >= 0 {
		endpoint = strings.TrimSuffix(desc[i+len(" (endpoint "):], ")")
		desc = desc[:i]
	}
	u, err := url.Parse(desc)
	if err != nil || u.Scheme == "" {
		return desc, ""
	}
	switch u.Scheme {
	case "file":
		return "file", u.Path
	case "s3":
		place = u.Host
		if endpoint != "" {
			if e, err := url.Parse(endpoint); err == nil && e.Hostname() != "" {
				place += " @ " + e.Hostname()
			}
		} else {
			place += " @ AWS S3"
		}
		return "s3", place
	case "sftp":
		return "sftp", u.Hostname()
	}
	return u.Scheme, u.Hostname()
}
