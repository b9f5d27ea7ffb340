package ai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// evalModel is an OpenAI-compatible server giving one fixed triage answer to every message; it
// keeps the user messages it received.
type evalModel struct {
	mu     sync.Mutex
	answer string
	seen   []string
}

func (f *evalModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Messages []ChatMessage `json:"messages"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	for _, m := range body.Messages {
		if m.Role == "user" {
			f.seen = append(f.seen, m.Content)
		}
	}
	f.mu.Unlock()
	out, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": f.answer}}}})
	_, _ = w.Write(out)
}

func evalAsker(t *testing.T, answer string) (Asker, *evalModel) {
	f := &evalModel{answer: answer}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := ProviderConfig{BaseURL: srv.URL + "/v1", Model: "fake", Privacy: "masked"}
	cl := &Client{Retries: 1}
	return func(text string, history []string) (*ModelTriage, error) {
		tr, _, err := AskModelTriage(context.Background(), cl, cfg, text, CustomerTurns(history))
		return tr, err
	}, f
}

// The held-out evaluation run with a configured model, against fake models: the combination can
// only add handoffs (a model that always hands off leaves no handoff and no complaint missed; one
// that never does changes nothing), an answer outside the schema leaves builtin-3 alone, and the
// model sees masked text only.
func TestEvaluateWithModel(t *testing.T) {
	held := loadCorpus(t, "heldout.txt")
	alone := Evaluate(Builtin3(), held)

	always, f := evalAsker(t, `{"handoff":true,"urgency_band":"high","intents":["person"],"language":"tr"}`)
	ev := EvaluateWith(Builtin3(), held, always)
	if ev.ModelFailed != 0 || ev.Handoff.Matrix["yes"]["no"] != 0 || len(ev.CriticalMissed) != 0 {
		t.Errorf("a model that always hands off: failed %d, handoffs missed %d, critical missed %d",
			ev.ModelFailed, ev.Handoff.Matrix["yes"]["no"], len(ev.CriticalMissed))
	}
	if ev.Band.Matrix["high"]["high"] != ev.Band.Matrix["high"]["high"]+ev.Band.Matrix["high"]["mid"]+ev.Band.Matrix["high"]["low"] {
		t.Errorf("the higher band does not win: %v", ev.Band.Matrix["high"])
	}
	if ev.IntentsExact != alone.IntentsExact {
		t.Errorf("the model's intents changed builtin-3's: %d vs %d", ev.IntentsExact, alone.IntentsExact)
	}
	f.mu.Lock()
	seen := strings.Join(f.seen, "\n")
	f.mu.Unlock()
	for _, e := range held {
		if m := reFeatPhone.FindString(e.Text); m != "" && len(onlyDigits(m)) >= 10 && strings.Contains(seen, m) {
			t.Errorf("held-out line %d: the model saw a phone number unmasked", e.Line)
		}
	}
	if !strings.Contains(seen, Mask(held[0].Text)) {
		t.Errorf("the model did not receive the masked message (got %d messages)", len(f.seen))
	}

	never, _ := evalAsker(t, `{"handoff":false,"urgency_band":"low","intents":["smalltalk"],"language":"en"}`)
	ev = EvaluateWith(Builtin3(), held, never)
	if ev.Handoff.Matrix["yes"]["yes"] != alone.Handoff.Matrix["yes"]["yes"] || ev.Handoff.Matrix["no"]["yes"] != alone.Handoff.Matrix["no"]["yes"] {
		t.Errorf("a model that never hands off cleared builtin-3's handoffs: %v vs %v", ev.Handoff.Matrix, alone.Handoff.Matrix)
	}

	broken, _ := evalAsker(t, `{"handoff":"maybe"}`)
	ev = EvaluateWith(Builtin3(), held, broken)
	if ev.ModelFailed != len(held) {
		t.Errorf("answers outside the schema counted: %d of %d failed", ev.ModelFailed, len(held))
	}
	if h, _ := ev.Handoff.Accuracy(); h != func() int { a, _ := alone.Handoff.Accuracy(); return a }() {
		t.Errorf("a broken model changed the handoff figure")
	}
}
