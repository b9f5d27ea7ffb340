package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
)

// TestDemoVisitLinkAndAdvice: the demo's confirmed site visit tells the customer a whole link to
// the visit's page, on the address the demo quote's link uses — it was a relative
// "/v/osman-cavus-tas-parke.…" that reaches no customer; and where a customer says the path is
// for pedestrians only, the owner's reply advises 6 cm paving, not "8 cm for vehicle traffic".
func TestDemoVisitLinkAndAdvice(t *testing.T) {
	t.Parallel()
	e := apptest.New(t) // the visit's confirmation is written by its job
	if _, err := e.Server.EnsureDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	db := e.DB(app.DemoSlug).Read
	var quote string
	if err := db.QueryRow(`SELECT body FROM messages WHERE body LIKE '%/q/%' ORDER BY id DESC LIMIT 1`).Scan(&quote); err != nil {
		t.Fatal(err)
	}
	origin := quote[strings.Index(quote, "http"):strings.Index(quote, "/q/")]
	// The confirmation is written by its job: wait for it.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE body LIKE '%/v/%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 || time.Now().After(deadline) {
			break
		}
	}
	rows, err := db.Query(`SELECT body FROM messages WHERE body LIKE '%/v/%'`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		n++
		if !strings.Contains(body, ": "+origin+"/v/"+app.DemoSlug+".") {
			t.Errorf("a visit message links the customer to a partial address (want %s/v/…):\n%s", origin, body)
		}
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Fatalf("no visit message with its link (%v)", err)
	}
	// Each reply of the owner after a customer said the path is for pedestrians only.
	pairs, err := db.Query(`SELECT (SELECT body FROM messages n WHERE n.conversation_id = m.conversation_id AND n.id > m.id AND n.author_kind = 'user' ORDER BY n.id LIMIT 1)
		FROM messages m WHERE m.body = 'Sadece yaya yolu, araç girmeyecek.'`)
	if err != nil {
		t.Fatal(err)
	}
	defer pairs.Close()
	replies := 0
	for pairs.Next() {
		var reply *string
		if err := pairs.Scan(&reply); err != nil {
			t.Fatal(err)
		}
		if reply == nil {
			continue
		}
		replies++
		if strings.Contains(*reply, "Araç trafiği") || strings.Contains(*reply, "8 cm") || !strings.Contains(*reply, "6 cm") {
			t.Errorf("after \"Sadece yaya yolu, araç girmeyecek.\" the owner replied %q", *reply)
		}
	}
	if replies == 0 {
		t.Fatal("no seeded conversation where the customer says the path is for pedestrians and the owner replies")
	}
}
