package jobs_test

import (
	"encoding/json"
	"highvibe/app/hours"
	"net/url"
	"strconv"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestScheduledReplyReachesQuietVisitor is the "send later" path end to end on a tenant where
// nothing else happens: a web-chat visitor writes, an operator schedules a reply a few seconds
// ahead from the conversation form, and the visitor's widget receives it on time. The recheck
// bound is cut to one second and the reply scheduled beyond it: the runner used to forget a job
// further away than that bound and never looked again while the file stayed unchanged, so the
// reply went out only after some unrelated write.
func TestScheduledReplyReachesQuietVisitor(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Server.Jobs.SetIdleRecheck(time.Second)
	if err := e.Server.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	visitor := e.Client()
	r := visitor.PostJSON("/widget/api/acme/messages", []byte(`{"text":"Yarın keşfe gelebilir misiniz?","name":"Ayşe","consent":true}`),
		map[string]string{"Origin": "https://example.org"})
	var first struct {
		Token          string `json:"token"`
		ConversationID int64  `json:"conversation_id"`
	}
	if err := json.Unmarshal([]byte(r.Body), &first); err != nil || r.StatusCode != 201 || first.Token == "" {
		t.Fatalf("visitor message: %d %s", r.StatusCode, r.Body)
	}

	op := e.User("acme", "talha", "operator")
	due := time.Now().Add(4 * time.Second).Truncate(time.Second)
	conv := "/app/inbox/" + strconv.FormatInt(first.ConversationID, 10) + "/"
	if r := op.Post(conv, url.Values{"body": {"Yarın 10:00'da oradayız."}, "direction": {"outbound"},
		"send_at": {due.In(hours.DefaultLocation()).Format("2006-01-02T15:04:05")}}); r.StatusCode != 303 {
		t.Fatalf("schedule: %d %.300s", r.StatusCode, r.Body)
	}

	// The visitor's widget polls for new messages, as widget.js does.
	deadline := due.Add(20 * time.Second)
	for {
		r := visitor.Get("/widget/api/acme/messages?token=" + url.QueryEscape(first.Token) + "&after=0")
		var list struct {
			Messages []struct {
				Text      string `json:"text"`
				Direction string `json:"direction"`
			} `json:"messages"`
		}
		if err := json.Unmarshal([]byte(r.Body), &list); err != nil {
			t.Fatalf("widget list: %d %s", r.StatusCode, r.Body)
		}
		got := false
		for _, m := range list.Messages {
			got = got || m.Direction == "outbound" && m.Text == "Yarın 10:00'da oradayız."
		}
		now := time.Now()
		if got {
			if now.Before(due) {
				t.Fatalf("reply reached the visitor %s before its time", due.Sub(now))
			}
			var released int64
			if err := e.DB("acme").Read.QueryRow(`SELECT created_at FROM messages WHERE body = 'Yarın 10:00''da oradayız.'`).Scan(&released); err != nil {
				t.Fatal(err)
			}
			if late := time.UnixMilli(released).Sub(due); late > 2*time.Second {
				t.Fatalf("reply released %s after its time, want within 2 s", late)
			}
			t.Logf("released %s after its time, seen by the visitor %s after", time.UnixMilli(released).Sub(due), now.Sub(due))
			return
		}
		if now.After(deadline) {
			t.Fatalf("the visitor had not received the reply 20 s after its time")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
