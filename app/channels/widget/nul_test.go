package widget_test

import (
	"testing"

	"highvibe/app/apptest"
)

// A visitor's post whose text or name holds a NUL (\u0000 in the JSON) is refused
// like text that is not UTF-8 (400 bad_json), and nothing is stored: the widget's own page never
// sends one, and stored it went into the lead's name and the conversation as an invisible byte
// that CSV exports carried raw.
func TestWidgetRefusesNUL(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	for _, body := range []string{
		`{"text":"a\u0000b","consent":true,"client_id":"c1"}`,
		`{"text":"merhaba","name":"Ay\u0000şe","consent":true,"client_id":"c2"}`,
	} {
		r := c.PostJSON("/widget/api/acme/messages", []byte(body), map[string]string{"Origin": "https://example.org"})
		if m := decode(t, r); r.StatusCode != 400 || m["code"] != "bad_json" {
			t.Errorf("%s: %d %v", body, r.StatusCode, m)
		}
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM leads)`).Scan(&n)
	if n != 0 {
		t.Errorf("refused posts stored %d messages and leads", n)
	}
}
