package inbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/notify"
)

// TestOneEmailRuleEverywhere: "a@b" was refused by the chat widget and taken by the landing
// page, the lead page, customers, MSP contacts, the API import and the notification settings,
// which each checked addresses in their own way. Every one of them now holds an address to the
// same rule (channel.ValidEmail): "a@b" and "x@" are refused, "ayse@example.com.tr" taken. The
// landing form and the notification settings kept the invisible characters a pasted address
// carries, which the other forms drop; they drop them too.
func TestOneEmailRuleEverywhere(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"landing_enabled": "true", "modules": "sales,msp"})
	owner := e.User("acme", "olga", "owner")
	key := e.APIKey("acme", "import")
	db := e.DB("acme")
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// A lead to edit on the lead page.
	if r := owner.Post("/app/inbox/new/", url.Values{"channel": {"call"}, "name": {"Ayşe Kaya"}, "phone": {"0532 111 22 33"}, "body": {"Arayıp fiyat sordu"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new lead: %d %s", r.StatusCode, r.Body)
	}
	var lead string
	if err := db.Read.QueryRow(`SELECT id FROM leads WHERE name = 'Ayşe Kaya'`).Scan(&lead); err != nil {
		t.Fatal(err)
	}

	type entry struct {
		name string
		send func(addr string) int // the status the entry point answers
		ok   int                   // its status for an address it takes
	}
	entries := []entry{
		{"widget", func(a string) int {
			return e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Fiyat?","name":"Ali","email":"`+a+`","consent":true}`), nil).StatusCode
		}, http.StatusCreated},
		{"landing", func(a string) int {
			return e.Client().Post("/", url.Values{"name": {"Ali"}, "contact": {a}, "message": {"Fiyat?"}, "consent": {"1"}}).StatusCode
		}, http.StatusSeeOther},
		{"new lead", func(a string) int {
			return owner.Post("/app/inbox/new/", url.Values{"channel": {"call"}, "name": {"Ali"}, "email": {a}, "body": {"Fiyat?"}}).StatusCode
		}, http.StatusSeeOther},
		{"lead page", func(a string) int {
			return owner.Post("/app/leads/"+lead+"/email", url.Values{"lead_email": {a}}).StatusCode
		}, http.StatusSeeOther},
		{"customer", func(a string) int {
			return owner.Post("/customers/new", url.Values{"name": {"Ali Veli"}, "email": {a}}).StatusCode
		}, http.StatusSeeOther},
		{"MSP client contact", func(a string) int {
			return owner.Post("/app/msp/clients/new", url.Values{"name": {"Kadıköy Muhasebe " + a}, "contact_name": {"Selin"}, "contact_email": {a}}).StatusCode
		}, http.StatusSeeOther},
		{"API import", func(a string) int {
			return e.Client().PostJSON("/api/v1/leads", []byte(`{"external_id":"L-`+a+`","name":"Kemal","email":"`+a+`","source":"referral"}`),
				map[string]string{"Authorization": "Bearer " + key}).StatusCode
		}, http.StatusCreated},
		{"notification settings", func(a string) int {
			return owner.Post("/app/notifications/settings", url.Values{"email": {a}, "email_handoff": {"1"}}).StatusCode
		}, http.StatusSeeOther},
	}
	for _, en := range entries {
		for _, bad := range []string{"a@b", "x@", "Ali <ali@example.com>"} {
			if got := en.send(bad); got == en.ok || got >= 500 {
				t.Errorf("%s took %q (%d)", en.name, bad, got)
			}
		}
		if got := en.send("ayse@example.com.tr"); got != en.ok {
			t.Errorf("%s refused ayse@example.com.tr: %d", en.name, got)
		}
	}
	if n := count(`SELECT count(*) FROM leads WHERE email IN ('a@b', 'x@')`) + count(`SELECT count(*) FROM customers WHERE email = 'a@b'`); n != 0 {
		t.Errorf("%d records keep an address the rule refuses", n)
	}

	// Pasted with a zero-width space and isolates: kept without them.
	if r := e.Client().Post("/", url.Values{"name": {"Zeynep"}, "contact": {"\u2066zeynep\u200b@example.com\u2069"}, "message": {"Fiyat?"}, "consent": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("landing with invisible characters: %d", r.StatusCode)
	}
	if n := count(`SELECT count(*) FROM leads WHERE email = 'zeynep@example.com'`); n != 1 {
		t.Errorf("the landing form did not keep the address without its invisible characters (%d)", n)
	}
	if r := owner.Post("/app/notifications/settings", url.Values{"email": {"\u202aolga\u200b@example.com\ufeff"}, "email_handoff": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("notification settings with invisible characters: %d", r.StatusCode)
	}
	p, err := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, owner.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if addr := p.Address; addr != "olga@example.com" || strings.ContainsAny(addr, "\u202a\u200b\ufeff") {
		t.Errorf("the notification settings keep %q", addr)
	}
}

// TestNamesDropDirectionOverrides: a lead or customer name pasted with a right-to-left override
// (U+202E), an isolate or a zero-width space kept it, and the override turned the rest of the
// line around wherever the name stood in a list ("Mehmet <U+202E>Kaya · 2 dk önce" read
// backwards after the name). Names typed in the panel (a new lead, a customer, an MSP client) and
// sent through the API import are kept without them; an Arabic name stays as written, and the
// joiner inside an emoji stays.
func TestNamesDropDirectionOverrides(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "sales,msp"})
	owner := e.User("acme", "olga", "owner")
	key := e.APIKey("acme", "import")
	db := e.DB("acme")
	has := func(q, name string) bool {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if r := owner.Post("/app/inbox/new/", url.Values{"channel": {"call"}, "name": {"Mehmet \u202eKaya\u202c"}, "phone": {"0532 111 22 33"}, "body": {"Fiyat?"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new lead: %d", r.StatusCode)
	}
	if !has(`SELECT count(*) FROM leads WHERE name = ?`, "Mehmet Kaya") {
		t.Error("the new lead's name keeps the override")
	}
	if r := owner.Post("/customers/new", url.Values{"name": {"\u2067Deniz\u200b Yılmaz\u2069 👨\u200d👩\u200d👧"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	if !has(`SELECT count(*) FROM customers WHERE name = ?`, "Deniz Yılmaz 👨\u200d👩\u200d👧") {
		t.Error("the customer's name keeps an isolate or a zero-width space, or lost the emoji's joiners")
	}
	if r := e.Client().PostJSON("/api/v1/leads", []byte(`{"external_id":"L1","name":"\u202eمحمد علي","phone":"05321112299","source":"referral"}`),
		map[string]string{"Authorization": "Bearer " + key}); r.StatusCode != http.StatusCreated {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	if !has(`SELECT count(*) FROM leads WHERE name = ?`, "محمد علي") {
		t.Error("the imported lead's name keeps the override, or its Arabic letters changed")
	}
	if r := owner.Post("/app/msp/clients/new", url.Values{"name": {"Kadıköy\u202e Muhasebe"}, "contact_name": {"Selin\ufeff"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("MSP client: %d", r.StatusCode)
	}
	if !has(`SELECT count(*) FROM customers WHERE name = ?`, "Kadıköy Muhasebe") {
		t.Error("the MSP client's name keeps the override")
	}
}
