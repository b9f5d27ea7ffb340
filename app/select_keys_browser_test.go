package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app"
)

// TestBrowserSelectByKeyboardActsOnce: on a conversation, an operator on the keyboard moves the
// state from new to qualified with the arrow keys and Enter, and the conversation is saved once,
// as qualified. Arrow keys change a closed select at each press, and each change was saved: the
// conversation went through contacted and engaged on the way (each logged, each a step of the
// lead's stage), and an arrow too far down the list reached won (a sale, sent to the ad platforms)
// before the user could stop. The template menu, likewise, inserted every template it passed.
// Now a choice made with the keys acts on Enter or when the focus leaves the select; a pick with
// the mouse acts at once, as before.
func TestBrowserSelectByKeyboardActsOnce(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug).Read
	if _, err := b.e.DB(app.DemoSlug).Write.Exec(`INSERT INTO templates (name, body, created_at, updated_at) VALUES
		('Keşif', 'Merhaba {{name}}, keşif için yarın uygun musunuz?', 0, 0), ('Fiyat', 'Metrekare fiyatımız teklifte yazıyor.', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRow(`SELECT id FROM conversations WHERE state = 'new' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatalf("the demo has no new conversation: %v", err)
	}
	logs := func(state string) int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM action_logs WHERE conversation_id = ? AND payload LIKE ?`, id, `%"`+state+`"%`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		b.open(fmt.Sprintf("/app/inbox/%d/?lang=en", id))
		if size.w == 1366 {
			b.run("focus the state", chromedp.Focus(chromedp.CSS(`#state`)))
			b.run("three steps down", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
			if got := b.str(`document.querySelector('#state').value`); got != "qualified" {
				t.Fatalf("three arrows down from new reach %s", got)
			}
			b.run("Enter", chromedp.KeyEvent("\r"))
			b.waitFor("the state's feedback", `document.querySelector('#saved-state').textContent.includes('Saved.')`)
			var state string
			if err := db.QueryRow(`SELECT state FROM conversations WHERE id = ?`, id).Scan(&state); err != nil {
				t.Fatal(err)
			}
			if state != "qualified" {
				t.Errorf("the conversation is %s, want qualified", state)
			}
			for _, passed := range []string{"contacted", "engaged"} {
				if n := logs(passed); n != 0 {
					t.Errorf("the conversation was saved as %s on the way (%d logs)", passed, n)
				}
			}
		}
		// The template menu: two arrows down insert nothing; leaving it (Tab) inserts the one chosen, once.
		body := `document.querySelector('#body').value`
		b.run("focus the template menu", chromedp.Focus(chromedp.CSS(`select[data-insert-template]`)))
		want := b.str(`document.querySelector('select[data-insert-template]').options[2]?.dataset.text ?? ''`)
		b.run("two steps down", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		if got := b.str(body); got != "" {
			t.Errorf("%dx%d: the arrows inserted %q before a template was chosen", size.w, size.h, got)
		}
		b.run("leave the menu", chromedp.KeyEvent("\t"))
		b.waitFor("the template inserted", body+` !== ''`)
		first := strings.SplitN(want, "{{", 2)[0]
		if got := b.str(body); want == "" || !strings.HasPrefix(got, first) || strings.Count(got, first[:min(len(first), 12)]) != 1 {
			t.Errorf("%dx%d: the reply box holds %q, want the second template (%q) once", size.w, size.h, got, want)
		}
	}
}
