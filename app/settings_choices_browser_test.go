package app_test

import (
	"testing"
)

// cutChoices lists, in the open page, the shown drop-downs whose chosen option is wider than the
// room the box gives its text (its padding and the arrow taken off): what the reader sees is the
// choice cut mid-word.
const cutChoices = `(() => {
	const c = document.createElement('canvas').getContext('2d'), out = [];
	for (const s of document.querySelectorAll('main select')) {
		if (!s.offsetParent || s.selectedIndex < 0) continue;
		const st = getComputedStyle(s);
		c.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily;
		const room = s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 20;
		const text = s.options[s.selectedIndex].text, need = c.measureText(text).width;
		if (need > room) out.push((s.id || s.name) + ': "' + text + '" needs ' + Math.round(need) + ' px, has ' + Math.round(room));
	}
	return out.join('; ');
})()`

// TestBrowserSettingsChoicesReadWhole: on a laptop (1366×900) and a phone, in each of the six
// panel languages, the business profile's drop-downs show their whole choice. The niche stood in a
// row of three beside the language and the currency and was cut on a laptop in every language
// but Arabic: "Stone and parquet p" in English, "Stein- und Pflasterar" in German, even the
// Turkish "Taş ve parke döşem".
func TestBrowserSettingsChoicesReadWhole(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, sc := range laptopAndPhone {
		b.viewport(sc.w, sc.h, sc.mobile)
		for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
			b.open("/app/settings/?lang=" + lang)
			if n := b.eval(`document.querySelectorAll('#niche, #primary_locale').length`); n != 2 {
				t.Fatalf("%s: %v of the niche and language drop-downs", lang, n)
			}
			if cut := b.str(cutChoices); cut != "" {
				t.Errorf("settings in %s at %d px: cut choices: %s", lang, sc.w, cut)
			}
		}
	}
}
