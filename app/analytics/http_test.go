package analytics_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// seedSmall inserts a hand-made dataset: 4 leads (1 won, 1 qualified and stale), 2 customers,
// 3 orders, 3 invoices, one unanswered handoff.
func seedSmall(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	now := time.Now().UnixMilli()
	day := int64(86400000)
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO customers(id, name, phone, phone_e164, created_at, updated_at) VALUES(1, 'Ayşe Yılmaz', '0532 111 22 33', '905321112233', ?, ?)`, []any{now, now}},
		{`INSERT INTO customers(id, name, created_at, updated_at) VALUES(2, 'Mehmet Kaya', ?, ?)`, []any{now, now}},
		{`INSERT INTO leads(id, name, stage, source, created_at, updated_at) VALUES(1, 'Ayşe', 'won', 'webchat', ?, ?)`, []any{now, now}},
		{`INSERT INTO leads(id, name, stage, source, created_at, updated_at) VALUES(2, 'Ali', 'qualified', 'whatsapp', ?, ?)`, []any{now - 20*day, now - 10*day}},
		{`INSERT INTO leads(id, name, stage, source, created_at, updated_at) VALUES(3, '', 'new', 'call', ?, ?)`, []any{now, now}},
		{`INSERT INTO leads(id, name, stage, source, created_at, updated_at) VALUES(4, 'Veli', 'lost', 'manual', ?, ?)`, []any{now, now}},
		{`INSERT INTO conversations(id, lead_id, channel, state, handoff_required, last_message_at, last_inbound_at, created_at, updated_at)
		  VALUES(1, 2, 'whatsapp', 'qualified', 1, ?, ?, ?, ?)`, []any{now - 2*3600000, now - 2*3600000, now, now}},
		{`INSERT INTO orders(customer_id, status, total, ordered_at, created_at, updated_at) VALUES(1, 'won', 10000, ?, ?, ?)`, []any{now - 5*day, now, now}},
		{`INSERT INTO orders(customer_id, status, total, ordered_at, created_at, updated_at) VALUES(2, 'open', 4000, ?, ?, ?)`, []any{now - 2*day, now, now}},
		{`INSERT INTO orders(customer_id, status, total, ordered_at, created_at, updated_at) VALUES(2, 'cancelled', 999, ?, ?, ?)`, []any{now - 2*day, now, now}},
		{`INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at) VALUES(1, 6000, 'paid', ?, ?, ?, ?)`, []any{now - 4*day, now - 3*day, now, now}},
		{`INSERT INTO invoices(customer_id, amount, currency, status, issued_at, paid_at, created_at, updated_at) VALUES(1, 100, 'USD', 'paid', ?, ?, ?, ?)`, []any{now - 4*day, now - day, now, now}},
		{`INSERT INTO invoices(customer_id, amount, status, issued_at, created_at, updated_at) VALUES(2, 4000, 'sent', ?, ?, ?)`, []any{now, now, now}},
	}
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(context.Background(), s.q, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *tenantdb.DB, q string) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRefreshFromRecords(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"currency": "TRY", "monthly_budget_usd": "10"})
	db := e.DB("acme")
	seedSmall(t, db)
	owner := e.User("acme", "olga", "owner")
	viewer := e.User("acme", "vera", "viewer")

	if r := viewer.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer refresh = %d, want 403", r.StatusCode)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_snapshots`); n != 0 {
		t.Fatalf("viewer POST built %d snapshots", n)
	}
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner refresh = %d", r.StatusCode)
	}
	snap, err := analytics.Latest(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	k := snap.KPI
	// By hand: 4 leads, 1 won → 25 %; paid 6000 + 100 USD × 34 = 9400 TRY; pipeline 4000;
	// budget 10 USD × 6 × 34 = 2040 → ROI (9400 − 2040) / 2040 × 100 = 360.8 %.
	if k.LeadCount != 4 || k.WonLeads != 1 || k.ConversionRate != 25 || k.QualifiedLeads != 2 {
		t.Errorf("leads: %+v", k)
	}
	if k.PaidRevenue != 9400 || k.PipelineRevenue != 4000 || k.BudgetPeriod != 2040 || k.ROI == nil || *k.ROI != 360.8 {
		t.Errorf("revenue: paid %v pipeline %v budget %v roi %v", k.PaidRevenue, k.PipelineRevenue, k.BudgetPeriod, k.ROI)
	}
	if k.AvgOrder != 7000 || k.CustomerCount != 2 || k.HVCTop != "Ayşe Yılmaz" {
		t.Errorf("orders/hvc: %+v", k)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE provider = 'analytics_snapshot'`); n != 1 {
		t.Errorf("action logs = %d", n)
	}
	// follow_up for the stale qualified lead, human_handoff for the waiting conversation.
	if n := count(t, db, `SELECT count(*) FROM decision_recommendations WHERE action_type IN ('follow_up','human_handoff') AND status = 'pending'`); n != 2 {
		t.Errorf("recommendations = %d, want 2", n)
	}
	// A second refresh keeps the open ones instead of duplicating them.
	if r := owner.Get("/app/analytics/?refresh=1"); r.StatusCode != http.StatusOK {
		t.Fatalf("owner ?refresh=1 = %d", r.StatusCode)
	}
	if n := count(t, db, `SELECT count(*) FROM decision_recommendations`); n != 2 {
		t.Errorf("after second refresh recommendations = %d, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_snapshots`); n != 2 {
		t.Errorf("owner ?refresh=1 did not rebuild: %d snapshots", n)
	}

	// The viewer reads the page and the JSON, but ?refresh=1 shows the cached snapshot.
	r := viewer.Get("/app/analytics/?refresh=1")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("viewer page = %d", r.StatusCode)
	}
	doc := r.Doc(t)
	if doc.Find("[data-chart]").Length() != 8 || doc.Find(`form[action="/app/analytics/refresh"]`).Length() != 0 {
		t.Errorf("viewer page: %d charts, refresh form shown: %d", doc.Find("[data-chart]").Length(), doc.Find(`form[action="/app/analytics/refresh"]`).Length())
	}
	if doc.Find(`[data-kpi="conversion_rate"] .card-title[title]`).Length() != 1 {
		t.Error("KPI card without definition")
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_snapshots`); n != 2 {
		t.Errorf("viewer ?refresh=1 rebuilt: %d snapshots", n)
	}
	jr := viewer.Get("/app/analytics/chart_pack.json?lang=tr")
	var body struct {
		GeneratedAt string                     `json:"generated_at"`
		ModelName   string                     `json:"model_name"`
		KPI         map[string]any             `json:"kpi"`
		ChartPack   map[string]json.RawMessage `json:"chart_pack"`
	}
	if err := json.Unmarshal([]byte(jr.Body), &body); err != nil || jr.StatusCode != 200 {
		t.Fatalf("chart pack: %d %v %s", jr.StatusCode, err, jr.Body)
	}
	for _, key := range analytics.ChartKeys {
		if _, ok := body.ChartPack[key]; !ok {
			t.Errorf("chart pack misses %s", key)
		}
	}
	if body.ModelName != analytics.ModelName || body.GeneratedAt == "" || body.KPI["paid_revenue"].(float64) != 9400 {
		t.Errorf("chart pack head: %+v", body)
	}
	if s := string(body.ChartPack["lead_funnel"]); !contains(s, "Kazanıldı") || contains(s, "i18n:") {
		t.Errorf("funnel labels not localized: %s", s)
	}
	// The decision chart's hover texts are the recommendations' titles in the reader's language,
	// made from their stored words, not the English titles stored with them.
	var titles []string
	if err := tenantdb.EachRow(context.Background(), db.Read, `SELECT title FROM decision_recommendations WHERE words <> ''`, nil, func(rs *sql.Rows) error {
		var s string
		err := rs.Scan(&s)
		titles = append(titles, s)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(titles) == 0 {
		t.Fatal("no recommendation with stored words: the decision chart check would prove nothing")
	}
	var en struct {
		ChartPack map[string]json.RawMessage `json:"chart_pack"`
	}
	_ = json.Unmarshal([]byte(viewer.Get("/app/analytics/chart_pack.json?lang=en").Body), &en)
	trText, enText := string(body.ChartPack["decision_3d"]), string(en.ChartPack["decision_3d"])
	for _, title := range titles {
		js, _ := json.Marshal(title)
		if !contains(enText, string(js)) || contains(trText, string(js)) || contains(trText, "i18n-rec:") {
			t.Errorf("decision chart hover for %q: want it in English only in the English pack\ntr: %s\nen: %s", title, trText, enText)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestChartPackInReadersLanguage: the chart pack writes every percentage drawn inside a chart as
// the reader's language does ("%67" in Turkish, "67%" in English, "67 %" in German), never
// leaves it to Plotly ("percent previous" is always "67%"), and lays the charts out from the
// right for an Arabic reader: time runs right to left with the value axis on the right.
func TestChartPackInReadersLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	seedSmall(t, e.DB("acme"))
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	type figure struct {
		Data   []map[string]any `json:"data"`
		Layout map[string]any   `json:"layout"`
	}
	pack := func(lang string) map[string]figure {
		t.Helper()
		r := owner.Get("/app/analytics/chart_pack.json?lang=" + lang)
		var body struct {
			ChartPack map[string]figure `json:"chart_pack"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil || r.StatusCode != http.StatusOK {
			t.Fatalf("chart pack %s: %d %v", lang, r.StatusCode, err)
		}
		if strings.Contains(r.Body, "{{") {
			t.Errorf("%s: a text token was not written: %s", lang, r.Body)
		}
		return body.ChartPack
	}
	// Leads reached new 3, contacted 2, qualified 2, proposal 1, won 1.
	wantSteps := map[string][]string{
		"tr": {"3", "2<br>%67", "2<br>%100", "1<br>%50", "1<br>%100"},
		"en": {"3", "2<br>67%", "2<br>100%", "1<br>50%", "1<br>100%"},
		"de": {"3", "2<br>67\u00a0%", "2<br>100\u00a0%", "1<br>50\u00a0%", "1<br>100\u00a0%"},
		"ar": {"3", "2<br>\u206667%\u2069", "2<br>\u2066100%\u2069", "1<br>\u206650%\u2069", "1<br>\u2066100%\u2069"},
	}
	for lang, want := range wantSteps {
		p := pack(lang)
		f := p["lead_funnel"].Data[0]
		if f["textinfo"] != "text" || strings.Contains(fmt.Sprint(f["textinfo"]), "percent") {
			t.Errorf("%s: the funnel lets Plotly write its percentages: textinfo %v", lang, f["textinfo"])
		}
		if got := fmt.Sprint(f["text"]); got != fmt.Sprint(want) {
			t.Errorf("%s: funnel texts %s, want %s", lang, got, want)
		}
		hover := fmt.Sprint(f["hovertext"])
		if lang == "tr" && (!strings.Contains(hover, "Önceki aşamaya göre %67") || strings.Contains(hover, "67%")) {
			t.Errorf("tr: funnel hover %s", hover)
		}
		ticks := fmt.Sprint(p["spider_payload"].Layout["polar"].(map[string]any)["radialaxis"].(map[string]any)["ticktext"])
		if want := map[string]string{"tr": "[  %50  %100]", "en": "[  50%  100%]", "ar": "[  \u206650%\u2069  \u2066100%\u2069]",
			"de": "[  50\u00a0%  100\u00a0%]"}[lang]; ticks != want {
			t.Errorf("%s: spider rings %q, want %q", lang, ticks, want)
		}
		// Arabic reads from the right: the months run right to left, the value axis on the right.
		for _, key := range []string{"revenue_series", "forecast_payload", "segment_heatmap"} {
			x, _ := p[key].Layout["xaxis"].(map[string]any)
			y, _ := p[key].Layout["yaxis"].(map[string]any)
			mirrored := x["autorange"] == "reversed" && y["side"] == "right"
			if mirrored != (lang == "ar") {
				t.Errorf("%s: %s mirrored = %v (x axis %v, y axis %v)", lang, key, mirrored, x, y)
			}
		}
		if y, _ := p["lead_funnel"].Layout["yaxis"].(map[string]any); (y["side"] == "right") != (lang == "ar") {
			t.Errorf("%s: funnel step names on side %v", lang, y["side"])
		}
	}
}
