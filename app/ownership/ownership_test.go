package ownership

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

// knownTables is the set of table names Tables declares.
func knownTables() map[string]bool {
	m := map[string]bool{}
	for _, t := range Tables {
		m[t.Name] = true
	}
	return m
}

// violations returns what breaks the ownership rule among refs, one message each.
func violations(refs []ref) []string {
	var out []string
	for _, r := range refs {
		if r.Table == "*" {
			if r.Write || !mayRead(r.File, "*") {
				out = append(out, fmt.Sprintf("%s: %s names its table at run time, so its owner cannot be checked (write one query per table): %s",
					r.Pos, r.Room, r.SQL))
			}
			continue
		}
		owner := Owner(r.Table)
		if owner == "" || owner == r.Room {
			continue
		}
		if r.Write {
			out = append(out, fmt.Sprintf("%s: %s writes %s, a table of %s (call a function of %s instead): %s",
				r.Pos, r.Room, r.Table, owner, owner, r.SQL))
			continue
		}
		if !mayRead(r.File, r.Table) {
			out = append(out, fmt.Sprintf("%s: %s reads %s, a table of %s, outside a declared read model (call a function of %s, or declare the read model in ownership.go): %s",
				r.Pos, r.Room, r.Table, owner, owner, r.SQL))
		}
	}
	sort.Strings(out)
	return out
}

// mayRead reports whether a declared read model covers file and lists table.
func mayRead(file, table string) bool {
	for _, m := range ReadModels {
		if file != m.Path && !strings.HasPrefix(file, m.Path+"/") {
			continue
		}
		if strings.HasSuffix(m.Path, ".go") && file != m.Path {
			continue
		}
		// A package read model covers its own files only, not sub-packages.
		if !strings.HasSuffix(m.Path, ".go") && roomOf(file) != m.Path {
			continue
		}
		for _, t := range m.Tables {
			if t == table || t == "*" {
				return true
			}
		}
	}
	return false
}

// TestSQLStaysInItsRoom reads the SQL in every Go file under app/ and fails on any write to a
// table another room owns and on any read of one outside a declared read model.
func TestSQLStaysInItsRoom(t *testing.T) {
	refs, err := scanDir("..", knownTables())
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 100 {
		t.Fatalf("found only %d table references in the source; the scanner is broken", len(refs))
	}
	for _, v := range violations(refs) {
		t.Error(v)
	}
	// A declared read that nothing does any more is a door left open: it must go.
	for _, m := range ReadModels {
		for _, tb := range m.Tables {
			used := tb == "*"
			for _, r := range refs {
				if r.Table == tb && !r.Write && Owner(tb) != r.Room && (r.File == m.Path || r.Room == m.Path) {
					used = true
				}
			}
			if !used {
				t.Errorf("read model %s declares %s but never reads it: remove it from ownership.go", m.Path, tb)
			}
		}
	}
}

// TestOwnershipCheckCatchesViolations feeds the same scanner and rule fake source files, so the
// check above is known to fail when someone breaks the rule.
func TestOwnershipCheckCatchesViolations(t *testing.T) {
	scenarios := []struct {
		name string
		file string // relative to app/
		src  string
		want []string // substrings of the violations, in order; none: clean
	}{
		{
			name: "another room inserts leads",
			file: "channels/api/import_store.go",
			src:  "package api\nconst q = `INSERT INTO leads(name, source) VALUES (?, 'import')`\n",
			want: []string{"channels/api writes leads, a table of inbox"},
		},
		{
			name: "another room updates messages, keyword case and OR IGNORE",
			file: "channels/whatsapp/store.go",
			src:  "package whatsapp\nfunc f() { db.Exec(\"update or ignore messages SET annotations = ? WHERE id = ?\") }\n",
			want: []string{"channels/whatsapp writes messages, a table of inbox"},
		},
		{
			name: "delete built from a + chain",
			file: "crm/x.go",
			src:  "package crm\nfunc f(w string) { db.Exec(\"DELETE \" + \"FROM conversation_tags WHERE \" + w) }\n",
			want: []string{"crm writes conversation_tags, a table of inbox"},
		},
		{
			name: "the root package seeds another room's table",
			file: "demo_data.go",
			src:  "package app\nconst q = `INSERT OR IGNORE INTO products(sku) VALUES (?)`\n",
			want: []string{"app writes products, a table of crm"},
		},
		{
			name: "read outside a read model, by join and by comma",
			file: "crm/lists.go",
			src:  "package crm\nconst q = `SELECT c.id FROM customers c JOIN conversations v ON v.customer_id = c.id`\nconst r = `SELECT 1 FROM customers AS c, jobs j`\n",
			want: []string{"crm reads conversations, a table of inbox", "crm reads jobs, a table of jobs"},
		},
		{
			name: "read model reads a table it did not declare",
			file: "dashboard/store.go",
			src:  "package dashboard\nconst q = `SELECT count(*) FROM invoices`\n",
			want: []string{"dashboard reads invoices, a table of crm, outside a declared read model"},
		},
		{
			name: "read model file does not cover its neighbours",
			file: "channels/api/import_store.go",
			src:  "package api\nconst q = `SELECT id FROM leads WHERE external_id = ?`\n",
			want: []string{"channels/api reads leads, a table of inbox, outside"},
		},
		{
			name: "a table chosen at run time, by + and by %s",
			file: "crm/records.go",
			src:  "package crm\nfunc f(table string) { db.Query(`SELECT count(*) FROM `+table+` WHERE id = ?`); db.Exec(fmt.Sprintf(\"DELETE FROM %s\", table)) }\n",
			want: []string{"crm names its table at run time", "crm names its table at run time"},
		},
		{
			name: "the backup check may count every table, quoted",
			file: "tenantdb/replica/check.go",
			src:  "package replica\nfunc f(n string) { db.Query(`SELECT count(*) FROM \"`+n+`\"`) }\n",
		},
		{
			name: "read model may read what it declares",
			file: "dashboard/store.go",
			src:  "package dashboard\nconst q = `SELECT count(*) FROM conversations WHERE handoff_required = 1`\n",
		},
		{
			name: "read model never writes",
			file: "analytics/x.go",
			src:  "package analytics\nconst q = `UPDATE decision_recommendations SET status = 'executed'`\n",
			want: []string{"analytics writes decision_recommendations, a table of approvals"},
		},
		{
			name: "the owner does as it likes; upserts, functions, comments and prose are no tables",
			file: "inbox/store.go",
			src: "package inbox\nconst q = `INSERT INTO leads(name) VALUES (?) ON CONFLICT(external_id) DO UPDATE SET name = excluded.name`\n" +
				"const r = `SELECT value FROM json_each(?) -- FROM jobs\n WHERE 1`\n" +
				"const s = \"read the leads from jobs and customers\"\n" +
				"const u = `SELECT 'FROM jobs' FROM messages`\n",
		},
	}
	known := knownTables()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got := violations(scanSource(sc.file, []byte(sc.src), known))
			if len(got) != len(sc.want) {
				t.Fatalf("got %d violations, want %d:\n%s", len(got), len(sc.want), strings.Join(got, "\n"))
			}
			for i, w := range sc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("violation %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// schemaTables reads the tables the Up sections of schema/<db>/*.sql leave behind.
func schemaTables(t *testing.T, db string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "schema", db, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations for %s: %v", db, err)
	}
	sort.Strings(files)
	create := regexp.MustCompile(`(?i)^\s*CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)`)
	drop := regexp.MustCompile(`(?i)^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?(\w+)`)
	tables := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		up := string(b)
		if i := strings.Index(up, "-- +goose Down"); i >= 0 {
			up = up[:i]
		}
		for _, line := range strings.Split(up, "\n") {
			if m := create.FindStringSubmatch(line); m != nil {
				tables[strings.ToLower(m[1])] = true
			}
			if m := drop.FindStringSubmatch(line); m != nil {
				delete(tables, strings.ToLower(m[1]))
			}
		}
	}
	return tables
}

// TestEveryTableHasOneOwner checks Tables against the migrations: every table of both schemas
// is listed exactly once, under its database, with a room that exists.
func TestEveryTableHasOneOwner(t *testing.T) {
	seen := map[string]bool{}
	for _, tb := range Tables {
		if seen[tb.Name] {
			t.Errorf("table %s is listed twice", tb.Name)
		}
		seen[tb.Name] = true
		if fi, err := os.Stat(filepath.Join("..", filepath.FromSlash(tb.Room))); err != nil || !fi.IsDir() {
			t.Errorf("table %s: owner %q is not a package under app/", tb.Name, tb.Room)
		}
	}
	for _, db := range []string{"tenant", "platform", "media"} {
		inSchema := schemaTables(t, db)
		if len(inSchema) < 2 {
			t.Fatalf("read only %d tables from schema/%s; the reader is broken", len(inSchema), db)
		}
		for name := range inSchema {
			if Owner(name) == "" {
				t.Errorf("table %s (schema/%s) has no owner in ownership.go", name, db)
			}
		}
		for _, tb := range Tables {
			if tb.DB == db && !inSchema[tb.Name] {
				t.Errorf("ownership.go lists %s under %s, but schema/%s does not create it", tb.Name, db, db)
			}
		}
	}
	for _, m := range ReadModels {
		if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(m.Path))); err != nil {
			t.Errorf("read model %s: %v", m.Path, err)
		}
		for _, tb := range m.Tables {
			if tb != "*" && Owner(tb) == "" {
				t.Errorf("read model %s lists %s, which is no table", m.Path, tb)
			}
		}
	}
}

// TestREADMEOwnership: the README's architecture section shows the ownership as this package
// declares it (between the ownership markers), so the picture cannot drift from the rule.
func TestREADMEOwnership(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- ownership: generated from app/ownership (TestREADMEOwnership) -->\n", "<!-- /ownership -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", strings.TrimSpace(begin), end)
	}
	if got, want := s[i+len(begin):j], "\n"+Markdown()+"\n"; got != want {
		t.Errorf("README.md's ownership tables differ from app/ownership; replace the block with:\n%s", want)
	}
}
