package i18n

import (
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	scenarios := []struct {
		name                 string
		user, tenant, accept string
		want                 string
	}{
		{"nothing", "", "", "", "en"},
		{"user choice wins", "de", "tr", "fr", "de"},
		{"user choice with region", "tr-TR", "", "", "tr"},
		{"user choice upper case", " AR ", "", "", "ar"},
		{"unsupported user choice falls through", "ja", "tr", "de", "tr"},
		{"tenant locale", "", "es", "fr", "es"},
		{"tenant locale with underscore region", "", "fr_CA", "", "fr"},
		{"garbage tenant locale", "", "<script>", "de-DE", "de"},
		{"accept language", "", "", "de-DE,de;q=0.9,en;q=0.8", "de"},
		{"region stripped", "", "", "tr-TR", "tr"},
		{"q-values honoured", "", "", "en;q=0.5, fr;q=0.9, tr;q=0.7", "fr"},
		{"first wins on equal q", "", "", "es;q=0.8, de;q=0.8", "es"},
		{"unsupported skipped", "", "", "ja, zh-CN;q=0.9, ar;q=0.1", "ar"},
		{"q=0 means not acceptable", "", "", "tr;q=0, de;q=0.1", "de"},
		{"only refused", "", "", "tr;q=0", "en"},
		{"malformed q ignored", "", "", "tr;q=abc, es;q=0.3", "es"},
		{"q out of range ignored", "", "", "tr;q=2, es;q=0.3", "es"},
		{"NaN q ignored", "", "", "tr;q=NaN, es;q=0.3", "es"},
		{"spaces and case", "", "", "  FR-fr ; Q=0.4 ,  de ; q=0.2", "fr"},
		{"wildcard", "", "", "*", "en"},
		{"other params", "", "", "de;level=1;q=0.4, tr;q=0.3", "de"},
		{"empty parts", "", "", ",,;,tr", "tr"},
		{"huge header", "", "", strings.Repeat("ja,", 5000) + "tr", "en"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := Negotiate(s.user, s.tenant, s.accept); got != s.want {
				t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", s.user, s.tenant, s.accept, got, s.want)
			}
		})
	}
}

// FuzzNegotiate: Accept-Language is outside input; whatever arrives, the answer is a
// supported language and nothing panics.
func FuzzNegotiate(f *testing.F) {
	for _, seed := range []string{"", "tr-TR,tr;q=0.9", "de;q=abc", "*;q=0.1", ";;;,,,q=", "ar;q=1.0000000001"} {
		f.Add("", "", seed)
	}
	f.Add("tr", "xx", "en")
	f.Fuzz(func(t *testing.T, user, tenant, accept string) {
		if got := Negotiate(user, tenant, accept); !Supported(got) {
			t.Fatalf("Negotiate(%q, %q, %q) = %q, not a supported language", user, tenant, accept, got)
		}
	})
}

func TestSupportedDirName(t *testing.T) {
	scenarios := []struct {
		lang      string
		supported bool
		dir       string
		name      string
	}{
		{"en", true, "ltr", "English"},
		{"tr", true, "ltr", "Türkçe"},
		{"de", true, "ltr", "Deutsch"},
		{"fr", true, "ltr", "Français"},
		{"es", true, "ltr", "Español"},
		{"ar", true, "rtl", "العربية"},
		{"ar-SA", false, "rtl", "ar-SA"},
		{"TR", false, "ltr", "TR"},
		{"", false, "ltr", ""},
		{"xx", false, "ltr", "xx"},
	}
	for _, s := range scenarios {
		if got := Supported(s.lang); got != s.supported {
			t.Errorf("Supported(%q) = %v, want %v", s.lang, got, s.supported)
		}
		if got := Dir(s.lang); got != s.dir {
			t.Errorf("Dir(%q) = %q, want %q", s.lang, got, s.dir)
		}
		if got := LangName(s.lang); got != s.name {
			t.Errorf("LangName(%q) = %q, want %q", s.lang, got, s.name)
		}
	}
	for _, lang := range Langs {
		if !Supported(lang) {
			t.Errorf("Langs lists %q but Supported says no", lang)
		}
	}
}
