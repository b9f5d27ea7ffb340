package web

import "testing"

// TestParseBaseURL: only scheme and host (and port) pass, normalised; anything that would build
// broken or misleading links is refused with a reason.
func TestParseBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"https://panel.example.com":      "https://panel.example.com",
		"  https://Panel.Example.com/  ": "https://panel.example.com",
		"http://10.0.0.5:8080":           "http://10.0.0.5:8080",
		"https://[2001:db8::1]:8443/":    "https://[2001:db8::1]:8443",
	} {
		if got, err := ParseBaseURL(in); err != nil || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"panel.example.com", "ftp://panel.example.com", "https://", "https://panel.example.com/app/",
		"https://panel.example.com?x=1", "https://panel.example.com/#top", "https://user:pw@panel.example.com", "https://panel.example.com:99999",
		"javascript:alert(1)", "//panel.example.com"} {
		if got, err := ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q) = %q, want an error", bad, got)
		}
	}
}
