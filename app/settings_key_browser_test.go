package app_test

import (
	"fmt"
	"testing"
)

// A new API key's secret, shown once at the bottom of the long settings page, is brought into view
// on a phone: before, the answer opened at the page's top and the secret was far below. The same
// form sent again (a double tap, a reload of that answer) makes no second key, and its answer
// brings the note that the key was already made into view where the secret was.
func TestBrowserAPIKeyAnswerInView(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	keys := func() int {
		t.Helper()
		var n int
		if err := b.e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM api_keys WHERE name = 'Muhasebe'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	inView := `(() => { const e = document.querySelector(%q); if (!e) return false; const r = e.getBoundingClientRect();
		return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`
	// tok, when set, is put in the form's one-time token field: the form sent again.
	send := func(tok string) string {
		return b.str(`(() => { const f = document.querySelector('form[action="/app/settings/apikeys"]');
			f.querySelector('#key-name').value = 'Muhasebe'; f.querySelector('input[name=scope][value=read]').checked = true;
			const once = f.querySelector('input[name=form_once]'); if ('` + tok + `') once.value = '` + tok + `';
			const sent = once.value; f.submit(); return sent })()`)
	}
	b.open("/app/settings/?lang=tr")
	tok := send("")
	b.waitFor("the new key's secret in view", fmt.Sprintf(inView, "#new-key"))
	send(tok)
	b.waitFor("the already-made note in view", fmt.Sprintf(inView, "#key-again"))
	if n := keys(); n != 1 {
		t.Fatalf("%d keys after one form sent twice, want 1", n)
	}
}
