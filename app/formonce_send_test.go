package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
	"highvibe/app/web"
)

// sendForm is one of the conversation page's forms that sends a message to the customer.
type sendForm struct {
	name  string
	page  string // the conversation page the form is on
	path  string
	good  func(n int) (url.Values, []byte) // a valid post (fields, the file of a multipart one)
	bad   func() (url.Values, []byte)      // a post the room refuses (422)
	typed string                           // a field of bad the refused page shows again ("" = none)
}

// TestConversationSendsOnce posts each form of the conversation page that sends to the customer
// — the composer's reply, an approved template outside WhatsApp's window, a file — the ways a
// double tap and a phone resending after a timeout do: the same form twice (plainly and through
// htmx, which swaps the thread) is one message and one delivery job, and the second answer is the
// first one's with the "already sent" notice; a refused post keeps its token and what was typed,
// and the corrected post with it sends once; two posts at the same moment send once.
func TestConversationSendsOnce(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true}) // delivery jobs stay queued, to be counted
	e.Tenant("acme", "parke_tas", "en")
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055", "whatsapp_template_follow_up": "takip", "whatsapp_template_follow_up_lang": "tr"})
	op := e.User("acme", "oya", "operator")
	// A WhatsApp conversation whose 24-hour window closed: the page offers the template form.
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Keşif ne zaman?", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	conv := strconv.FormatInt(res.ConversationID, 10)
	page := "/app/inbox/" + conv + "/"
	// Another customer wrote an hour ago: the window is open, and the composer's reply goes out
	// (outside it, the composer refuses a free-text reply).
	open, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905329876543", Phone: "+905329876543", Name: "Deniz", Body: "Fiyat alabilir miyim?", At: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	openPage := "/app/inbox/" + strconv.FormatInt(open.ConversationID, 10) + "/"
	db := e.DB("acme")
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, res.ConversationID, open.ConversationID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	messages := func() int {
		return count(`SELECT count(*) FROM messages WHERE conversation_id IN (?, ?) AND direction = 'outbound'`)
	}
	deliveries := func() int {
		return count(`SELECT count(*) FROM jobs WHERE kind = 'deliver_message' AND json_extract(payload, '$.message_id') IN
			(SELECT id FROM messages WHERE conversation_id IN (?, ?))`)
	}
	forms := []sendForm{
		{name: "reply", page: openPage, path: openPage,
			good: func(n int) (url.Values, []byte) {
				return url.Values{"direction": {"outbound"}, "body": {"Yarın saat on gibi geliyoruz " + strconv.Itoa(n)}}, nil
			},
			bad: func() (url.Values, []byte) {
				return url.Values{"direction": {"outbound"}, "body": {"Uzun " + strings.Repeat("a", 4000)}}, nil
			},
			typed: "body"},
		{name: "template", page: page, path: page + "template",
			good: func(n int) (url.Values, []byte) {
				return url.Values{"purpose": {"follow_up"}, "p1": {"Ayşe " + strconv.Itoa(n)}}, nil
			},
			bad: func() (url.Values, []byte) {
				return url.Values{"purpose": {"follow_up"}, "p2": {"Boşluktan sonra"}}, nil
			},
			typed: "p2"},
		{name: "file", page: openPage, path: openPage + "attach", // a file, like a reply, goes out only inside the window
			good: func(n int) (url.Values, []byte) {
				return url.Values{"body": {"Keşif planı " + strconv.Itoa(n)}}, mediatest.PDF()
			},
			bad:   func() (url.Values, []byte) { return url.Values{"body": {"Plan, yanlış dosya"}}, mediatest.HTML() },
			typed: "body"},
	}
	post := func(f sendForm, v url.Values, file []byte, token string, htmx bool) *apptest.Resp {
		t.Helper()
		return op.Do(sendRequest(t, e.URL, f, v, file, token, htmx))
	}
	for i, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			tok := formToken(t, op.Get(f.page), f.path)
			m0, d0 := messages(), deliveries()

			// Twice as a plain form (no script): one message, one delivery, the same page.
			v, file := f.good(10 * i)
			r1 := post(f, v, file, tok, false)
			if r1.StatusCode != http.StatusSeeOther || r1.Header.Get("Location") != f.page {
				t.Fatalf("first post: %d to %q %s", r1.StatusCode, r1.Header.Get("Location"), r1.Body)
			}
			r2 := post(f, v, file, tok, false)
			if r2.StatusCode != http.StatusSeeOther || r2.Header.Get("Location") != f.page {
				t.Fatalf("second post: %d to %q, want 303 to %q", r2.StatusCode, r2.Header.Get("Location"), f.page)
			}
			if m, d := messages(), deliveries(); m != m0+1 || d != d0+1 {
				t.Fatalf("the same form twice: %d messages, %d deliveries, want %d, %d", m-m0, d-d0, 1, 1)
			}
			if !strings.Contains(op.Get(f.page).Body, "This form was already sent") {
				t.Error("the page after the second post does not say the form was already sent")
			}

			// Twice through htmx: the thread both times, the second with the notice; the first
			// answer gives the form a fresh token, so the next message is a new post.
			tok = formToken(t, op.Get(f.page), f.path)
			v, file = f.good(10*i + 1)
			h1 := post(f, v, file, tok, true)
			if h1.StatusCode != http.StatusOK || !strings.Contains(h1.Body, v.Get("body")+v.Get("p1")) {
				t.Fatalf("first htmx post: %d %s", h1.StatusCode, h1.Body)
			}
			fresh := h1.Doc(t).Find(`input[name="` + web.OnceField + `"][hx-swap-oob]`)
			if next, _ := fresh.Filter("#once-" + map[string]string{"reply": "composer", "template": "template", "file": "attach"}[f.name]).Attr("value"); next == "" || next == tok {
				t.Fatalf("the htmx answer renews the form's token as %q (was %q)", next, tok)
			}
			h2 := post(f, v, file, tok, true)
			if h2.StatusCode != http.StatusOK || !strings.Contains(h2.Body, "This form was already sent") || !strings.Contains(h2.Body, v.Get("body")+v.Get("p1")) {
				t.Fatalf("second htmx post: %d, want the thread with the notice: %s", h2.StatusCode, h2.Body)
			}
			if m, d := messages(), deliveries(); m != m0+2 || d != d0+2 {
				t.Fatalf("the same htmx form twice: %d messages, %d deliveries, want %d, %d", m-m0, d-d0, 2, 2)
			}

			// Refused, then corrected with the same token: the refusal spent nothing, and the
			// page shows the form again with its token and what was typed.
			tok = web.NewOnceToken()
			bv, bfile := f.bad()
			rr := post(f, bv, bfile, tok, false)
			if rr.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("refused post: %d, want 422", rr.StatusCode)
			}
			if again := formToken(t, rr, f.path); again != tok {
				t.Errorf("the refused form is shown with token %q, want its own %q", again, tok)
			}
			form := rr.Doc(t).Find(`form[action="` + f.path + `"]`)
			shown := form.Find(`[name="` + f.typed + `"]`)
			typed, _ := shown.Attr("value")
			if shown.Is("textarea") {
				typed = shown.Text()
			}
			if typed != bv.Get(f.typed) {
				t.Errorf("the refused form shows %s = %.40q, want what was typed", f.typed, typed)
			}
			if m := messages(); m != m0+2 {
				t.Fatalf("a refused post stored a message (%d)", m-m0)
			}
			v, file = f.good(10*i + 2)
			if r := post(f, v, file, tok, false); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("corrected post: %d %s", r.StatusCode, r.Body)
			}
			if r := post(f, v, file, tok, false); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("corrected post again: %d", r.StatusCode)
			}
			if m, d := messages(), deliveries(); m != m0+3 || d != d0+3 {
				t.Fatalf("refused then corrected (twice): %d messages, %d deliveries, want %d, %d", m-m0, d-d0, 3, 3)
			}

			// Twice at the same moment, through htmx (two connections of one phone): one message.
			tok = web.NewOnceToken()
			v, file = f.good(10*i + 3)
			var wg sync.WaitGroup
			start := make(chan struct{})
			codes := make([]int, 2)
			for k := range 2 {
				req := sendRequest(t, e.URL, f, v, file, tok, true)
				for h, vs := range op.Header {
					req.Header[h] = vs
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res, err := op.HTTP.Do(req)
					if err != nil {
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					codes[k] = res.StatusCode
				}()
			}
			close(start)
			wg.Wait()
			if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
				t.Fatalf("concurrent htmx posts answered %v", codes)
			}
			if m, d := messages(), deliveries(); m != m0+4 || d != d0+4 {
				t.Fatalf("two posts at the same moment: %d messages, %d deliveries in all, want %d, %d", m-m0, d-d0, 4, 4)
			}
		})
	}
	if n := count(`SELECT count(*) FROM attachments WHERE conversation_id IN (?, ?)`); n != 4 {
		t.Errorf("%d files kept with the conversation's messages, want 4 (one per message)", n)
	}
}

// formToken reads the one-time token of the form posting to action on a page.
func formToken(t *testing.T, r *apptest.Resp, action string) string {
	t.Helper()
	tok, ok := r.Doc(t).Find(`form[action="` + action + `"] input[name="` + web.OnceField + `"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatalf("the form posting to %s carries no one-time token (%d)", action, r.StatusCode)
	}
	return tok
}

// sendRequest builds a post of form f as the browser sends it: a plain form, or htmx's (which
// swaps the thread: HX-Target timeline); a multipart body when it carries a file.
func sendRequest(t *testing.T, base string, f sendForm, v url.Values, file []byte, token string, htmx bool) *http.Request {
	t.Helper()
	v = cloneValues(v)
	v.Set(web.OnceField, token)
	var req *http.Request
	if file != nil {
		fields := map[string]string{}
		for k := range v {
			fields[k] = v.Get(k)
		}
		ct, body := multipartBody(t, "plan.pdf", file, fields)
		req, _ = http.NewRequest("POST", base+f.path, bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", ct)
	} else {
		req, _ = http.NewRequest("POST", base+f.path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "timeline")
	}
	return req
}
