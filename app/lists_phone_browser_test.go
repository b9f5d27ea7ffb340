package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/msp"
	"highvibe/app/seasonal"
)

// phoneCards checks, in the open page, that the table sel (with at least min rows besides a
// "more" row) is laid out as one card per row: the header row hidden, nothing scrolling sideways,
// every row a grid whose cells (and the links and pills in them) stay inside the card and the
// screen, none cut, each cell labelled with its column's name (data-label, shown or read out
// through ::before), only cells marked is-empty left out, and no more than the card's padding of
// blank space under the last cell. It returns what is wrong, or "".
const phoneCards = `((sel, min) => {
	const t = document.querySelector(sel);
	if (!t) return 'no ' + sel;
	for (let e = t; e; e = e.parentElement) if (getComputedStyle(e).contentVisibility === 'auto') e.style.contentVisibility = 'visible';
	const heads = [...t.tHead.rows[0].cells].map(th => th.textContent.trim());
	if (t.tHead.getBoundingClientRect().height > 0) return 'the header row shows';
	const wrap = t.closest('.table-wrap'), screen = document.documentElement.clientWidth;
	if (wrap.scrollWidth > wrap.clientWidth + 1) return 'the list scrolls sideways: ' + wrap.scrollWidth + ' px in ' + wrap.clientWidth;
	const rows = [...t.tBodies[0].rows].filter(r => !r.classList.contains('row-more'));
	if (rows.length < min) return 'only ' + rows.length + ' rows';
	for (const [i, r] of rows.entries()) {
		const rb = r.getBoundingClientRect();
		if (getComputedStyle(r).display !== 'grid') return 'row ' + i + ' is not a card';
		let bottom = rb.top;
		for (const [j, c] of [...r.cells].entries()) {
			const what = 'row ' + i + ' cell ' + j + ' (' + heads[j] + ')';
			if (c.dataset.label !== heads[j]) return what + ' is labelled ' + c.dataset.label;
			const before = getComputedStyle(c, '::before').content;
			if (!before.includes(heads[j])) return what + ' does not say its column: ' + before;
			if (getComputedStyle(c).display === 'none') {
				if (!c.classList.contains('is-empty')) return what + ' is hidden';
				continue;
			}
			const cb = c.getBoundingClientRect();
			if (cb.width < 1 || cb.left < rb.left - 1 || cb.right > rb.right + 1 || cb.left < 0 || cb.right > screen + 1) return what + ' is outside its card';
			if (c.scrollWidth > c.clientWidth + 1) return what + ' is cut: ' + c.scrollWidth + ' px in ' + c.clientWidth;
			for (const e of c.querySelectorAll('a, .badge, .count, time, bdi')) {
				const eb = e.getBoundingClientRect();
				if (eb.left < rb.left - 1 || eb.right > rb.right + 1) return what + ': ' + e.outerHTML.slice(0, 80) + ' sticks out of the card';
			}
			bottom = Math.max(bottom, cb.bottom);
		}
		const blank = rb.bottom - bottom;
		if (blank > 16) return 'row ' + i + ' has ' + Math.round(blank) + ' px of blank under its last cell';
	}
	return '';
})`

// phoneLists are the panel's long lists that become cards on a phone (css/cards.css): the page,
// its table and the fewest rows the demo shows in it. A page's lists stand next to each other, so
// the page is opened once for all of them.
var phoneLists = []struct {
	page, table string
	min         int
}{
	{"/app/", "#recent-table", 5}, {"/app/leads/", "#leads", 5}, {"/app/logs/", "#log-table", 5},
	{"/orders/", "#records", 5}, {"/invoices/", "#records", 5}, {"/customers/", "#records", 5},
	{"/products/", "#products", 5}, {"/app/quotes/", "#quotes", 1}, {"/app/msp/tickets/", "#tickets", 5},
	{"/app/approvals/", "#handoff-table", 3}, {"/app/approvals/", "#decided-table", 3},
	{"/app/msp/clients/", "#clients", 2}, {"/app/msp/sites/", "#sites", 2}, {"/app/msp/devices/", "#devices", 4},
	{"/app/msp/contracts/", "#contracts", 2}, {"/app/settings/", "#user-table", 1},
	{"/products/{product}/stock", "#movement-table", 2}, {"/app/quotes/{quote}/", "#quote-lines", 2},
	{"/app/analytics/?attr_month={last-month}", "[data-attr-table=source]", 2},
	{"/app/analytics/?attr_month={last-month}", "[data-attr-table=campaign]", 2},
	{"/app/analytics/?attr_month={last-month}", "[data-attr-table=platform]", 2},
}

// phoneListsMSP are the IT provider's (the demo-bilisim tenant's) tables that become cards too: a
// week's timesheet (its days and the week's total), a contract's hours per month, the SLA targets
// (the owner's form: inputs in the cards) and a person's data summary (the KVKK page's messages).
var phoneListsMSP = []struct {
	page, table string
	min         int
}{
	{"/app/msp/time", "#sheet", 7}, {"/app/msp/contracts/{contract}/", "#usage-table", 2},
	{"/app/msp/sla/", ".sla-targets", 4}, {"/app/kvkk/leads/{lead}/summary", ".summary-messages", 2},
}

// TestBrowserListsOnPhone opens the panel's long lists (phoneLists: the dashboard's recent
// conversations, leads, the action log, orders, invoices, customers, products, quotes, MSP
// tickets, clients, sites, devices and contracts, the approval page's handed-over conversations and
// decided recommendations, the settings' users, a product's stock movements, a quote's lines and
// the KPI page's attribution report (by source, campaign and ad platform; the conversion tracking
// module on), and in the IT provider's tenant phoneListsMSP) on a 390×844 phone in Turkish and Arabic: each row is one card with every field on the
// screen (see phoneCards), the page no wider than the phone; a card's link opens its conversation,
// the leads list's and the log's "more" add cards of the same kind, and a list reached from the
// menu (a boosted link, which swaps only the body) is cards too. On a computer they stay tables
// with their header row.
func TestBrowserListsOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 15*time.Minute) // some forty pages at phone size: a bound on a hung browser, not a speed test
	// The MSP module on, with tickets of every priority and two clients, each with a site, two
	// devices and a contract (the demo business has none).
	allModules(b.e, app.DemoSlug)
	ctx, db, talha := context.Background(), b.e.DB(app.DemoSlug), msp.Actor{Name: "talha"}
	for i, subject := range []string{"Yazıcı kağıt sıkıştırıyor", "Muhasebe bilgisayarı açılmıyor, mavi ekran veriyor",
		"VPN bağlantısı kopuyor", "Yeni çalışan için e-posta hesabı", "Sunucu diski dolmak üzere"} {
		if _, err := msp.Create(ctx, db, msp.NewTicket{Subject: subject, Priority: msp.Priorities[i%4]}, talha); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"Kadıköy Diş Kliniği", "Moda Muhasebe ve Danışmanlık Ltd. Şti."} {
		client, err := msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: name, ContactName: "Ayşe Yılmaz", ContactPhone: "0532 123 45 67"}, talha)
		if err != nil {
			t.Fatal(err)
		}
		site, err := msp.SaveSite(ctx, db, 0, msp.Site{ClientID: client, Name: "Merkez ofis", Address: "Caferağa Mah. Moda Cad. No: 12, Kadıköy, İstanbul",
			ContactName: "Mehmet Demir", ContactPhone: "0216 555 12 34"}, talha)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			if _, err := msp.SaveDevice(ctx, db, msp.Device{ClientID: client, SiteID: site, Kind: "laptop", Name: "Resepsiyon bilgisayarı",
				Make: "Lenovo", Model: "ThinkPad T14", Serial: fmt.Sprintf("PF3ABC%d%d", i, j), WarrantyEnd: "2027-06-30"}, talha); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := msp.SaveContract(ctx, db, 0, msp.ContractInput{ClientID: client, Kind: msp.ContractKinds[i], StartsOn: "2026-01-01",
			EndsOn: "2026-12-31", Hours: "10", Price: "15000", Currency: "TRY"}, talha); err != nil {
			t.Fatal(err)
		}
	}
	// A counted product and the demo's quote stand for the pages of one record.
	var product, quote int64
	if err := db.Read.QueryRow(`SELECT min(product_id) FROM stock_movements`).Scan(&product); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT min(id) FROM quotes`).Scan(&quote); err != nil {
		t.Fatal(err)
	}
	// The attribution report of last month: the demo's ad history covers all of it, while this
	// month may have only hours behind it when the test runs.
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	lastMonth := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, now.Location()).Format("2006-01")
	record := strings.NewReplacer("{product}", fmt.Sprint(product), "{quote}", fmt.Sprint(quote), "{last-month}", lastMonth)
	lists := append(phoneLists[:0:0], phoneLists...)
	for i := range lists {
		lists[i].page = record.Replace(lists[i].page)
	}
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "ar"} {
		for i, l := range lists {
			if i == 0 || lists[i-1].page != l.page { // a page with several lists opens once
				b.open(withLang(l.page, lang))
				checkFits(t, b)
			}
			if p := b.str(fmt.Sprintf("%s('%s', %d)", phoneCards, l.table, l.min)); p != "" {
				t.Errorf("%s in %s at 390 px: %s", l.page, lang, p)
			}
		}
	}

	// The next page of the leads list and of the log comes in as cards too.
	for _, more := range []struct{ page, table, rows, button string }{
		{"/app/leads/?lang=tr", "#leads", "#leads tbody tr[data-lead]", "#leads [data-next]"},
		{"/app/logs/?lang=ar", "#log-table", "#log-table tbody tr.log-row", "#log-rows-more a"},
	} {
		b.open(more.page)
		rows := `document.querySelectorAll('` + more.rows + `').length`
		before := b.eval(rows)
		b.run("more of "+more.page, chromedp.Click(chromedp.CSS(more.button)))
		b.waitFor("the next rows of "+more.page, fmt.Sprintf("%s > %v && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')", rows, before))
		if p := b.str(fmt.Sprintf("%s('%s', %v)", phoneCards, more.table, before+1)); p != "" {
			t.Errorf("after more of %s: %s", more.page, p)
		}
	}

	// A list reached through the menu's boosted link (htmx swaps the body, not the head) is cards,
	// with its page's own stylesheet (js/boost.js adds it), the approval page with the rules in its
	// head; the KPI page, whose head has scripts of its own, opens in full and draws its charts.
	for i, l := range append(phoneLists[1:4:4], phoneLists[7]) {
		b.open("/app/?lang=tr")
		b.run("menu link to "+l.page, chromedp.Evaluate[chromedp.Void](`document.querySelector('header a[href="`+l.page+`"]').click()`))
		b.waitFor(l.page+" from the menu", `location.pathname === '`+l.page+`' && !!document.querySelector('`+l.table+`') && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
		if p := b.str(fmt.Sprintf("%s('%s', %d)", phoneCards, l.table, l.min)); p != "" {
			t.Errorf("%s reached from the menu: %s", l.page, p)
		}
		if css := []string{"leads", "", "export", "quotes"}[i]; css != "" {
			b.waitFor(css+".css on "+l.page+" from the menu", `[...document.styleSheets].some(s => (s.href || '').includes('/css/`+css+`.'))`)
		}
	}
	b.open("/app/?lang=tr")
	b.run("menu link to the approvals", chromedp.Evaluate[chromedp.Void](`document.querySelector('header a[href="/app/approvals/"]').click()`))
	b.waitFor("the approval page's own rules from the menu", `location.pathname === '/app/approvals/' && !!document.querySelector('.bulk-bar') && getComputedStyle(document.querySelector('.bulk-bar')).position === 'sticky'`)
	b.open("/app/?lang=tr")
	b.run("menu link to the KPI page", chromedp.Evaluate[chromedp.Void](`document.querySelector('header a[href="/app/analytics/"]').click()`))
	b.waitFor("the KPI page's charts from the menu", `location.pathname === '/app/analytics/' && typeof Plotly === 'object' && !!document.querySelector('.js-plotly-plot')`)

	// The KPI page's forecast marks a campaign whose week runs over two neighbouring months: on a
	// phone the markers stand clear of each other, inside the chart, and each keeps its whole
	// label for the hover. The demo's New Year campaign is such a week only while its months are
	// in the forecast (November to January); a stock count on the 3rd of next month always is:
	// its week starts in this month.
	third := time.Date(now.Year(), now.Month()+1, 3, 12, 0, 0, 0, loc)
	if err := seasonal.Save(ctx, db, &seasonal.Campaign{Name: "Stok sayımı", Rule: seasonal.RuleFixed, Month: int(third.Month()), Day: third.Day(),
		LeadDays: 7, UpliftPct: -30}, seasonal.Actor{Name: "talha"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	b.open("/app/analytics/?refresh=1")
	for _, lang := range []string{"tr", "en", "ar"} {
		b.open("/app/analytics/?lang=" + lang)
		b.run("scroll to the forecast", chromedp.ScrollIntoView(`[data-key=forecast_payload]`))
		b.waitFor("the forecast laid out in "+lang, `!!document.querySelector('[data-key=forecast_payload][data-drawn] .annotation')`)
		if p := b.str(markersApart); p != "" {
			t.Errorf("the forecast's campaign markers in %s at 390 px: %s", lang, p)
		}
	}

	// A card's name is a link that takes the keyboard and opens the conversation.
	b.open("/app/?lang=tr")
	first := `#recent-table tbody tr:first-child td:first-child a`
	b.run("focus the first card's link", chromedp.Focus(chromedp.CSS(first)))
	if b.eval(`document.activeElement === document.querySelector('`+first+`') ? 1 : 0`) != 1 {
		t.Error("the first card's link does not take focus")
	}
	want := b.str(`document.querySelector('` + first + `').pathname`)
	b.run("open the first card", chromedp.Click(chromedp.CSS(first)))
	b.waitFor("the conversation "+want, `location.pathname === '`+want+`' && document.readyState === 'complete'`)

	// A computer keeps the tables.
	b.viewport(1366, 900, false)
	for i, l := range lists {
		if i == 0 || lists[i-1].page != l.page {
			b.open(withLang(l.page, "tr"))
		}
		if b.eval(`(() => { const t = document.querySelector('`+l.table+`');
			document.querySelectorAll('.queue-more').forEach(e => { e.style.contentVisibility = 'visible'; });
			return getComputedStyle(t).display === 'table' && t.tHead.getBoundingClientRect().height > 0
				&& getComputedStyle(t.tBodies[0].rows[0]).display === 'table-row' ? 1 : 0 })()`) != 1 {
			t.Errorf("%s at 1366 px is not a table with its header row", l.page)
		}
	}
	// The IT provider's tenant (the demo login is its owner too): its timesheet, a contract's usage,
	// the SLA targets and a person's data summary, as cards on a phone and tables on a computer.
	bdb := b.e.DB(app.DemoMSPSlug)
	var contract, lead int64
	if err := bdb.Read.QueryRow(`SELECT min(id) FROM msp_contracts WHERE monthly_minutes > 0 AND starts_on < date('now', '-2 months')`).Scan(&contract); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Read.QueryRow(`SELECT c.lead_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		GROUP BY c.id HAVING count(*) >= 2 ORDER BY c.lead_id LIMIT 1`).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	record = strings.NewReplacer("{contract}", fmt.Sprint(contract), "{lead}", fmt.Sprint(lead))
	b.open("/app/?lang=tr")
	b.run("switch to "+app.DemoMSPSlug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
		f.querySelector('[name=tenant]').value = '`+app.DemoMSPSlug+`'; f.submit(); })()`))
	b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "ar"} {
		for _, l := range phoneListsMSP {
			page := record.Replace(l.page)
			b.open(page + "?lang=" + lang)
			checkFits(t, b)
			if p := b.str(fmt.Sprintf("%s('%s', %d)", phoneCards, l.table, l.min)); p != "" {
				t.Errorf("%s in %s at 390 px: %s", page, lang, p)
			}
		}
	}
	// The KPI page's tickets per client: every client's name is on the screen, whole or cut
	// with an ellipsis (the bar's hover has it whole); long ones ran off the card's edge.
	for _, lang := range []string{"tr", "en", "ar"} {
		b.open("/app/analytics/?lang=" + lang)
		const chart = `[data-key="msp_payload.figures.tickets_by_client"]`
		b.run("scroll to the tickets per client", chromedp.ScrollIntoView(chart))
		b.waitFor("the tickets per client drawn in "+lang, `!!document.querySelector('`+chart+`[data-drawn] .ytick text')`)
		if p := b.str(namesInside + "('" + chart + "')"); p != "" {
			t.Errorf("tickets per client in %s at 390 px: %s", lang, p)
		}
	}

	// The week's total is a card after the days'.
	b.open("/app/msp/time?lang=tr")
	if b.eval(`(() => { const f = document.querySelector('#sheet tfoot tr'), last = document.querySelector('#sheet tbody tr:last-child');
		return getComputedStyle(f).display === 'grid' && f.getBoundingClientRect().top >= last.getBoundingClientRect().bottom
			&& f.getBoundingClientRect().right <= document.documentElement.clientWidth ? 1 : 0 })()`) != 1 {
		t.Error("the timesheet's week total is not a card under the days at 390 px")
	}
	b.viewport(1366, 900, false)
	for _, l := range phoneListsMSP {
		page := record.Replace(l.page)
		b.open(page + "?lang=tr")
		if b.eval(`(() => { const t = document.querySelector('`+l.table+`');
			return getComputedStyle(t).display === 'table' && t.tHead.getBoundingClientRect().height > 0
				&& getComputedStyle(t.tBodies[0].rows[0]).display === 'table-row' ? 1 : 0 })()`) != 1 {
			t.Errorf("%s at 1366 px is not a table with its header row", page)
		}
	}
}

// markersApart: the forecast chart's markers (at least two) do not overlap each other, stay inside
// the chart and each has a hover longer than its text ("Yılbaşı -30%" for "-30%"). It returns
// what is wrong, or "".
const markersApart = `(() => {
	const el = document.querySelector('[data-key=forecast_payload]'), box = el.getBoundingClientRect();
	const rs = [...el.querySelectorAll('.annotation .annotation-text-g')].map(g => g.getBoundingClientRect());
	if (rs.length < 2) return rs.length + ' markers, want at least the two of the stock count';
	for (const [i, a] of rs.entries()) {
		if (a.left < box.left - 1 || a.right > box.right + 1 || a.top < box.top - 1) return 'marker ' + i + ' outside the chart';
		for (const b of rs.slice(i + 1)) {
			if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) return 'markers overlap: ' + [a, b].map(r => Math.round(r.left) + '–' + Math.round(r.right) + '×' + Math.round(r.top) + '–' + Math.round(r.bottom)).join(' and ');
		}
	}
	const bad = el.layout.annotations.filter(a => !a.hovertext || a.hovertext.replace(/<br>/g, ' ').length <= a.text.length);
	return bad.length ? 'no whole label in the hover of ' + bad.map(a => a.text).join(', ') : '';
})()`

// namesInside, for a horizontal bar chart (sel), checks that every category name on its axis is
// inside the chart's box, whole or a beginning of the name ending in an ellipsis. It returns
// what is wrong, or "".
const namesInside = `((sel) => {
	const el = document.querySelector(sel), box = el.getBoundingClientRect();
	const names = el.data.flatMap(t => t.y || []);
	const out = [];
	for (const t of el.querySelectorAll('.ytick text')) {
		const r = t.getBoundingClientRect(), s = t.textContent;
		if (r.left < box.left - 1 || r.right > box.right + 1) out.push('«' + s + '» at ' + Math.round(r.left - box.left) + '–' + Math.round(r.right - box.left) + ' of ' + Math.round(box.width));
		else if (!names.includes(s) && !(s.endsWith('\u2026') && names.some(n => n.startsWith(s.slice(0, -1))))) out.push('«' + s + '» is no client\'s name');
	}
	return out.join('; ');
})`

// withLang is page with its lang parameter added to the query it may have.
func withLang(page, lang string) string {
	if strings.Contains(page, "?") {
		return page + "&lang=" + lang
	}
	return page + "?lang=" + lang
}
