package app_test

import (
	"testing"
	"time"

	"highvibe/app"
)

// TestCodeBlocksStartInView: the lines an owner copies elsewhere — the widget's embed line, the
// WhatsApp and Telegram callback addresses on the channels page, the demo page's snippet — are
// shown from their start in Arabic too. Laid out right to left, a block too wide for a phone
// showed its end ("…whatsapp/?api_key=KEY") with the address's beginning out of sight.
func TestCodeBlocksStartInView(t *testing.T) {
	b := demoBrowserFor(t, 2*time.Minute)
	b.viewport(390, 844, true)
	for _, path := range []string{"/app/settings/channels?lang=ar", "/widget/demo/" + app.DemoSlug + "/?lang=ar"} {
		b.open(path)
		if got := b.str(`(() => {
			const blocks = [...document.querySelectorAll('pre.code')];
			if (!blocks.length) return 'no code block';
			for (const pre of blocks) {
				const code = pre.querySelector('code') || pre, text = code.firstChild;
				if (!text || !text.length) continue;
				const r = document.createRange();
				r.setStart(text, 0); r.setEnd(text, Math.min(12, text.length));
				const box = pre.getBoundingClientRect();
				for (const first of r.getClientRects())
					if (first.left < box.left || first.right > box.right) return code.textContent.slice(0, 40) + '… starts out of sight';
			}
			return '';
		})()`); got != "" {
			t.Errorf("%s: %s", path, got)
		}
	}
}
