package notify_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/notify"
)

// TestQuietHoursSameStartAndEndRefused: quiet hours 22:00–22:00 were saved without a word and
// meant "none"; they are refused with what to do, in the reader's language, and nothing is
// stored. Both at 00:00 stays the way to have none.
func TestQuietHoursSameStartAndEndRefused(t *testing.T) {
	tm := newTeam(t)
	for _, tc := range []struct{ lang, want string }{
		{"en", "Quiet hours from 22:00 to 22:00 would silence nothing"},
		{"tr", "22:00 ile 22:00 arası sessiz saat hiçbir şeyi sessize almaz"},
	} {
		r := tm.oscar.Post("/app/notifications/settings?lang="+tc.lang, url.Values{"quiet_start": {"22:00"}, "quiet_end": {"22:00"}, "push_handoff": {"1"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(r.Body), tc.want) {
			t.Errorf("%s: 22:00–22:00 answered %d, want 422 with %q", tc.lang, r.StatusCode, tc.want)
		}
	}
	p, err := notify.LoadPrefs(t.Context(), tm.e.Server.Platform.DB, tm.oscar.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Push[notify.KindNewConversation] {
		t.Error("the refused form was stored")
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"quiet_start": {"00:00"}, "quiet_end": {"00:00"}})
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"quiet_start": {"22:00"}, "quiet_end": {"07:00"}})
}
