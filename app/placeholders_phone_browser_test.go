package app_test

import (
	"strings"
	"testing"
)

// cutPlaceholders lists, in the open page, the shown text boxes whose placeholder is wider than
// the box (its padding taken off): what the reader sees is the placeholder cut mid-word.
const cutPlaceholders = `(() => {
	const c = document.createElement('canvas').getContext('2d'), out = [];
	for (const i of document.querySelectorAll('input[placeholder]')) {
		if (!i.offsetParent) continue;
		const s = getComputedStyle(i);
		c.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
		const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
		const need = c.measureText(i.placeholder).width;
		if (need > room) out.push((i.id || i.name) + ': "' + i.placeholder + '" needs ' + Math.round(need) + ' px, has ' + Math.round(room));
	}
	return out.join('; ');
})()`

// TestBrowserPlaceholdersReadWholeOnPhone: on a 390×844 phone, in each of the six panel
// languages, the operator's text boxes show their whole hint: the inbox's search box beside its
// Filters button (it read "Ad, telefon, e-posta, metir" in Turkish and "ابحث بالاسم أو الهاتف أو"
// in Arabic, cut before what can be searched), a conversation's tags box (English and French
// cut), and the quote editor's price boxes (Spanish cut).
func TestBrowserPlaceholdersReadWholeOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	for _, page := range []string{"/app/inbox/", "/app/inbox/15/", "/app/quotes/new?conversation_id=15"} {
		for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
			sep := "?"
			if strings.Contains(page, "?") {
				sep = "&"
			}
			b.open(page + sep + "lang=" + lang)
			if n := b.eval(`document.querySelectorAll('input[placeholder]').length`); n == 0 {
				t.Fatalf("%s %s: no text box with a hint", page, lang)
			}
			if cut := b.str(cutPlaceholders); cut != "" {
				t.Errorf("%s in %s: cut hints: %s", page, lang, cut)
			}
		}
	}
}
