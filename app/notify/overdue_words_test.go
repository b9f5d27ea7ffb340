package notify_test

import (
	"highvibe/app/hours"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/jobs"
	"highvibe/app/notify"
)

// The overdue reminder counts a next step as the dashboard does, by its words: a dated step whose
// words are gone by the time it falls due (a row stored before the form refused a date without
// words) tells nobody, and a reminder names the step as it reads when it falls due, not as it
// read when the date was set.
func TestOverdueReminderFollowsTheStepsWords(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	db := e.DB("acme")
	settle(t, e, "acme")
	due := time.Now().Add(time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")
	fire := func(conv int64) {
		t.Helper()
		if _, err := db.Exec(t.Context(), `UPDATE jobs SET run_at = 0 WHERE kind = ? AND status = 'queued'
			AND json_extract(payload, '$.kind') = 'overdue' AND json_extract(payload, '$.conversation_id') = ?`, notify.JobEvent, conv); err != nil {
			t.Fatal(err)
		}
		jobs.Poke()
		settle(t, e, "acme")
	}

	// Words gone: nobody is told.
	a := tm.ingest(t, "acme", "v-w1", "Ayşe Yılmaz", "Merhaba")
	settle(t, e, "acme")
	tm.post(t, tm.olga, "/app/inbox/"+strconv.FormatInt(a.ConversationID, 10)+"/", url.Values{"next_action": {"Geri ara"}, "next_action_due_at": {due}})
	if _, err := db.Exec(t.Context(), `UPDATE conversations SET next_action = '' WHERE id = ?`, a.ConversationID); err != nil {
		t.Fatal(err)
	}
	before := tm.mark(t, "acme")
	fire(a.ConversationID)
	if got := tm.told(t, "acme", notify.KindOverdue, a.ConversationID, before); len(got) != 0 {
		t.Errorf("a dated step with no words told %v", got)
	}

	// Words changed after the date was set: the reminder says the new words.
	b := tm.ingest(t, "acme", "v-w2", "Mehmet Kaya", "Merhaba")
	settle(t, e, "acme")
	page := "/app/inbox/" + strconv.FormatInt(b.ConversationID, 10) + "/"
	tm.post(t, tm.olga, page, url.Values{"next_action": {"Geri ara"}, "next_action_due_at": {due}})
	tm.post(t, tm.olga, page, url.Values{"next_action": {"Keşif randevusu"}, "next_action_due_at": {due}})
	before = tm.mark(t, "acme")
	fire(b.ConversationID)
	if got := tm.told(t, "acme", notify.KindOverdue, b.ConversationID, before); len(got) == 0 {
		t.Fatal("a dated step with words told nobody")
	}
	var params string
	if err := db.Read.QueryRow(`SELECT params FROM notifications WHERE kind = 'overdue' AND conversation_id = ? LIMIT 1`, b.ConversationID).Scan(&params); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(params, "Keşif randevusu") || strings.Contains(params, "Geri ara") {
		t.Errorf("the reminder says %s, want the step's words as they read now", params)
	}
}
