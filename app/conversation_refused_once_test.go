package app_test

import (
	"highvibe/app/inbox"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// TestConversationComposerRefusalSaidOnce: what the composer refuses — no words, too many, a reply
// while WhatsApp's window is closed, a time already past — is said once, in the composer's status
// line, whether the form was posted plainly (the page comes back) or by htmx (the status line is
// swapped). The plain page said it twice before: in the status line and again in the banner on
// top, out of view on a phone. A template refused at its parameter is said at that field only.
func TestConversationComposerRefusalSaidOnce(t *testing.T) {
	t.Parallel()
	e, op, page, _ := windowConv(t)
	past := time.Now().Add(-2 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	soon := time.Now().Add(2 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	for _, lang := range []string{"en", "tr", "ar"} {
		p := i18n.For(lang)
		for _, c := range []struct {
			name string
			form url.Values
			want string
		}{
			{"empty note", url.Values{"direction": {"system"}, "body": {"  "}}, p.T("inbox.error.body_empty")},
			{"too long", url.Values{"direction": {"system"}, "body": {strings.Repeat("a", 4001)}}, p.T("validation.too_long", 4000)},
			{"window closed", url.Values{"direction": {"outbound"}, "body": {"Merhaba"}}, p.T("inbox.error.window_closed")},
			{"time past", url.Values{"direction": {"system"}, "body": {"Not"}, "send_at": {past}}, p.T("inbox.error.send_at_past")},
			{"note scheduled", url.Values{"direction": {"system"}, "body": {"Not"}, "send_at": {soon}}, p.T("inbox.error.send_at_note")},
			{"time years ahead", url.Values{"direction": {"outbound"}, "body": {"Merhaba"}, "send_at": {"2099-01-01T10:00"}}, p.T("inbox.error.send_at_far", inbox.SendAtMaxDays)},
		} {
			c.form.Set(web.OnceField, web.NewOnceToken())
			r := composerPost(e, op, page+"?lang="+lang, c.form, false)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s, %s: answered %d, want 422", lang, c.name, r.StatusCode)
			}
			d := r.Doc(t)
			if s := d.Find(`#composer-status`).Text(); !strings.Contains(s, c.want) {
				t.Errorf("%s, %s: the composer says %q, want %q", lang, c.name, s, c.want)
			}
			if n := strings.Count(d.Find("main").Text(), c.want); n != 1 {
				t.Errorf("%s, %s: the page says %q %d times, want once (at the composer)", lang, c.name, c.want, n)
			}
			if got := d.Find(`#send_at`).AttrOr("value", ""); got != c.form.Get("send_at") {
				t.Errorf("%s, %s: the refused composer's time is %q, typed %q", lang, c.name, got, c.form.Get("send_at"))
			}
			h := composerPost(e, op, page+"?lang="+lang, c.form, true)
			if h.StatusCode != http.StatusUnprocessableEntity || h.Header.Get("HX-Retarget") != "#composer-status" {
				t.Errorf("%s, %s: htmx answered %d into %q, want 422 into the composer's status line", lang, c.name, h.StatusCode, h.Header.Get("HX-Retarget"))
			}
			if n := strings.Count(h.Doc(t).Text(), c.want); n != 1 {
				t.Errorf("%s, %s: the htmx answer says %q %d times, want once: %s", lang, c.name, c.want, n, h.Body)
			}
		}

		// The template form (the window is closed): a parameter too long is said under it.
		want := p.T("validation.too_long", 500)
		v := url.Values{"purpose": {"follow_up"}, "p1": {strings.Repeat("b", 501)}, web.OnceField: {web.NewOnceToken()}}
		r := composerPost(e, op, page+"template?lang="+lang, v, false)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: a template parameter too long answered %d, want 422", lang, r.StatusCode)
		}
		d := r.Doc(t)
		if s := d.Find(`#tpl-p1 + .field-error`).Text(); s != want {
			t.Errorf("%s: the parameter's field says %q, want %q", lang, s, want)
		}
		if n := strings.Count(d.Find("main").Text(), want); n != 1 {
			t.Errorf("%s: the page says %q %d times, want once (at its field)", lang, want, n)
		}
	}
}
