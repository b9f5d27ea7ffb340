package replica

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"highvibe/app/tenantdb/replica/replicatest"
)

// s3Config is a platform.db and a tenants directory replicated to one
// bucket under prefix, with extra lines added to each replica block.
func s3Config(t *testing.T, dir, bucket, endpoint, prefix, extra string) *Config {
	t.Helper()
	return mustParse(t, fmt.Sprintf(`
dbs:
  - path: data/platform.db
    replica:
      url: s3://%[1]s/%[3]s/platform.db?endpoint=%[2]s
%[4]s
  - dir: data/tenants
    pattern: "*.db"
    replica:
      type: s3
      bucket: %[1]s
      path: %[3]s/tenants
      endpoint: %[2]s
%[4]s
`, bucket, endpoint, prefix, extra), dir)
}

// An S3-compatible store whose certificate comes from the owner's own CA:
// with AWS_CA_BUNDLE set, or a ca-bundle: option, replication and restore
// work (the embedded Litestream client used to fail outright with "unable
// to add custom RootCAs HTTPClient"); without the CA the certificate is
// refused. What was written through TLS is the layout the official CLI
// restores, and a point-in-time restore (which reads the timestamps kept
// in object metadata) returns the earlier state.
func TestS3ReplicaWithCustomCA(t *testing.T) {
	replicatest.IsolateAWS(t)
	store := replicatest.NewS3(t)
	tlsURL, caFile := store.ServeTLS(t)
	plainURL := store.Serve(t)
	t.Setenv("AWS_ACCESS_KEY_ID", store.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", store.SecretKey)
	ctx := testCtx(t)

	for _, tc := range []struct {
		name, prefix, extra, env string
	}{
		{name: "AWS_CA_BUNDLE", prefix: "by-env", env: caFile},
		{name: "ca-bundle option", prefix: "by-option", extra: "      ca-bundle: " + caFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", tc.env)
			dir := t.TempDir()
			cfg := s3Config(t, dir, store.Bucket, tlsURL, tc.prefix, tc.extra)
			platform := filepath.Join(dir, "data", "platform.db")
			acme := filepath.Join(dir, "data", "tenants", "acme.db")
			platformDB := openAppDB(t, platform)
			acmeDB := openAppDB(t, acme)
			insertNotes(t, platformDB, 1, 30)
			insertNotes(t, acmeDB, 1, 50)

			m := startManager(t, cfg, func(m *Manager) { m.scanInterval = time.Hour })
			for _, p := range []string{platform, acme} {
				if err := m.Sync(ctx, p); err != nil {
					t.Fatalf("sync %s: %v", filepath.Base(p), err)
				}
			}
			early := readNotes(t, acme)
			// LTX headers keep milliseconds: the next write must be stamped
			// after the cut.
			cut := time.Now()
			waitFor(t, time.Second, "the clock to pass the cut", func() bool { return time.Now().UnixMilli() > cut.UnixMilli()+1 })
			insertNotes(t, acmeDB, 51, 20)
			if err := m.Sync(ctx, acme); err != nil {
				t.Fatal(err)
			}
			if st := m.Status(); !st.Healthy || len(st.DBs) != 2 {
				t.Fatalf("status = %+v", st)
			}

			for _, p := range []string{platform, acme} {
				out := filepath.Join(dir, "restored", filepath.Base(p))
				if err := Restore(ctx, cfg, p, out, time.Time{}); err != nil {
					t.Fatal(err)
				}
				if got, want := readNotes(t, out), readNotes(t, p); got != want {
					t.Fatalf("restored %s = %+v, want %+v", filepath.Base(p), got, want)
				}
			}
			out := filepath.Join(dir, "restored", "acme-at-cut.db")
			if err := Restore(ctx, cfg, acme, out, cut); err != nil {
				t.Fatal(err)
			}
			if got := readNotes(t, out); got != early {
				t.Fatalf("point-in-time restore = %+v, want the earlier %+v", got, early)
			}
		})
	}

	// A bundle of some other CA does not make the store's certificate
	// trusted, and that is reported at once rather than retried.
	_, otherCA := store.ServeTLS(t)
	t.Setenv("AWS_CA_BUNDLE", otherCA)
	dir := t.TempDir()
	cfg := s3Config(t, dir, store.Bucket, tlsURL, "by-env", "")
	start := time.Now()
	err := Restore(ctx, cfg, filepath.Join(dir, "data", "platform.db"), filepath.Join(dir, "never.db"), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("restore with another CA: err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("an untrusted certificate took %s to report; it must not be retried", d)
	}
	t.Setenv("AWS_CA_BUNDLE", "")

	// A bundle that holds no certificate is refused when the config loads.
	if _, err := ParseConfig([]byte(`
dbs:
  - path: a.db
    replica:
      url: s3://b/a.db?endpoint=`+tlsURL+`
      ca-bundle: `+filepath.Join(dir, "missing.pem")+`
`), dir); err == nil || !strings.Contains(err.Error(), "ca-bundle") {
		t.Fatalf("missing ca-bundle file: err = %v", err)
	}

	// The same objects over plain HTTP: the official CLI restores what the
	// CA client wrote (it cannot use a custom CA itself).
	if testing.Short() {
		return
	}
	bin := replicatest.LitestreamCLI(t)
	written := filepath.Join(t.TempDir(), "written.db")
	if err := Restore(ctx, s3Config(t, dir, store.Bucket, plainURL, "by-option", ""),
		filepath.Join(dir, "data", "tenants", "acme.db"), written, time.Time{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "official.db")
	cmd := exec.CommandContext(ctx, bin, "restore", "-o", out, "s3://"+store.Bucket+"/by-option/tenants/acme.db?endpoint="+plainURL)
	cmd.Env = append(cmd.Environ(), "AWS_CA_BUNDLE=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("litestream restore: %v\n%s", err, b)
	}
	if got, want := readNotes(t, out), readNotes(t, written); got != want || got.Rows != 70 {
		t.Fatalf("official CLI restore = %+v, want %+v (70 rows)", got, want)
	}
}

// Which S3 client a replica gets: the CA client exactly when a bundle is in
// force, from a top-level ca-bundle: (relative to the config's folder, given
// to every replica), a replica's own, or AWS_CA_BUNDLE.
func TestCABundleChoosesClient(t *testing.T) {
	replicatest.IsolateAWS(t)
	_, caFile := replicatest.NewS3(t).ServeTLS(t)
	dir := filepath.Dir(caFile)
	yml := func(extra string) string {
		return extra + `
dbs:
  - path: a.db
    replica:
      url: s3://bkt/hv/a.db?endpoint=https://minio.internal:9000
`
	}
	client := func(cfg *Config) any {
		t.Helper()
		c, err := newReplicaClient(cfg.DBs[0].Replica)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	if c := client(mustParse(t, yml(""), dir)); fmt.Sprintf("%T", c) != "*s3.ReplicaClient" {
		t.Fatalf("no bundle: client is %T", c)
	}
	cfg := mustParse(t, yml("ca-bundle: "+filepath.Base(caFile)), dir)
	if got := cfg.DBs[0].Replica.CABundle; got != caFile {
		t.Fatalf("top-level ca-bundle resolved to %q, want %q", got, caFile)
	}
	c, ok := client(cfg).(*caS3Client)
	if !ok || c.settings.Bucket != "bkt" || c.settings.Path != "hv/a.db" || c.settings.Endpoint != "https://minio.internal:9000" || !c.settings.ForcePathStyle {
		t.Fatalf("with ca-bundle: client %T %+v", c, c)
	}
	t.Setenv("AWS_CA_BUNDLE", caFile)
	if c := client(mustParse(t, yml(""), dir)); fmt.Sprintf("%T", c) != "*replica.caS3Client" {
		t.Fatalf("AWS_CA_BUNDLE: client is %T", c)
	}

	keyOnly := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyOnly, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConfig([]byte(yml("ca-bundle: key.pem")), dir); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate (found a PRIVATE KEY)") {
		t.Fatalf("a key instead of a CA: err = %v", err)
	}
}
