package settings

import "testing"

// TestBackupTroubleInPlainWords: the replica's own errors, as Litestream's clients word them, are
// told to the owner by what they mean.
func TestBackupTroubleInPlainWords(t *testing.T) {
	for err, want := range map[string]string{
		"replica not answering, replication not started yet: dial tcp 10.0.0.5:22: connect: connection refused": "backup.trouble.unreachable",
		"sftp: dial: dial tcp: lookup backup.example.com: no such host":                                         "backup.trouble.unreachable",
		"ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey]":                "backup.trouble.login",
		"operation error S3: PutObject, https response error StatusCode: 403, api error InvalidAccessKeyId":     "backup.trouble.login",
		"operation error S3: PutObject, https response error StatusCode: 403, api error AccessDenied":           "backup.trouble.permission",
		"write ltx file: open /mnt/backup/x.ltx: permission denied":                                             "backup.trouble.permission",
		"write ltx file: write /mnt/backup/x.ltx: no space left on device":                                      "backup.trouble.full",
		"tls: failed to verify certificate: x509: certificate signed by unknown authority":                      "backup.trouble.certificate",
		"write ltx file: mkdir /srv/backup/tenants: not a directory":                                            "backup.trouble.unknown",
	} {
		if got := trouble(err); got != want {
			t.Errorf("%q: %s, want %s", err, got, want)
		}
	}
}
