package inbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// browser is one headless Chromium signed in to the panel, with the small helpers the chat tests
// share: run steps, evaluate JavaScript, and wait for a condition in the page.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	ctx, problems := apptest.Chromium(t, 120*time.Second)
	b := &browser{t: t, base: base, ctx: ctx}
	t.Cleanup(func() {
		if p := problems(); len(p) > 0 {
			t.Errorf("JavaScript errors: %s", strings.Join(p, "; "))
		}
	})
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds or the limit passes; it returns how long it took.
func (b *browser) waitFor(what, expr string, limit time.Duration) time.Duration {
	b.t.Helper()
	start := time.Now()
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			b.t.Fatalf("timed out after %s waiting for %s (last error %v)", limit, what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) login(user string) {
	b.t.Helper()
	b.do("login", chromedp.Navigate(b.base+"/login/"), chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, user), chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Submit(`input[name=password]`))
	b.waitFor("leaving the login page", `location.pathname !== '/login/'`, 30*time.Second)
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(`body`))
}

// waitStream waits until the open page's event stream is connected.
func (b *browser) waitStream() {
	b.t.Helper()
	b.waitFor("the page's event stream", `!!document.querySelector('[sse-connect][data-live="open"]')`, 15*time.Second)
}

// TestBrowserConversationChat drives the conversation page as an operator does, in English, on a
// laptop and on a phone: the assistant's drafts edited and sent or rejected with a banner that says
// what happened once, a customer's message and delivery ticks appearing live, Enter sending a reply
// while Shift+Enter makes a new line (on a touch phone Enter is a new line and the button sends), the
// three-pane inbox on a wide screen and the phone layouts.
func TestBrowserConversationChat(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	const slug = "acme"
	e.Tenant(slug)
	e.Set(slug, map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"}) // else a reply is refused
	e.User(slug, "olga", "operator")
	db := e.DB(slug)
	svc := e.Handlers.InboxService
	ctx := t.Context()
	wa := inbox.Inbound{Channel: "whatsapp", ExternalID: "905551110001", Phone: "+90 555 111 00 01", Name: "Ayşe Kaya",
		ProviderMessageID: "wamid.c1", Body: "Mutfak tezgahı için fiyat alabilir miyim?"}
	res, err := svc.Ingest(ctx, slug, db, wa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ingest(ctx, slug, db, inbox.Inbound{Channel: "telegram", ExternalID: "7001", Name: "Mehmet Demir",
		ProviderMessageID: "tg.c2", Body: "Banyo tadilatı ne kadar sürer?"}); err != nil {
		t.Fatal(err)
	}
	conv := res.ConversationID
	draft := func(title, text string) int64 {
		var id int64
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, _, err = approvals.Create(ctx, tx, approvals.New{ConversationID: conv, Title: title, Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: text, DedupeKey: "t:" + title})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	keep := draft("Fiyat", "Metrekare fiyatı 1.200 TL'dir.")
	drop := draft("Stok", "Stokta var.")
	self := fmt.Sprintf("/app/inbox/%d/", conv)

	b := newBrowser(t, e.URL)
	b.do("laptop size", chromedp.EmulateViewport(1366, 900))
	b.login("olga")

	t.Run("confidence as the approval queue shows it", func(t *testing.T) {
		b.t = t
		b.open(self)
		if got := b.eval(`document.querySelector('#recommendations').textContent`); !strings.Contains(got, "80%") {
			t.Errorf("recommendations card %q: want the queue's 80%%", strings.Join(strings.Fields(got), " "))
		}
	})

	t.Run("edit a draft, send it; reject the other; banners once", func(t *testing.T) {
		b.t = t
		b.open(self)
		sel := fmt.Sprintf(`form[data-draft-id="%d"]`, keep)
		b.do("edit the draft", chromedp.SetValue(sel+` textarea`, "Metrekare fiyatı 1.150 TL'dir, montaj dahil."),
			chromedp.Click(sel+` button.btn-primary`))
		b.waitFor("the sent banner", `(document.querySelector('.flashes')||{}).textContent === 'Edited and queued for sending.'`, 10*time.Second)
		if got := b.eval(`location.pathname`); got != self {
			t.Errorf("after sending the page is %q, want the conversation %q", got, self)
		}
		b.waitFor("the edited reply in the timeline", `document.querySelector('#timeline').textContent.includes('1.150 TL')`, 5*time.Second)
		b.do("reject the other", chromedp.Click(fmt.Sprintf(`form[data-draft-id="%d"] button[formaction$="/reject"]`, drop)))
		b.waitFor("the rejected banner", `(document.querySelector('.flashes')||{}).textContent === 'Rejected.'`, 10*time.Second)
		b.open("/app/inbox/")
		if n := b.eval(`String(document.querySelectorAll('.flashes').length)`); n != "0" {
			t.Errorf("the next page still shows a banner: %s", b.eval(`document.querySelector('.flashes').textContent`))
		}
		var body string
		_ = db.Read.QueryRow(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'outbound' ORDER BY id DESC LIMIT 1`, conv).Scan(&body)
		if body != "Metrekare fiyatı 1.150 TL'dir, montaj dahil." {
			t.Errorf("sent body %q, want the edited text", body)
		}
		var payload string
		_ = db.Read.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'draft_sent' ORDER BY id DESC LIMIT 1`).Scan(&payload)
		if !strings.Contains(payload, `"edited":true`) || !strings.Contains(payload, `"before":"Metrekare fiyatı 1.200 TL'dir."`) ||
			!strings.Contains(payload, `"after":"Metrekare fiyatı 1.150 TL'dir, montaj dahil."`) {
			t.Errorf("draft_sent log does not record the edit before→after: %s", payload)
		}
		for id, want := range map[int64]string{keep: "approved", drop: "rejected"} {
			var st string
			_ = db.Read.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, id).Scan(&st)
			if st != want {
				t.Errorf("recommendation %d is %q, want %q", id, st, want)
			}
		}
	})

	t.Run("a customer's message appears on the open conversation", func(t *testing.T) {
		b.t = t
		b.open(self)
		b.waitStream()
		b.eval(`window.__noReload = 1; 'ok'`)
		late := draft("Tarih", "Salı günü gelebiliriz.")
		in := wa
		in.ProviderMessageID, in.Body = "wamid.c3", "Yarın gelebilir misiniz?"
		if _, err := svc.Ingest(ctx, slug, db, in); err != nil {
			t.Fatal(err)
		}
		took := b.waitFor("the live message", `document.querySelector('#timeline').textContent.includes('Yarın gelebilir misiniz?')`, 5*time.Second)
		b.waitFor("the draft made meanwhile", fmt.Sprintf(`!!document.querySelector('#timeline form[data-draft-id="%d"]')`, late), 2*time.Second)
		t.Logf("live message shown after %s", took)
		if took > 2*time.Second {
			t.Errorf("the message took %s to appear, want within 2 s", took)
		}
		if b.eval(`String(window.__noReload)`) != "1" {
			t.Error("the page reloaded instead of updating in place")
		}
		if got := b.eval(`[...document.querySelectorAll('#timeline li.msg')].pop().querySelector('.msg-body').getAttribute('dir')`); got != "auto" {
			t.Errorf("message text dir=%q, want auto", got)
		}
	})

	t.Run("Enter sends, Shift+Enter makes a new line", func(t *testing.T) {
		b.t = t
		b.open(self)
		b.eval(`window.__noReload = 1; 'ok'`)
		b.do("type a two-line reply", chromedp.Click(`#body`), chromedp.SendKeys(`#body`, "Merhaba"),
			chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.SendKeys(`#body`, "yarın 10:00 uygun"))
		if got := b.eval(`document.querySelector('#body').value`); got != "Merhaba\nyarın 10:00 uygun" {
			t.Fatalf("after Shift+Enter the box holds %q, want two lines", got)
		}
		b.do("press Enter", chromedp.KeyEvent(kb.Enter))
		b.waitFor("the reply in the timeline", `document.querySelector('#timeline').textContent.includes('yarın 10:00 uygun')`, 5*time.Second)
		b.waitFor("the box emptied", `document.querySelector('#body').value === ''`, 5*time.Second)
		if b.eval(`String(window.__noReload)`) != "1" {
			t.Error("sending reloaded the page")
		}
		if got := b.eval(`document.querySelector('#composer-status').textContent.trim()`); got != "✓ Queued for sending." {
			t.Errorf("composer feedback %q, want ✓ Queued for sending. (a WhatsApp reply waits for the provider)", got)
		}
		var body, status string
		_ = db.Read.QueryRow(`SELECT body, coalesce(delivery_status,'') FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`, conv).Scan(&body, &status)
		if body != "Merhaba\nyarın 10:00 uygun" || status != "queued" {
			t.Errorf("stored %q (%s), want the two-line reply queued for WhatsApp", body, status)
		}
		if got := b.eval(`[...document.querySelectorAll('#timeline li.msg')].pop().querySelector('.ticks').textContent.trim()`); !strings.HasPrefix(got, "✓") {
			t.Errorf("queued reply shows ticks %q, want ✓", got)
		}
	})

	t.Run("delivery ticks move live; a failed reply says why and offers to try again", func(t *testing.T) {
		b.t = t
		b.open(self)
		b.waitStream()
		b.eval(`window.__noReload = 1; 'ok'`)
		var msg int64
		if err := db.Read.QueryRow(`SELECT id FROM messages WHERE conversation_id = ? AND direction = 'outbound' ORDER BY id DESC LIMIT 1`, conv).Scan(&msg); err != nil {
			t.Fatal(err)
		}
		set := func(status, detail string) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *sql.Tx) error { return inbox.SetDelivery(ctx, tx, msg, "wamid.out1", status, detail) }); err != nil {
				t.Fatal(err)
			}
			svc.DeliveryChanged(slug, conv, msg) // what a channel does after its commit
		}
		set("delivered", "")
		took := b.waitFor("the delivered ticks", fmt.Sprintf(`document.querySelector('#m%d .ticks.is-delivered')?.textContent.includes('✓✓') === true`, msg), 5*time.Second)
		t.Logf("delivered ticks shown after %s", took)
		if took > 2*time.Second {
			t.Errorf("the ticks took %s to change, want within 2 s", took)
		}
		set("failed", "whatsapp: (#131026) Message undeliverable")
		// The button arrives with a live redraw; htmx wires it once the redraw has settled (before
		// that a click would be a plain form post).
		b.waitFor("the failed reply", fmt.Sprintf(`!!document.querySelector('#m%d .msg-failed button') && !document.querySelector('#timeline.htmx-settling, #timeline.htmx-swapping')`, msg), 5*time.Second)
		if got := b.eval(fmt.Sprintf(`document.querySelector('#m%d .msg-failed-text').textContent.trim()`, msg)); got != "⚠ Not sent: the channel refused the message." {
			t.Errorf("failure line %q", got)
		}
		if open := b.eval(fmt.Sprintf(`String(document.querySelector('#m%d .msg-detail').open)`, msg)); open != "false" {
			t.Error("the provider's own text is not folded away")
		}
		b.do("try again", chromedp.Click(fmt.Sprintf(`#m%d .msg-failed button`, msg)))
		b.waitFor("queued again", fmt.Sprintf(`document.querySelector('#m%d')?.dataset.status === 'queued'`, msg), 5*time.Second)
		var status string
		_ = db.Read.QueryRow(`SELECT delivery_status FROM messages WHERE id = ?`, msg).Scan(&status)
		if status != "queued" {
			t.Errorf("after Try again the reply is %s, want queued", status)
		}
		if b.eval(`String(window.__noReload)`) != "1" {
			t.Error("the page reloaded instead of updating in place")
		}
	})

	t.Run("a control saves on change with its own feedback", func(t *testing.T) {
		b.t = t
		// A state the conversation does not have yet (the same one again saves nothing, says nothing).
		want := "offer"
		if cv, _ := inbox.ConversationByID(ctx, db.Read, conv); cv.State == want {
			want = "negotiation"
		}
		b.open(self)
		b.do("choose a state", chromedp.SetValue(`#state`, want), chromedp.Evaluate[chromedp.Void](
			`document.querySelector('#state').dispatchEvent(new Event('change', {bubbles: true})); undefined`))
		b.waitFor("the state's feedback", `document.querySelector('#saved-state').textContent.includes('Saved.')`, 5*time.Second)
		if got := b.eval(`document.querySelector('#saved-assignee').textContent`); got != "" {
			t.Errorf("another control shows feedback %q", got)
		}
		cv, _ := inbox.ConversationByID(ctx, db.Read, conv)
		if cv.State != want {
			t.Errorf("state %q, want %s", cv.State, want)
		}
	})

	t.Run("three panes: a row opens beside the list, the address follows", func(t *testing.T) {
		b.t = t
		b.open("/app/inbox/")
		b.do("click the row", chromedp.Click(fmt.Sprintf(`[data-row-href="%s"] a`, self)))
		b.waitFor("the conversation in the pane", `!!document.querySelector('#inbox-pane #timeline')`, 5*time.Second)
		if got := b.eval(`location.pathname`); got != self {
			t.Errorf("address %q, want %q", got, self)
		}
		if b.eval(`String(!!document.querySelector('[data-inbox-list]'))`) != "true" {
			t.Error("the list went away")
		}
		b.do("back", chromedp.NavigateBack())
		b.waitFor("back on the list address", `location.pathname === '/app/inbox/'`, 5*time.Second)
	})

	t.Run("phone: first conversation on the first screen, conversation with a back control", func(t *testing.T) {
		b.t = t
		b.do("phone size", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		b.open("/app/inbox/")
		if got := b.eval(`String(document.querySelector('[data-row-href]').getBoundingClientRect().bottom <= innerHeight)`); got != "true" {
			t.Errorf("the first conversation is below the first screen (bottom %s of %s)",
				b.eval(`String(document.querySelector('[data-row-href]').getBoundingClientRect().bottom)`), b.eval(`String(innerHeight)`))
		}
		if got := b.eval(`String(document.querySelector('#inbox-filters-more').offsetParent === null)`); got != "true" {
			t.Error("the filters are not folded behind their button")
		}
		b.do("open the filters", chromedp.Click(`.filters-toggle`))
		b.waitFor("the filters shown", `document.querySelector('#inbox-filters-more').offsetParent !== null`, 2*time.Second)
		b.do("open the row", chromedp.Click(fmt.Sprintf(`[data-row-href="%s"] a`, self)))
		b.waitFor("the conversation page", `location.pathname === '`+self+`' && !!document.querySelector('.chat-back')`, 10*time.Second)
		if got := b.eval(`String(document.querySelector('.chat-back').getBoundingClientRect().bottom <= innerHeight && document.querySelector('#composer').getBoundingClientRect().top < innerHeight)`); got != "true" {
			t.Errorf("the back control or the composer is not on the first screen (back bottom %s, composer top %s, height %s)",
				b.eval(`String(document.querySelector('.chat-back').getBoundingClientRect().bottom)`),
				b.eval(`String(document.querySelector('#composer').getBoundingClientRect().top)`), b.eval(`String(innerHeight)`))
		}
		// clientWidth, not innerWidth: a phone zooms a too-wide page out and innerWidth grows with it.
		if got := b.eval(`String(document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)`); got != "true" {
			t.Errorf("the conversation scrolls sideways on a phone (%s px wide)", b.eval(`String(document.documentElement.scrollWidth)`))
		}
	})

	t.Run("phone: Enter is a new line, the send button sends", func(t *testing.T) {
		b.t = t
		b.do("touch phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
		b.open(self)
		if got := b.eval(`String(matchMedia('(hover: none) and (pointer: coarse)').matches)`); got != "true" {
			t.Skipf("this Chromium does not emulate a touch screen's pointer (%s)", got)
		}
		b.eval(`window.__noReload = 1; 'ok'`)
		var before int
		_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv).Scan(&before)
		b.do("type two lines with Enter", chromedp.Click(`#body`), chromedp.SendKeys(`#body`, "Telefondan"),
			chromedp.KeyEvent(kb.Enter), chromedp.SendKeys(`#body`, "ikinci satır"))
		if got := b.eval(`document.querySelector('#body').value`); got != "Telefondan\nikinci satır" {
			t.Fatalf("after Enter on a phone the box holds %q, want two lines", got)
		}
		var after int
		_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv).Scan(&after)
		if after != before {
			t.Fatal("Enter sent the reply on a phone")
		}
		b.do("press the send button", chromedp.Click(`form[data-composer] .composer-send`))
		b.waitFor("the reply in the timeline", `document.querySelector('#timeline').textContent.includes('ikinci satır')`, 5*time.Second)
		var body string
		_ = db.Read.QueryRow(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'outbound' ORDER BY id DESC LIMIT 1`, conv).Scan(&body)
		if body != "Telefondan\nikinci satır" {
			t.Errorf("sent %q, want the two lines", body)
		}
	})
}
