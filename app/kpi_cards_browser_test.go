package app_test

import (
	"testing"
	"time"
)

// TestBrowserKPICardsInArabic: on the Arabic KPI page, a desktop and a phone wide, every card's
// figure — the large amounts with their currency too — stays on one line and inside its card
// (it once broke as "15,738,757." over "00 ₺").
func TestBrowserKPICardsInArabic(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 2*time.Minute)
	for _, size := range []struct {
		w, h  int64
		phone bool
	}{{1366, 900, false}, {390, 844, true}, {1024, 768, false}} {
		b.viewport(size.w, size.h, size.phone)
		b.open("/app/analytics/?lang=ar")
		b.waitFor("the cards", `document.querySelectorAll('.cards .card-value').length > 10`)
		bad := b.str(`(() => { const out = [];
			for (const v of document.querySelectorAll('.cards .card-value')) {
				const card = v.closest('.card').getBoundingClientRect(), r = v.getBoundingClientRect();
				const lines = Math.round(r.height / parseFloat(getComputedStyle(v).lineHeight));
				if (lines > 1 || r.left < card.left - 1 || r.right > card.right + 1) out.push(v.textContent.trim() + ' (' + lines + ' lines)');
			}
			return out.join('; '); })()`)
		if bad != "" {
			t.Errorf("%dx%d: figures wrapped or out of their card: %s", size.w, size.h, bad)
		}
		if n := b.eval(`[...document.querySelectorAll('.cards .card-value')].filter(v => /₺/.test(v.textContent)).length`); n == 0 {
			t.Errorf("%dx%d: no amount on the page to check", size.w, size.h)
		}
	}
}
