package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// The owner manages SLA policies on /app/msp/sla/; operators and viewers read them; a bad form
// comes back at 422 with the messages by the fields and stores nothing; the default policy is
// the one a new ticket gets.
func TestSLAPoliciesPage(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	db := e.DB("bilisim")
	owner := e.User("bilisim", "sahip", "owner")
	viewer := e.User("bilisim", "izleyici", "viewer")

	r := owner.Get("/app/msp/sla/?lang=en")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find(`#sla-hours-off`).Length() != 1 {
		t.Fatal("business hours are off, the page does not say the clocks count around the clock")
	}
	if n := doc.Find(`form input[name="p1_response"]`).Length(); n != 2 { // the Standard policy and the new one
		t.Fatalf("%d forms with targets for the owner", n)
	}
	if v, _ := doc.Find(`#policy-1 input[name="p3_resolution"]`).Attr("value"); v != "27" {
		t.Fatalf("Standard P3 resolution shown as %q hours, want 27 (3 business days of 9 h)", v)
	}
	vr := viewer.Get("/app/msp/sla/?lang=tr")
	if vr.StatusCode != http.StatusOK || vr.Doc(t).Find("#main form, main form").Length() != 0 || !strings.Contains(vr.Body, "SLA politikaları") ||
		!strings.Contains(vr.Body, "P1 kritik") {
		t.Fatalf("viewer: %d, reads the targets without forms in Turkish: forms %d\n%s", vr.StatusCode, vr.Doc(t).Find("main form").Length(), vr.Body)
	}
	if r := viewer.Post("/app/msp/sla/", url.Values{"name": {"Altın"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer may not add a policy: %d", r.StatusCode)
	}

	bad := url.Values{"name": {" "}, "calendar": {"always"}, "p1_response": {"bir saat"}, "p1_resolution": {"4"},
		"p2_response": {"3"}, "p2_resolution": {"2"}}
	r = owner.Post("/app/msp/sla/?lang=en", bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.StatusCode)
	}
	doc = r.Doc(t)
	for _, f := range []string{"name", "p1_response", "p2_resolution"} {
		if doc.Find(`#sla-new [name="`+f+`"].is-invalid`).Length() != 1 {
			t.Errorf("field %s not marked invalid", f)
		}
	}
	if v, _ := doc.Find(`#sla-new input[name="p1_response"]`).Attr("value"); v != "bir saat" {
		t.Errorf("what was typed is not shown again: %q", v)
	}
	if n := count(t, db, `SELECT count(*) FROM msp_sla_policies`); n != 1 {
		t.Fatalf("%d policies after a refused form", n)
	}

	good := url.Values{"name": {"Altın 7/24"}, "calendar": {"always"}, "default": {"1"}, "p1_response": {"0,5"}, "p1_resolution": {"2"},
		"p2_response": {"1"}, "p2_resolution": {"8"}, "p3_response": {"4"}, "p3_resolution": {""}, "p4_response": {""}, "p4_resolution": {""}}
	if r := owner.Post("/app/msp/sla/", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good form: %d %s", r.StatusCode, r.Body)
	}
	ps, err := msp.SLAPolicies(context.Background(), db.Read)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Name != "Altın 7/24" || !ps[0].Default || ps[1].Default || ps[0].Targets[0] != (msp.SLATarget{30, 120}) ||
		ps[0].Targets[2] != (msp.SLATarget{240, 0}) || !ps[0].AlwaysOn() {
		t.Fatalf("policies after saving: %+v %+v", ps[0], ps[1])
	}
	tk, err := msp.Create(context.Background(), db, msp.NewTicket{Subject: "VPN bağlanmıyor", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	got, err := msp.SLAFor(context.Background(), db.Read, []int64{tk.ID}, timeNow())
	if err != nil {
		t.Fatal(err)
	}
	if s := got[tk.ID]; s == nil || s.Policy.ID != ps[0].ID || s.Response.Target.Minutes() != 30 {
		t.Fatalf("a new ticket runs under %+v", s)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE provider = 'msp_sla' AND action_type = 'sla_policy_saved'`); n != 1 {
		t.Fatalf("%d log rows for the saved policy", n)
	}
	// Editing the Standard policy back to default, in English decimals.
	edit := url.Values{"name": {"Standard"}, "calendar": {"business_hours"}, "default": {"1"}, "p1_response": {"1.5"}, "p1_resolution": {"4"}}
	if r := owner.Post("/app/msp/sla/1", edit); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	p, err := msp.SLAPolicyByID(context.Background(), db.Read, 1)
	if err != nil || !p.Default || p.Targets[0].ResponseMin != 90 || p.Targets[3] != (msp.SLATarget{}) {
		t.Fatalf("edited: %+v %v", p, err)
	}
	if r := owner.Post("/app/msp/sla/999", edit); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown policy: %d", r.StatusCode)
	}
	// With the module off the page is gone; the policies stay.
	e.Set("bilisim", map[string]string{"modules": "repair"})
	if r := owner.Get("/app/msp/sla/"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("module off: %d", r.StatusCode)
	}
	if n := count(t, db, `SELECT count(*) FROM msp_sla_policies`); n != 2 {
		t.Fatalf("module off: %d policies kept", n)
	}
}
func timeNow() time.Time { return time.Now() }

// Every ticket shows its clocks: the list and the board its most urgent one, the ticket page both
// with the policy and the history; green, amber from 75 %, red past the due time, in words.
func TestSLAClocksOnTicketPages(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "msp"})
	db := e.DB("bilisim")
	ctx := context.Background()
	op := e.User("bilisim", "teknisyen", "operator")
	// Business hours are off: the clocks count wall-clock time. P1: reply 1 h, resolve 4 h.
	green, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Yeni kullanıcı hesabı", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	amber, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Yazıcı kağıt sıkıştırıyor", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	red, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Sunucu kapandı", Priority: msp.P1}, tech)
	if err != nil {
		t.Fatal(err)
	}
	backdate(t, db, amber.ID, time.Now().Add(-50*time.Minute))
	backdate(t, db, red.ID, time.Now().Add(-2*time.Hour))
	if _, err := msp.SetStatus(ctx, db, green.ID, msp.StatusWaitingCustomer, tech); err != nil {
		t.Fatal(err)
	}

	state := func(doc interface {
		Find(string) *goquery.Selection
	}, sel string) (string, string) {
		s := doc.Find(sel).First()
		st, _ := s.Attr("data-sla-state")
		return st, strings.TrimSpace(s.Text())
	}
	r := op.Get("/app/msp/tickets/?lang=en")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	row := func(id int64) string { return `tr[data-ticket="` + itoa(id) + `"] .sla-clock` }
	if st, txt := state(doc, row(amber.ID)); st != "amber" || !strings.HasPrefix(txt, "Reply by") || !strings.Contains(txt, "83% used") {
		t.Errorf("amber row: %s %q", st, txt)
	}
	if st, txt := state(doc, row(red.ID)); st != "breached" || !strings.HasPrefix(txt, "Reply overdue since") {
		t.Errorf("red row: %s %q", st, txt)
	}
	if st, txt := state(doc, row(green.ID)); st != "ok" || !strings.Contains(txt, "waiting on the customer") {
		t.Errorf("paused row: %s %q", st, txt)
	}
	b := op.Get("/app/msp/board?lang=tr")
	if st, txt := state(b.Doc(t), `[data-card="`+itoa(red.ID)+`"] .sla-clock`); st != "breached" || !strings.Contains(txt, "gecikmede") {
		t.Errorf("board card: %s %q", st, txt)
	}
	p := op.Get("/app/msp/tickets/" + itoa(amber.ID) + "/?lang=tr")
	pd := p.Doc(t)
	if st, txt := state(pd, `#sla [data-sla="response"]`); st != "amber" || !strings.Contains(txt, "%83 kullanıldı") {
		t.Errorf("ticket page reply clock: %s %q", st, txt)
	}
	if st, _ := state(pd, `#ticket-sla .sla-clock`); st != "amber" {
		t.Errorf("the head of the ticket page shows the most urgent clock: %s", st)
	}
	if st, txt := state(pd, `#sla [data-sla="resolution"]`); st != "ok" || !strings.Contains(txt, "Çözüm için son") {
		t.Errorf("ticket page resolution clock: %s %q", st, txt)
	}
	if !strings.Contains(pd.Find("#sla").Text(), "Standart") || !strings.Contains(pd.Find("#sla .sla-history").Text(), "Saat başladı") {
		t.Errorf("ticket page SLA card: %q", pd.Find("#sla").Text())
	}
	g := op.Get("/app/msp/tickets/" + itoa(green.ID) + "/?lang=en").Doc(t)
	if txt := g.Find("#sla .sla-history").Text(); !strings.Contains(txt, "Waiting on the customer") || !strings.Contains(txt, "still waiting") {
		t.Errorf("paused ticket's history: %q", txt)
	}
}

// TestSLAPageNamesTheZoneInTheReadersLanguage: with business hours on, the SLA page says which
// zone the clocks count in by its name in the reader's language, not its IANA name.
func TestSLAPageNamesTheZoneInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "repair,msp"})
	owner := e.User("bilisim", "sahip", "owner")
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "day1": {"09:00-18:00"}, "after_hours": {"ack"}}
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("business hours: %d", r.StatusCode)
	}
	for lang, want := range map[string]string{"tr": "İstanbul (UTC+03:00)", "en": "Istanbul (UTC+03:00)", "ar": "إسطنبول (\u2066UTC+03:00\u2069)"} {
		got := owner.Get("/app/msp/sla/?lang=" + lang).Doc(t).Find("#sla-hours-on").Text()
		if !strings.Contains(got, want) || strings.Contains(got, "Europe/") {
			t.Errorf("%s: %q, want the zone as %q", lang, got, want)
		}
	}
}
