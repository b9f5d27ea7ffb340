package web

import "testing"

// TestDatesLTR: the format hints, ISO dates and opening-hours intervals of a sentence are marked to stay on one line, left
// to right; everything else, a typed value too, is escaped as any text.
func TestDatesLTR(t *testing.T) {
	for in, want := range map[string]string{
		"write it as YYYY-MM-DD, e.g. 2026-12-31.":        `write it as <span class="nowrap" dir="ltr">YYYY-MM-DD</span>, e.g. <span class="nowrap" dir="ltr">2026-12-31</span>.`,
		"la date au format AAAA-MM-JJ":                    `la date au format <span class="nowrap" dir="ltr">AAAA-MM-JJ</span>`,
		"“<b>2026-12-31</b>” & 31.12.2026":                `“&lt;b&gt;<span class="nowrap" dir="ltr">2026-12-31</span>&lt;/b&gt;” &amp; 31.12.2026`,
		"بصيغة \u2066YYYY-MM-DD\u2069، مثل 2026-12-31.":   "بصيغة \u2066<span class=\"nowrap\" dir=\"ltr\">YYYY-MM-DD</span>\u2069، مثل <span class=\"nowrap\" dir=\"ltr\">2026-12-31</span>.",
		"no date here, 12026-12-311 and ABCDE-FG-HI stay": "no date here, 12026-12-311 and ABCDE-FG-HI stay",
		// Opening hours' intervals, with a hyphen as typed or an en dash as shown.
		"لكل يوم فترة مثل 09:00-12:30، 13:30-18:00.": `لكل يوم فترة مثل <span class="nowrap" dir="ltr">09:00-12:30</span>، <span class="nowrap" dir="ltr">13:30-18:00</span>.`,
		"09:00–18:00, 22:00–02:00":                   `<span class="nowrap" dir="ltr">09:00–18:00</span>, <span class="nowrap" dir="ltr">22:00–02:00</span>`,
		"between 00:00 and 24:00, 9:00-18:00":        "between 00:00 and 24:00, 9:00-18:00",
		// The other forms the hours form reads.
		"09:00-18:00 (9-18 ve 09.00-18.00 de olur)": `<span class="nowrap" dir="ltr">09:00-18:00</span> (<span class="nowrap" dir="ltr">9-18</span> ve <span class="nowrap" dir="ltr">09.00-18.00</span> de olur)`,
		"31.12.2026 and 9.30-18":                    "31.12.2026 and 9.30-18",
	} {
		if got := string(datesLTR(in)); got != want {
			t.Errorf("datesLTR(%q) =\n%s\nwant\n%s", in, got, want)
		}
	}
}
