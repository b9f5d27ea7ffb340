package notify_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app/apptest"
	"highvibe/app/notify"
)

// TestMentionsInNotes: an internal note naming teammates with @username records the mentions,
// tells exactly those members (not the author, not an e-mail address that happens to contain @,
// not a member of another tenant), shows them as names, and the inbox's "mentions of me" filter
// finds the conversation for them alone. A customer reply with @ in it mentions nobody.
func TestMentionsInNotes(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba")
	other := tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Selam")
	settle(t, e, "acme")
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"

	before := tm.mark(t, "acme")
	tm.post(t, tm.olga, conv, url.Values{"direction": {"system"},
		"body": {"@Oscar bakar mısın? @vera da bilsin. Fatura info@acme.test adresine; @olga @bob @nobody."}})
	tm.post(t, tm.olga, "/app/inbox/"+strconv.FormatInt(other.ConversationID, 10)+"/", url.Values{"direction": {"outbound"},
		"body": {"Merhaba @oscar"}})
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindMention, res.ConversationID, before); !slices.Equal(got, []string{"oscar", "vera"}) {
		t.Errorf("mention told %v, want oscar and vera (not the author olga, not beta's bob)", got)
	}
	if got := tm.told(t, "acme", notify.KindMention, other.ConversationID, before); len(got) != 0 {
		t.Errorf("a reply to the customer mentioned %v", got)
	}
	if got := tm.told(t, "beta", notify.KindMention, 0, 0); len(got) != 0 {
		t.Errorf("beta heard of acme's note: %v", got)
	}

	// The note shows the mentions as the members' names; the rest of the text is as typed.
	doc := tm.oscar.Get(conv).Doc(t)
	var chips []string
	doc.Find(".msg-note .mention").Each(func(_ int, s *goquery.Selection) { chips = append(chips, s.Text()) })
	if !slices.Equal(chips, []string{"@oscar", "@vera", "@olga"}) {
		t.Errorf("mention chips %v, want @oscar @vera @olga (the author's own name renders; no one is told)", chips)
	}
	if body := doc.Find(".msg-note .msg-body").Text(); !strings.Contains(body, "info@acme.test") || !strings.Contains(body, "@bob") {
		t.Errorf("the note's other text changed: %q", body)
	}

	// "Mentions of me": Oscar sees this conversation only; Olga (who wrote it) sees none.
	rows := func(c *apptest.Client) []string {
		var out []string
		c.Get("/app/inbox/?mentions=me").Doc(t).Find("[data-inbox-list] [data-row-href]").Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("data-row-href", ""))
		})
		return out
	}
	if got := rows(tm.oscar); !slices.Equal(got, []string{conv}) {
		t.Errorf("oscar's mentions filter lists %v, want %s", got, conv)
	}
	if got := rows(tm.otto); len(got) != 0 {
		t.Errorf("otto's mentions filter lists %v, want nothing", got)
	}
	// A mentions filter the inbox cannot read is ignored and said above the list (the shared
	// ignored-filter notice), not answered with an error page.
	if r := tm.oscar.Get("/app/inbox/?mentions=everyone"); r.StatusCode != http.StatusOK || r.Doc(t).Find(`[data-ignored-filter="mentions"]`).Length() != 1 {
		t.Errorf("mentions=everyone: %d, want 200 with the ignored-filter notice", r.StatusCode)
	}
	// The notification leads to the conversation.
	ns, _ := notify.List(t.Context(), e.DB("acme"), tm.vera.UserID, true, 10)
	if len(ns) == 0 || ns[0].Kind != notify.KindMention || ns[0].Href() != conv {
		t.Errorf("vera's newest notification: %+v", ns)
	}
}

// TestBrowserMentionPicker types "@" in an internal note on the conversation page: a list of the
// team opens, narrows as the name is typed, arrow and Enter pick a member (Enter does not send
// the note), the note is saved with the mention, and the member is told.
func TestBrowserMentionPicker(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba")
	settle(t, e, "acme")
	// Oscar goes by a name: the picker shows it beside his login and finds him by it.
	if _, err := e.Server.Platform.SetDisplayName(t.Context(), tm.oscar.UserID, "Oscar Kaya"); err != nil {
		t.Fatal(err)
	}
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v (script errors: %v)", what, err, problems())
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	waitFor := func(what, expr string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for eval(`String(!!(`+expr+`))`) != "true" {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (script errors: %v)", what, problems())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	run("login", chromedp.Navigate(e.URL+"/login/"), chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "olga"), chromedp.SendKeys(`input[name=password]`, apptest.Password),
		// The panel's user menu, not #main: the sign-in page has a #main too, and opening the
		// conversation while the sign-in form's navigation is still under way aborts one of them.
		chromedp.Submit(`input[name=password]`), chromedp.WaitVisible(`.user-menu > summary`))
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	run("open the conversation", chromedp.Navigate(e.URL+conv+"?lang=en"), chromedp.WaitVisible(`#body`))
	run("choose an internal note", chromedp.SetValue(`#direction`, "system"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#direction').dispatchEvent(new Event('change', {bubbles: true}))`))

	run("type @", chromedp.Click(`#body`), chromedp.SendKeys(`#body`, "Bakar mısın @"))
	waitFor("the picker", `document.querySelector('.mention-picker [role=option]')`)
	all := eval(`[...document.querySelectorAll('.mention-picker [role=option]')].map(li => li.textContent).join(',')`)
	for _, want := range []string{"@olga", "@oscar · Oscar Kaya", "@vera", "@otto"} {
		if !strings.Contains(all, want) {
			t.Errorf("picker lists %q, lacks %s", all, want)
		}
	}
	if strings.Contains(all, "@bob") {
		t.Errorf("picker lists another tenant's member: %q", all)
	}
	run("narrow to o…", chromedp.SendKeys(`#body`, "o"))
	waitFor("a narrower list", `[...document.querySelectorAll('.mention-picker [role=option]')].every(li => li.textContent.startsWith('@o'))`)
	if n := eval(`String(document.querySelectorAll('.mention-picker [role=option]').length)`); n != "3" {
		t.Errorf("after @o the picker lists %s members, want olga, oscar, otto", n)
	}
	run("narrow to os", chromedp.SendKeys(`#body`, "s"))
	waitFor("only oscar", `document.querySelectorAll('.mention-picker [role=option]').length === 1`)
	run("pick with Enter", chromedp.KeyEvent(kb.Enter))
	waitFor("the name inserted", `document.querySelector('#body').value === 'Bakar mısın @oscar '`)
	if eval(`String(!!document.querySelector('.mention-picker'))`) != "false" {
		t.Error("the picker stayed open after choosing")
	}
	if n := eval(`String(document.querySelectorAll('#timeline .msg-note').length)`); n != "0" {
		t.Fatalf("Enter in the picker sent the note (%s notes)", n)
	}
	// Esc closes without choosing.
	run("type @v then Esc", chromedp.SendKeys(`#body`, "ve @v"))
	waitFor("the picker again", `document.querySelector('.mention-picker [role=option]')`)
	run("Esc", chromedp.KeyEvent(kb.Escape))
	waitFor("the picker closed", `!document.querySelector('.mention-picker')`)
	run("finish the name", chromedp.SendKeys(`#body`, "er"))
	waitFor("vera offered", `document.querySelector('.mention-picker [role=option]') && document.querySelector('.mention-picker [role=option]').textContent === '@vera'`)
	run("pick with Tab", chromedp.KeyEvent(kb.Tab))
	waitFor("both names in the box", `document.querySelector('#body').value === 'Bakar mısın @oscar ve @vera '`)
	run("send the note", chromedp.KeyEvent(kb.Enter))
	waitFor("the saved note with its mentions", `document.querySelectorAll('#timeline .msg-note .mention').length === 2`)
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindMention, res.ConversationID, 0); !slices.Equal(got, []string{"oscar", "vera"}) {
		t.Errorf("the note's mentions told %v, want oscar and vera", got)
	}
	// Typing the start of the name he goes by finds him; the note gets his login.
	run("type @kay", chromedp.Evaluate[chromedp.Void](`document.querySelector('#body').value = ''`), chromedp.SendKeys(`#body`, "@kay"))
	waitFor("oscar offered by his name", `[...document.querySelectorAll('.mention-picker [role=option]')].map(li => li.textContent).join() === '@oscar · Oscar Kaya'`)
	run("pick him", chromedp.KeyEvent(kb.Tab))
	waitFor("his login in the box", `document.querySelector('#body').value === '@oscar '`)
	run("empty the box", chromedp.Evaluate[chromedp.Void](`document.querySelector('#body').value = ''`))
	// Names in Turkish letters are found as typed: "@yıl" finds Yıldız, "@İl" İlhan.
	for id, name := range map[int64]string{tm.vera.UserID: "Vera Yıldız", tm.otto.UserID: "Otto İlhan"} {
		if _, err := e.Server.Platform.SetDisplayName(t.Context(), id, name); err != nil {
			t.Fatal(err)
		}
	}
	for lang, before := range map[string]string{"tr": "", "ar": "هل ترى هذا "} {
		run("open the conversation in "+lang, chromedp.Navigate(e.URL+conv+"?lang="+lang), chromedp.WaitVisible(`#body`))
		run("choose an internal note", chromedp.SetValue(`#direction`, "system"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#direction').dispatchEvent(new Event('change', {bubbles: true}))`))
		run("type @yıl", chromedp.Click(`#body`), chromedp.SendKeys(`#body`, before+"@yıl"))
		waitFor(lang+": vera offered by her Turkish name", `[...document.querySelectorAll('.mention-picker [role=option]')].map(li => li.textContent).join() === '@vera · Vera Yıldız'`)
		// Under the start of the box: its left edge, its right edge when what is written in it
		// reads right to left (the box takes its direction from its text).
		edge := `(() => { const ta = document.querySelector('#body'), l = document.querySelector('.mention-picker').getBoundingClientRect(), b = ta.getBoundingClientRect();
			if ((getComputedStyle(ta).direction === 'rtl') !== (document.dir === 'rtl')) return 'box direction ' + getComputedStyle(ta).direction + ' on a ' + document.dir + ' page';
			return String(Math.round(document.dir === 'rtl' ? b.right - l.right : l.left - b.left)); })()`
		if gap := eval(edge); gap != "0" {
			t.Errorf("%s: the picker opens %s px away from the start of the box", lang, gap)
		}
		run("pick her", chromedp.KeyEvent(kb.Tab))
		waitFor(lang+": her login in the box", `document.querySelector('#body').value === '`+before+`@vera '`)
		run("type @İl", chromedp.SendKeys(`#body`, "@İl"))
		waitFor(lang+": otto offered by İlhan", `[...document.querySelectorAll('.mention-picker [role=option]')].map(li => li.textContent).join() === '@otto · Otto İlhan'`)
		run("empty the box", chromedp.Evaluate[chromedp.Void](`document.querySelector('#body').value = ''`))
	}
	// A reply to the customer opens no picker.
	run("choose a reply", chromedp.SetValue(`#direction`, "outbound"),
		chromedp.SendKeys(`#body`, "Merhaba @o"))
	if eval(`String(!!document.querySelector('.mention-picker'))`) != "false" {
		t.Error("the picker opened in a reply to the customer")
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("script errors: %v", p)
	}
}
