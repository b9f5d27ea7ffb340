package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/msp"
)

// The MSP lists find Turkish names however they are typed, as the leads list does: SQLite's LIKE
// folds only A–Z, so "ümit" or "ÜMİT" (caps lock on a Turkish keyboard) did not find the client
// "Ümit Eczanesi", nor "yazici" (a phone without Turkish letters) the device "Yazıcı". The CRM's
// customer list and its export, which read the same client, find it too.
func TestMSPSearchFoldsTurkishLetters(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	owner := e.User("bilisim", "owner", "owner")
	for _, name := range []string{"Ümit Eczanesi", "Kadıköy Muhasebe"} {
		if r := owner.Post("/app/msp/clients/new", url.Values{"name": {name}, "contact_name": {"Şükrü Işık"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("client %s: %d %s", name, r.StatusCode, r.Body)
		}
	}
	if r := owner.Post("/app/msp/devices/new", url.Values{"client": {"1"}, "kind": {"printer"}, "name": {"Yazıcı — ön büro"}, "make": {"Brother"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("device: %d %s", r.StatusCode, r.Body)
	}
	if _, err := msp.Create(context.Background(), e.DB("bilisim"), msp.NewTicket{Subject: "Şifre sıfırlama", Priority: "p3"}, tech); err != nil {
		t.Fatal(err)
	}
	q := func(path, query string) string { return path + "?q=" + url.QueryEscape(query) }
	for _, s := range []string{"ümit", "ÜMİT", "umit", "UMIT", "Ümit"} {
		if d := owner.Get(q("/app/msp/clients/", s)).Doc(t); !strings.Contains(d.Find("main table").Text(), "Ümit Eczanesi") ||
			strings.Contains(d.Find("main table").Text(), "Kadıköy") {
			t.Errorf("clients ?q=%s: %q, want Ümit Eczanesi alone", s, d.Find("main table").Text())
		}
		if r := owner.Get(q("/customers/", s)); !strings.Contains(r.Doc(t).Find("main table").Text(), "Ümit Eczanesi") {
			t.Errorf("customers ?q=%s: %q", s, r.Doc(t).Find("main table").Text())
		}
		if r := owner.Get(q("/customers/export", s) + "&format=csv"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Ümit Eczanesi") {
			t.Errorf("customers export ?q=%s: %d %q", s, r.StatusCode, r.Body)
		}
	}
	for _, s := range []string{"KADIKÖY", "kadikoy", "şükrü", "SUKRU"} {
		if d := owner.Get(q("/app/msp/clients/", s)).Doc(t); !strings.Contains(d.Find("main table").Text(), "Kadıköy Muhasebe") {
			t.Errorf("clients ?q=%s: %q, want Kadıköy Muhasebe", s, d.Find("main table").Text())
		}
	}
	for _, s := range []string{"yazici", "YAZICI", "yazıcı", "Yazıcı"} {
		if d := owner.Get(q("/app/msp/devices/", s)).Doc(t); !strings.Contains(d.Find("main table").Text(), "Yazıcı — ön büro") {
			t.Errorf("devices ?q=%s: %q", s, d.Find("main table").Text())
		}
	}
	// A query of one or two letters reads the subject itself (the word index needs three).
	for _, s := range []string{"şİ", "Şi", "si"} {
		if d := owner.Get(q("/app/msp/tickets/", s)).Doc(t); !strings.Contains(d.Find("#tickets").Text(), "Şifre sıfırlama") {
			t.Errorf("tickets ?q=%s: %q", s, d.Find("#tickets").Text())
		}
	}
}
