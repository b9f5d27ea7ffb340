package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/platform"
)

// TestDemoMSPTenant: `serve --demo` also makes the IT provider's tenant, with the msp module on
// and six months of tickets; the demo login is its owner, switches to it, and reads its ticket
// list in Turkish.
func TestDemoMSPTenant(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	ctx := context.Background()
	tn, err := e.Server.Platform.TenantBySlug(ctx, app.DemoMSPSlug)
	if err != nil {
		t.Fatal(err)
	}
	if tn.NicheID != "default" {
		t.Errorf("niche %q", tn.NicheID)
	}
	if got := strings.Join(tn.EnabledModules(), ","); got != "core,conversations,repair,msp" {
		t.Errorf("modules %s", got)
	}
	u, err := e.Server.Platform.UserByUsername(ctx, app.DemoUser)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.Server.Platform.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, m := range ms {
		slugs = append(slugs, m.TenantSlug)
		if m.TenantSlug == app.DemoMSPSlug && m.Role != platform.RoleOwner {
			t.Errorf("role in the IT provider: %s", m.Role)
		}
	}
	if strings.Join(slugs, ",") != app.DemoSlug+","+app.DemoMSPSlug {
		t.Fatalf("memberships %v: the paving business first, then the IT provider", slugs)
	}
	db := e.DB(app.DemoMSPSlug)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	tickets := count(`SELECT count(*) FROM msp_tickets`)
	if tickets < 200 || tickets > 600 {
		t.Errorf("tickets %d, want 200..600", tickets)
	}
	if n := count(`SELECT count(DISTINCT strftime('%Y-%m', created_at / 1000, 'unixepoch'))  FROM msp_tickets`); n < 6 {
		t.Errorf("tickets span %d months", n)
	}
	if n := count(`SELECT count(*) FROM msp_tickets a JOIN msp_tickets b ON b.number = a.number + 1 WHERE b.created_at < a.created_at`); n != 0 {
		t.Errorf("%d tickets numbered before an older one", n)
	}
	if n := count(`SELECT count(DISTINCT category) FROM msp_tickets`); n != 9 {
		t.Errorf("categories %d", n)
	}
	if n := count(`SELECT count(DISTINCT priority) FROM msp_tickets`); n != 4 {
		t.Errorf("priorities %d", n)
	}
	if n := count(`SELECT count(*) FROM msp_tickets WHERE status = 'waiting_customer'`); n < 1 {
		t.Error("no ticket waits on the customer now")
	}
	if n := count(`SELECT count(*) FROM msp_ticket_sla_pauses WHERE to_at IS NULL`); n < 1 {
		t.Error("no paused clock")
	}
	if n := count(`SELECT count(*) FROM msp_time_entries`); n < tickets {
		t.Errorf("time entries %d for %d tickets", n, tickets)
	}
	if n := count(`SELECT count(DISTINCT kind) FROM msp_contracts`); n != 3 {
		t.Errorf("contract kinds %d", n)
	}
	// Today as the business reads it (Istanbul), from the process's clock like the seeding's.
	ist, _ := time.LoadLocation("Europe/Istanbul")
	today := time.Now().In(ist)
	if n := count(`SELECT count(*) FROM msp_contracts WHERE ends_on BETWEEN ? AND ?`, today.Format(time.DateOnly), today.AddDate(0, 0, 30).Format(time.DateOnly)); n != 1 {
		t.Errorf("contracts ending within 30 days: %d", n)
	}
	if n := count(`SELECT count(DISTINCT kind) FROM msp_devices WHERE serial <> '' AND warranty_end <> ''`); n < 6 {
		t.Errorf("device kinds with serial and warranty %d", n)
	}
	// The SLA outcomes: most met, some breached (the clocks say, at now).
	c := e.Client()
	c.Login(app.DemoUser, pw)
	if r := c.Post("/app/switch/", url.Values{"tenant": {app.DemoMSPSlug}}); r.StatusCode != 303 {
		t.Fatalf("switch: %d", r.StatusCode)
	}
	// The bell here too: unread notifications, the SLA ones leading to tickets of this tenant.
	if n := count(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, u.ID); n == 0 {
		t.Error("the owner has no unread notification in the IT provider")
	}
	if n := count(`SELECT count(*) FROM notifications n WHERE n.kind IN ('sla_soon', 'sla_breach')
		AND EXISTS (SELECT 1 FROM msp_tickets t WHERE t.id = json_extract(n.params, '$.ticket'))`); n == 0 {
		t.Error("no SLA notification leads to a ticket")
	}
	if r := c.Get("/app/notifications/?lang=tr"); r.StatusCode != 200 || !strings.Contains(r.Body, "SLA hedefi aşıldı: <bdi>T-0") {
		t.Errorf("notifications in the IT provider: %d", r.StatusCode)
	}
	r := c.Get("/app/msp/tickets/?lang=tr&status=all")
	if r.StatusCode != 200 {
		t.Fatalf("ticket list: %d", r.StatusCode)
	}
	for _, want := range []string{"Pusula Bilişim", "Marmara Lojistik", "T-0"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("ticket list misses %q", want)
		}
	}
	// Every contract that covers only what it names names something, so the month summary bills
	// the per-incident clients for their incidents and counts the block's time against its hours.
	if n := count(`SELECT count(*) FROM msp_contracts c WHERE c.kind <> 'managed'
		AND NOT EXISTS (SELECT 1 FROM msp_contract_sites s WHERE s.contract_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM msp_contract_devices d WHERE d.contract_id = c.id)`); n != 0 {
		t.Errorf("%d block or per-incident contracts name no site or device: they cover no ticket", n)
	}
	sum := c.Get("/app/msp/time/summary?lang=tr")
	if sum.StatusCode != 200 {
		t.Fatalf("month summary: %d", sum.StatusCode)
	}
	sd := sum.Doc(t)
	if n := sd.Find("#summary tbody tr[data-client]").Length(); n != 6 {
		t.Errorf("last month's summary lists %d clients, want the demo's 6", n)
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT client_id, kind FROM msp_contracts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var client int64
		var kind string
		if err := rows.Scan(&client, &kind); err != nil {
			t.Fatal(err)
		}
		row := sd.Find(fmt.Sprintf(`#summary tr[data-client="%d"]`, client))
		amount, _ := row.Find("[data-amount]").Attr("data-amount")
		covered, _ := row.Find("[data-covered]").Attr("data-covered")
		if amount == "" || (kind != "per_incident" && covered == "0") {
			t.Errorf("last month's %s client %d: amount %q, time covered %q", kind, client, amount, covered)
		}
		if kind == "per_incident" && row.Find(".summary-charge").Length() == 0 {
			t.Errorf("per-incident client %d is billed no incident last month", client)
		}
	}
	rows.Close()
	if r := c.Get("/app/msp/sla/?lang=tr"); r.StatusCode != 200 || !strings.Contains(r.Body, "Standart") {
		t.Errorf("SLA policies: %d", r.StatusCode)
	}
	// The KPI page's MSP reports: most tickets met their targets, some did not.
	r = c.Get("/app/analytics/?refresh=1&lang=tr")
	if r.StatusCode != 200 {
		t.Fatalf("KPI page: %d", r.StatusCode)
	}
	var p struct {
		P struct {
			Summary struct {
				Tickets int `json:"tickets"`
				Decided int `json:"sla_decided"`
				Met     int `json:"sla_met"`
			} `json:"summary"`
		} `json:"msp_payload"`
	}
	var pack string
	if err := db.Read.QueryRowContext(ctx, `SELECT chart_pack FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&pack); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(pack), &p); err != nil {
		t.Fatal(err)
	}
	s := p.P.Summary
	if s.Decided == 0 || s.Met*100 < s.Decided*75 || s.Met == s.Decided {
		t.Errorf("SLA outcomes: %d of %d met; want most but not all", s.Met, s.Decided)
	}
	t.Logf("demo SLA: %d tickets in the report, %d of %d met (%.1f %%)", s.Tickets, s.Met, s.Decided, float64(s.Met)*100/float64(s.Decided))
	doc := r.Doc(t)
	if doc.Find("[data-msp-reports]").Length() != 1 || !strings.Contains(doc.Find("[data-msp-reports]").Text(), "SLA uyumu") {
		t.Error("the KPI page has no MSP reports in Turkish")
	}
}
