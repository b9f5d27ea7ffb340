package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/msp"
)

// ingest stores one inbound message as a channel would and returns its conversation.
func ingest(t *testing.T, e *apptest.Env, slug string, in inbox.Inbound) int64 {
	t.Helper()
	res, err := e.Handlers.InboxService.Ingest(context.Background(), slug, e.DB(slug), in)
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

// csvRecords reads an export answer as CSV after its byte-order mark, its cells separated by ","
// or, in a language that writes decimals after a comma, ";" (as its header row shows).
func csvRecords(t *testing.T, r *apptest.Resp) [][]string {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("export: %d %s", r.StatusCode, r.Body)
	}
	if !strings.HasPrefix(r.Body, "\uFEFF") {
		t.Fatal("the CSV has no byte-order mark")
	}
	body := strings.TrimPrefix(r.Body, "\uFEFF")
	cr := csv.NewReader(strings.NewReader(body))
	if header, _, _ := strings.Cut(body, "\n"); strings.Contains(header, ";") {
		cr.Comma = ';'
	}
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestExportListsKeepTheirFilters: the inbox, customers, orders and tickets exports hold exactly
// the records the list's filters select (all of them, not one page), as CSV an Excel reads
// (BOM, formulas defused) and as an XLSX file excelize opens; the list pages' export links carry
// their filters; every export is in the action log with who and which filters; only the owner
// may export (operators and viewers get 403 and no log row).
func TestExportListsKeepTheirFilters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	allModules(e, "acme")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")
	c1 := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Name: "Şükrü Öztürk", Phone: "+90 532 111 22 33", Body: "Mutfak için parke fiyatı?"})
	ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Body: "=1+2 ayrıca merdiven"})
	c2 := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "tok-2", Name: "İpek Işık", Body: "Banyo mermer"})
	for i := range 60 { // more than one page of the inbox
		ingest(t, e, "acme", inbox.Inbound{Channel: "telegram", ExternalID: fmt.Sprint("tg-", i), Name: fmt.Sprint("Kişi ", i), Body: "merhaba"})
	}

	// The inbox page links the export with its filters.
	doc := owner.Get("/app/inbox/?channel=whatsapp&q=parke").Doc(t)
	href, _ := doc.Find(`.export-menu a[href*="format=csv"]`).Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Path != "/app/inbox/export" || u.Query().Get("channel") != "whatsapp" || u.Query().Get("q") != "parke" {
		t.Fatalf("the inbox export link %q does not carry the filters", href)
	}
	recs := csvRecords(t, owner.Get(href))
	if len(recs) != 2 || recs[1][0] != fmt.Sprint(c1) {
		t.Fatalf("whatsapp+parke export: %q", recs)
	}
	row := recs[1]
	msgs := countRows(t, e, "acme", fmt.Sprint(`SELECT count(*) FROM messages WHERE conversation_id = `, c1))
	if row[4] != "Şükrü Öztürk" || row[5] != "'+90 532 111 22 33" || row[2] != "WhatsApp" || row[3] != "Yeni" || row[11] != fmt.Sprint(msgs) ||
		strings.Contains(row[10], "handoff") {
		t.Errorf("row %q", row)
	}
	if !strings.Contains(row[12], "Müşteri: Mutfak için parke fiyatı?") || !strings.Contains(row[12], "Müşteri: =1+2 ayrıca merdiven") {
		t.Errorf("messages column %q", row[12])
	}
	if all := csvRecords(t, owner.Get("/app/inbox/export")); len(all) != 63 {
		t.Errorf("unfiltered export has %d rows, want 62 and the header", len(all)-1)
	}
	if w := csvRecords(t, owner.Get("/app/inbox/export?channel=webchat")); len(w) != 2 || w[1][0] != fmt.Sprint(c2) {
		t.Errorf("webchat export %q", w)
	}

	// XLSX of the same list opens and holds the same rows.
	x := owner.Get("/app/inbox/export?channel=whatsapp&format=xlsx")
	if x.StatusCode != 200 || x.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(x.Header.Get("Content-Disposition"), "acme-conversations-") {
		t.Fatalf("xlsx: %d %v", x.StatusCode, x.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 2 || rows[1][4] != "Şükrü Öztürk" || rows[1][5] != "+90 532 111 22 33" || rows[0][4] != "Ad" {
		t.Errorf("xlsx rows %q", rows)
	}

	// Customers and orders: the search and the status filter.
	for _, c := range []url.Values{
		{"name": {"Ayşe Demir"}, "phone": {"05321234567"}, "city": {"İzmir"}},
		{"name": {"=cmd|' /C calc'!A0"}, "phone": {"+905550001122"}, "city": {"Ankara"}},
	} {
		if r := owner.Post("/customers/new", c); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
		}
	}
	cs := csvRecords(t, owner.Get("/customers/export?q=Ankara"))
	if len(cs) != 2 || cs[1][1] != "'=cmd|' /C calc'!A0" || cs[1][2] != "'+905550001122" {
		t.Errorf("customers?q=Ankara: %q", cs)
	}
	if cs := csvRecords(t, owner.Get("/customers/export")); len(cs) != 3 {
		t.Errorf("customers: %d rows", len(cs)-1)
	}
	if href, _ := owner.Get("/customers/?q=Ankara").Doc(t).Find(`.export-menu a[href*="format=xlsx"]`).Attr("href"); href != "/customers/export?q=Ankara&format=xlsx" {
		t.Errorf("customers export link %q", href)
	}
	var custID int64
	_ = e.DB("acme").Read.QueryRow(`SELECT id FROM customers WHERE city = 'İzmir'`).Scan(&custID)
	for _, st := range []string{"open", "won", "won"} {
		if r := owner.Post("/orders/new", url.Values{"customer_id": {fmt.Sprint(custID)}, "status": {st}, "total": {"1500.50"}, "currency": {"TRY"}, "description": {"Meşe parke"}, "ordered_at": {"2026-11-02"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("order: %d %s", r.StatusCode, r.Body)
		}
	}
	os := csvRecords(t, owner.Get("/orders/export?status=won"))
	if len(os) != 3 || os[1][1] != "Ayşe Demir" || os[1][3] != "1500,5" || os[1][5] != "2026-11-02" {
		t.Errorf("orders?status=won: %q", os)
	}

	// Numbers stay numbers: an Arabic page writes amounts with invisible bidi marks around a
	// signed one (i18n); the CSV and XLSX of an Arabic reader hold the raw number, no marks.
	if rs := csvRecords(t, owner.Get("/orders/export?status=won&lang=ar")); len(rs) != 3 || rs[1][3] != "1500.5" || strings.ContainsAny(strings.Join(rs[1], ""), "\u2066\u2069\u200e\u200f") {
		t.Errorf("orders?status=won in Arabic: %q", rs)
	}
	xr := owner.Get("/orders/export?status=won&lang=ar&format=xlsx")
	xf, err := excelize.OpenReader(bytes.NewReader([]byte(xr.Body)))
	if err != nil {
		t.Fatal(err)
	}
	total, _ := xf.GetCellValue(xf.GetSheetList()[0], "D2")
	kind, _ := xf.GetCellType(xf.GetSheetList()[0], "D2")
	xf.Close()
	if total != "1500.5" || kind == excelize.CellTypeInlineString || kind == excelize.CellTypeSharedString {
		t.Errorf("the Arabic XLSX's order total: %q (type %v), want the number 1500.5", total, kind)
	}
	owner.Get("/orders/?lang=tr") // the language chosen sticks; back to Turkish

	// MSP tickets (priority and search filters) and time entries (the timesheet's person and week).
	ctx := context.Background()
	for i, pr := range []string{"p1", "p3", "p3"} {
		if _, err := msp.Create(ctx, e.DB("acme"), msp.NewTicket{Subject: fmt.Sprintf("Yazıcı arızası %d", i), Description: "Ofis yazıcısı çalışmıyor", Priority: pr},
			msp.Actor{UserID: 1, Name: "talha"}); err != nil {
			t.Fatal(err)
		}
	}
	ts := csvRecords(t, owner.Get("/app/msp/tickets/export?status=all&priority=p3"))
	if len(ts) != 3 || ts[1][0] != "T-000003" || ts[1][1] != "Yazıcı arızası 2" || ts[1][4] != "P3 normal" {
		t.Errorf("tickets?priority=p3: %q", ts)
	}
	if href, _ := owner.Get("/app/msp/tickets/?status=all&priority=p1").Doc(t).Find(`.export-menu a[href*="format=csv"]`).Attr("href"); !strings.Contains(href, "priority=p1") {
		t.Errorf("tickets export link %q", href)
	}
	// Entered on 1 December 2026, whatever day the test runs: November still took time entries then
	// (a month closes after the 5th of the next, msp.CloseDay).
	if _, err := msp.AddEntry(ctx, e.DB("acme"), msp.EntryInput{Ticket: "T-000001", Day: "2026-11-30", Minutes: "45", Billable: true, Note: "Sürücü kuruldu",
		Now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Loc: time.UTC},
		msp.Actor{UserID: 1, Name: "talha"}); err != nil {
		t.Fatal(err)
	}
	if te := csvRecords(t, owner.Get("/app/msp/time/export?user=1&week=2026-W49")); len(te) != 2 || te[1][0] != "2026-11-30" || te[1][7] != "45" || te[1][8] != "evet" {
		t.Errorf("time entries: %q", te)
	}
	if te := csvRecords(t, owner.Get("/app/msp/time/export?user=1&week=2026-W48")); len(te) != 1 {
		t.Errorf("time entries of another week: %q", te)
	}
	// A week or person that cannot be read is refused, not read as everyone's every week (which
	// would also count every month as exported again).
	counted := countRows(t, e, "acme", `SELECT coalesce(sum(times), 0) FROM msp_month_exports`)
	for _, bad := range []string{"week=2026-W60", "week=garbage", "user=abc&week=2026-W49", "user=-3"} {
		if r := owner.Get("/app/msp/time/export?" + bad); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Listenin filtreleri okunamadı") {
			t.Errorf("time export ?%s: %d, want 400 saying the filters could not be read", bad, r.StatusCode)
		}
	}
	if n := countRows(t, e, "acme", `SELECT coalesce(sum(times), 0) FROM msp_month_exports`); n != counted {
		t.Errorf("refused time exports counted months as exported: %d → %d", counted, n)
	}

	// Leads: the list's stage and source filters, every page of it.
	if href, _ := owner.Get("/app/leads/?source=whatsapp&sort=oldest").Doc(t).Find(`.export-menu a[href*="format=csv"]`).Attr("href"); !strings.HasPrefix(href, "/app/leads/export?") ||
		!strings.Contains(href, "source=whatsapp") {
		t.Errorf("leads export link %q", href)
	}
	if ls := csvRecords(t, owner.Get("/app/leads/export?source=whatsapp")); len(ls) != 2 || ls[1][1] != "Şükrü Öztürk" || ls[1][2] != "'+90 532 111 22 33" {
		t.Errorf("leads?source=whatsapp: %q", ls)
	}
	if ls := csvRecords(t, owner.Get("/app/leads/export")); len(ls) != 63 {
		t.Errorf("leads: %d rows, want 62 (more than one page of the list)", len(ls)-1)
	}

	// Roles: only the owner exports, and the others leave no trace in the log.
	before := countRows(t, e, "acme", `SELECT count(*) FROM action_logs WHERE action_type = 'list_exported'`)
	for _, c := range []*apptest.Client{op, viewer} {
		for _, p := range []string{"/app/inbox/export", "/app/leads/export", "/customers/export", "/orders/export?format=xlsx", "/app/msp/tickets/export", "/app/msp/time/export"} {
			if r := c.Get(p); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s as a non-owner: %d", p, r.StatusCode)
			}
		}
		if n := c.Get("/customers/").Doc(t).Find(".export-menu").Length(); n != 0 {
			t.Error("a non-owner sees the export menu")
		}
	}
	if after := countRows(t, e, "acme", `SELECT count(*) FROM action_logs WHERE action_type = 'list_exported'`); after != before {
		t.Errorf("refused exports were logged: %d → %d", before, after)
	}
	var who, summary, payload string
	_ = e.DB("acme").Read.QueryRow(`SELECT actor_name, decision_summary, payload FROM action_logs WHERE action_type = 'list_exported' AND payload LIKE '%whatsapp%' ORDER BY id LIMIT 1`).Scan(&who, &summary, &payload)
	if who != "talha" || summary != "conversations · csv · channel=whatsapp · q=parke" || !strings.Contains(payload, `"filters":{"channel":"whatsapp","q":"parke"}`) {
		t.Errorf("action log: %q %q %q", who, summary, payload)
	}
	if r := owner.Get("/customers/export?format=pdf"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("format=pdf: %d", r.StatusCode)
	}
}

// TestExportXLSXLongThreadOpensInExcel: a WhatsApp thread full of emoji, longer than one Excel
// cell holds, is cut in the XLSX file to Excel's count (UTF-16 code units: an emoji takes two),
// so Excel opens the file without offering to repair it; the CSV keeps the whole thread.
func TestExportXLSXLongThreadOpensInExcel(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	line := strings.Repeat("Çok teşekkürler 🙏😊 ", 200) // 4,400 UTF-16 code units
	var conv int64
	for i := range 9 {
		conv = ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Name: "Şükrü Öztürk",
			Phone: "+90 532 111 22 33", Body: fmt.Sprint(i, " ", line)})
	}
	x := owner.Get("/app/inbox/export?format=xlsx")
	if x.StatusCode != 200 {
		t.Fatalf("xlsx: %d %s", x.StatusCode, x.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 2 || rows[1][0] != fmt.Sprint(conv) || len(rows[1]) < 13 {
		t.Fatalf("xlsx rows: %d", len(rows))
	}
	thread := rows[1][12]
	if n := len(utf16.Encode([]rune(thread))); n > 32767 || !strings.HasSuffix(thread, "…") || !utf8.ValidString(thread) {
		t.Errorf("the thread's cell holds %d UTF-16 code units (Excel's limit is 32,767), ends %q", n, thread[max(0, len(thread)-30):])
	}
	recs := csvRecords(t, owner.Get("/app/inbox/export"))
	if len(recs) != 2 || !strings.Contains(recs[1][12], "8 "+line) {
		t.Error("the CSV does not keep the whole thread")
	}
}

// TestNoExportOfIgnoredFilters: a list whose filters cannot be used (a date range ending before it
// starts, a search too long) lists without them and says so; the export it offers leaves them out
// too, so it never carries a filter that would only answer with an error page.
func TestNoExportOfIgnoredFilters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Name: "Şükrü Öztürk", Body: "Merhaba"})
	// A filter the page cannot use (a reversed range, a search too long) is ignored and said above
	// the list; the export offered beside it carries only the filters applied, so the file never
	// holds what the list does not show.
	for _, s := range []struct {
		path, dropped string
		ignored       bool
	}{
		{"/app/leads/?from=2026-12-01&to=2026-11-01", "to=2026-11-01", true},
		{"/app/leads/?from=2026-11-01&to=2026-12-01", "", false},
		{"/app/inbox/?q=" + strings.Repeat("parke", 41), "q=parkeparke", true},
		{"/app/inbox/?q=parke", "", false},
	} {
		r := owner.Get(s.path)
		doc := r.Doc(t)
		menus := doc.Find(".export-menu").Length()
		notices := doc.Find("[data-ignored-filter]").Length()
		if r.StatusCode != http.StatusOK || menus != 1 {
			t.Errorf("%s: %d with %d export menus, want 200 and one", s.path, r.StatusCode, menus)
			continue
		}
		if s.ignored != (notices > 0) {
			t.Errorf("%s: %d ignored-filter notices", s.path, notices)
		}
		if s.dropped != "" {
			doc.Find(".export-menu a[href]").Each(func(_ int, a *goquery.Selection) {
				if h := a.AttrOr("href", ""); strings.Contains(h, s.dropped) {
					t.Errorf("%s: the export link carries the ignored filter: %s", s.path, h)
				}
			})
		}
	}
}

// TestExportFollowsTheReadersSpreadsheet: the file is laid out for the language of the person who
// exports. A Turkish CSV separates cells with ";" and writes decimals "1500,5" (Turkish Excel
// splits a double-clicked CSV on ";", so a comma file put each row into one cell); an English one
// uses "," and "1500.5". The XLSX sheet is named in the reader's words, days and moments are date
// cells, and an Arabic workbook opens right to left.
func TestExportFollowsTheReadersSpreadsheet(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	allModules(e, "acme")
	owner := e.User("acme", "talha", "owner")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Demir"}, "phone": {"05321234567"}, "city": {"İzmir"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	var custID int64
	_ = e.DB("acme").Read.QueryRow(`SELECT id FROM customers`).Scan(&custID)
	if r := owner.Post("/orders/new", url.Values{"customer_id": {fmt.Sprint(custID)}, "status": {"won"}, "total": {"1500.50"}, "currency": {"TRY"},
		"description": {"Meşe parke; merdiven, 12 basamak"}, "ordered_at": {"2026-11-02"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct{ lang, want string }{
		{"tr", "1500,5;TRY;2026-11-02;\"Meşe parke; merdiven, 12 basamak\""},
		{"de", "1500,5;TRY;2026-11-02;\"Meşe parke; merdiven, 12 basamak\""},
		{"en", "1500.5,TRY,2026-11-02,\"Meşe parke; merdiven, 12 basamak\""},
		{"ar", "1500.5,TRY,2026-11-02,\"Meşe parke; merdiven, 12 basamak\""},
	} {
		r := owner.Get("/orders/export?lang=" + c.lang)
		lines := strings.Split(strings.TrimPrefix(r.Body, "\uFEFF"), "\n")
		if r.StatusCode != 200 || len(lines) != 3 || !strings.HasSuffix(lines[1], c.want) {
			t.Errorf("orders CSV in %s: %d %q, want a row ending %q", c.lang, r.StatusCode, lines, c.want)
		}
	}
	for _, c := range []struct {
		lang, sheet string
		rtl         bool
	}{{"tr", "Siparişler", false}, {"ar", "الطلبات", true}} {
		x := owner.Get("/orders/export?format=xlsx&lang=" + c.lang)
		// Saved under the list's name in the reader's words, its code for a browser that cannot.
		cd := x.Header.Get("Content-Disposition")
		if own := "filename*=UTF-8''acme-" + url.PathEscape(map[string]string{"tr": "siparişler", "ar": "الطلبات"}[c.lang]) + "-"; !strings.Contains(cd, own) ||
			!strings.Contains(cd, `filename="acme-orders-`) || !strings.HasSuffix(cd, ".xlsx") {
			t.Errorf("the %s file is saved as %q, want %q… with the fallback acme-orders-…", c.lang, cd, own)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatalf("%s: %d %v", c.lang, x.StatusCode, err)
		}
		if got := f.GetSheetList(); len(got) != 1 || got[0] != c.sheet {
			t.Errorf("the %s workbook's sheet is %q, want %q", c.lang, got, c.sheet)
		}
		day, _ := f.GetCellValue(c.sheet, "F2", excelize.Options{RawCellValue: true})
		idx, _ := f.GetCellStyle(c.sheet, "F2")
		st, _ := f.GetStyle(idx)
		if day != "46328" || st == nil || st.NumFmt != 14 {
			t.Errorf("the %s workbook's order day is %q (format %v), want the date cell 46328 (2 Nov 2026)", c.lang, day, st)
		}
		view, _ := f.GetSheetView(c.sheet, 0)
		if (view.RightToLeft != nil && *view.RightToLeft) != c.rtl {
			t.Errorf("the %s workbook opens right to left: %v, want %v", c.lang, view.RightToLeft, c.rtl)
		}
		f.Close()
	}
	owner.Get("/orders/?lang=tr")
}

// TestExportsSayMessageKindsInTheReadersWords: a voice note, a sticker and a contact card are
// stored as the channel's placeholders ("[audio]", "[sticker] 😀", "[contact] …"); the inbox's
// export and the person's data summary say them as the conversation page does, in the reader's
// language ("Sesli mesaj ya da ses kaydı", "Voice message or audio recording"), where they printed
// the placeholders. The JSON copy keeps the record as stored, with its kind.
func TestExportsSayMessageKindsInTheReadersWords(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	in := inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233", Name: "Şükrü Öztürk", Phone: "+90 532 111 22 33"}
	for _, m := range []struct{ kind, body string }{{"audio", "[audio]"}, {"sticker", "[sticker] 😀"},
		{"contact", "[contact] Mehmet Usta +90 532 444 55 66"}, {"text", "[audio] diye yazdım"}} {
		in.Kind, in.Body = m.kind, m.body
		ingest(t, e, "acme", in)
	}
	var lead int64
	_ = e.DB("acme").Read.QueryRow(`SELECT id FROM leads`).Scan(&lead)
	for _, c := range []struct {
		lang  string
		words []string
	}{
		{"tr", []string{"Sesli mesaj ya da ses kaydı", "Çıkartma «😀»", "Kişi kartı «Mehmet Usta +90 532 444 55 66»", "[audio] diye yazdım"}},
		{"en", []string{"Voice message or audio recording", "Sticker «😀»", "Contact card «Mehmet Usta +90 532 444 55 66»", "[audio] diye yazdım"}},
	} {
		recs := csvRecords(t, owner.Get("/app/inbox/export?lang="+c.lang))
		if len(recs) != 2 {
			t.Fatalf("%s: %d rows", c.lang, len(recs))
		}
		thread := recs[1][12]
		for _, w := range c.words {
			if !strings.Contains(thread, w) {
				t.Errorf("the %s export's thread does not say %q:\n%s", c.lang, w, thread)
			}
		}
		if strings.Contains(thread, "[audio]\n") || strings.Contains(thread, "[sticker]") || strings.Contains(thread, "[contact]") {
			t.Errorf("the %s export prints the stored placeholders:\n%s", c.lang, thread)
		}
		x := owner.Get("/app/inbox/export?format=xlsx&lang=" + c.lang)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		f.Close()
		if len(rows) != 2 || len(rows[1]) < 13 || !strings.Contains(rows[1][12], c.words[0]) {
			t.Errorf("the %s XLSX thread does not say %q", c.lang, c.words[0])
		}
		s := owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/summary?lang=%s", lead, c.lang))
		// The customer's messages in order (the assistant's answers may come between them).
		var said []string
		s.Doc(t).Find(".summary-messages tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if strings.TrimSpace(tr.Find("td.cell-pill").Text()) == map[string]string{"tr": "Müşteri", "en": "Customer"}[c.lang] {
				said = append(said, strings.TrimSpace(tr.Find("td.cell-head").Text()))
			}
		})
		if s.StatusCode != 200 || strings.Join(said, "\n") != strings.Join(c.words, "\n") {
			t.Errorf("the %s data summary says the customer's messages as %q, want %q", c.lang, said, c.words)
		}
	}
	j := owner.Get(fmt.Sprintf("/app/kvkk/leads/%d/export.json", lead))
	var person struct {
		Conversations []struct{ Messages []struct{ Kind, Body string } }
	}
	if err := json.Unmarshal([]byte(j.Body), &person); err != nil || len(person.Conversations) != 1 || len(person.Conversations[0].Messages) < 1 ||
		person.Conversations[0].Messages[0].Kind != "audio" || person.Conversations[0].Messages[0].Body != "[audio]" {
		t.Errorf("the JSON copy does not keep the stored record: %d %v\n%s", j.StatusCode, err, j.Body)
	}
}

// TestExportFromALaterPageIsTheWholeList: the export offered on a list's second page holds the
// whole list, as it did, and the action log says so: the page's place in the list (after=, a
// paging cursor) was carried into the export link and kept as a filter, so the log read "Orders ·
// CSV · With the list's filters at the time" for a file of every order.
func TestExportFromALaterPageIsTheWholeList(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "sales"})
	owner := e.User("acme", "talha", "owner")
	db := e.DB("acme")
	now := time.Now().UnixMilli()
	if _, err := db.Write.Exec(`INSERT INTO customers(id, name, created_at, updated_at) VALUES(1, 'Ayşe Kaya', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	for i := range 60 { // more than one page of 50
		if _, err := db.Write.Exec(`INSERT INTO orders(customer_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(1, 'won', ?, 'TRY', ?, ?, ?)`,
			1000+i, now-int64(i)*86400000, now, now); err != nil {
			t.Fatal(err)
		}
	}
	next, ok := owner.Get("/orders/?lang=en").Doc(t).Find(`a[href*="after="]`).Attr("href")
	if !ok {
		t.Fatal("the orders list links no second page")
	}
	href, _ := owner.Get(next).Doc(t).Find(`.export-menu a[href*="format=csv"]`).Attr("href")
	if href == "" || strings.Contains(href, "after=") {
		t.Errorf("the second page's export link %q carries the page's place", href)
	}
	for _, link := range []string{href, "/orders/export?after=" + url.QueryEscape(strings.SplitN(next, "after=", 2)[1]) + "&format=csv"} {
		if recs := csvRecords(t, owner.Get(link)); len(recs) != 61 {
			t.Fatalf("%s: %d orders, want all 60", link, len(recs)-1)
		}
		var payload string
		_ = db.Read.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'list_exported' ORDER BY id DESC LIMIT 1`).Scan(&payload)
		var p struct{ Filters map[string]string }
		if err := json.Unmarshal([]byte(payload), &p); err != nil || len(p.Filters) != 0 {
			t.Errorf("%s: the action log keeps filters %v (%s) for an export of the whole list", link, p.Filters, payload)
		}
	}
	logs := owner.Get("/app/logs/?lang=en").Body
	if strings.Contains(logs, "With the list&#39;s filters") || strings.Contains(logs, "With the list's filters") {
		t.Error("the action log says the whole list was exported with filters")
	}
}

// TestExportXLSXDatesFitTheirColumns: an XLSX export's day and moment columns are wide enough for
// their dates: at Excel's default width (8.43 characters) a date cell that does not fit shows as
// "########" until the reader widens every column by hand; a text column is as wide as its header.
// An empty export (the header alone) opens too.
func TestExportXLSXDatesFitTheirColumns(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "sales"})
	owner := e.User("acme", "talha", "owner")
	open := func(path string) *excelize.File {
		t.Helper()
		r := owner.Get(path)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	empty := open("/orders/export?format=xlsx")
	if rows, _ := empty.GetRows(empty.GetSheetList()[0]); len(rows) != 1 {
		t.Errorf("the empty export has %d rows, want the header alone", len(rows))
	}
	if r := owner.Post("/customers/new", url.Values{"name": {"Şükrü Öztürk"}, "city": {"Kadıköy"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"won"}, "total": {"1500.50"}, "currency": {"TRY"},
		"description": {"Meşe parke"}, "ordered_at": {"2026-11-30"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct {
		path, col string
		min       float64
		want      string
	}{
		{"/customers/export?format=xlsx&lang=tr", "H", 17, "Oluşturulma"}, // a moment: 30.11.2026 23:30
		{"/orders/export?format=xlsx&lang=tr", "F", 11, "Sipariş tarihi"}, // a day: 30.11.2026
		{"/orders/export?format=xlsx&lang=tr", "G", 10, "Açıklama"},
	} {
		f := open(c.path)
		sheet := f.GetSheetList()[0]
		if h, _ := f.GetCellValue(sheet, c.col+"1"); h != c.want {
			t.Fatalf("%s: column %s is %q, want %q", c.path, c.col, h, c.want)
		}
		if w, err := f.GetColWidth(sheet, c.col); err != nil || w < c.min {
			t.Errorf("%s: column %s (%s) is %v characters wide, want at least %v", c.path, c.col, c.want, w, c.min)
		}
		if rows, _ := f.GetRows(sheet); len(rows) != 2 {
			t.Errorf("%s: %d rows, want the header and one", c.path, len(rows))
		}
	}
}

// TestExportCSVDefusedUnderEitherSeparator: a CSV opened by a spreadsheet set up for the other
// separator (a Turkish-panel file, separated by ";", on a computer whose list separator is ",", or
// the reverse) is split at every "," or ";" and at every line break, quotes or not; a piece of a
// cell that then begins with = + - or @ ran as a formula. A customer who wrote
// `Ali;=HYPERLINK("http://evil.example/","Fatura")` as their name got a live link in the owner's
// English export opened on a Turkish computer. Every such piece now begins with an apostrophe.
func TestExportCSVDefusedUnderEitherSeparator(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "conversations,sales"})
	owner := e.User("acme", "talha", "owner")
	for _, name := range []string{`Ali;=HYPERLINK("http://evil.example/","Fatura")`, `Veli, +cmd|' /C calc'!A0`, "Ayşe\n@SUM(1+1)*cmd|' /C calc'!A0"} {
		if r := owner.Post("/customers/new", url.Values{"name": {name}, "notes": {"ok;-2+3+cmd|' /C calc'!A0"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("customer %q: %d", name, r.StatusCode)
		}
	}
	ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "tok-1", Name: "Mehmet", Body: "Merhaba,=HYPERLINK(\"http://evil.example/\",\"tıkla\")\n=1+2"})
	// What a spreadsheet with the other separator would make a cell of: every piece after a
	// separator or a line break, spaces before it skipped.
	live := regexp.MustCompile(`(?:^|[,;\n\r\t]) *[=+\-@]`)
	for _, path := range []string{"/customers/export?lang=en", "/customers/export?lang=tr", "/app/inbox/export?lang=en", "/app/inbox/export?lang=tr"} {
		r := owner.Get(path)
		recs := csvRecords(t, r)
		if len(recs) < 2 {
			t.Fatalf("%s: %d rows", path, len(recs))
		}
		if m := live.FindAllString(strings.TrimPrefix(r.Body, "\uFEFF"), -1); len(m) > 0 {
			t.Errorf("%s: pieces a spreadsheet with the other separator runs as formulas: %q\n%s", path, m, r.Body)
		}
	}
	// The words stay readable: only an apostrophe comes before the piece.
	recs := csvRecords(t, owner.Get("/customers/export?lang=en"))
	if recs[1][1] != `Ali;'=HYPERLINK("http://evil.example/","Fatura")` || recs[1][6] != `ok;'-2+3+cmd|' /C calc'!A0` {
		t.Errorf("row %q", recs[1])
	}
}
