package app_test

import (
	"fmt"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// pluralCounts are the numbers whose plural forms differ somewhere among the panel's languages:
// Arabic has a form each for 0, 1, 2, 3–10 and 11–99, and 100 takes the "other" one; French
// counts 0 as one.
var pluralCounts = []int{0, 1, 2, 3, 11, 100}

// TestFollowUpAndPartialCountsSayTheirPluralForms: the follow-ups' recommendations counted their
// business hours and days with one form for every number ("منذ 16 ساعات عمل", "بعد 2 أيام",
// "for 1 business hours"), as did the KPI center's follow-up of a stalled lead ("منذ 7 يومًا");
// the rules' summary did too, and a reply sent only in part counted its messages the same way
// ("وصلت 1 من 2 رسائل"). Each now reads the plural form its language gives the number, in
// Arabic and in French.
func TestFollowUpAndPartialCountsSayTheirPluralForms(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	c := e.Client()
	c.Login(app.DemoUser, pw)
	db := e.DB(app.DemoSlug)
	ctx := t.Context()

	// What the follow-up recommendations say, per language, number and kind.
	want := map[string]map[string][]string{
		"ar": {
			"followups.rec.no_reply":  {"منذ أقل من ساعة عمل.", "منذ ساعة عمل واحدة.", "منذ ساعتي عمل.", "منذ 3 ساعات عمل.", "منذ 11 ساعة عمل.", "منذ 100 ساعة عمل."},
			"followups.rec.again":     {"لا رد منذ آخر متابعة.", "لا رد بعد يوم واحد من", "لا رد بعد يومين من", "لا رد بعد 3 أيام من", "لا رد بعد 11 يومًا من", "لا رد بعد 100 يوم من"},
			"analytics.rec.follow_up": {"مؤهل منذ اليوم.", "مؤهل منذ يوم واحد.", "مؤهل منذ يومين.", "مؤهل منذ 3 أيام.", "مؤهل منذ 11 يومًا.", "مؤهل منذ 100 يوم."},
		},
		"fr": {
			"followups.rec.no_reply":  {"depuis 0 heure ouvrée.", "depuis 1 heure ouvrée.", "depuis 2 heures ouvrées.", "depuis 3 heures ouvrées.", "depuis 11 heures ouvrées.", "depuis 100 heures ouvrées."},
			"followups.rec.again":     {"réponse 0 jour après", "réponse 1 jour après", "réponse 2 jours après", "réponse 3 jours après", "réponse 11 jours après", "réponse 100 jours après"},
			"analytics.rec.follow_up": {"depuis 0 jour.", "depuis 1 jour.", "depuis 2 jours.", "depuis 3 jours.", "depuis 11 jours.", "depuis 100 jours."},
		},
	}
	made := map[string]func(n int) words.Rec{}
	for _, key := range []string{"followups.rec.no_reply", "followups.rec.again", "analytics.rec.follow_up"} {
		title := []any{"Ayşe", 1, 3} // name, step, of steps
		if key == "analytics.rec.follow_up" {
			title = []any{"Ayşe"} // its title names the lead only
		}
		made[key] = func(n int) words.Rec { return words.Rec{Key: key, TitleArgs: title, SummaryArgs: []any{n}} }
	}
	recsSay(t, c, countedRecs(t, db, "plural-test", made, nil), want)

	// The rules as a reader who may not change them sees them: two business hours without a
	// reply, eleven after a quote, one day apart.
	if _, err := db.Write.Exec(`INSERT INTO followup_settings(id, enabled, no_reply_hours, quote_hours, step_days, max_steps, updated_at)
		VALUES(1, 1, 2, 11, 1, 3, 0) ON CONFLICT(id) DO UPDATE SET no_reply_hours = 2, quote_hours = 11, step_days = 1, max_steps = 3`); err != nil {
		t.Fatal(err)
	}
	viewer := e.User(app.DemoSlug, "oya", "viewer")
	for lang, says := range map[string]string{
		"ar": "أول متابعة بعد ساعتي عمل دون رد (11 ساعة عمل بعد عرض سعر)؛ بحد أقصى 3، بفاصل يوم واحد.",
		"fr": "Première relance après 2 heures ouvrées sans réponse (11 heures ouvrées après un devis) ; au plus 3, espacées de 1 jour.",
	} {
		got := strings.Join(strings.Fields(viewer.Get("/app/followups/?lang="+lang).Doc(t).Find("#followups-rules p.small").Text()), " ")
		if got != says {
			t.Errorf("%s: the follow-up rules read %q, want %q", lang, got, says)
		}
	}

	// A reply sent in part: of 0, 1, 2, 3, 11 and 100 messages, all but the last reached the
	// customer.
	const conv = 15
	partial := map[string][]string{
		"ar": {"وصلت 0 من 0 رسالة إلى العميل", "وصلت 0 من رسالة واحدة إلى العميل", "وصلت 1 من رسالتين إلى العميل", "وصلت 2 من 3 رسائل إلى العميل", "وصلت 10 من 11 رسالة إلى العميل", "وصلت 99 من 100 رسالة إلى العميل"},
		"fr": {"Parvenus au client : 0 sur 0 message ;", "Parvenus au client : 0 sur 1 message ;", "Parvenus au client : 1 sur 2 messages ;", "Parvenus au client : 2 sur 3 messages ;", "Parvenus au client : 10 sur 11 messages ;", "Parvenus au client : 99 sur 100 messages ;"},
	}
	var msgs []int64
	for _, n := range pluralCounts {
		id, err := e.Handlers.InboxService.AddMessage(ctx, app.DemoSlug, db, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", Body: "Yarın arıyoruz"}, "")
		if err != nil {
			t.Fatal(err)
		}
		stored := fmt.Sprintf("only part delivered: %d of %d messages reached the customer; the next one: provider unreachable: timeout", max(n-1, 0), n)
		if _, err := db.Write.Exec(`UPDATE messages SET delivery_status = 'failed', delivery_error = ? WHERE id = ?`, stored, id); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, id)
	}
	for lang, says := range partial {
		doc := c.Get(fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang)).Doc(t)
		for i, n := range pluralCounts {
			got := strings.Join(strings.Fields(doc.Find(fmt.Sprintf("#m%d .msg-detail", msgs[i])).Text()), " ")
			if !strings.Contains(got, says[i]) {
				t.Errorf("%s, %d of %d sent: the detail reads %q, want it to say %q", lang, max(n-1, 0), n, got, says[i])
			}
		}
	}
}

// countedRecs stores, for each key of made, one recommendation per number of pluralCounts (made
// by made[key]) in the approval queue, and returns their ids in that order. action names a key's
// action type (nil: every one a follow-up); tag keeps the dedupe keys apart between tests.
func countedRecs(t *testing.T, db *tenantdb.DB, tag string, made map[string]func(n int) words.Rec, action func(key string) string) map[string][]int64 {
	t.Helper()
	ctx := t.Context()
	ids := map[string][]int64{}
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }() // after Commit: nothing
	for key, rec := range made {
		kind := "follow_up"
		if action != nil {
			kind = action(key)
		}
		for _, n := range pluralCounts {
			id, _, err := approvals.Create(ctx, tx, approvals.New{Title: "Counted", Summary: "Counted", Priority: "medium", ActionType: kind,
				Confidence: 0.7, DedupeKey: fmt.Sprintf("%s:%s:%d", tag, key, n), Words: rec(n).JSON()})
			if err != nil {
				t.Fatal(err)
			}
			ids[key] = append(ids[key], id)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// recsSay reads each recommendation of ids through the approval queue in each language of want and
// checks that it says want[lang][key][i] for the i-th number of pluralCounts, with no format verb
// left unfilled.
func recsSay(t *testing.T, c *apptest.Client, ids map[string][]int64, want map[string]map[string][]string) {
	t.Helper()
	for lang, kinds := range want {
		for key, says := range kinds {
			for i, n := range pluralCounts {
				id := ids[key][i]
				doc := c.Get(fmt.Sprintf("/app/approvals/?rec=%d&lang=%s", id, lang)).Doc(t)
				got := strings.Join(strings.Fields(doc.Find(fmt.Sprintf("#rec-%d", id)).Text()), " ")
				if !strings.Contains(got, says[i]) || strings.Contains(got, "%!") {
					t.Errorf("%s, %s with %d: the recommendation reads %q, want it to say %q", lang, key, n, got, says[i])
				}
			}
		}
	}
}
