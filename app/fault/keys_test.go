package fault_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/i18n"
)

// keyArg says which argument of a fault constructor is the catalog key.
var keyArg = map[string]int{
	"NotFound": 0, "Conflict": 0, "Malformed": 0, "Unauthorized": 0, "Forbidden": 0, "TooLarge": 0,
	"RateLimited": 0, "Unavailable": 0, "New": 1, "InvalidField": 1, "Sentinel": 1,
}

// TestEveryFaultKeyIsInTheCatalogs: every message key written as a literal in a fault error
// anywhere in the application (constructors, sentinels, field errors, Key: fields) exists in the
// English catalog — and i18n's own test requires every English key in all six languages — so
// an error can never reach a person as a raw key.
func TestEveryFaultKeyIsInTheCatalogs(t *testing.T) {
	en := i18n.For("en")
	seen := 0
	check := func(fset *token.FileSet, e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		key, err := strconv.Unquote(lit.Value)
		if err != nil || key == "" {
			return
		}
		seen++
		if !en.Has(key) {
			t.Errorf("%s: fault key %q is in no catalog", fset.Position(lit.Pos()), key)
		}
	}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		faultName := ""
		for _, im := range f.Imports {
			if im.Path.Value == `"highvibe/app/fault"` {
				faultName = "fault"
				if im.Name != nil {
					faultName = im.Name.Name
				}
			}
		}
		if f.Name.Name == "fault" {
			return nil // the package itself only passes keys through
		}
		if faultName == "" {
			return nil
		}
		// Names declared as fault.Fields (var f fault.Fields) in this file: their Add takes a key.
		fields := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				if s, ok := vs.Type.(*ast.SelectorExpr); ok && s.Sel.Name == "Fields" {
					if pkg, ok := s.X.(*ast.Ident); ok && pkg.Name == faultName {
						for _, id := range vs.Names {
							fields[id.Name] = true
						}
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == faultName {
					if i, ok := keyArg[sel.Sel.Name]; ok && i < len(x.Args) {
						check(fset, x.Args[i])
					}
					return true
				}
				if recv, ok := sel.X.(*ast.Ident); ok && fields[recv.Name] && sel.Sel.Name == "Add" && len(x.Args) >= 2 {
					check(fset, x.Args[1])
				}
			case *ast.CompositeLit:
				if s, ok := x.Type.(*ast.SelectorExpr); ok {
					if pkg, ok := s.X.(*ast.Ident); ok && pkg.Name == faultName && (s.Sel.Name == "Error" || s.Sel.Name == "FieldError") {
						for _, el := range x.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Key" {
									check(fset, kv.Value)
								}
							}
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 20 {
		t.Fatalf("found only %d fault keys in the source; the scan is broken", seen)
	}
	t.Logf("%d fault keys checked", seen)
}
