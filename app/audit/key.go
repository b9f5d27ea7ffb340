package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"highvibe/app/tenantdb"
)

// KeyDir is the folder of the data directory that holds one audit key file per tenant. Litestream
// replicates databases only, so this folder needs a backup of its own (the guide says so).
const KeyDir = "audit-keys"

// KeyPath is where the audit key of the tenant file at dbPath (DATA/tenants/<slug>.db) lives:
// DATA/audit-keys/<slug>.key — beside the tenant files, never inside them.
func KeyPath(dbPath string) string {
	slug := strings.TrimSuffix(filepath.Base(dbPath), ".db")
	return filepath.Join(filepath.Dir(filepath.Dir(dbPath)), KeyDir, slug+".key")
}

// key is one generation of a tenant's audit key.
type key struct {
	gen    int64
	secret []byte
}

// keyRing is the content of a key file: every generation ever made, oldest first. Rotation adds a
// generation and keeps the old ones, so rows written under them still verify.
type keyRing []key

func (kr keyRing) get(gen int64) []byte {
	for _, k := range kr {
		if k.gen == gen {
			return k.secret
		}
	}
	return nil
}

func (kr keyRing) newest() key { return kr[len(kr)-1] }

// ErrKeyMissing says the key a keyed row needs is not where it should be. It is not evidence of
// tampering by itself (the file may simply not have been restored), but without the key the keyed
// rows cannot be checked and no keyed row can be added.
type ErrKeyMissing struct {
	Path string
	Gen  int64 // the generation a row needs
	Row  int64 // the first row that needs it (0: the newest row, when writing)
	Have int64 // the newest generation the file holds; 0 when the file is absent
}

func (e *ErrKeyMissing) Error() string {
	row := "the newest row"
	if e.Row > 0 {
		row = fmt.Sprintf("row %d", e.Row)
	}
	if e.Have == 0 {
		return fmt.Sprintf("audit: the audit key file %s is missing, but %s was written with generation %d of it: copy the file back from your backup of %s/ (without it the keyed rows cannot be checked and no change can be logged)",
			e.Path, row, e.Gen, KeyDir)
	}
	return fmt.Sprintf("audit: the audit key file %s holds generations up to %d, but %s was written with generation %d: put back the key file from your backup of %s/ (or the row was forged)",
		e.Path, e.Have, row, e.Gen, KeyDir)
}

// loadKeys reads a key file; a missing file is fs.ErrNotExist (wrapped).
func loadKeys(path string) (keyRing, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: key: %w", err)
	}
	var kr keyRing
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, h, ok := strings.Cut(line, " ")
		gen, err1 := strconv.ParseInt(g, 10, 64)
		secret, err2 := hex.DecodeString(strings.TrimSpace(h))
		if !ok || err1 != nil || err2 != nil || gen < 1 || len(secret) != 32 || (len(kr) > 0 && gen <= kr.newest().gen) {
			return nil, fmt.Errorf("audit: key file %s line %d is not \"GENERATION HEX-KEY\" (32 bytes, generations increasing)", path, n)
		}
		kr = append(kr, key{gen, secret})
	}
	if len(kr) == 0 {
		return nil, fmt.Errorf("audit: key file %s holds no key", path)
	}
	return kr, nil
}

const keyFileHeader = "# HighVibe audit key of one tenant: GENERATION HEX-KEY per line, oldest first.\n" +
	"# Keep a copy off this machine (Litestream does not replicate it) and never edit the lines.\n"

func formatKeys(kr keyRing) []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	for _, k := range kr {
		fmt.Fprintf(&b, "%d %s\n", k.gen, hex.EncodeToString(k.secret))
	}
	return b.Bytes()
}

// newKey draws a fresh 32-byte secret.
func newKey(gen int64) key {
	s := make([]byte, 32)
	_, _ = rand.Read(s) // crypto/rand.Read never fails on supported platforms
	return key{gen, s}
}

// writeKeys puts kr at path atomically with mode 0600 (folder 0700). With exclusive set it fails
// with fs.ErrExist when the file is already there, so two processes that both find no key cannot
// end up with two different ones.
func writeKeys(path string, kr keyRing, exclusive bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("audit: key dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return fmt.Errorf("audit: key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: key: %w", err)
	}
	if _, err := tmp.Write(formatKeys(kr)); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("audit: key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("audit: key: %w", err)
	}
	if exclusive {
		err = os.Link(tmp.Name(), path)
	} else {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("audit: key: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// keysForWrite returns the key ring a new row is written with. headGen is the key generation of
// the newest row (0: none, or a row from before keying). The file is created on first use — but
// only then: when keyed rows exist and the file is gone, writing would start a chain nobody can
// check, so it fails instead.
func keysForWrite(path string, headGen int64) (keyRing, error) {
	kr, err := loadKeys(path)
	if errors.Is(err, fs.ErrNotExist) {
		if headGen > 0 {
			return nil, &ErrKeyMissing{Path: path, Gen: headGen}
		}
		if err := writeKeys(path, keyRing{newKey(1)}, true); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		kr, err = loadKeys(path)
	}
	if err != nil {
		return nil, err
	}
	if have := kr.newest().gen; have < headGen {
		return nil, &ErrKeyMissing{Path: path, Gen: headGen, Have: have}
	}
	return kr, nil
}

// RotateKey adds a new generation to the tenant's key file (creating the file when it is gone),
// so rows from now on are keyed with a secret nobody has seen. The old generations stay in the file:
// rows written under them still verify. minGen is the highest generation the chain already uses,
// so a lost file never reuses a generation number. It returns the new generation.
func RotateKey(path string, minGen int64) (int64, error) {
	kr, err := loadKeys(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	gen := minGen + 1
	if len(kr) > 0 {
		gen = max(gen, kr.newest().gen+1)
	}
	kr = append(kr, newKey(gen))
	if err := writeKeys(path, kr, false); err != nil {
		return 0, err
	}
	return gen, nil
}

// RotateTenantKey adds a key generation for the tenant of db (see RotateKey) and logs the rotation
// as the first row keyed with it. It returns the new generation and the key file's path.
func RotateTenantKey(ctx context.Context, db *tenantdb.DB, actor string) (int64, string, error) {
	var used int64
	if err := db.Read.QueryRowContext(ctx, `SELECT COALESCE(max(key_version), 0) FROM action_logs`).Scan(&used); err != nil {
		return 0, "", fmt.Errorf("audit: key generations in use: %w", err)
	}
	path := KeyPath(db.Path)
	gen, err := RotateKey(path, used)
	if err != nil {
		return 0, path, err
	}
	err = Log(ctx, db, Entry{Provider: "settings", ActionType: "audit_key_rotated", Summary: fmt.Sprintf("audit key generation %d started", gen),
		ModelName: "human-review", ActorName: actor, Payload: map[string]any{"generation": gen}})
	return gen, path, err
}
