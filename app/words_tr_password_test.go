package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTurkishSaysSifreForPassword: the Turkish panel and guide called a password "Şifre" on the
// sign-in page and "Parola" on the profile, the e-mail settings and most guide pages, so an owner
// told to change their "parola" looked for a word the sign-in page never used. Turkish says "şifre"
// (the word people use) everywhere; "parola" appears in no Turkish catalog or guide page.
func TestTurkishSaysSifreForPassword(t *testing.T) {
	t.Parallel()
	parola := regexp.MustCompile(`(?i)\bparola`)
	var files []string
	for _, pattern := range []string{"i18n/locales/tr/*.json", "../guide/tr/*.md"} {
		m, err := filepath.Glob(pattern)
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: %v (%d files)", pattern, err, len(m))
		}
		files = append(files, m...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(parola.FindAll(b, -1)); n > 0 {
			t.Errorf("%s says \"parola\" %d times; Turkish says \"şifre\"", f, n)
		}
	}
}
