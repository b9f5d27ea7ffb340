package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
)

// TestMediaDatabaseRestoredFromReplica: a tenant's photos live in tenants/<slug>.media.db, which
// the shipped litestream.yml pattern replicates like the tenant file; after losing it,
// `highvibe restore --tenant S --media` brings back every byte.
func TestMediaDatabaseRestoredFromReplica(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	ctx := context.Background()
	photo, pdf := mediatest.JPEG(300, 200), mediatest.PDF()
	for _, f := range [][]byte{photo, pdf} {
		if _, err := e.Handlers.Media.Prepare(ctx, "acme", f, "x", true); err != nil {
			t.Fatal(err)
		}
	}
	mdb, err := e.Server.Mgr.Media(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, "tenants", "acme.media.db")
	if mdb.Path != path {
		t.Fatalf("media database at %s, want %s", mdb.Path, path)
	}
	if err := e.Server.Repl.Sync(ctx, path); err != nil {
		t.Fatalf("the media database is not replicated: %v", err)
	}
	want := tableCounts(t, path)
	if want["blobs"] != 3 { // photo, its thumbnail, the PDF
		t.Fatalf("blobs before: %v", want)
	}
	if _, err := os.Stat(filepath.Join(root, "backup", "tenants", "acme.media.db")); err != nil {
		t.Fatalf("no replica next to the tenant's: %v", err)
	}
	e.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(p)
	}
	out := mustCLI(t, data, "", "restore", "--tenant", "acme", "--media", "--litestream", cfg)
	if !strings.Contains(out, "acme.media.db") {
		t.Fatalf("restore said %q", out)
	}
	if got := tableCounts(t, path); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored media database differs:\n got  %v\n want %v", got, want)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b []byte
	if err := db.QueryRow(`SELECT data FROM blobs WHERE content_type = 'image/jpeg' AND size = ?`, len(photo)).Scan(&b); err != nil || !bytes.Equal(b, photo) {
		t.Fatalf("photo bytes not restored whole (%d bytes, %v)", len(b), err)
	}
	if code, _, errs := cli(t, data, "", "restore", "--media", "--platform", "--litestream", cfg); code == 0 || !strings.Contains(errs, "--media") {
		t.Fatalf("--media without --tenant: exit %d %q", code, errs)
	}
}
