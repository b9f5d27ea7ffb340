package ownership

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// ref is one table named by a SQL string in the Go source.
type ref struct {
	Pos   string // file:line, the file relative to app/
	Room  string // the package the SQL is in, relative to app/ ("app" for the root package)
	File  string // the file relative to app/
	Table string
	Write bool
	SQL   string // the statement, shortened, for the message
}

// scanDir reads every non-test Go file under root (app/) and returns the known tables its SQL
// strings name. Test files are left out: tests may arrange rows directly.
func scanDir(root string, known map[string]bool) ([]ref, error) {
	var refs []ref
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		src, err := readFile(p)
		if err != nil {
			return err
		}
		refs = append(refs, scanSource(filepath.ToSlash(rel), src, known)...)
		return nil
	})
	return refs, err
}

// roomOf is the package directory of a file relative to app/; the root package is "app".
func roomOf(file string) string {
	dir := path.Dir(file)
	if dir == "." {
		return "app"
	}
	return dir
}

// scanSource finds the string constants of one Go file (a literal, or a + chain of literals and
// other operands, read as one string) and the tables their SQL names.
func scanSource(file string, src []byte, known map[string]bool) []ref {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		// A file that does not parse does not build either; the compiler reports it.
		return nil
	}
	var refs []ref
	ast.Inspect(f, func(n ast.Node) bool {
		var s string
		switch e := n.(type) {
		case *ast.BinaryExpr:
			if e.Op != token.ADD || !hasStringLit(e) {
				return true
			}
			s = flatten(e)
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return true
			}
			s = unquote(e.Value)
		default:
			return true
		}
		for _, t := range tablesOf(s, known) {
			refs = append(refs, ref{
				Pos:   file + ":" + strconv.Itoa(fset.Position(n.Pos()).Line),
				Room:  roomOf(file),
				File:  file,
				Table: t.name,
				Write: t.write,
				SQL:   shorten(s),
			})
		}
		// A + chain was read whole; its parts are not read again.
		_, isBinary := n.(*ast.BinaryExpr)
		return !isBinary
	})
	return refs
}

func hasStringLit(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (hasStringLit(e.X) || hasStringLit(e.Y))
	case *ast.ParenExpr:
		return hasStringLit(e.X)
	}
	return false
}

// dynamic stands for an operand of a + chain that is not a literal (and for a %s or %v verb): a
// table named there is chosen at run time, which the check cannot see.
const dynamic = "__dynamic__"

// flatten joins a + chain; an operand that is not a literal becomes the word dynamic.
func flatten(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return unquote(e.Value)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return flatten(e.X) + flatten(e.Y)
		}
	case *ast.ParenExpr:
		return flatten(e.X)
	}
	return " " + dynamic + " "
}

func unquote(lit string) string {
	s, err := strconv.Unquote(lit)
	if err != nil {
		return lit
	}
	return s
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

type tableUse struct {
	name  string
	write bool
}

// tablesOf reads one string as SQL, tolerantly: it strips comments and quoted text, splits the
// rest into words and punctuation and looks at what follows FROM, JOIN, INTO, UPDATE and
// DELETE FROM. Only names in known count, so CTEs, aliases, table-valued functions and SQLite's
// own tables pass; a table chosen at run time (a non-literal operand or a %s there) comes back as
// "*". A string with no SQL verb or clause in it is not SQL and names nothing.
func tablesOf(s string, known map[string]bool) []tableUse {
	toks := tokenize(s)
	if !looksLikeSQL(toks) {
		return nil
	}
	var out []tableUse
	add := func(i int, write bool) {
		if i+1 < len(toks) && toks[i] == "%" && (toks[i+1] == "s" || toks[i+1] == "v") {
			toks[i] = dynamic
		}
		if i < len(toks) && toks[i] == dynamic {
			out = append(out, tableUse{"*", write})
			return
		}
		if i < len(toks) && known[strings.ToLower(toks[i])] {
			// A name followed by "(" after FROM is a function call, not a table, unless it is
			// INSERT INTO t(cols).
			if !write && i+1 < len(toks) && toks[i+1] == "(" {
				return
			}
			out = append(out, tableUse{strings.ToLower(toks[i]), write})
		}
	}
	for i := 0; i < len(toks); i++ {
		switch strings.ToUpper(toks[i]) {
		case "INTO":
			add(i+1, true)
		case "UPDATE":
			j := i + 1
			if j+1 < len(toks) && strings.EqualFold(toks[j], "OR") {
				j += 2 // UPDATE OR IGNORE t
			}
			add(j, true) // "DO UPDATE SET" names no table: SET is not one
		case "DELETE":
			if i+2 < len(toks) && strings.EqualFold(toks[i+1], "FROM") {
				add(i+2, true)
				i++
			}
		case "JOIN":
			add(i+1, false)
		case "FROM":
			// FROM a [AS] [x], b [AS] [y] ...
			j := i + 1
			for j < len(toks) {
				add(j, false)
				j++
				if j < len(toks) && strings.EqualFold(toks[j], "AS") {
					j++
				}
				if j < len(toks) && isWord(toks[j]) && !sqlKeyword[strings.ToUpper(toks[j])] {
					j++ // alias
				}
				if j < len(toks) && toks[j] == "," {
					j++
					continue
				}
				break
			}
		}
	}
	return out
}

// looksLikeSQL: an SQL verb, or a fragment that starts with a clause a query is built from.
func looksLikeSQL(toks []string) bool {
	if len(toks) == 0 {
		return false
	}
	switch strings.ToUpper(toks[0]) {
	case "FROM", "JOIN", "LEFT", "INNER", "CROSS", "WHERE", "AND", "OR", "UNION", "WITH", "SELECT",
		"INSERT", "UPDATE", "DELETE", "REPLACE", ",", "(", ")":
		return true
	}
	for _, t := range toks {
		switch t { // verbs as the source writes them: upper case
		case "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE":
			return true
		}
	}
	return false
}

var sqlKeyword = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`WHERE JOIN LEFT RIGHT FULL INNER OUTER CROSS NATURAL ON USING
		GROUP ORDER LIMIT OFFSET HAVING UNION EXCEPT INTERSECT WINDOW SET VALUES RETURNING INDEXED
		NOT AND OR AS SELECT FROM`) {
		sqlKeyword[k] = true
	}
}

func isWord(t string) bool {
	if t == "" {
		return false
	}
	c := t[0]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// tokenize splits SQL into words (identifiers, keywords, "quoted" identifiers unquoted) and
// single punctuation characters; comments, 'string literals', numbers and spaces are dropped.
func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += end + 4
			}
		case c == '\'':
			i++
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
		case c == '"' || c == '`' || c == '[':
			end := byte('"')
			if c == '`' {
				end = '`'
			} else if c == '[' {
				end = ']'
			}
			j := strings.IndexByte(s[i+1:], end)
			if j < 0 {
				i = len(s)
				continue
			}
			toks = append(toks, strings.TrimSpace(s[i+1:i+1+j]))
			i += j + 2
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c >= '0' && c <= '9':
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks
}
