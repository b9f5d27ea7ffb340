// Package replica runs Litestream inside the HighVibe process so that
// platform.db and every tenant database are continuously copied to the
// replica named in litestream.yml, and can be brought back from it.
//
// The configuration file has the Litestream CLI's own YAML shape, so an
// operator can keep using the official `litestream` tool (for example
// `litestream restore`) against the same replica.
package replica

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is litestream.yml in the Litestream CLI's own YAML shape. Only the
// settings HighVibe acts on are modelled; other CLI keys (addr, logging,
// exec, ...) are accepted and ignored, as the CLI itself ignores unknown keys.
type Config struct {
	// ReplicaSettings given at the top level are defaults for every replica,
	// as in the CLI (e.g. one set of S3 credentials for all databases).
	ReplicaSettings `yaml:",inline"`

	// Levels lists compaction levels L1..Ln; empty means the CLI defaults
	// (30s, 5m, 1h).
	Levels []LevelConfig `yaml:"levels"`

	// Snapshot controls how often a full snapshot is written and kept.
	Snapshot SnapshotConfig `yaml:"snapshot"`

	// L0Retention and L0RetentionCheckInterval keep raw L0 files around
	// after compaction; nil means Litestream's defaults.
	L0Retention              *time.Duration `yaml:"l0-retention"`
	L0RetentionCheckInterval *time.Duration `yaml:"l0-retention-check-interval"`

	// ShutdownSyncTimeout bounds the final upload attempts on Close;
	// ShutdownSyncInterval is the pause between attempts.
	ShutdownSyncTimeout  *time.Duration `yaml:"shutdown-sync-timeout"`
	ShutdownSyncInterval *time.Duration `yaml:"shutdown-sync-interval"`

	// DBs lists the databases (path:) or directories of databases (dir:)
	// to replicate.
	DBs []*DBConfig `yaml:"dbs"`
}

// LevelConfig is one compaction level of the `levels:` list.
type LevelConfig struct {
	Interval time.Duration `yaml:"interval"`
}

// SnapshotConfig is the `snapshot:` block: how often a full copy of each
// database is stored and for how long history is kept.
type SnapshotConfig struct {
	Interval  *time.Duration `yaml:"interval"`
	Retention *time.Duration `yaml:"retention"`
}

// DBConfig is one entry of `dbs:`. Either Path names a single database, or
// Dir+Pattern name every matching database in a directory (tenants).
type DBConfig struct {
	Path      string `yaml:"path"`
	Dir       string `yaml:"dir"`
	Pattern   string `yaml:"pattern"`
	Recursive bool   `yaml:"recursive"`
	// Watch is accepted for CLI compatibility. HighVibe always picks up new
	// databases in a dir: entry, because tenants are created at run time.
	Watch bool `yaml:"watch"`

	MonitorInterval    *time.Duration `yaml:"monitor-interval"`
	CheckpointInterval *time.Duration `yaml:"checkpoint-interval"`
	BusyTimeout        *time.Duration `yaml:"busy-timeout"`
	MinCheckpointPageN *int           `yaml:"min-checkpoint-page-count"`
	TruncatePageN      *int           `yaml:"truncate-page-n"`

	// Replica is the destination. Replicas is the older list form; like the
	// CLI, only one destination is used (the first).
	Replica  *ReplicaConfig   `yaml:"replica"`
	Replicas []*ReplicaConfig `yaml:"replicas"`
}

// ReplicaConfig is a `replica:` block: where a database is copied to.
// The type comes from the URL scheme, else Type, else "file".
type ReplicaConfig struct {
	ReplicaSettings `yaml:",inline"`

	Type string `yaml:"type"`
	Name string `yaml:"name"` // deprecated in the CLI; ignored
	Path string `yaml:"path"`
	URL  string `yaml:"url"`
}

// ReplicaSettings are the per-destination options, settable per replica or
// once at the top level of the file.
type ReplicaSettings struct {
	SyncInterval *time.Duration `yaml:"sync-interval"`

	// S3 and S3-compatible storage.
	AccessKeyID       string `yaml:"access-key-id"`
	SecretAccessKey   string `yaml:"secret-access-key"`
	Region            string `yaml:"region"`
	Bucket            string `yaml:"bucket"`
	Endpoint          string `yaml:"endpoint"`
	ForcePathStyle    *bool  `yaml:"force-path-style"`
	SkipVerify        bool   `yaml:"skip-verify"`
	StorageClass      string `yaml:"storage-class"`
	SignPayload       *bool  `yaml:"sign-payload"`
	RequireContentMD5 *bool  `yaml:"require-content-md5"`
	// CABundle is a HighVibe extension: a PEM file of the certificate
	// authorities to trust for the endpoint (a self-hosted store with its
	// own CA). Without it, AWS_CA_BUNDLE is used when set. The official CLI
	// ignores the key and cannot use a custom CA at all.
	CABundle string `yaml:"ca-bundle"`

	// SFTP.
	Host     string `yaml:"host"`
	User     string `yaml:"user"`
	Password string `yaml:"password"`
	KeyPath  string `yaml:"key-path"`
	// HostKey is the server's public key ("ssh-ed25519 AAAA..."), as in the CLI.
	HostKey string `yaml:"host-key"`
	// HostKeyPath is a HighVibe extension: a file holding the host key
	// (a .pub file or a known_hosts line). The official CLI ignores it.
	HostKeyPath      string `yaml:"host-key-path"`
	ConcurrentWrites *bool  `yaml:"concurrent-writes"`
}

// LoadConfig reads a litestream.yml file, expanding $VAR and ${VAR} like the
// CLI. Relative paths in it are taken relative to the file's directory, so
// the result does not depend on where the process was started. A missing
// file gives an error wrapping os.ErrNotExist, which callers treat as
// "replication off".
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("replica: read config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("replica: config path: %w", err)
	}
	cfg, err := ParseConfig(data, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return cfg, nil
}

// ParseConfig parses litestream.yml content. Environment variables are
// expanded first; relative database, directory, file-replica and key paths
// are resolved against baseDir (the working directory when empty). Every
// entry is checked, so a config that parses will also start.
func ParseConfig(data []byte, baseDir string) (*Config, error) {
	data = []byte(expandEnv(string(data)))

	var cfg Config
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.Unmarshal(data, &cfg); err != nil {
			return nil, fmt.Errorf("replica: parse config: %w", err)
		}
	}

	if baseDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("replica: working directory: %w", err)
		}
		baseDir = wd
	}
	if err := cfg.resolvePaths(baseDir); err != nil {
		return nil, err
	}
	cfg.applyGlobalSettings()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// expandEnv replaces $VAR and ${VAR} like the Litestream CLI, including its
// special $PID.
func expandEnv(s string) string {
	return os.Expand(s, func(key string) string {
		if key == "PID" {
			return strconv.Itoa(os.Getpid())
		}
		return os.Getenv(key)
	})
}

// replica returns the single destination of an entry (the first of the
// list form), or nil.
func (dbc *DBConfig) replica() *ReplicaConfig {
	if dbc.Replica != nil {
		return dbc.Replica
	}
	if len(dbc.Replicas) > 0 {
		return dbc.Replicas[0]
	}
	return nil
}

// label names an entry in error messages.
func (dbc *DBConfig) label(i int) string {
	switch {
	case dbc.Path != "":
		return fmt.Sprintf("dbs[%d] (path %s)", i, dbc.Path)
	case dbc.Dir != "":
		return fmt.Sprintf("dbs[%d] (dir %s)", i, dbc.Dir)
	}
	return fmt.Sprintf("dbs[%d]", i)
}

func (c *Config) resolvePaths(baseDir string) error {
	resolve := func(p string) (string, error) {
		if p == "" {
			return "", nil
		}
		return absPath(baseDir, p)
	}
	for i, dbc := range c.DBs {
		if dbc == nil {
			return fmt.Errorf("replica: dbs[%d] is empty", i)
		}
		var err error
		if dbc.Path, err = resolve(stripSQLitePrefix(dbc.Path)); err != nil {
			return fmt.Errorf("replica: %s: %w", dbc.label(i), err)
		}
		if dbc.Dir, err = resolve(dbc.Dir); err != nil {
			return fmt.Errorf("replica: %s: %w", dbc.label(i), err)
		}
		rcs := append([]*ReplicaConfig{dbc.Replica}, dbc.Replicas...)
		for _, rc := range rcs {
			if rc == nil {
				continue
			}
			if err := rc.resolvePaths(resolve); err != nil {
				return fmt.Errorf("replica: %s: %w", dbc.label(i), err)
			}
		}
	}
	var err error
	if c.KeyPath, err = resolve(c.KeyPath); err != nil {
		return fmt.Errorf("replica: key-path: %w", err)
	}
	if c.HostKeyPath, err = resolve(c.HostKeyPath); err != nil {
		return fmt.Errorf("replica: host-key-path: %w", err)
	}
	if c.CABundle, err = resolve(c.CABundle); err != nil {
		return fmt.Errorf("replica: ca-bundle: %w", err)
	}
	return nil
}

func (rc *ReplicaConfig) resolvePaths(resolve func(string) (string, error)) error {
	var err error
	if rc.KeyPath, err = resolve(rc.KeyPath); err != nil {
		return err
	}
	if rc.HostKeyPath, err = resolve(rc.HostKeyPath); err != nil {
		return err
	}
	if rc.CABundle, err = resolve(rc.CABundle); err != nil {
		return err
	}
	kind, err := rc.kind()
	if err != nil || kind != "file" {
		return nil // other kinds: paths are remote; bad kinds are reported by validate
	}
	if rc.URL != "" {
		p, err := fileURLPath(rc.URL)
		if err != nil {
			return err
		}
		if p, err = resolve(p); err != nil {
			return err
		}
		rc.URL = "file://" + filepath.ToSlash(p)
		return nil
	}
	rc.Path, err = resolve(rc.Path)
	return err
}

// applyGlobalSettings fills unset replica settings from the top level, as
// the CLI does.
func (c *Config) applyGlobalSettings() {
	for _, dbc := range c.DBs {
		if dbc.Replica != nil {
			dbc.Replica.fillFrom(&c.ReplicaSettings)
		}
		for _, rc := range dbc.Replicas {
			if rc != nil {
				rc.fillFrom(&c.ReplicaSettings)
			}
		}
	}
}

func (rs *ReplicaSettings) fillFrom(g *ReplicaSettings) {
	setStr := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	if rs.SyncInterval == nil {
		rs.SyncInterval = g.SyncInterval
	}
	setStr(&rs.AccessKeyID, g.AccessKeyID)
	setStr(&rs.SecretAccessKey, g.SecretAccessKey)
	setStr(&rs.Region, g.Region)
	setStr(&rs.Bucket, g.Bucket)
	setStr(&rs.Endpoint, g.Endpoint)
	if rs.ForcePathStyle == nil {
		rs.ForcePathStyle = g.ForcePathStyle
	}
	rs.SkipVerify = rs.SkipVerify || g.SkipVerify
	setStr(&rs.StorageClass, g.StorageClass)
	setStr(&rs.CABundle, g.CABundle)
	if rs.SignPayload == nil {
		rs.SignPayload = g.SignPayload
	}
	if rs.RequireContentMD5 == nil {
		rs.RequireContentMD5 = g.RequireContentMD5
	}
	setStr(&rs.Host, g.Host)
	setStr(&rs.User, g.User)
	setStr(&rs.Password, g.Password)
	setStr(&rs.KeyPath, g.KeyPath)
	setStr(&rs.HostKey, g.HostKey)
	setStr(&rs.HostKeyPath, g.HostKeyPath)
	if rs.ConcurrentWrites == nil {
		rs.ConcurrentWrites = g.ConcurrentWrites
	}
}

// validate checks what the CLI checks, and also builds every replica client
// once so that a bad URL, unknown type or missing bucket fails at load time
// instead of at the first write.
func (c *Config) validate() error {
	if len(c.DBs) == 0 {
		return errors.New("replica: config lists no databases (dbs: is empty)")
	}
	for i, lvl := range c.Levels {
		if lvl.Interval <= 0 {
			return fmt.Errorf("replica: levels[%d].interval must be greater than 0", i)
		}
	}
	for name, d := range map[string]*time.Duration{
		"snapshot.interval":           c.Snapshot.Interval,
		"snapshot.retention":          c.Snapshot.Retention,
		"l0-retention-check-interval": c.L0RetentionCheckInterval,
		"shutdown-sync-interval":      c.ShutdownSyncInterval,
	} {
		if d != nil && *d <= 0 {
			return fmt.Errorf("replica: %s must be greater than 0", name)
		}
	}
	for name, d := range map[string]*time.Duration{
		"l0-retention":          c.L0Retention,
		"shutdown-sync-timeout": c.ShutdownSyncTimeout,
	} {
		if d != nil && *d < 0 {
			return fmt.Errorf("replica: %s must not be negative", name)
		}
	}

	seen := map[string]int{}
	for i, dbc := range c.DBs {
		if dbc == nil {
			return fmt.Errorf("replica: dbs[%d] is empty", i)
		}
		label := dbc.label(i)
		switch {
		case dbc.Path != "" && dbc.Dir != "":
			return fmt.Errorf("replica: %s: give either path or dir, not both", label)
		case dbc.Path == "" && dbc.Dir == "":
			return fmt.Errorf("replica: %s: path or dir is required", label)
		case dbc.Dir != "" && dbc.Pattern == "":
			return fmt.Errorf("replica: %s: pattern is required with dir (e.g. \"*.db\")", label)
		}
		if dbc.Pattern != "" {
			if _, err := filepath.Match(dbc.Pattern, "x"); err != nil {
				return fmt.Errorf("replica: %s: bad pattern %q: %w", label, dbc.Pattern, err)
			}
		}
		key := dbc.Path + "\x00" + dbc.Dir
		if first, ok := seen[key]; ok {
			return fmt.Errorf("replica: %s: listed twice (also dbs[%d])", label, first)
		}
		seen[key] = i

		switch {
		case dbc.Replica == nil && len(dbc.Replicas) == 0:
			return fmt.Errorf("replica: %s: replica is required", label)
		case dbc.Replica != nil && len(dbc.Replicas) > 0:
			return fmt.Errorf("replica: %s: give either replica or replicas, not both", label)
		}
		rc := dbc.replica()
		if rc == nil {
			return fmt.Errorf("replica: %s: replicas[0] is empty", label)
		}
		if rc.SyncInterval != nil && *rc.SyncInterval <= 0 {
			return fmt.Errorf("replica: %s: sync-interval must be greater than 0", label)
		}
		if _, err := newReplicaClient(rc); err != nil {
			return fmt.Errorf("replica: %s: %w", label, err)
		}
	}
	return nil
}

// absPath expands a leading ~ and makes p absolute against baseDir.
func absPath(baseDir, p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("expand %s: %w", p, err)
		}
		p = filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	return filepath.Clean(p), nil
}

// stripSQLitePrefix accepts sqlite:// and sqlite3:// connection-string
// forms for db paths, as the CLI does.
func stripSQLitePrefix(p string) string {
	for _, prefix := range []string{"sqlite3://", "sqlite://"} {
		if strings.HasPrefix(p, prefix) {
			return strings.TrimPrefix(p, prefix)
		}
	}
	return p
}
