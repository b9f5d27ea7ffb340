package analytics_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestKPICardsOverNothing: on a business just set up, a rate, a mean or a median over nothing
// is no figure — "Conversion 0.0%" and "Time to quote 0.0 h" before the first lead read as
// measured results. Those cards show "—" and say what is missing, in the reader's language;
// counts and sums of nothing stay a true 0, and once there are leads the conversion is a figure
// again (0.0 % of four leads is a result).
func TestKPICardsOverNothing(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "talha", "owner")
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	card := func(lang, key string) (value, empty string) {
		t.Helper()
		doc := owner.Get("/app/analytics/?lang=" + lang).Doc(t)
		c := doc.Find(`[data-kpi="` + key + `"]`)
		if c.Length() == 0 {
			t.Fatalf("%s: no %s card", lang, key)
		}
		return strings.TrimSpace(c.Find(".card-value").Text()), strings.TrimSpace(c.Find(".card-empty").Text())
	}
	for lang, want := range map[string]map[string][2]string{
		"en": {
			"conversion_rate":       {"—", "no leads yet"},
			"quote_lead_hours":      {"—", "no quote sent yet"},
			"quote_acceptance_rate": {"—", "no quote sent yet"},
			"visit_no_show_rate":    {"—", "no site visit done or missed yet"},
			"visit_lead_hours":      {"—", "no site visit done yet"},
			"engagement_rate":       {"—", "no conversations yet"},
			"data_quality_score":    {"—", "no leads or customers yet"},
			"avg_order":             {"—", "no orders yet"},
			"roi":                   {"—", "no invoice recorded"},
			"lead_count":            {"0", ""},
			"paid_revenue":          {"₺0", ""},
		},
		"de": {
			"conversion_rate":  {"—", "noch keine Leads"},
			"quote_lead_hours": {"—", "noch kein Angebot gesendet"},
			"lead_count":       {"0", ""},
		},
		"es": {
			"conversion_rate":  {"—", "todavía no hay prospectos"},
			"visit_lead_hours": {"—", "todavía no hay visitas realizadas"},
		},
	} {
		for key, w := range want {
			if v, why := card(lang, key); v != w[0] || why != w[1] {
				t.Errorf("%s: the %s card shows %q (%q), want %q (%q)", lang, key, v, why, w[0], w[1])
			}
		}
	}

	seedSmall(t, e.DB("acme"))
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	if v, why := card("en", "conversion_rate"); v != "25.0%" || why != "" {
		t.Errorf("with four leads, one won: conversion %q (%q), want 25.0%%", v, why)
	}
	if v, why := card("en", "quote_lead_hours"); v != "—" || why != "no quote sent yet" {
		t.Errorf("still no quote: time to quote %q (%q)", v, why)
	}
}
