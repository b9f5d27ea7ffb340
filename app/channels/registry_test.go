package channels_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/channels"
	"highvibe/app/channels/channel"
	"highvibe/app/inbox"
	"highvibe/app/logs"
)

// TestChannelListsComeFromRegistry reads every Go file of the application outside the channel
// folders and fails on a channel list written by hand: a slice or map literal naming two or more
// channels, a switch case on a channel, or a comparison of a channel with a channel name. Such
// lists are how "does this channel need delivery" came to be decided in three places; they must
// ask the registry (channels.Registry) instead.
func TestChannelListsComeFromRegistry(t *testing.T) {
	names := channels.Registry().Names()
	isName := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil && slices.Contains(names, s)
	}
	// aboutChannel says whether an expression reads a channel: x.Channel, channel, ch.
	aboutChannel := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			return strings.Contains(strings.ToLower(x.Sel.Name), "channel")
		case *ast.Ident:
			return strings.Contains(strings.ToLower(x.Name), "channel") || x.Name == "ch"
		}
		return false
	}
	root := filepath.Join("..")
	var checked int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "channels" { // the channel folders and the registry itself
				return filepath.SkipDir
			}
			return nil
		}
		base := filepath.Base(path)
		// Demo data seeds fixed scenarios on named channels on purpose (a story, not a list of
		// channels); tests name channels to drive them.
		if !strings.HasSuffix(base, ".go") || strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "demo") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				var found []string
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						el = kv.Key
					}
					if s, ok := isName(el); ok && !slices.Contains(found, s) {
						found = append(found, s)
					}
				}
				if len(found) >= 2 {
					t.Errorf("%s: a hand-written channel list %v: derive it from channels.Registry()", fset.Position(x.Pos()), found)
				}
			case *ast.SwitchStmt:
				if x.Tag == nil || !aboutChannel(x.Tag) {
					return true
				}
				for _, st := range x.Body.List {
					for _, e := range st.(*ast.CaseClause).List {
						if s, ok := isName(e); ok {
							t.Errorf("%s: switch on a channel with case %q: ask the registry for the channel's facts", fset.Position(e.Pos()), s)
						}
					}
				}
			case *ast.BinaryExpr:
				if x.Op != token.EQL && x.Op != token.NEQ {
					return true
				}
				if s, ok := isName(x.Y); ok && aboutChannel(x.X) {
					t.Errorf("%s: channel compared with %q: ask the registry for the channel's facts", fset.Position(x.Pos()), s)
				}
				if s, ok := isName(x.X); ok && aboutChannel(x.Y) {
					t.Errorf("%s: channel compared with %q: ask the registry for the channel's facts", fset.Position(x.Pos()), s)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d Go files checked: the walk is not reading the application", checked)
	}
}

// TestRegistryMatchesSchemaAndLists checks what derives from the registry: the schema's CHECK on
// conversations.channel and messages.channel (newest migration that defines it), the inbox's
// lead sources, the action-log filter's providers, and each channel's settings and catalog label.
func TestRegistryMatchesSchemaAndLists(t *testing.T) {
	reg := channels.Registry()
	names := reg.Names()
	files, err := filepath.Glob(filepath.Join("..", "..", "schema", "tenant", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tenant migrations found: %v", err)
	}
	slices.Sort(files)
	check := regexp.MustCompile(`channel\s+TEXT NOT NULL CHECK \(channel IN \(([^)]*)\)\)`)
	table := regexp.MustCompile(`CREATE TABLE (\w+)`)
	var last []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, at := range check.FindAllStringSubmatchIndex(text, -1) {
			// Only the conversation tables' column counts (another room may keep a column named
			// channel with its own values, e.g. where a conversion was captured).
			tables := table.FindAllStringSubmatch(text[:at[0]], -1)
			if len(tables) == 0 || !slices.Contains([]string{"conversations", "messages"}, strings.TrimSuffix(tables[len(tables)-1][1], "_new")) {
				continue
			}
			m := []string{text[at[0]:at[1]], text[at[2]:at[3]]}
			last = nil
			for _, q := range strings.Split(m[1], ",") {
				last = append(last, strings.Trim(strings.TrimSpace(q), "'"))
			}
		}
	}
	if !sameSet(last, names) {
		t.Errorf("schema CHECK allows channels %v, the registry has %v: add a migration", last, names)
	}
	src := inbox.LeadSources(reg)
	for _, n := range names {
		if !slices.Contains(src, n) {
			t.Errorf("lead sources %v miss channel %q", src, n)
		}
	}
	prov := logs.Providers(reg)
	for _, c := range reg.All() {
		i := c.Info()
		if !slices.Contains(prov, i.Provider) {
			t.Errorf("action-log filter %v misses %q's provider %q", prov, i.Name, i.Provider)
		}
		if i.Outbound == channel.Deliver {
			if _, ok := c.(channel.Sender); !ok {
				t.Errorf("channel %q delivers replies but has no Send", i.Name)
			}
			if !slices.Contains(prov, i.Name) {
				t.Errorf("action-log filter %v misses %q's deliveries", prov, i.Name)
			}
		}
		if i.Label() != "inbox.channel."+i.Name {
			t.Errorf("channel %q label key %q", i.Name, i.Label())
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
