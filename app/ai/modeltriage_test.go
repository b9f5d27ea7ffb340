package ai_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"highvibe/app/ai"
	"highvibe/app/apptest"
)

// fakeModel is an OpenAI-compatible server that answers triage requests with a fixed JSON answer
// and every other request (the reply wording) with a plain greeting; it records what it received.
type fakeModel struct {
	mu       sync.Mutex
	triage   string
	reply    string // the reply wording; "" answers a plain greeting
	received []string
	requests [][]ai.ChatMessage // every request's messages, with their roles
}

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []ai.ChatMessage `json:"messages"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, body.Messages)
	answer := "Merhaba, mesajınız için teşekkürler."
	if f.reply != "" {
		answer = f.reply
	}
	for _, m := range body.Messages {
		f.received = append(f.received, m.Content)
		if m.Role == "system" && strings.Contains(m.Content, "urgency_band") {
			answer = f.triage
		}
	}
	out, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": answer}}},
		"usage": map[string]int{"prompt_tokens": 300, "completion_tokens": 30}})
	_, _ = w.Write(out)
}

func (f *fakeModel) sent() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.received, "\n")
}

func withModel(t *testing.T, answer string) (*apptest.Env, *fakeModel) {
	t.Helper()
	e := setup(t)
	fm := &fakeModel{triage: answer}
	srv := httptest.NewServer(fm)
	t.Cleanup(srv.Close)
	e.Set("acme", map[string]string{"ai_provider": "openai_compatible", "ai_base_url": srv.URL + "/v1", "ai_model": "fake-triage", "privacy_profile": "masked"})
	return e, fm
}

func post(t *testing.T, e *apptest.Env, text string) int64 {
	t.Helper()
	return widgetPost(t, e, map[string]any{"text": text, "name": "Deniz", "consent": true}).ConversationID
}

// Where the configured model and builtin-3 disagree on handoff, the message is handed off; the
// model saw the text masked; its answer and its cost are recorded.
func TestModelTriageDisagreementHandsOff(t *testing.T) {
	e, fm := withModel(t, `{"handoff":true,"urgency_band":"high","intents":["complaint"],"language":"tr"}`)
	conv := post(t, e, "Merhaba, bahçe için bilgi almak istiyorum. Numaram 0532 123 45 67")
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 1 {
		t.Fatal("the model asked for a handoff but the conversation has none")
	}
	if r := one[string](t, e, `SELECT handoff_reason FROM conversations WHERE id = ?`, conv); !strings.Contains(r, "model_handoff") {
		t.Errorf("handoff reason %q", r)
	}
	if u := one[int](t, e, `SELECT urgency_score FROM conversations WHERE id = ?`, conv); u < 70 {
		t.Errorf("urgency %d: the model's higher band should win", u)
	}
	if n := one[int](t, e, `SELECT count(*) FROM ai_usage WHERE model_name = 'fake-triage' AND conversation_id = ?`, conv); n < 1 {
		t.Errorf("the model call was not recorded in ai_usage")
	}
	sent := fm.sent()
	if !strings.Contains(sent, "bilgi almak") || strings.Contains(sent, "0532") || strings.Contains(sent, "123 45 67") {
		t.Errorf("the model did not get the masked text: %s", sent)
	}
	if n := one[int](t, e, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'human_handoff'`, conv); n != 1 {
		t.Errorf("human_handoff recommendations %d", n)
	}
}

// A model that says "no handoff" never clears builtin-3's handoff.
func TestModelTriageCannotClearHandoff(t *testing.T) {
	e, _ := withModel(t, `{"handoff":false,"urgency_band":"low","intents":["smalltalk"],"language":"tr"}`)
	conv := post(t, e, "Taşlar çöktü, su birikiyor, avukatıma vereceğim")
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 1 {
		t.Fatal("builtin-3's handoff was cleared by the model")
	}
	if u := one[int](t, e, `SELECT urgency_score FROM conversations WHERE id = ?`, conv); u < 70 {
		t.Errorf("urgency %d: the lower band of the model must not win", u)
	}
}

// An answer that does not match the schema is ignored: builtin-3 decides alone and the log says why.
func TestModelTriageInvalidAnswerIgnored(t *testing.T) {
	e, _ := withModel(t, `{"handoff":"yes","urgency_band":"urgent","intents":["anything"]}`)
	conv := post(t, e, "Merhaba, hangi renkler var?")
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 0 {
		t.Error("an invalid model answer caused a handoff")
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE action_type = 'ai_triage' AND payload LIKE '%provider triage not used%'`); n != 1 {
		t.Errorf("the ignored answer is not noted in the log (%d)", n)
	}
}

func TestParseModelTriage(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`{"handoff":true,"urgency_band":"mid","intents":["price","date"],"language":"en"}`, true},
		{"```json\n{\"handoff\":false,\"urgency_band\":\"low\",\"intents\":[],\"language\":\"tr\"}\n```", true},
		{`{"handoff":true,"urgency_band":"mid","intents":["price"]}`, false},                           // missing field
		{`{"handoff":true,"urgency_band":"mid","intents":["price"],"language":"en","why":"x"}`, false}, // extra field
		{`{"handoff":"true","urgency_band":"mid","intents":["price"],"language":"en"}`, false},         // wrong type
		{`{"handoff":true,"urgency_band":"severe","intents":["price"],"language":"en"}`, false},        // unknown band
		{`{"handoff":true,"urgency_band":"mid","intents":["refund"],"language":"en"}`, false},          // unknown intent
		{`Sure! {"handoff":true,"urgency_band":"mid","intents":["price"],"language":"en"}`, false},     // not JSON
	} {
		if _, err := ai.ParseModelTriage(c.in); (err == nil) != c.ok {
			t.Errorf("ParseModelTriage(%s): err %v, want ok=%v", c.in, err, c.ok)
		}
	}
}

// A customer's thank-you after a complaint does not clear the handoff, and is still scored urgent
// (builtin-3 reads the conversation so far).
func TestFollowUpAfterComplaint(t *testing.T) {
	e := setup(t)
	posted := widgetPost(t, e, map[string]any{"text": "Garaj önündeki taşlar çöktü, su göl gibi birikiyor, hemen gelin", "name": "Deniz", "consent": true})
	body, _ := json.Marshal(map[string]any{"text": "tamam, teşekkürler", "token": posted.Token})
	if r := e.Client().PostJSON("/widget/api/acme/messages", body, nil); r.StatusCode/100 != 2 {
		t.Fatalf("second message: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "ai_triage")
	if n := one[int](t, e, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'inbound'`, posted.ConversationID); n != 2 {
		t.Fatalf("inbound messages in the conversation: %d", n)
	}
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, posted.ConversationID); h != 1 {
		t.Error("the thank-you cleared the handoff")
	}
	if u := one[int](t, e, `SELECT urgency_score FROM conversations WHERE id = ?`, posted.ConversationID); u < 70 {
		t.Errorf("urgency after the thank-you: %d, want the complaint's high band", u)
	}
}
