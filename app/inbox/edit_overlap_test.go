package inbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// controlForm is what the conversation page's control whose status line is #status sends, as
// the page drew it.
func controlForm(t *testing.T, doc *goquery.Document, status string) url.Values {
	t.Helper()
	f := doc.Find("#" + status).Closest("form")
	if f.Length() != 1 {
		t.Fatalf("no form around #%s", status)
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Add(n, val)
	})
	return v
}

// Two operators have the same conversation open. Olga tags it "acil" and gives it a dated next
// step; Oscar, whose page was drawn before, tags it "vip" and rewrites the step's words. His
// tags box still showed no tags, so his save took "acil" away, and his step form sent the empty
// date it showed, so Olga's date was gone — both without a word. Now the tags box adds and
// removes what its user added and removed, and a step form changes only the field changed on
// it. Each inline save tells the form what it now shows, so the next edit of the same box is
// read against that (removing a tag and typing it back brings it back).
func TestConversationControlsKeepWhatAnotherChangedMeanwhile(t *testing.T) {
	e := newEnv(t)
	olga := e.User("acme", "olga", "operator")
	oscar := e.User("acme", "oscar", "operator")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234569", Phone: "+905321234569", Name: "Ayşe", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	inline := func(c *apptest.Client, target string, v url.Values, status ...int) *apptest.Resp {
		t.Helper()
		want := http.StatusOK
		if len(status) > 0 {
			want = status[0]
		}
		req, _ := http.NewRequest("POST", e.URL+path+"?lang=tr", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", target)
		r := c.Do(req)
		if r.StatusCode != want {
			t.Fatalf("%s: %d %s", target, r.StatusCode, r.Body)
		}
		return r
	}
	// swapped applies the answer's out-of-band inputs to the form, as htmx does.
	swapped := func(form url.Values, r *apptest.Resp) {
		t.Helper()
		n := 0
		r.Doc(t).Find(`input[hx-swap-oob]`).Each(func(_ int, s *goquery.Selection) {
			name, _ := s.Attr("name")
			val, _ := s.Attr("value")
			form.Set(name, val)
			n++
		})
		if n == 0 {
			t.Fatalf("the answer tells the form nothing: %s", r.Body)
		}
	}
	tags := func() string {
		t.Helper()
		got, err := inbox.TagsOf(t.Context(), e.DB("acme").Read, res.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ",")
	}
	herDoc, hisDoc := olga.Get(path).Doc(t), oscar.Get(path).Doc(t)
	herTags, hisTags := controlForm(t, herDoc, "saved-tags"), controlForm(t, hisDoc, "saved-tags")
	herNext, hisNext := controlForm(t, herDoc, "saved-next"), controlForm(t, hisDoc, "saved-next")

	herTags.Set("tags", "acil")
	swapped(herTags, inline(olga, "saved-tags", herTags))
	hisTags.Set("tags", "vip")
	swapped(hisTags, inline(oscar, "saved-tags", hisTags))
	if got := tags(); got != "acil,vip" {
		t.Fatalf("tags after both saves: %q, want acil,vip", got)
	}
	// Olga takes her tag away and types it back: her box is read against what it showed last.
	herTags.Set("tags", "")
	swapped(herTags, inline(olga, "saved-tags", herTags))
	if got := tags(); got != "vip" {
		t.Fatalf("tags after Olga removed hers: %q, want vip", got)
	}
	herTags.Set("tags", "acil")
	swapped(herTags, inline(olga, "saved-tags", herTags))
	if got := tags(); got != "acil,vip" {
		t.Fatalf("tags after Olga typed hers back: %q, want acil,vip", got)
	}

	// Oscar types Olga's tag too: nothing changes, and his box is told what it shows now, so
	// taking the tag out of it later takes it away.
	hisTags.Set("tags", "acil, vip")
	swapped(hisTags, inline(oscar, "saved-tags", hisTags))
	hisTags.Set("tags", "vip")
	swapped(hisTags, inline(oscar, "saved-tags", hisTags))
	if got := tags(); got != "vip" {
		t.Fatalf("tags after Oscar took acil out: %q, want vip", got)
	}

	herNext.Set("next_action", "Keşif")
	herNext.Set("next_action_due_at", "2030-01-02T10:00")
	swapped(herNext, inline(olga, "saved-next", herNext))
	// Oscar rewrites the step's words Olga wrote meanwhile: both changed them, so his save is
	// refused, the line says what she saved and what he typed, and his form is told what is
	// stored; his second press saves his words, her date stays.
	hisNext.Set("next_action", "Keşif ve ölçü")
	refused := inline(oscar, "saved-next", hisNext, http.StatusUnprocessableEntity)
	// The values stand in their own direction (invisible isolates around them).
	if msg := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(refused.Doc(t).Find(".is-error").Text()); !strings.Contains(msg, "Kaydedilmedi") || !strings.Contains(msg, "“Keşif”") ||
		!strings.Contains(msg, "“Keşif ve ölçü”") {
		t.Fatalf("the refused step says: %q", msg)
	}
	var next string
	if err := e.DB("acme").Read.QueryRow(`SELECT next_action FROM conversations WHERE id = ?`, res.ConversationID).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next != "Keşif" {
		t.Fatalf("after the refused save: %q, want Olga's", next)
	}
	swapped(hisNext, refused)
	if hisNext.Get("was_next_action") != "Keşif" || hisNext.Get("was_next_action_due_at") != "" {
		t.Fatalf("the refused form is told: %v", hisNext)
	}
	inline(oscar, "saved-next", hisNext)
	var due int64
	if err := e.DB("acme").Read.QueryRow(`SELECT next_action, coalesce(next_action_due_at, 0) FROM conversations WHERE id = ?`,
		res.ConversationID).Scan(&next, &due); err != nil {
		t.Fatal(err)
	}
	if next != "Keşif ve ölçü" || due == 0 {
		t.Fatalf("next step after both saves: %q due %d", next, due)
	}
}

// TestBrowserTagsBoxIsToldWhatItShows: in a real page, a tag typed into the box is saved inline
// and the box's was_tags becomes what it shows (htmx's out-of-band swap); a tag another operator
// gave meanwhile survives the next edit, and taking a tag out and typing it back brings it back.
func TestBrowserTagsBoxIsToldWhatItShows(t *testing.T) {
	e := newEnv(t)
	e.User("acme", "olga", "operator")
	oscar := e.User("acme", "oscar", "operator")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234570", Phone: "+905321234570", Name: "Ayşe", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	tags := func() string {
		t.Helper()
		got, err := inbox.TagsOf(t.Context(), e.DB("acme").Read, res.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ",")
	}
	b := newBrowser(t, e.URL)
	b.login("olga")
	b.open(path)
	b.waitFor("the tags box", `!!document.querySelector('#tags')`, 10*time.Second)
	type_ := func(value string) {
		t.Helper()
		b.eval(`(() => { const i = document.querySelector('#tags'); i.value = ` + strconv.Quote(value) + `;
			document.querySelector('#saved-tags').textContent = ''; i.dispatchEvent(new Event('change', {bubbles: true})); return '' })()`)
		b.waitFor("the box told what it shows", `document.querySelector('#was-tags').value === `+strconv.Quote(value), 10*time.Second)
	}
	type_("acil")
	if got := tags(); got != "acil" {
		t.Fatalf("tags %q after typing acil", got)
	}
	if r := oscar.Post(path, url.Values{"tags": {"acil, vip"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("oscar's tags: %d", r.StatusCode)
	}
	type_("")
	if got := tags(); got != "vip" {
		t.Fatalf("tags %q after Olga emptied her box, want vip", got)
	}
	type_("acil")
	if got := tags(); got != "acil,vip" {
		t.Fatalf("tags %q after Olga typed acil back, want acil,vip", got)
	}
}
