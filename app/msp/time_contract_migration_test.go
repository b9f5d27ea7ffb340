package msp_test

import (
	"context"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/msp"
	"highvibe/schema"
)

// Tenant migration 00055 counts the time logged before it against the contract the pages counted
// it against until then (msp.Covering: the device's contract, else the site's, else the managed
// one; the one that started last): its SQL gives every entry the contract the product decides
// today, over devices, sites, managed and per-incident contracts, overlapping contracts, days
// outside every contract and time without a client.
func TestMigrationCountsPastTimeLikeCovering(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	old := thisMonth.AddDate(0, -3, 0)
	site := strconv.FormatInt(te.site, 10)
	for _, f := range []url.Values{
		{"kind": {"managed"}, "starts_on": {day(old)}, "ends_on": {day(now.AddDate(1, 0, 0))}, "hours": {"10"}},
		// A second managed contract from a month later: it started last, so it wins from then on.
		{"kind": {"managed"}, "starts_on": {day(old.AddDate(0, 1, 0))}, "ends_on": {day(now.AddDate(1, 0, 0))}, "hours": {"5"}},
		{"kind": {"block"}, "starts_on": {day(old)}, "ends_on": {day(now.AddDate(0, 6, 0))}, "hours": {"4"},
			"device": {strconv.FormatInt(te.device, 10)}},
		{"kind": {"block"}, "starts_on": {day(old.AddDate(0, 0, 3))}, "ends_on": {day(now.AddDate(0, 6, 0))}, "hours": {"3"}, "site": {site}},
		{"kind": {"per_incident"}, "starts_on": {day(old.AddDate(0, 2, 0))}, "ends_on": {day(now.AddDate(0, 6, 0))}, "site": {site}},
	} {
		f.Set("price", "100")
		f.Set("currency", "TRY")
		te.addContract(t, f)
	}
	onSite, err := msp.Create(ctx, te.db, msp.NewTicket{Subject: "Ağ", SiteID: te.site}, tech)
	if err != nil {
		t.Fatal(err)
	}
	days := []time.Time{old.AddDate(0, -1, 0), old, old.AddDate(0, 0, 4), old.AddDate(0, 1, 2), old.AddDate(0, 2, 5), thisMonth}
	n := 0
	for _, d := range days {
		if d.After(now) {
			continue
		}
		for _, in := range []msp.EntryInput{{TicketID: te.ticket.ID}, {TicketID: te.onDevice.ID}, {TicketID: onSite.ID},
			{TicketID: te.other.ID}, {ClientID: te.client}} {
			in.Day, in.Now, in.Loc, in.Minutes, in.Billable = day(d), d, hours.DefaultLocation(), "10", true
			if _, err := msp.AddEntry(ctx, te.db, in, tech); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	stamps := func() string {
		t.Helper()
		rows, err := te.db.Read.Query(`SELECT id, coalesce(contract_id, 0) FROM msp_time_entries ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, c int64
			if err := rows.Scan(&id, &c); err != nil {
				t.Fatal(err)
			}
			out = append(out, strconv.FormatInt(id, 10)+":"+strconv.FormatInt(c, 10))
		}
		return strings.Join(out, " ")
	}
	decided := stamps()
	if distinct := te.count(t, `SELECT count(DISTINCT coalesce(contract_id, 0)) FROM msp_time_entries`); distinct < 5 {
		t.Fatalf("the data set reaches only %d outcomes: %s", distinct, decided)
	}

	src, err := fs.ReadFile(schema.FS, "tenant/00055_msp_time_contract.sql")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	i := strings.Index(text, "UPDATE msp_time_entries SET contract_id")
	j := strings.Index(text[i:], ";\n")
	if i < 0 || j < 0 {
		t.Fatal("no UPDATE in the migration")
	}
	if _, err := te.db.Exec(ctx, `UPDATE msp_time_entries SET contract_id = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := te.db.Exec(ctx, text[i:i+j]); err != nil {
		t.Fatal(err)
	}
	if got := stamps(); got != decided {
		t.Fatalf("the migration counts %d entries otherwise:\n got %s\nwant %s", n, got, decided)
	}
}
