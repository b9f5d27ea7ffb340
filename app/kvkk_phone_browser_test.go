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
