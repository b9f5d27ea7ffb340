package inbox

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"highvibe/app/live"
	"highvibe/app/tenantdb"
	"highvibe/schema"
)

func openDB(t testing.TB) *tenantdb.DB {
	t.Helper()
	db, err := tenantdb.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), schema.FS, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t testing.TB, db *tenantdb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIngestIdempotentUnderConcurrency(t *testing.T) {
	db := openDB(t)
	hub := live.NewHub()
	ch, stop := hub.Subscribe("acme")
	defer stop()
	s := &Service{Live: hub, Channels: FakeChannels()}
	var wg sync.WaitGroup
	results := make([]IngestResult, 12)
	errs := make([]error, 12)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Ingest(context.Background(), "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321234567",
				ProviderMessageID: "wamid.X1", Phone: "+905321234567", Name: "Ayşe", Body: "Merhaba"})
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range 12 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !results[i].Duplicate {
			fresh++
		}
		if results[i].MessageID == 0 || results[i].ConversationID == 0 {
			t.Fatalf("result %d lacks ids: %+v", i, results[i])
		}
	}
	if fresh != 1 {
		t.Fatalf("fresh ingests = %d, want 1", fresh)
	}
	for table, want := range map[string]int{"messages": 1, "leads": 1, "conversations": 1, "action_logs": 1} {
		if n := count(t, db, "SELECT count(*) FROM "+table); n != want {
			t.Errorf("%s = %d, want %d", table, n, want)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM jobs WHERE kind = 'ai_triage'"); n != 1 {
		t.Errorf("ai_triage jobs = %d", n)
	}
	if n := count(t, db, "SELECT unread_count FROM conversations"); n != 1 {
		t.Errorf("unread = %d", n)
	}
	select {
	case e := <-ch:
		if e.Kind != "message" {
			t.Errorf("event %+v", e)
		}
	default:
		t.Error("no live event published")
	}
}

func TestIngestMatching(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		in         []Inbound
		leads      int
		convs      int
		sameConv   bool
		sameLead   bool
		secondNewC bool
	}{
		{"local and international phone are one lead and one conversation", []Inbound{
			{Channel: "manual", Phone: "0532 123 45 67", Name: "Ali", Body: "a"},
			{Channel: "manual", Phone: "+90 532 123 45 67", Body: "b"},
		}, 1, 1, true, true, false},
		{"email matches case-insensitively", []Inbound{
			{Channel: "email", Email: "Ali@Example.com", Body: "a"},
			{Channel: "email", Email: "ali@example.COM", Body: "b"},
		}, 1, 1, true, true, false},
		{"same lead on two channels gets sibling conversations", []Inbound{
			{Channel: "whatsapp", Phone: "+905321234567", ExternalID: "905321234567", Body: "a"},
			{Channel: "call", Phone: "05321234567", Body: "b"},
		}, 1, 2, false, true, true},
		{"different people are different leads", []Inbound{
			{Channel: "manual", Phone: "05321234567", Body: "a"},
			{Channel: "manual", Phone: "05339876543", Body: "b"},
		}, 2, 2, false, false, true},
		{"widget thread key finds the conversation without contact data", []Inbound{
			{Channel: "webchat", ExternalID: "tok-1", Body: "a"},
			{Channel: "webchat", ExternalID: "tok-1", Body: "b"},
		}, 1, 1, true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			s := &Service{Channels: FakeChannels()}
			var rs []IngestResult
			for _, in := range tc.in {
				r, err := s.Ingest(ctx, "acme", db, in)
				if err != nil {
					t.Fatal(err)
				}
				rs = append(rs, r)
			}
			if n := count(t, db, "SELECT count(*) FROM leads"); n != tc.leads {
				t.Errorf("leads = %d, want %d", n, tc.leads)
			}
			if n := count(t, db, "SELECT count(*) FROM conversations"); n != tc.convs {
				t.Errorf("conversations = %d, want %d", n, tc.convs)
			}
			if got := rs[0].ConversationID == rs[1].ConversationID; got != tc.sameConv {
				t.Errorf("same conversation = %v", got)
			}
			if got := rs[0].LeadID == rs[1].LeadID; got != tc.sameLead {
				t.Errorf("same lead = %v", got)
			}
			if rs[1].NewConversation != tc.secondNewC {
				t.Errorf("second NewConversation = %v", rs[1].NewConversation)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"0532 123 45 67":    "+905321234567",
		"+90 532 123 45 67": "+905321234567",
		"(532) 123-45-67":   "+905321234567",
		"905321234567":      "+905321234567",
		"0090 532 1234567":  "+905321234567",
		"+49 30 1234567":    "+49301234567",
		"12":                "",
		"":                  "",
		// an Arabic keyboard's digits, either family, mixed with ASCII
		"٠٥٣٢ ١٢٣ ٤٥ ٦٧":    "+905321234567",
		"+۹۰ ۵۳۲ ۱۲۳ ۴۵ ۶۷": "+905321234567",
		"+٩٧١ 50 ١٢٣ ٤٥٦٧":  "+971501234567",
		"١٢":                "",
		"٠٥٣٢abc":           "",
	} {
		if got := NormalizePhone(in, ""); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddMessageDelivery(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	s := &Service{Channels: FakeChannels()}
	for _, tc := range []struct {
		channel, status string
		jobs            int
	}{{"whatsapp", "queued", 1}, {"webchat", "sent", 0}, {"call", "", 0}} {
		r, err := s.Ingest(ctx, "acme", db, Inbound{Channel: tc.channel, ExternalID: "x-" + tc.channel, Body: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.AddMessage(ctx, "acme", db, r.ConversationID, Outgoing{Direction: "outbound", AuthorKind: "ai", Body: "hello"}, "ai_triage")
		if err != nil {
			t.Fatal(err)
		}
		m, err := MessageByID(ctx, db.Read, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.DeliveryStatus != tc.status {
			t.Errorf("%s: status %q, want %q", tc.channel, m.DeliveryStatus, tc.status)
		}
		if n := count(t, db, `SELECT count(*) FROM jobs WHERE kind = 'deliver_message' AND payload = ?`, fmt.Sprintf(`{"message_id":%d}`, id)); n != tc.jobs {
			t.Errorf("%s: deliver jobs %d, want %d", tc.channel, n, tc.jobs)
		}
	}
}

// TestIngestLookupsSeek: every look-up ingest makes for a message is an index seek on the real
// schema. The thread look-up ("channel = ? AND external_id = ?") and the phone look-up once
// missed their partial indexes (which hold only non-empty keys) and read every conversation of
// the channel or every lead for each message, so ingest slowed down as the tenant grew.
func TestIngestLookupsSeek(t *testing.T) {
	db := openDB(t)
	for name, q := range map[string]string{"thread": qThreadConversation, "lead by phone": qLeadByPhone, "lead by email": qLeadByEmail,
		"open conversation": qOpenConversation, "open conversation with key": qOpenConversationExt, "duplicate": qDuplicate,
		"conversations by key": qConversationsByKey} {
		n := strings.Count(q, "?")
		args := make([]any, n)
		for i := range args {
			args[i] = "x"
		}
		rows, err := db.Read.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN") || strings.Contains(step, "TEMP B-TREE") {
				t.Errorf("%s: the plan reads more than it finds: %q", name, plan)
			}
		}
	}
}

// A known lead's blanks are filled from a later message, what a person entered is kept, a newer
// consent replaces the old one, and every message moves the lead's activity time.
func TestIngestFillsOnlyBlanks(t *testing.T) {
	db := openDB(t)
	s := &Service{Channels: FakeChannels()}
	ctx := context.Background()
	first, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321110000", ProviderMessageID: "wamid.F1",
		Phone: "+905321110000", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE leads SET email = 'ayse@ornek.com.tr', updated_at = 1 WHERE id = ?`, first.LeadID); err != nil {
		t.Fatal(err)
	}
	read := func() (name, phone, email, consent string, updated int64) {
		t.Helper()
		if err := db.Read.QueryRow(`SELECT name, phone_e164, email, consent_version, updated_at FROM leads WHERE id = ?`, first.LeadID).
			Scan(&name, &phone, &email, &consent, &updated); err != nil {
			t.Fatal(err)
		}
		return
	}
	// The name was blank: the next message fills it; the e-mail a person entered stays.
	if _, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321110000", ProviderMessageID: "wamid.F2",
		Phone: "+905321110000", Name: "Ayşe Yılmaz", Email: "baska@ornek.com", Body: "Fiyat?"}); err != nil {
		t.Fatal(err)
	}
	name, phone, email, consent, updated := read()
	if name != "Ayşe Yılmaz" || phone != "+905321110000" || email != "ayse@ornek.com.tr" || consent != "" || updated <= 1 {
		t.Fatalf("after the second message: name %q phone %q email %q consent %q updated %d", name, phone, email, consent, updated)
	}
	// Nothing new to fill: only the activity time moves; a name given again does not replace it.
	if _, err := db.Write.Exec(`UPDATE leads SET updated_at = 1 WHERE id = ?`, first.LeadID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321110000", ProviderMessageID: "wamid.F3",
		Phone: "+905321110000", Name: "A. Y.", Body: "Tamam"}); err != nil {
		t.Fatal(err)
	}
	if name, _, _, _, updated = read(); name != "Ayşe Yılmaz" || updated <= 1 {
		t.Fatalf("after the third message: name %q updated %d", name, updated)
	}
	// A consent given later replaces the one recorded.
	if _, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "whatsapp", ExternalID: "905321110000", ProviderMessageID: "wamid.F4",
		Phone: "+905321110000", Body: "Onaylıyorum", ConsentVersion: "kvkk-2026-11"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, consent, _ = read(); consent != "kvkk-2026-11" {
		t.Fatalf("consent %q, want the newer version", consent)
	}
}

// An address with a Turkish dotted capital İ is kept as the customer wrote it but for A–Z, the
// rule the guide gives for the ad platforms' hashes: full Unicode lower-casing stored "i" plus a
// combining dot, an address the customer never wrote, and so a different hash from the same
// address typed elsewhere. The same address in other ASCII case is still the same lead.
func TestIngestKeepsTurkishDottedCapitalInEmail(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	s := &Service{Channels: FakeChannels()}
	a, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "email", Email: "  AYSE.İNCE@Example.COM ", Body: "a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Ingest(ctx, "acme", db, Inbound{Channel: "email", Email: "ayse.İnce@example.com", Body: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if a.LeadID != b.LeadID {
		t.Errorf("the same address in other case made two leads (%d, %d)", a.LeadID, b.LeadID)
	}
	var got string
	if err := db.Read.QueryRow(`SELECT email FROM leads WHERE id = ?`, a.LeadID).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "ayse.İnce@example.com" {
		t.Errorf("stored e-mail %q (% x), want %q", got, got, "ayse.İnce@example.com")
	}
}
