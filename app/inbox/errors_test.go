package inbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/web"
)

// TestOneErrorPath: a 404 (a change to a conversation that does not exist), a 409 (sending
// again a message that is not a failed reply) and a 422 (a template name another template has,
// refused by the UNIQUE index and recognised by its result code) come through real HTTP on a real
// tenant file as the error page, the htmx fragment and RFC 9457 problem JSON — in Turkish for a
// viewer reading Turkish and in English for one who chose English, never in the other language —
// and none of them stores anything.
func TestOneErrorPath(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali", Body: "Merhaba"})
	var inboundID int64
	if err := db.Read.QueryRow(`SELECT id FROM messages WHERE conversation_id = ? AND direction = 'inbound'`, res.ConversationID).Scan(&inboundID); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*apptest.Client{"tr": e.User("acme", "olga", "owner"), "en": e.User("acme", "emma", "owner")}
	if r := clients["en"].Get("/app/?lang=en"); r.StatusCode != 200 {
		t.Fatalf("switch to English: %d", r.StatusCode)
	}
	if r := clients["tr"].Post("/app/settings/templates", url.Values{"name": {"Selam"}, "body": {"Merhaba {{name}}"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first template: %d", r.StatusCode)
	}

	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// What any of the refused requests could have written, as one fingerprint.
	stored := func() string {
		var body string
		_ = db.Read.QueryRow(`SELECT body FROM templates WHERE name = 'Selam'`).Scan(&body)
		return fmt.Sprintf("messages=%d jobs=%d logs=%d templates=%d selam=%q", count(`SELECT count(*) FROM messages`),
			count(`SELECT count(*) FROM jobs`), count(`SELECT count(*) FROM action_logs`), count(`SELECT count(*) FROM templates`), body)
	}
	before := stored()

	scenarios := []struct {
		name   string
		status int
		key    string // the message the viewer must read
		field  string // the field a 422 names
		send   func(c *apptest.Client) *apptest.Resp
	}{
		{"unknown conversation", http.StatusNotFound, "error.404.body", "", func(c *apptest.Client) *apptest.Resp {
			return c.Post("/app/inbox/999999/", url.Values{"body": {"hello"}, "direction": {"system"}})
		}},
		{"retry of a message that did not fail", http.StatusConflict, "inbox.error.not_retryable", "", func(c *apptest.Client) *apptest.Resp {
			return c.Post(fmt.Sprintf("/app/inbox/%d/messages/%d/retry", res.ConversationID, inboundID), nil)
		}},
		{"template name taken", http.StatusUnprocessableEntity, "inbox.templates.name_taken", "name", func(c *apptest.Client) *apptest.Resp {
			return c.Post("/app/settings/templates", url.Values{"name": {"Selam"}, "body": {"a second body"}})
		}},
	}
	other := map[string]string{"tr": "en", "en": "tr"}
	for _, s := range scenarios {
		for _, lang := range []string{"tr", "en"} {
			p := i18n.For(lang)
			want, notWant := p.T(s.key), i18n.For(other[lang]).T(s.key)
			title := p.T(fmt.Sprintf("error.%d.title", s.status))
			c := clients[lang]
			for _, form := range []string{"page", "htmx", "json"} {
				t.Run(fmt.Sprintf("%s/%s/%s", s.name, lang, form), func(t *testing.T) {
					c.Header.Del("HX-Request")
					c.Header.Del("Accept")
					switch form {
					case "htmx":
						c.Header.Set("HX-Request", "true")
					case "json":
						c.Header.Set("Accept", "application/json")
					}
					defer c.Header.Del("HX-Request")
					defer c.Header.Del("Accept")
					r := s.send(c)
					if r.StatusCode != s.status {
						t.Fatalf("status %d, want %d: %.300s", r.StatusCode, s.status, r.Body)
					}
					switch form {
					case "json":
						if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
							t.Fatalf("content type %q", ct)
						}
						var pr web.Problem
						if err := json.Unmarshal([]byte(r.Body), &pr); err != nil {
							t.Fatal(err, r.Body)
						}
						if pr.Status != s.status || pr.Title != title || pr.Type == "" || !strings.HasPrefix(pr.Instance, "/app/") {
							t.Fatalf("problem %+v, want status %d title %q", pr, s.status, title)
						}
						got := pr.Detail
						if s.field != "" {
							if len(pr.Errors) != 1 || pr.Errors[0].Field != s.field || pr.Errors[0].Code != s.key {
								t.Fatalf("field errors %+v, want one on %q with %q", pr.Errors, s.field, s.key)
							}
							got = pr.Errors[0].Detail
						}
						if got != want {
							t.Fatalf("message %q, want %q", got, want)
						}
					default:
						if !strings.Contains(r.Body, want) {
							t.Fatalf("body lacks %q: %.600s", want, r.Body)
						}
						if form == "htmx" && (r.Header.Get("HX-Retarget") == "" || !strings.Contains(r.Body, "data-error-flash")) && s.field == "" {
							t.Fatalf("htmx error answer does not name its place (HX-Retarget %q): %.300s", r.Header.Get("HX-Retarget"), r.Body)
						}
						isPage := strings.Contains(r.Body, "<html")
						if isPage != (form == "page") {
							t.Fatalf("%s answer: whole page = %v", form, isPage)
						}
						if form == "page" {
							if l, _ := r.Doc(t).Find("html").Attr("lang"); l != lang {
								t.Fatalf("page language %q, want %q", l, lang)
							}
						}
						if s.field == "" && !strings.Contains(r.Body, title) {
							t.Fatalf("error answer lacks its title %q", title)
						}
					}
					if strings.Contains(r.Body, notWant) {
						t.Fatalf("the %s answer also speaks %s: %q", lang, other[lang], notWant)
					}
					if now := stored(); now != before {
						t.Fatalf("a refused request stored something:\n before %s\n after  %s", before, now)
					}
				})
			}
		}
	}
}
