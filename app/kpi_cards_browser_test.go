package app_test

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserKPICardsInArabic: on the Arabic KPI page, a desktop and a phone wide, every card's
// figure — the large amounts with their currency too — stays on one line and inside its card
// (it once broke as "15,738,757." over "00 ₺"); so do the KPI page's and the dashboard's cards
// in Turkish and the dashboard's in Arabic, where the demo's "over 10,000 %" return once ran past
// its card's edge (a figure kept on one line whose text is wider than its box counts as out of
// its card).
func TestBrowserKPICardsInArabic(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 3*time.Minute)
	for _, size := range []struct {
		w, h  int64
		phone bool
	}{{1366, 900, false}, {390, 844, true}, {1024, 768, false}} {
		b.viewport(size.w, size.h, size.phone)
		for _, page := range []string{"/app/analytics/?lang=ar", "/app/analytics/?lang=tr", "/app/?lang=tr", "/app/?lang=ar"} {
			b.open(page)
			kpi := strings.HasPrefix(page, "/app/analytics/")
			if kpi {
				b.waitFor("the cards", `document.querySelectorAll('.cards .card-value').length > 10`)
			} else {
				b.waitFor("the cards", `document.querySelector('[data-card=roi] .card-value') !== null`)
			}
			bad := b.str(`(() => { const out = [];
				for (const v of document.querySelectorAll('.cards .card-value')) {
					const card = v.closest('.card').getBoundingClientRect(), r = v.getBoundingClientRect();
					const lines = Math.round(r.height / parseFloat(getComputedStyle(v).lineHeight));
					if (lines > 1 || r.left < card.left - 1 || r.right > card.right + 1 || v.scrollWidth > v.clientWidth + 1) out.push(v.textContent.trim() + ' (' + lines + ' lines)');
				}
				return out.join('; '); })()`)
			if bad != "" {
				t.Errorf("%s at %dx%d: figures wrapped or out of their card: %s", page, size.w, size.h, bad)
			}
			if n := b.eval(`[...document.querySelectorAll('.cards .card-value')].filter(v => /₺/.test(v.textContent)).length`); kpi && n == 0 {
				t.Errorf("%dx%d: no amount on the page to check", size.w, size.h)
			}
		}
	}
}
