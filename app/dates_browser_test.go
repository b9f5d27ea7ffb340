package app_test

import (
	"strings"
	"testing"

	"highvibe/app"
)

// dateRuns, in the open page, finds every date format hint ("YYYY-MM-DD", "AAAA-MM-JJ", …) and
// ISO date ("2026-12-31") written in the field hints and errors of main, and reports the first
// one drawn on more than one line or not left to right, character by character; "n:" and how
// many it looked at when all are right.
var dateRuns = runsOnOneLine(`main .field-hint, main .field-error`, `[A-Z]{4}-[A-Z]{2}-[A-Z]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}`)

// runsOnOneLine is dateRuns for the runs of text matching the JavaScript pattern re in the
// elements sel picks.
func runsOnOneLine(sel, re string) string {
	return `(() => {
	let n = 0;
	for (const el of document.querySelectorAll('` + sel + `')) {
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			for (const m of node.data.matchAll(/` + re + `/g)) {
				n++;
				const rects = [];
				for (let i = m.index; i < m.index + m[0].length; i++) {
					const r = document.createRange();
					r.setStart(node, i);
					r.setEnd(node, i + 1);
					rects.push(r.getBoundingClientRect());
				}
				if (rects.some((r) => Math.abs(r.top - rects[0].top) > 2)) {
					return 'wrapped: ' + m[0] + ' in «' + el.textContent.trim().slice(0, 80) + '»';
				}
				if (rects.some((r, i) => i > 0 && r.left < rects[i - 1].left)) {
					return 'not left to right: ' + m[0] + ' in «' + el.textContent.trim().slice(0, 80) + '»';
				}
			}
		}
	}
	return 'n:' + n;
})()`
}

// TestBrowserDateHintsOnOneLine: the "YYYY-MM-DD" hint under the closed and half days, and the
// dates of a refusal naming a wrong day, stay on one line and read left to right on a 390 px
// phone and on a desktop, in Arabic, Turkish and English (in Arabic the hint broke at a hyphen).
func TestBrowserDateHintsOnOneLine(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1366, 900, false}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			b.open("/app/settings/hours?lang=" + lang)
			if got := b.str(dateRuns); got != "n:1" {
				t.Errorf("%d px, %s, the hours page: %s", vp.w, lang, got)
			}
			// A refused half day: the message names it and shows the format and an example.
			b.str(`(() => { document.getElementById('half_days').value = '2026-12-24\t24.12.2026'; document.querySelector('form[action="/app/settings/hours"]').submit(); return ''; })()`)
			b.waitFor("the refusal", `document.readyState === 'complete' && !!document.querySelector('#hours-holidays .field-error')`)
			if got := b.str(dateRuns); got != "n:3" {
				t.Errorf("%d px, %s, the refused day: %s", vp.w, lang, got)
			}
		}
	}
}

// TestBrowserHoursIntervalsOnOneLine: the opening hours' intervals ("09:00-18:00") stay on one
// line and read left to right on a 390 px phone and on a desktop, in Arabic, Turkish and
// English: in the week's hint, in a refused day's message, in the boxes they are typed into and
// in the SLA page's week (in Arabic an interval broke at its hyphen).
func TestBrowserHoursIntervalsOnOneLine(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	allModules(b.e, app.DemoSlug)
	intervals := runsOnOneLine(`main .field-hint, main .field-error, #sla-week`, `[0-9]{2}[:.][0-9]{2}[-–][0-9]{2}[:.][0-9]{2}|\b9-18\b`)
	submit := func(day1 string) {
		b.str(`(() => { const f = document.querySelector('form[action="/app/settings/hours"]'); f.elements.enabled.checked = true; f.elements.day1.value = '` + day1 + `'; f.submit(); return ''; })()`)
	}
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1366, 900, false}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			b.open("/app/settings/hours?lang=" + lang)
			if got := b.str(intervals); got != "n:4" {
				t.Errorf("%d px, %s, the week's hint: %s", vp.w, lang, got)
			}
			// A day's box reads its intervals as typed, left to right ("09:00-12:30, 13:30-18:00";
			// in an Arabic box the comma stood before the first one).
			if dir := b.str(`getComputedStyle(document.getElementById('day1')).direction`); dir != "ltr" {
				t.Errorf("%d px, %s: the week's boxes are written %s", vp.w, lang, dir)
			}
			// A day written the wrong way: the refusal shows how to write it, and the other forms
			// the form reads ("9-18", "09.00-18.00").
			submit("9 to 18")
			b.waitFor("the refusal", `document.readyState === 'complete' && !!document.querySelector('#hours-week .field-error')`)
			if got := b.str(intervals); got != "n:7" {
				t.Errorf("%d px, %s, the refused day: %s", vp.w, lang, got)
			}
			// Hours set: the SLA page's week names them (the banner after saving keeps its own on
			// one line already, flashkey.go).
			b.open("/app/settings/hours?lang=" + lang)
			submit("09:00-12:30, 13:30-18:00")
			b.waitFor("the banner", `document.readyState === 'complete' && !!document.querySelector('main .flash-ok')`)
			b.open("/app/msp/sla/?lang=" + lang)
			if got := b.str(intervals); !strings.HasPrefix(got, "n:") || got == "n:0" || got == "n:1" {
				t.Errorf("%d px, %s, the SLA page's week: %s", vp.w, lang, got)
			}
		}
	}
}
