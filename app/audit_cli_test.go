package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// runCLI drives the real command line in-process.
func runCLI(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := app.Main(context.Background(), append([]string{"highvibe"}, args...), strings.NewReader(""), &out, &errw)
	return code, out.String(), errw.String()
}

func TestAuditVerifyCLI(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name   string
		tamper []string
		code   int
		want   string // on stdout when 0, on stderr otherwise
	}{
		{"untouched", nil, 0, "intact: 13 rows verified"},
		{"altered text", []string{`UPDATE action_logs SET decision_summary = 'all fine' WHERE id = 6`}, 1, "row 6"},
		{"middle row deleted", []string{`DELETE FROM action_logs WHERE id = 9`}, 1, "row 9"},
		{"newest row deleted", []string{`DELETE FROM action_logs WHERE id = 13`}, 1, "row 13"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dir := t.TempDir()
			if code, _, stderr := runCLI("tenant", "create", "--data", dir, "--slug", "acme", "--name", "Acme"); code != 0 {
				t.Fatalf("tenant create: %d %s", code, stderr)
			}
			m, err := tenantdb.NewManager(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			db, err := m.Tenant(context.Background(), "acme")
			if err != nil {
				t.Fatal(err)
			}
			var before int
			_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs`).Scan(&before)
			for i := before; i < 13; i++ {
				if err := audit.Log(context.Background(), db, audit.Entry{Provider: "approval_queue", ActionType: "approve",
					Summary: fmt.Sprintf("approved %d", i), ModelName: "human-review"}); err != nil {
					t.Fatal(err)
				}
			}
			if len(sc.tamper) > 0 {
				for _, q := range append([]string{`DROP TRIGGER action_logs_no_update`, `DROP TRIGGER action_logs_no_delete`}, sc.tamper...) {
					if _, err := db.Write.Exec(q); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI("audit", "verify", "--data", dir, "--tenant", "acme")
			if code != sc.code {
				t.Fatalf("exit %d, want %d (out %q err %q)", code, sc.code, stdout, stderr)
			}
			got := stdout
			if sc.code != 0 {
				got = stderr
			}
			if !strings.Contains(got, sc.want) {
				t.Fatalf("output %q lacks %q", got, sc.want)
			}
		})
	}
	if code, _, _ := runCLI("audit", "verify", "--data", t.TempDir()); code != 2 {
		t.Fatalf("missing --tenant: exit %d, want 2", code)
	}
	if code, _, _ := runCLI("audit", "verify", "--data", t.TempDir(), "--tenant", "nobody"); code != 2 {
		t.Fatalf("unknown tenant: exit %d, want 2", code)
	}
}
