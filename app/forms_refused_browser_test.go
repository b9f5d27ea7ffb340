package app_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// A refused form shows its message where the person looks, whatever part of the page it sits in:
// a boosted form's 422 page is shown instead of dropped (htmx leaves 4xx answers unswapped, so
// nothing seemed to happen), and the first message is unfolded and scrolled into view — the
// settings page's users section at the bottom of a long page, a lead page's value card on a phone.
func TestBrowserRefusedFormShown(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	var lead int64
	if err := b.e.DB(app.DemoSlug).Read.QueryRow(`SELECT id FROM leads ORDER BY id LIMIT 1`).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	inView := `(() => { const e = document.querySelector(%q); if (!e) return false; const r = e.getBoundingClientRect();
		return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`
	scenes := []struct {
		name, path, submit, err string
		kept                    string // JavaScript: 1 when the typed text is still in its field
		phone, boosted          bool
	}{
		// A boosted form: the answer used to be dropped.
		{"new template", "/app/settings/templates", `(() => { const f = document.querySelector('form[action="/app/settings/templates"]');
			f.querySelector('[name=name]').value = ''; f.querySelector('[name=body]').value = 'x'; f.querySelector('button[type=submit]').click(); })()`,
			`form[action="/app/settings/templates"] .field-error`, `+(document.querySelector('#tb').value === 'x')`, false, true},
		// The last section of a long page.
		{"new user", "/app/settings/", `(() => { const f = document.querySelector('form[action="/app/settings/users"]');
			f.querySelector('[name=username]').value = 'x'; f.querySelector('[name=password]').value = '1'; f.querySelector('button[type=submit]').click(); })()`,
			`#users .field-error`, `+(document.querySelector('#new-username').value === 'x')`, false, false},
		// A card far down the lead page on a phone.
		{"lead value", fmt.Sprintf("/app/leads/%d/", lead), `(() => { const f = document.querySelector('#lead-value-card form');
			f.querySelector('[name=expected_value]').value = 'abc'; f.querySelector('button[type=submit]').click(); })()`,
			`#lead-value-card .field-error`, `+(document.querySelector('#expected_value').value === 'abc')`, true, true},
	}
	for _, s := range scenes {
		if s.phone {
			b.viewport(390, 844, true)
		} else {
			b.viewport(1366, 900, false)
		}
		b.open(s.path + "?lang=en")
		b.run(s.name, chromedp.Evaluate[chromedp.Void](s.submit))
		b.waitFor(s.name+": its message in view", fmt.Sprintf(inView, s.err))
		if got := b.str(`location.pathname`); s.boosted && got != s.path {
			t.Errorf("%s: the address became %q, want the page's own", s.name, got)
		}
		if s.kept != "" && b.eval(s.kept) != 1 {
			t.Errorf("%s: what was typed is gone", s.name)
		}
		b.shot("refused-" + s.name)
	}
}
