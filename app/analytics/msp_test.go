package analytics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// mspTickets writes four resolved tickets of today (no business hours: the clocks run around the
// clock): three P3 answered and fixed well within 4 h / 27 h, one P1 fixed after 5 h against its
// 4 h target. Compliance: 3 of 4 = 75 %.
func mspTickets(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	ctx := context.Background()
	tech := msp.Actor{UserID: 1, Name: "talha"}
	client, err := msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Marmara Lojistik"}, tech)
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Now().Add(-6 * time.Hour)
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		for i, p := range []string{"p3", "p3", "p3", "p1"} {
			fixed := opened.Add(time.Hour)
			if p == "p1" {
				fixed = opened.Add(5 * time.Hour)
			}
			_, err := msp.InsertHistoryTx(ctx, tx, &msp.HistoricTicket{NewTicket: msp.NewTicket{Subject: "Yazıcı", ClientID: client,
				Category: "printing", Priority: p}, CreatedAt: opened.Add(time.Duration(i) * time.Minute), CreatedBy: tech,
				Steps: []msp.HistoricStep{{At: opened.Add(10 * time.Minute), Kind: "reply", Body: "Bakıyoruz.", Actor: tech},
					{At: fixed, Kind: "status", To: "resolved", Actor: tech}},
				Time: []msp.HistoricTime{{Day: time.Now().Format(time.DateOnly), Minutes: 45, Billable: true, Actor: tech}}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMSPPayload: with the msp module on, the snapshot carries msp_payload (75 % compliance over
// the four tickets) and the KPI page shows the MSP section in Turkish; with the module off neither
// the page nor chart_pack.json has it, even from a snapshot built while it was on.
func TestMSPPayload(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "msp"})
	mspTickets(t, e.DB("bilisim"))
	c := e.User("bilisim", "ayse", "owner")

	r := c.Get("/app/analytics/?refresh=1&lang=tr")
	if r.StatusCode != 200 {
		t.Fatalf("KPI page: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find("[data-msp-reports]").Length() != 1 || doc.Find(`[data-msp-charts] [data-chart]`).Length() != 5 {
		t.Fatal("the MSP section is missing with the module on")
	}
	if got := strings.TrimSpace(doc.Find(`[data-kpi="msp_sla_compliance"] .card-value`).Text()); got != "%75,0" {
		t.Errorf("compliance card %q, want %%75,0 (Turkish percent)", got)
	}
	if !strings.Contains(doc.Find("[data-msp-reports]").Text(), "SLA uyumu") {
		t.Error("the MSP section is not in Turkish")
	}
	pack := func() map[string]json.RawMessage {
		t.Helper()
		r := c.Get("/app/analytics/chart_pack.json?lang=tr")
		var v struct {
			ChartPack map[string]json.RawMessage `json:"chart_pack"`
		}
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
			t.Fatal(err)
		}
		return v.ChartPack
	}
	var p struct {
		Summary struct {
			Tickets int      `json:"tickets"`
			Decided int      `json:"sla_decided"`
			Met     int      `json:"sla_met"`
			Pct     *float64 `json:"sla_compliance_pct"`
			Hours   float64  `json:"billable_hours"`
		} `json:"summary"`
		Clients []struct {
			Client string `json:"client"`
			Count  int    `json:"count"`
		} `json:"tickets_by_client"`
		Figures map[string]struct {
			Data   []map[string]any `json:"data"`
			Layout map[string]any   `json:"layout"`
		} `json:"figures"`
	}
	raw, ok := pack()["msp_payload"]
	if !ok {
		t.Fatal("chart_pack has no msp_payload with the module on")
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	s := p.Summary
	if s.Tickets != 4 || s.Decided != 4 || s.Met != 3 || s.Pct == nil || *s.Pct != 75 || s.Hours != 3 {
		t.Errorf("summary %+v (pct %v), want 4 tickets, 3 of 4 met = 75, 3 billable hours", s, s.Pct)
	}
	if len(p.Clients) != 1 || p.Clients[0].Client != "Marmara Lojistik" || p.Clients[0].Count != 4 {
		t.Errorf("tickets by client %+v", p.Clients)
	}
	for _, k := range []string{"sla_compliance", "tickets_by_client", "tickets_by_category", "billable_hours"} {
		if len(p.Figures[k].Data) == 0 {
			t.Errorf("figure %s is empty", k)
		}
	}
	if name := p.Figures["sla_compliance"].Data[0]["name"]; name != "P1 kritik" {
		t.Errorf("first SLA series %v, want the Turkish P1", name)
	}

	// The module off: no section, nothing served, and a new snapshot carries none.
	e.Set("bilisim", map[string]string{"modules": "default"})
	doc = c.Get("/app/analytics/?lang=tr").Doc(t)
	if doc.Find("[data-msp-reports]").Length() != 0 || doc.Find("[data-msp-charts]").Length() != 0 {
		t.Error("the MSP section shows with the module off")
	}
	if _, ok := pack()["msp_payload"]; ok {
		t.Error("chart_pack.json serves msp_payload with the module off")
	}
	c.Get("/app/analytics/?refresh=1")
	var stored string
	if err := e.DB("bilisim").Read.QueryRow(`SELECT chart_pack FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "msp_payload") {
		t.Error("a snapshot built with the module off carries msp_payload")
	}
}
