package quotes_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/i18n"
	"highvibe/app/quotes"
)

// sentUntil makes a quote on conv, has it approved and sends it, then puts its validity day at day
// (YYYY-MM-DD); it returns the quote's id and the customer's link. A day gone can neither be
// submitted through the form nor sent, and a sent revision is frozen, so the day is written
// behind the freeze (as time passing would leave it).
func sentUntil(t *testing.T, f *fixture, conv int64, day string) (int64, string) {
	t.Helper()
	id := approvedQuote(t, f, conv)
	sid := strconv.FormatInt(id, 10)
	if r := f.op.Post("/app/quotes/"+sid+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.StatusCode, r.Body)
	}
	validUntil(t, f, id, day)
	body := f.str(t, `SELECT body FROM messages WHERE id = (SELECT sent_message_id FROM quotes WHERE id = ?)`, id)
	link := regexp.MustCompile(`/q/acme\.[a-z2-7]{24}`).FindString(body)
	if link == "" {
		t.Fatalf("no link in the sent message %q", body)
	}
	return id, link
}

// validUntil writes a frozen revision's validity day (YYYY-MM-DD) past the freeze triggers: the
// revision is made editable for the moment of the write and gets its status back.
func validUntil(t *testing.T, f *fixture, id int64, day string) {
	t.Helper()
	db := f.e.DB("acme").Write
	st := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE quotes SET status = 'pending' WHERE id = ?`, []any{id}},
		{`UPDATE quotes SET valid_until = ? WHERE id = ?`, []any{mustDay(t, day).UnixMilli(), id}},
		{`UPDATE quotes SET status = ? WHERE id = ?`, []any{st, id}},
	} {
		if _, err := tx.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// A quote holds until the end of its validity day where the business is, not in UTC. Past
// that, the customer's page says in the page's language that it expired on that day and that a
// new one can be asked for (the question form stays), and offers no acceptance; an acceptance
// posted anyway (an old tab, a replay) is refused with 409 and the same words, nothing stored.
// The panel's quote page and list mark it expired. A quote valid until today, in the business's
// zone, is still accepted.
//
// The zone is chosen so that its calendar day differs from UTC's now (14 hours ahead after
// 10:00 UTC, 11 behind before), so a check against the UTC day fails one of the two quotes.
func TestExpiredQuoteIsNotAccepted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	today, yesterday := zoneOffUTC(t, f)

	oldID, old := sentUntil(t, f, f.conv, yesterday)
	cust := f.e.Client()
	for _, lang := range []string{"tr", "en", "ar"} {
		p := cust.Get(old + "?lang=" + lang)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%s: expired quote's page: %d", lang, p.StatusCode)
		}
		doc := p.Doc(t)
		want := i18n.For(lang).T("quotes.public.expired", i18n.For(lang).Date(mustDay(t, yesterday)))
		if got := strings.TrimSpace(doc.Find("[data-expired]").Text()); got != want {
			t.Errorf("%s: expired quote says %q, want %q", lang, got, want)
		}
		if doc.Find("#accept-form, [data-accept]").Length() != 0 {
			t.Errorf("%s: the expired quote still offers acceptance", lang)
		}
		if doc.Find("#ask-form").Length() != 1 {
			t.Errorf("%s: the expired quote's page has no question form", lang)
		}
	}
	r := cust.Post(old+"/accept?lang=en", url.Values{"name": {"Deniz"}})
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("accept of an expired quote: %d, want 409", r.StatusCode)
	}
	want := i18n.For("en").T("quotes.public.expired", i18n.For("en").Date(mustDay(t, yesterday)))
	if got := strings.TrimSpace(r.Doc(t).Find("[data-expired]").Text()); got != want {
		t.Errorf("refused acceptance says %q, want %q", got, want)
	}
	if got := f.str(t, `SELECT status || '|' || coalesce(accepted_at, '') || '|' || coalesce(order_id, '') FROM quotes WHERE id = ?`, oldID); got != "sent||" {
		t.Errorf("expired quote after a refused acceptance: %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM orders`) + f.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'quote_accepted'`); n != 0 {
		t.Errorf("%d orders or acceptance logs stored by a refused acceptance", n)
	}
	if st := f.str(t, `SELECT stage FROM leads`); st == "won" {
		t.Error("the lead was won by an expired quote")
	}
	if r := cust.Post(old+"/ask", url.Values{"question": {"Yeni fiyat alabilir miyim?"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("question on an expired quote: %d", r.StatusCode)
	}

	// The panel marks it, in the operator's language.
	sid := strconv.FormatInt(oldID, 10)
	tr := i18n.For("tr")
	if doc := f.op.Get("/app/quotes/" + sid + "/?lang=tr").Doc(t); strings.TrimSpace(doc.Find("[data-expired]").Text()) != tr.T("quotes.expired") ||
		strings.TrimSpace(doc.Find("[data-expired-note]").Text()) != tr.T("quotes.expired_note", tr.Date(mustDay(t, yesterday))) {
		t.Errorf("the quote page does not mark the expired quote: %q / %q", doc.Find("[data-expired]").Text(), doc.Find("[data-expired-note]").Text())
	}
	if got := strings.TrimSpace(f.op.Get("/app/quotes/?lang=tr").Doc(t).Find(`tr[data-quote="` + sid + `"] [data-expired]`).Text()); got != tr.T("quotes.expired") {
		t.Errorf("the quotes list marks the expired quote %q", got)
	}
	// ... and so does the conversation's list of its quotes, with the same words.
	for _, lang := range []string{"tr", "en", "ar"} {
		if got := strings.TrimSpace(f.op.Get("/app/inbox/" + strconv.FormatInt(f.conv, 10) + "/?lang=" + lang).Doc(t).Find(`#quotes [data-expired]`).Text()); got != i18n.For(lang).T("quotes.expired") {
			t.Errorf("%s: the conversation's quotes mark the expired quote %q", lang, got)
		}
	}

	// Valid until today where the business is: still accepted, and not marked.
	conv := conversationOn(t, f, "webchat", "v2", "")
	curID, cur := sentUntil(t, f, conv, today)
	if doc := f.op.Get("/app/quotes/?lang=tr").Doc(t); doc.Find(`tr[data-quote="`+strconv.FormatInt(curID, 10)+`"] [data-expired]`).Length() != 0 {
		t.Error("the quotes list marks a quote valid until today as expired")
	}
	if doc := f.op.Get("/app/inbox/" + strconv.FormatInt(conv, 10) + "/").Doc(t); doc.Find(`#quotes li`).Length() != 1 || doc.Find(`#quotes [data-expired]`).Length() != 0 {
		t.Error("the conversation page marks a quote valid until today as expired")
	}
	if doc := cust.Get(cur).Doc(t); doc.Find("[data-expired]").Length() != 0 || doc.Find("[data-accept]").Length() != 1 {
		t.Error("a quote valid until today is shown as expired")
	}
	if r := cust.Post(cur+"/accept", url.Values{"name": {"Deniz"}}); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "data-accepted") {
		t.Fatalf("accept of a quote valid until today: %d", r.StatusCode)
	}
	if doc := f.op.Get("/app/quotes/?lang=tr").Doc(t); doc.Find(`tr[data-quote="`+strconv.FormatInt(curID, 10)+`"] [data-expired]`).Length() != 0 {
		t.Error("an accepted quote is marked expired")
	}
}

// zoneOffUTC gives the business a time zone whose calendar day differs from UTC's now (14 hours
// ahead after 10:00 UTC, 11 behind before), so a check against the UTC day fails one of a quote
// valid until today and one valid until yesterday; it returns those two days there (YYYY-MM-DD).
func zoneOffUTC(t *testing.T, f *fixture) (today, yesterday string) {
	t.Helper()
	zone := "Pacific/Kiritimati"
	if time.Now().UTC().Hour() < 10 {
		zone = "Pacific/Pago_Pago"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skip("no time zone database")
	}
	apptest.SetZone(t, f.owner, zone)
	local := time.Now().In(loc)
	today, yesterday = local.Format("2006-01-02"), local.AddDate(0, 0, -1).Format("2006-01-02")
	if utc := time.Now().UTC().Format("2006-01-02"); utc == today {
		t.Fatalf("zone %s shows the UTC day %s", zone, utc)
	}
	return today, yesterday
}

// TestExpiredQuoteIsNotSent: a quote past its validity day (the business's day) is not sent to
// the customer again: its page offers no Send but a new revision, a send posted anyway (an old
// tab) answers 409 with the quote page saying why, in the reader's language, nothing stored and
// no PDF kept. The new revision is valid for 30 days from the business's today, and the flash
// says until when. A quote valid until today there is still sent.
func TestExpiredQuoteIsNotSent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	today, yesterday := zoneOffUTC(t, f)
	id, _ := sentUntil(t, f, f.conv, yesterday)
	sid := strconv.FormatInt(id, 10)
	mdb, err := f.e.Server.Mgr.Media(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	stored := func() string {
		var blobs int
		if err := mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobs); err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(blobs) + "|" + f.str(t, `SELECT (SELECT count(*) FROM messages) || '|' || (SELECT count(*) FROM attachments) || '|' ||
			(SELECT count(*) FROM action_logs WHERE action_type = 'quote_sent') || '|' || (SELECT sent_message_id || status || updated_at FROM quotes WHERE id = ?)`, id)
	}
	before := stored()
	for _, lang := range []string{"tr", "en", "ar"} {
		p := i18n.For(lang)
		doc := f.op.Get("/app/quotes/" + sid + "/?lang=" + lang).Doc(t)
		if doc.Find("[data-send]").Length() != 0 || doc.Find("[data-revise]").Length() != 1 {
			t.Errorf("%s: the expired quote's page offers %d send and %d revise buttons, want 0 and 1", lang, doc.Find("[data-send]").Length(), doc.Find("[data-revise]").Length())
		}
		r := f.op.Post("/app/quotes/"+sid+"/send?lang="+lang, nil)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: send of an expired quote: %d, want 409", lang, r.StatusCode)
		}
		doc = r.Doc(t)
		if got := strings.TrimSpace(doc.Find("[data-refused]").Text()); got != p.T("quotes.err.expired_send") {
			t.Errorf("%s: the refused send says %q", lang, got)
		}
		if got := strings.TrimSpace(doc.Find("[data-expired-note]").Text()); got != p.T("quotes.expired_note", p.Date(mustDay(t, yesterday))) {
			t.Errorf("%s: the refused send's page does not say when it expired: %q", lang, got)
		}
		if doc.Find("[data-revise]").Length() != 1 {
			t.Errorf("%s: the refused send's page offers no new revision", lang)
		}
	}
	// The send itself refuses too (the day may end between the page's check and the send).
	if _, _, err := quotes.Send(t.Context(), f.e.DB("acme"), channels.Registry(), id, func(*quotes.Quote) string { return "x" }, quotes.Actor{Name: "olga"}, nil, "", ""); !errors.Is(err, quotes.ErrSendExpired) {
		t.Errorf("Send of an expired quote: %v, want ErrSendExpired", err)
	}
	if after := stored(); after != before {
		t.Errorf("a refused send stored something: %s -> %s", before, after)
	}

	r := f.op.Post("/app/quotes/"+sid+"/revise?lang=en", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise: %d", r.StatusCode)
	}
	next := f.count(t, `SELECT id FROM quotes WHERE number = (SELECT number FROM quotes WHERE id = ?) AND revision = 2`, id)
	renewed := mustDay(t, today).AddDate(0, 0, 30)
	if got := int64(f.count(t, `SELECT valid_until FROM quotes WHERE id = ?`, next)); got != renewed.UnixMilli() {
		t.Errorf("the new revision is valid until %s, want %s (30 days from the business's today)", time.UnixMilli(got).UTC().Format(time.DateOnly), renewed.Format(time.DateOnly))
	}
	page := f.op.Get(r.Header.Get("Location") + "?lang=en")
	if want := i18n.For("en").T("quotes.revised_renewed", 2, i18n.For("en").Date(renewed)); !strings.Contains(page.Doc(t).Find(".flash").Text(), want) {
		t.Errorf("the new revision's page does not say %q: %s", want, page.Doc(t).Find(".flash").Text())
	}

	// Valid until today where the business is: sent as a reminder.
	cur, _ := sentUntil(t, f, conversationOn(t, f, "webchat", "v2", ""), today)
	if r := f.op.Post("/app/quotes/"+strconv.FormatInt(cur, 10)+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("reminder of a quote valid until today: %d", r.StatusCode)
	}
}

func mustDay(t *testing.T, day string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestExpiredQuotePDF: the PDF of a quote past its validity day says so at its very top, in the
// quote's language, on the panel's PDF and on the one the customer downloads from the link; a
// quote still valid says nothing of the kind.
func TestExpiredQuotePDF(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	f := setup(t)
	text := func(c *apptest.Client, path string) string {
		t.Helper()
		r := c.Get(path)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
		p := filepath.Join(t.TempDir(), "q.pdf")
		if err := os.WriteFile(p, []byte(r.Body), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	tr := i18n.For("tr")
	want := tr.T("quotes.pdf.expired", tr.Date(mustDay(t, "2026-03-31")))
	oldID, old := sentUntil(t, f, f.conv, "2026-03-31")
	for _, page := range []struct {
		c    *apptest.Client
		path string
	}{{f.op, "/app/quotes/" + strconv.FormatInt(oldID, 10) + "/pdf"}, {f.e.Client(), old + "/pdf"}} {
		if txt := text(page.c, page.path); !strings.HasPrefix(txt, want) {
			t.Errorf("%s does not open with %q:\n%s", page.path, want, txt)
		}
	}
	curID, _ := sentUntil(t, f, conversationOn(t, f, "webchat", "v2", ""), "2099-12-31")
	if txt := text(f.op, "/app/quotes/"+strconv.FormatInt(curID, 10)+"/pdf"); strings.Contains(txt, "doldu") {
		t.Errorf("a quote valid until 2099 says it expired:\n%s", txt)
	}
}
