package app_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/msp"
)

func TestZZShots(t *testing.T) {
	if os.Getenv("HIGHVIBE_SCREENS") == "" {
		t.Skip("HIGHVIBE_SCREENS not set")
	}
	b := demoBrowserFor(t, 10*time.Minute)
	e := b.e
	ctx := context.Background()
	e.Set(app.DemoSlug, map[string]string{"modules": "repair,msp"})
	db := e.DB(app.DemoSlug)
	u, err := e.Server.Platform.UserByUsername(ctx, app.DemoUser)
	if err != nil {
		t.Fatal(err)
	}
	me := msp.Actor{UserID: u.ID, Name: u.Username}
	cl, err := msp.SaveClient(ctx, db, 0, msp.ClientInput{Name: "Kuzey Lojistik A.Ş."}, me)
	if err != nil {
		t.Fatal(err)
	}
	site, _ := msp.SaveSite(ctx, db, 0, msp.Site{ClientID: cl, Name: "Merkez ofis"}, me)
	dev, _ := msp.SaveDevice(ctx, db, msp.Device{ClientID: cl, SiteID: site, Kind: "server", Name: "DC01"}, me)
	tk, err := msp.Create(ctx, db, msp.NewTicket{Subject: "E-posta gelmiyor", ClientID: cl, SiteID: site}, me)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	first := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.Local)
	cid, err := msp.SaveContract(ctx, db, 0, msp.ContractInput{ClientID: cl, Kind: "managed", StartsOn: first.AddDate(0, -3, 0).Format(time.DateOnly),
		EndsOn: now.AddDate(0, 0, 20).Format(time.DateOnly), Hours: "10", Price: "12500", Currency: "TRY", Notes: "Aylık bakım, 7/24 izleme.",
		SiteIDs: []int64{site}, DeviceIDs: []int64{dev}}, me)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := msp.SaveContract(ctx, db, 0, msp.ContractInput{ClientID: cl, Kind: "block", StartsOn: first.Format(time.DateOnly),
		EndsOn: now.AddDate(1, 0, 0).Format(time.DateOnly), Hours: "4", Price: "3000", Currency: "EUR"}, me); err != nil {
		t.Fatal(err)
	}
	monday := now.AddDate(0, 0, -((int(now.Weekday())+6)%7))
	for i, in := range []msp.EntryInput{
		{TicketID: tk.ID, Day: first.AddDate(0, -1, 3).Format(time.DateOnly), Hours: "6", Billable: true},
		{TicketID: tk.ID, Day: first.Format(time.DateOnly), Hours: "9", Minutes: "30", Billable: true, Note: "Sunucu yeniden kuruldu"},
		{TicketID: tk.ID, Day: monday.Format(time.DateOnly), Start: "09:15", End: "10:45", Billable: true, Note: "Posta kutusu taşındı"},
		{ClientID: cl, Day: monday.Format(time.DateOnly), Hours: "0", Minutes: "45", Billable: false, Note: "Toplantı"},
	} {
		in.Now, in.Loc = now, time.Local
		if i == 0 {
			in.Now = first
		}
		if _, err := msp.AddEntry(ctx, db, in, me); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, err := msp.StartTimer(ctx, db, tk.ID, true, "", me); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{
		"contracts": "/app/msp/contracts/",
		"contract":  "/app/msp/contracts/" + strconv.FormatInt(cid, 10) + "/",
		"sheet":     "/app/msp/time",
		"ticket":    "/app/msp/tickets/" + strconv.FormatInt(tk.ID, 10) + "/time",
		"form":      "/app/msp/contracts/" + strconv.FormatInt(cid, 10) + "/edit",
	}
	only := os.Getenv("SHOT_ONLY")
	for name, path := range pages {
		if only != "" && !strings.Contains(only, name) {
			continue
		}
		for _, lang := range []string{"tr", "en", "ar"} {
			for _, size := range []struct {
				n    string
				w, h int64
				m    bool
			}{{"desk", 1366, 900, false}, {"phone", 390, 844, true}} {
				b.viewport(size.w, size.h, size.m)
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				b.run("open", chromedp.Navigate(e.URL+path+sep+"lang="+lang))
				time.Sleep(500 * time.Millisecond)
				b.shot(name + "-" + lang + "-" + size.n)
			}
		}
	}
}
