package app_test

import (
	"strings"
	"testing"

	"highvibe/app"
)

// TestMediaFilesCountSaysItsNumber: the settings page's photos-and-files card counts the kept
// files in each language's plural form; the demo keeps none, which Arabic once showed as
// "0 ملفات محفوظة" (the form for three to ten).
func TestMediaFilesCountSaysItsNumber(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	c := e.Client()
	c.Login(app.DemoUser, pw)
	for lang, want := range map[string]string{"ar": "لا ملفات محفوظة", "en": "0 files kept", "tr": "0 dosya saklanıyor", "de": "0 Dateien gespeichert", "fr": "0 fichier conservé", "es": "0 archivos guardados"} {
		r := c.Get("/app/settings/?lang=" + lang)
		if r.StatusCode != 200 {
			t.Fatalf("%s: settings page: %d", lang, r.StatusCode)
		}
		if got := strings.TrimSpace(r.Doc(t).Find("#media p").First().Find("span").Eq(1).Text()); got != want {
			t.Errorf("%s: the kept files read %q, want %q", lang, got, want)
		}
	}
}
