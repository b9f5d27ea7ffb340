package replica

import "testing"

// TestWhereNamesThePlaceWithoutSecrets: the owner's backups page names a replica by its kind and
// the place a person recognises, never a user name.
func TestWhereNamesThePlaceWithoutSecrets(t *testing.T) {
	for desc, want := range map[string][2]string{
		"file:///srv/backup/tenants/acme.db":                                      {"file", "/srv/backup/tenants/acme.db"},
		"s3://highvibe-backups/tenants/acme.db (endpoint https://minio.lan:9000)": {"s3", "highvibe-backups @ minio.lan"},
		"s3://highvibe-backups/tenants/acme.db":                                   {"s3", "highvibe-backups @ AWS S3"},
		"sftp://backup@nas.example.com/srv/highvibe/tenants/acme.db":              {"sftp", "nas.example.com"},
	} {
		kind, place := Where(desc)
		if kind != want[0] || place != want[1] {
			t.Errorf("%q: %q %q, want %q %q", desc, kind, place, want[0], want[1])
		}
	}
}
