package app_test

import (
	"strings"
	"testing"
)

// TestNicheListNamesBuiltIns: `highvibe niche list` is where an installer looks up the --niche
// of `tenant create`; it showed "-" as the name of every built-in niche, so parke_tas or kadin_koc
// said nothing of the business they fit. Each built-in niche now has the name the panel shows an
// English reader.
func TestNicheListNamesBuiltIns(t *testing.T) {
	t.Parallel()
	out := mustCLI(t, t.TempDir(), "", "niche", "list")
	for id, name := range map[string]string{"parke_tas": "Stone and block paving", "kadin_koc": "Women's coach", "cicekci": "Florist", "default": "General service business"} {
		var line string
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] == id {
				line = l
			}
		}
		if !strings.Contains(line, name) {
			t.Errorf("niche list: the %s line %q does not name it %q:\n%s", id, line, name, out)
		}
	}
}
