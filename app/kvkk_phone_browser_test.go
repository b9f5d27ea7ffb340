package app_test

import (
	"fmt"
	"testing"
	"time"

	"highvibe/app"
)

// TestKVKKConsentVersionOnePiece: on a phone the person's data page shows the privacy notice's
// version beside the consent time in one piece, left to right in Arabic too: "kvkk-2025-01"
// broke at its hyphen, "kvkk-" at the end of one line and "2025-01" alone on the next.
func TestKVKKConsentVersionOnePiece(t *testing.T) {
	b := demoBrowserFor(t, 2*time.Minute)
	var lead int64
	if err := b.e.DB(app.DemoSlug).Read.QueryRow(`SELECT id FROM leads WHERE consent_version <> '' AND consent_at IS NOT NULL ORDER BY id LIMIT 1`).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	b.viewport(390, 844, true)
	for _, lang := range []string{"ar", "tr"} {
		b.open(fmt.Sprintf("/app/kvkk/leads/%d/?lang=%s", lead, lang))
		if got := b.str(`(() => { const v = document.querySelector('#kept dd .small[translate=no]'); if (!v) return 'no version shown';
			const r = v.getClientRects(); return r.length === 1 ? '' : v.textContent + ' stands on ' + r.length + ' lines'; })()`); got != "" {
			t.Errorf("%s: %s", lang, got)
		}
	}
}

// TestPrivacyNoticeReadsInItsOwnDirection: the business writes its privacy notice in its own
// language, and the page around it is in the visitor's. On the Arabic page a Turkish notice was
// laid out right to left: right-aligned, its closing full stop at the start of the last line
// (".bize yazmanız yeterlidir"). The notice now takes the direction of its own text, in every
// language of the page, while the page's own sentences keep the page's.
func TestPrivacyNoticeReadsInItsOwnDirection(t *testing.T) {
	b := demoBrowserFor(t, 2*time.Minute)
	for _, s := range laptopAndPhone {
		b.viewport(s.w, s.h, s.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			b.open("/kvkk/" + app.DemoSlug + "/?lang=" + lang)
			got := b.str(`(() => { const n = document.querySelector('.prose'); if (!n) return 'no notice';
				return getComputedStyle(n).direction + ' ' + getComputedStyle(document.querySelector('[data-rights]')).direction; })()`)
			want := "ltr ltr"
			if lang == "ar" {
				want = "ltr rtl"
			}
			if got != want {
				t.Errorf("%s at %dx%d: the Turkish notice and the page's rights read %q, want %q", lang, s.w, s.h, got, want)
			}
		}
	}
}
