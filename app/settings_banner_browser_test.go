package app_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSettingsOutcomeInView: on a phone (390×844), a settings form whose answer leads back
// to its own section (/app/settings/#users, #modules, #retention, #visit-settings, #media) lands there with what happened
// in view, at the top of that section, without scrolling: who can now sign in after a new user, the refusal
// of taking away one's own owner role. Before, the banner was at the top of the long page, out of
// view above the section the page was scrolled to, and the owner never saw either. A refused
// new-user form (its fields marked, no banner) is in view too.
func TestBrowserSettingsOutcomeInView(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)

	// landed waits for the page the form led to, scrolled to its section; then the banner must be
	// in that section and in view.
	landed := func(what, section, want string) {
		t.Helper()
		b.waitFor(what+": the page landed on #"+section, `document.readyState === 'complete' && location.hash === '#`+section+`' && window.scrollY > 0 && (() => {
			const r = document.getElementById('`+section+`').getBoundingClientRect(); return r.top > -2 && r.top < innerHeight })()`)
		b.run(what+": settle", chromedp.Evaluate[chromedp.Void](`new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))`))
		got := b.str(`(() => {
			const f = document.querySelector('main .flash');
			if (!f) return 'no banner';
			const r = f.getBoundingClientRect();
			if (r.top < 0 || r.bottom > innerHeight) return 'banner out of view at ' + Math.round(r.top) + '..' + Math.round(r.bottom) + ' of ' + innerHeight + ': ' + f.textContent;
			if (!f.closest('#` + section + `')) return 'banner outside the section: ' + f.textContent;
			return f.textContent.trim();
		})()`)
		if got != want {
			t.Errorf("%s: %s, want %q in view", what, got, want)
		}
	}

	b.open("/app/settings/?lang=en")
	b.run("new user", chromedp.SetValue(`#new-username`, "saha"), chromedp.SetValue(`#new-password`, "a long enough password"),
		chromedp.Submit(`#new-username`))
	landed("a new user", "users", "\u2068saha\u2069 can now sign in as Operator with the password you set. Give it to them yourself.")

	b.open("/app/settings/?lang=en")
	b.eval(`(() => {
		const row = [...document.querySelectorAll('#user-table tbody tr')].find((r) => r.querySelector('.cell-title').textContent.trim() === 'talha');
		const f = row.querySelector('form[action$="/role"]');
		f.role.value = 'operator';
		f.submit();
		return 0;
	})()`)
	landed("one's own owner role", "users", "You cannot take away your own owner role. Ask another owner.")

	b.open("/app/settings/?lang=en")
	b.eval(`(document.querySelector('#modules form').submit(), 0)`)
	landed("modules", "modules", "Modules saved.")

	b.open("/app/settings/?lang=en")
	b.eval(`(document.querySelector('#retention form').submit(), 0)`)
	landed("job history", "retention", "Saved.")

	// The site visits' and the photos' forms post to the profile's address; they lead back to
	// their own sections too, not to the top of the page.
	for _, section := range []string{"visit-settings", "media"} {
		b.open("/app/settings/?lang=en")
		b.eval(`(document.querySelector('#` + section + ` form').submit(), 0)`)
		landed(section, section, "Saved.")
	}

	// A refused new user: the page comes back with the fields marked, the first one in view.
	b.open("/app/settings/?lang=en")
	b.run("refused user", chromedp.SetValue(`#new-username`, "kisa"), chromedp.SetValue(`#new-password`, "short"),
		chromedp.Submit(`#new-username`))
	b.waitFor("the refused form", `document.readyState === 'complete' && location.pathname === '/app/settings/users' && !!document.querySelector('#users .field-error')`)
	b.waitFor("the refusal in view", `(() => { const r = document.querySelector('#users .field-error').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight })()`)
}
