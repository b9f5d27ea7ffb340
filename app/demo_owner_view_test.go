package app_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app"
)

// TestDemoInboxReadLikeAWorkingTeam: 30 of the demo's 74 open conversations were unread, an inbox
// nobody works. A working team has read what came before its last look: only a handful are
// unread, and each of them got its customer's message in the last hours.
func TestDemoInboxReadLikeAWorkingTeam(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	db := e.DB(app.DemoSlug)
	var unread, old int
	if err := db.Read.QueryRow(`SELECT count(*), coalesce(sum(coalesce(last_inbound_at, 0) < ?), 0) FROM conversations
		WHERE unread_count > 0 AND state NOT IN ('won','lost')`, time.Now().Add(-6*time.Hour).UnixMilli()).Scan(&unread, &old); err != nil {
		t.Fatal(err)
	}
	if unread < 1 || unread > 12 {
		t.Errorf("%d open conversations unread, want a handful", unread)
	}
	if old != 0 {
		t.Errorf("%d unread conversations heard from their customer more than six hours ago", old)
	}
}

// TestDemoTeamWritesInWakingHours: the demo's offers and the team's replies were spread over the
// whole day, an offer sent at 02:40 and a quote at 04:10. The team writes in its working hours,
// an evening or a Sunday at most, never between 21:00 and 08:00. The last half day is left out: a
// demo started before dawn has threads of the night no one has answered yet in a waking hour.
func TestDemoTeamWritesInWakingHours(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	db := e.DB(app.DemoSlug)
	ist, _ := time.LoadLocation("Europe/Istanbul")
	before := time.Now().Add(-12 * time.Hour).UnixMilli()
	for what, q := range map[string]string{
		"team message": `SELECT m.created_at FROM messages m WHERE m.author_kind = 'user' AND m.direction = 'outbound' AND m.created_at < ?`,
		"quote sent":   `SELECT sent_at FROM quotes WHERE sent_at IS NOT NULL AND sent_at < ?`,
	} {
		rows, err := db.Read.Query(q, before)
		if err != nil {
			t.Fatal(err)
		}
		n, night := 0, 0
		for rows.Next() {
			var at int64
			if err := rows.Scan(&at); err != nil {
				t.Fatal(err)
			}
			n++
			if h := time.UnixMilli(at).In(ist).Hour(); h < 8 || h >= 21 {
				if night++; night <= 3 {
					t.Errorf("%s at %s", what, time.UnixMilli(at).In(ist).Format("Mon 2006-01-02 15:04"))
				}
			}
		}
		rows.Close()
		if n < 50 {
			t.Errorf("only %d of %s", n, what)
		}
		if night > 0 {
			t.Errorf("%d of %d %s at night", night, n, what)
		}
	}
}

// TestDemoLostReasonsFollowTheThread: a lost lead's reason was drawn at random, so "customer could
// not be reached" stood over a thread whose customer wrote "we went with another company". The
// thread now ends as its reason says: a customer who could not be reached promised to come back
// and went silent.
func TestDemoLostReasonsFollowTheThread(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	ends := map[string][]string{
		"fiyat yüksek bulundu":               {"bütçemizin epey üzerinde", "above our budget"},
		"rakip firma daha hızlı teslim etti": {"Başka bir firma", "Another company"},
		"proje ertelendi":                    {"ilkbahara erteledik", "put the project off"},
		"müşteriye ulaşılamadı":              {"size döneceğim", "get back to you"},
		"kendi ustasıyla yaptıracak":         {"kendi ustamıza", "our own builder"},
	}
	rows, err := e.DB(app.DemoSlug).Read.Query(`SELECT l.id, l.lost_reason, (SELECT m.body FROM messages m WHERE m.conversation_id = c.id
		AND m.direction <> 'system' ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
		FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE l.stage = 'lost' AND l.external_id LIKE 'demo-lead-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, reasons := 0, map[string]bool{}
	for rows.Next() {
		var id int64
		var reason, last string
		if err := rows.Scan(&id, &reason, &last); err != nil {
			t.Fatal(err)
		}
		n++
		reasons[reason] = true
		ok := false
		for _, w := range ends[reason] {
			ok = ok || strings.Contains(last, w)
		}
		if !ok {
			t.Errorf("lead %d lost for %q, its thread ends %q", id, reason, last)
		}
	}
	if n < 50 || len(reasons) != len(ends) {
		t.Errorf("%d lost leads with %d reasons", n, len(reasons))
	}
}

// TestDemoRecordsKeepTheCustomersLanguage: an English customer's quote listed "Teras begonit —
// malzeme" and their order "320 m² site içi küp taş yol", a lead's second conversation could be
// Turkish when its first was English, and the lost deal's reason was English on a Turkish
// business. Each record is now in its customer's language, and names the job they wrote about.
func TestDemoRecordsKeepTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	db := e.DB(app.DemoSlug)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	turkish := `(%s LIKE '%%malzeme%%' OR %s LIKE '%%döşeme%%' OR %s LIKE '%%küp taş%%' OR %s LIKE '%%kilit parke%%' OR %s LIKE '%%bahçe%%')`
	tr := func(col string) string { return strings.ReplaceAll(turkish, "%s", col) }
	if n := count(`SELECT count(*) FROM quotes WHERE language = 'en'`); n < 5 {
		t.Fatalf("only %d English quotes", n)
	}
	if n := count(`SELECT count(*) FROM quote_lines l JOIN quotes q ON q.id = l.quote_id WHERE q.language = 'en' AND ` + tr("l.name")); n != 0 {
		t.Errorf("%d lines of English quotes in Turkish", n)
	}
	if n := count(`SELECT count(*) FROM orders o WHERE o.lead_id IN (SELECT lead_id FROM conversations WHERE language = 'en') AND ` + tr("o.description")); n != 0 {
		t.Errorf("%d orders of English customers described in Turkish", n)
	}
	if n := count(`SELECT count(*) FROM leads WHERE (SELECT count(DISTINCT language) FROM conversations c WHERE c.lead_id = leads.id) > 1`); n != 0 {
		t.Errorf("%d leads whose conversations are in two languages", n)
	}
	// The job named is the one the customer asked for: their first message's stone.
	if n := count(`SELECT count(*) FROM quote_lines l JOIN quotes q ON q.id = l.quote_id JOIN conversations c ON c.id = q.conversation_id
		WHERE l.kind = 'product' AND c.language = 'en' AND instr((SELECT m.body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at, m.id LIMIT 1),
		substr(l.name, 2, instr(l.name, ',') - 2)) = 0`); n != 0 {
		t.Errorf("%d English quotes name a stone their customer did not ask for", n)
	}
	if n := count(`SELECT count(*) FROM leads WHERE lost_reason LIKE '%competitor%' OR lost_reason LIKE '%labor%'`); n != 0 {
		t.Errorf("%d lost reasons in English on the Turkish business", n)
	}
}

// TestDemoWidgetStepOpen: the demo's first steps said the chat widget was on its website because
// its web chats exist; none came from a website of the business, so the step stays to be done.
func TestDemoWidgetStepOpen(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	step := owner.Get("/app/?lang=tr").Doc(t).Find(`#setup [data-step="widget"]`)
	if step.Length() != 1 {
		t.Fatal("the demo's first steps have no widget step")
	}
	if _, done := step.Attr("data-done"); done {
		t.Errorf("the demo's widget step is done: %q", strings.Join(strings.Fields(step.Text()), " "))
	}
}
