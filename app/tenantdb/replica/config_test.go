package replica

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benbjohnson/litestream/s3"
	"github.com/benbjohnson/litestream/sftp"

	"highvibe/app/tenantdb/replica/replicatest"
)

func TestParseConfig(t *testing.T) {
	replicatest.IsolateAWS(t) // AWS_CA_BUNDLE on the machine would choose the CA client
	base := filepath.FromSlash("/srv/highvibe")
	t.Setenv("HV_TEST_KEY", "AKIA-test")
	t.Setenv("HV_TEST_SECRET", "s3cr3t-value")
	t.Setenv("HV_TEST_BUCKET", "hv-bucket")
	t.Setenv("HV_TEST_SFTP_PW", "pa55word")

	scenarios := []struct {
		name    string
		yml     string
		wantErr string // substring; empty means success
		check   func(t *testing.T, c *Config)
	}{
		{
			name: "path entry with relative file replica",
			yml: `
dbs:
  - path: data/platform.db
    replica:
      path: data-replica/platform.db
`,
			check: func(t *testing.T, c *Config) {
				db := c.DBs[0]
				if want := filepath.Join(base, "data", "platform.db"); db.Path != want {
					t.Errorf("path = %q, want %q", db.Path, want)
				}
				if want := filepath.Join(base, "data-replica", "platform.db"); db.Replica.Path != want {
					t.Errorf("replica path = %q, want %q", db.Replica.Path, want)
				}
				if got, want := describe(db.Replica), "file://"+filepath.ToSlash(filepath.Join(base, "data-replica", "platform.db")); got != want {
					t.Errorf("describe = %q, want %q", got, want)
				}
			},
		},
		{
			name: "sqlite:// prefix and absolute file url",
			yml: `
dbs:
  - path: sqlite:///var/lib/hv/platform.db
    replica:
      url: file:///var/backups/platform.db
`,
			check: func(t *testing.T, c *Config) {
				if got := c.DBs[0].Path; got != filepath.FromSlash("/var/lib/hv/platform.db") {
					t.Errorf("path = %q", got)
				}
				if got := describe(c.DBs[0].Replica); got != "file:///var/backups/platform.db" {
					t.Errorf("describe = %q", got)
				}
			},
		},
		{
			name: "dir entry with replicas list uses the first",
			yml: `
dbs:
  - dir: data/tenants
    pattern: "*.db"
    recursive: true
    replicas:
      - path: one
      - path: two
`,
			check: func(t *testing.T, c *Config) {
				db := c.DBs[0]
				if db.Dir != filepath.Join(base, "data", "tenants") || db.Pattern != "*.db" || !db.Recursive {
					t.Errorf("entry = %+v", db)
				}
				if got := db.replica().Path; got != filepath.Join(base, "one") {
					t.Errorf("replica path = %q, want first", got)
				}
			},
		},
		{
			name: "s3 with env expansion, global credentials and options",
			yml: `
access-key-id: $HV_TEST_KEY
secret-access-key: ${HV_TEST_SECRET}
snapshot:
  interval: 6h
  retention: 72h
levels:
  - interval: 1m
dbs:
  - path: /srv/data/platform.db
    replica:
      url: s3://${HV_TEST_BUCKET}/highvibe/platform.db
      endpoint: minio.internal:9000
      region: eu-central-1
      force-path-style: true
      sync-interval: 10s
`,
			check: func(t *testing.T, c *Config) {
				rc := c.DBs[0].Replica
				if rc.AccessKeyID != "AKIA-test" || rc.SecretAccessKey != "s3cr3t-value" {
					t.Errorf("credentials not expanded/propagated: %q %q", rc.AccessKeyID, rc.SecretAccessKey)
				}
				if rc.SyncInterval == nil || *rc.SyncInterval != 10*time.Second {
					t.Errorf("sync-interval = %v", rc.SyncInterval)
				}
				if *c.Snapshot.Interval != 6*time.Hour || *c.Snapshot.Retention != 72*time.Hour || c.Levels[0].Interval != time.Minute {
					t.Errorf("snapshot/levels = %+v %+v", c.Snapshot, c.Levels)
				}
				client, err := newReplicaClient(rc)
				if err != nil {
					t.Fatal(err)
				}
				s3c := client.(*s3.ReplicaClient)
				if s3c.Bucket != "hv-bucket" || s3c.Path != "highvibe/platform.db" ||
					s3c.Endpoint != "https://minio.internal:9000" || s3c.Region != "eu-central-1" ||
					!s3c.ForcePathStyle || s3c.SecretAccessKey != "s3cr3t-value" {
					t.Errorf("s3 client = bucket %q path %q endpoint %q region %q pathStyle %v",
						s3c.Bucket, s3c.Path, s3c.Endpoint, s3c.Region, s3c.ForcePathStyle)
				}
				d := describe(rc)
				if !strings.HasPrefix(d, "s3://hv-bucket/highvibe/platform.db") || strings.Contains(d, "s3cr3t") || strings.Contains(d, "AKIA") {
					t.Errorf("describe = %q", d)
				}
			},
		},
		{
			name: "s3 with bucket and path fields",
			yml: `
dbs:
  - path: a.db
    replica:
      type: s3
      bucket: backups
      path: hv/a.db
`,
			check: func(t *testing.T, c *Config) {
				client, err := newReplicaClient(c.DBs[0].Replica)
				if err != nil {
					t.Fatal(err)
				}
				if s3c := client.(*s3.ReplicaClient); s3c.Bucket != "backups" || s3c.Path != "hv/a.db" || s3c.ForcePathStyle {
					t.Errorf("s3 client = %q %q %v", s3c.Bucket, s3c.Path, s3c.ForcePathStyle)
				}
			},
		},
		{
			name: "sftp url keeps absolute path and hides password",
			yml: `
dbs:
  - dir: data/tenants
    pattern: "*.db"
    replica:
      url: sftp://backup:${HV_TEST_SFTP_PW}@nas.local:2222/backups/highvibe/tenants
      key-path: keys/id_ed25519
`,
			check: func(t *testing.T, c *Config) {
				rc := c.DBs[0].Replica
				if rc.KeyPath != filepath.Join(base, "keys", "id_ed25519") {
					t.Errorf("key-path = %q", rc.KeyPath)
				}
				sub, err := rc.forSubpath("acme.db")
				if err != nil {
					t.Fatal(err)
				}
				client, err := newReplicaClient(sub)
				if err != nil {
					t.Fatal(err)
				}
				sc := client.(*sftp.ReplicaClient)
				if sc.Host != "nas.local:2222" || sc.User != "backup" || sc.Password != "pa55word" ||
					sc.Path != "/backups/highvibe/tenants/acme.db" {
					t.Errorf("sftp client = %q %q %q", sc.Host, sc.User, sc.Path)
				}
				if d := describe(sub); d != "sftp://backup@nas.local:2222/backups/highvibe/tenants/acme.db" {
					t.Errorf("describe = %q", d)
				}
			},
		},
		{
			name: "unknown top-level CLI keys are ignored like the CLI does",
			yml: `
addr: ":9090"
logging:
  level: debug
dbs:
  - path: a.db
    replica: {path: b}
`,
		},
		{name: "bad yaml", yml: "dbs: [\n  - path: a.db\n", wantErr: "parse config"},
		{name: "wrong yaml shape", yml: "dbs: hello\n", wantErr: "parse config"},
		{name: "empty", yml: "", wantErr: "lists no databases"},
		{
			name:    "unknown replica type",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      type: ftp\n      path: x\n",
			wantErr: `unknown replica type "ftp" (supported: file, s3, sftp)`,
		},
		{
			name:    "unknown url scheme",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: ftp://host/x\n",
			wantErr: `unknown replica type "ftp"`,
		},
		{
			name:    "litestream type not built in",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: gs://bucket/x\n",
			wantErr: `replica type "gs" is not built into HighVibe`,
		},
		{
			name:    "url without scheme",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: bucket/x\n",
			wantErr: "needs a scheme",
		},
		{
			name:    "path and dir",
			yml:     "dbs:\n  - path: a.db\n    dir: data\n    pattern: '*.db'\n    replica: {path: x}\n",
			wantErr: "either path or dir",
		},
		{
			name:    "dir without pattern",
			yml:     "dbs:\n  - dir: data\n    replica: {path: x}\n",
			wantErr: "pattern is required",
		},
		{
			name:    "bad pattern",
			yml:     "dbs:\n  - dir: data\n    pattern: '[a'\n    replica: {path: x}\n",
			wantErr: "bad pattern",
		},
		{
			name:    "no replica",
			yml:     "dbs:\n  - path: a.db\n",
			wantErr: "replica is required",
		},
		{
			name:    "replica and replicas",
			yml:     "dbs:\n  - path: a.db\n    replica: {path: x}\n    replicas: [{path: y}]\n",
			wantErr: "either replica or replicas",
		},
		{
			name:    "same path twice",
			yml:     "dbs:\n  - path: a.db\n    replica: {path: x}\n  - path: ./a.db\n    replica: {path: y}\n",
			wantErr: "listed twice",
		},
		{
			name:    "s3 without bucket",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      type: s3\n      path: x\n",
			wantErr: "bucket is required",
		},
		{
			name:    "s3 url and bucket",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: s3://b/x\n      bucket: c\n",
			wantErr: "either url or bucket/path",
		},
		{
			name:    "sftp without user",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: sftp://host/x\n      password: pw\n",
			wantErr: "user is required",
		},
		{
			name:    "sftp without credentials",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: sftp://u@host/x\n",
			wantErr: "password or key-path is required",
		},
		{
			name:    "sftp unreadable host key file",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: sftp://u@host/x\n      password: pw\n      host-key-path: /nonexistent/host.pub\n",
			wantErr: "host-key-path",
		},
		{
			name:    "file url and path",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      url: file:///x\n      path: y\n",
			wantErr: "either url or path",
		},
		{
			name:    "zero sync interval",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      path: x\n      sync-interval: 0s\n",
			wantErr: "sync-interval must be greater than 0",
		},
		{
			name:    "bad duration",
			yml:     "dbs:\n  - path: a.db\n    replica:\n      path: x\n      sync-interval: soon\n",
			wantErr: "parse config",
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			cfg, err := ParseConfig([]byte(sc.yml), base)
			if sc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), sc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, sc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.check != nil {
				sc.check(t, cfg)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()

	_, err := LoadConfig(filepath.Join(dir, "litestream.yml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: err = %v, want os.ErrNotExist", err)
	}

	// Relative paths are taken from the file's own directory.
	p := filepath.Join(dir, "conf", "litestream.yml")
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		t.Fatal(err)
	}
	yml := "dbs:\n  - path: ../data/platform.db\n    replica:\n      path: ../data-replica/platform.db\n"
	if err := os.WriteFile(p, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "data", "platform.db"); cfg.DBs[0].Path != want {
		t.Fatalf("path = %q, want %q", cfg.DBs[0].Path, want)
	}

	if err := os.WriteFile(p, []byte("dbs:\n  - path: a.db\n    replica: {type: ftp}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("bad file: err = %v, want it to name the file", err)
	}
}

// The shipped example must load and cover the documented layout.
func TestShippedExampleConfig(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("..", "..", "..", "litestream.yml"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("litestream.yml not present at the repository root")
	}
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs(filepath.Join("..", "..", ".."))
	for _, p := range []string{"data/platform.db", "data/tenants/acme.db"} {
		if _, _, ok := cfg.match(Canonical(filepath.Join(root, p))); !ok {
			t.Errorf("%s is not covered by the example config", p)
		}
	}
}

func TestMatch(t *testing.T) {
	base := t.TempDir()
	cfg := mustParse(t, `
dbs:
  - path: data/platform.db
    replica: {path: r/platform.db}
  - dir: data/tenants
    pattern: "*.db"
    replica: {path: r/tenants}
  - dir: data/archive
    pattern: "*.sqlite"
    recursive: true
    replica: {path: r/archive}
`, base)
	scenarios := []struct {
		path    string
		wantDir string // "" = path entry
		wantRel string
		wantOK  bool
	}{
		{path: "data/platform.db", wantOK: true},
		{path: "data/tenants/acme.db", wantDir: "data/tenants", wantRel: "acme.db", wantOK: true},
		{path: "data/tenants/acme.db-wal"},
		{path: "data/tenants/notes.txt"},
		{path: "data/tenants/sub/acme.db"},
		{path: "data/tenants/../platform.db", wantOK: true},
		{path: "data/other.db"},
		{path: "data/archive/2024/old.sqlite", wantDir: "data/archive", wantRel: filepath.Join("2024", "old.sqlite"), wantOK: true},
		{path: "data/archive/.x.sqlite-litestream/y.sqlite"},
		{path: "data/tenants"},
	}
	for _, sc := range scenarios {
		t.Run(sc.path, func(t *testing.T) {
			dbc, rel, ok := cfg.match(Canonical(filepath.Join(base, sc.path)))
			if ok != sc.wantOK {
				t.Fatalf("covered = %v, want %v", ok, sc.wantOK)
			}
			if !ok {
				return
			}
			if sc.wantDir == "" && dbc.Path == "" || sc.wantDir != "" && dbc.Dir != filepath.Join(base, sc.wantDir) {
				t.Fatalf("matched entry %+v", dbc)
			}
			if rel != sc.wantRel {
				t.Fatalf("rel = %q, want %q", rel, sc.wantRel)
			}
		})
	}
}

// S3 keys from the environment are read as the official CLI reads them:
// LITESTREAM_* stand in for AWS_* only when those are not set, and keys in
// the config win over both.
func TestS3KeysFromEnvironment(t *testing.T) {
	replicatest.IsolateAWS(t)
	keyOf := func(yml string) string {
		t.Helper()
		c, err := newS3Client(mustParse(t, yml, t.TempDir()).DBs[0].Replica)
		if err != nil {
			t.Fatal(err)
		}
		return c.AccessKeyID + "/" + c.SecretAccessKey
	}
	plain := "dbs:\n  - path: a.db\n    replica: {url: s3://b/a.db}\n"
	t.Setenv("LITESTREAM_ACCESS_KEY_ID", "LKEY")
	t.Setenv("LITESTREAM_SECRET_ACCESS_KEY", "LSECRET")
	if got := keyOf(plain); got != "LKEY/LSECRET" {
		t.Fatalf("LITESTREAM_* alone: %q", got)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ASECRET")
	if got := keyOf(plain); got != "/" {
		t.Fatalf("with AWS_* set the SDK's chain must get them, but static keys are %q", got)
	}
	if got := keyOf("dbs:\n  - path: a.db\n    replica: {url: s3://b/a.db, access-key-id: CKEY, secret-access-key: CSECRET}\n"); got != "CKEY/CSECRET" {
		t.Fatalf("keys in the config: %q", got)
	}
}
