package widget_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"highvibe/app/apptest"
)

// TestFirstMessageSentAgainLandsOnce: a visitor's first message whose answer never came back (the
// connection dropped before it) is sent again by the widget with the same client id, and no token
// yet. Two such posts at once, and one more afterwards, store one lead, one conversation and one
// message, and each answer carries the same token and conversation, so the visitor goes on in the
// thread they started (a token made at random for each post started a second lead and
// conversation). The token is not the client id, and neither is stored.
func TestFirstMessageSentAgainLandsOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"consent_required": "true", "privacy_notice": "KVKK metni"})
	const clientID = "3f9c1a7e5b2d4c6e8f0a1b2c3d4e5f60"
	body := []byte(`{"text":"Mutfak tezgahı için granit fiyatı alabilir miyim?","name":"Ayşe","phone":"0532 123 45 67","consent":true,"lang":"tr","client_id":"` + clientID + `"}`)
	type answer struct {
		status                int
		token                 string
		conversation, message float64
	}
	post := func() (answer, error) {
		req, _ := http.NewRequest("POST", e.URL+"/widget/api/acme/messages", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://example.org")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return answer{}, err
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var m struct {
			Token          string  `json:"token"`
			ConversationID float64 `json:"conversation_id"`
			MessageID      float64 `json:"message_id"`
		}
		_ = json.Unmarshal(raw, &m)
		return answer{res.StatusCode, m.Token, m.ConversationID, m.MessageID}, nil
	}
	var wg sync.WaitGroup
	answers := make([]answer, 3)
	errs := make([]error, 3)
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i], errs[i] = post()
		}()
	}
	close(start)
	wg.Wait()
	answers[2], errs[2] = post() // and once more, after both answered
	for i, a := range answers {
		if errs[i] != nil || a.status != http.StatusCreated || a.token == "" || a != answers[0] {
			t.Errorf("post %d: %v %+v, want 201 and the first answer %+v", i+1, errs[i], a, answers[0])
		}
	}
	db := e.DB("acme")
	count := func(table string) (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n)
		return n
	}
	if l, c, m := count("leads"), count("conversations"), count("messages WHERE direction = 'inbound'"); l != 1 || c != 1 || m != 1 {
		t.Fatalf("the first message sent three times stored %d leads, %d conversations, %d messages; want one each", l, c, m)
	}
	tok := answers[0].token
	var ext, pmid string
	_ = db.Read.QueryRow(`SELECT c.external_id, m.provider_message_id FROM conversations c JOIN messages m ON m.conversation_id = c.id`).Scan(&ext, &pmid)
	for _, secret := range []string{tok, clientID} {
		if bytes.Contains([]byte(ext+pmid), []byte(secret)) || tok == clientID {
			t.Errorf("the thread (%q) or its message id (%q) keeps the visitor's %q", ext, pmid, secret)
		}
	}
	// The token the answer carried is the thread's: the visitor writes on in the same conversation.
	c := e.Client()
	r := c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"ikinci mesaj","token":"`+tok+`","client_id":"9a8b7c6d5e4f30211203f4e5d6c7b8a9"}`), nil)
	if r.StatusCode != http.StatusCreated || decode(t, r)["conversation_id"] != answers[0].conversation {
		t.Fatalf("the next message: %d %s, want conversation %v", r.StatusCode, r.Body, answers[0].conversation)
	}
	if r := c.Get("/widget/api/acme/messages?token=" + tok + "&after=0"); len(decode(t, r)["messages"].([]any)) < 2 {
		t.Errorf("the visitor's thread: %s", r.Body)
	}
	// Another visitor's first message (another client id) is another lead.
	body = bytes.Replace(body, []byte(clientID), []byte("0123456789abcdef0123456789abcdef"), 1)
	body = bytes.Replace(body, []byte("0532 123 45 67"), []byte("0533 765 43 21"), 1)
	if a, err := post(); err != nil || a.status != http.StatusCreated || a.token == tok || a.conversation == answers[0].conversation {
		t.Errorf("another visitor's first message: %v %+v", err, a)
	}
	if l := count("leads"); l != 2 {
		t.Errorf("%d leads, want 2", l)
	}
}

// TestMessageSentAgainSpendsNoAllowance: an address may start five conversations at once, and a
// visitor send five messages at once. A first message sent again four times (its answers lost)
// is one new visitor and one message: four more visitors may still begin from the address, and
// the visitor may still send four messages, each of them sent again too.
func TestMessageSentAgainSpendsNoAllowance(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	post := func(clientID, token string) *apptest.Resp {
		return c.PostJSON("/widget/api/acme/messages", []byte(`{"text":"merhaba `+clientID+`","client_id":"`+clientID+`","token":"`+token+`"}`), nil)
	}
	first := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0"
	var tok string
	for i := range 5 {
		r := post(first, "")
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("the first message, sent the %d. time: %d %s", i+1, r.StatusCode, r.Body)
		}
		tok = decode(t, r)["token"].(string)
	}
	for i := range 4 {
		for range 2 {
			if r := post("cccccccccccccccccccccccccccccc0"+itoa(int64(i)), tok); r.StatusCode != http.StatusCreated {
				t.Fatalf("the visitor's message %d: %d %s", i+2, r.StatusCode, r.Body)
			}
		}
	}
	for i := range 4 {
		if r := post("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"+itoa(int64(i)), ""); r.StatusCode != http.StatusCreated {
			t.Fatalf("new visitor %d after one sent five times: %d %s", i+2, r.StatusCode, r.Body)
		}
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'inbound'`).Scan(&n)
	if n != 9 {
		t.Errorf("%d messages stored, want 9", n)
	}
}
