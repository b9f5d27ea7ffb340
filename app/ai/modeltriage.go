package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// With an openai_compatible provider, triage also asks the configured model to classify the
// message. The model sees masked text only and must answer with JSON matching TriageSchema; an
// answer that does not match is ignored (builtin-3 alone decides). The two are combined
// cautiously: where they disagree on handoff, the message is handed off, and the higher urgency
// band wins.

// TriageSchema is the JSON Schema the model's answer must match. It is part of the prompt, and the
// answer is checked against it here (ParseModelTriage) before it counts.
const TriageSchema = `{"type":"object","additionalProperties":false,
"required":["handoff","urgency_band","intents","language"],
"properties":{
 "handoff":{"type":"boolean"},
 "urgency_band":{"enum":["low","mid","high"]},
 "intents":{"type":"array","items":{"enum":["price","stock","date","payment","warranty","complaint","legal","person","callback","smalltalk","info"]}},
 "language":{"enum":["tr","en","mixed","ar","other"]}}}`

// ModelTriage is a provider model's validated answer.
type ModelTriage struct {
	Handoff  bool     `json:"handoff"`
	Band     string   `json:"urgency_band"`
	Intents  []string `json:"intents"`
	Language string   `json:"language"`
}

// ParseModelTriage validates a model's answer against TriageSchema: every field present, nothing
// else, and every value from its list. A fenced code block around the JSON is tolerated.
func ParseModelTriage(raw string) (*ModelTriage, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(strings.TrimPrefix(raw, "```json"), "```")
	raw = strings.TrimSpace(strings.TrimSuffix(raw, "```"))
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, fmt.Errorf("ai: model triage is not a JSON object: %w", err)
	}
	for k := range fields {
		if !slices.Contains([]string{"handoff", "urgency_band", "intents", "language"}, k) {
			return nil, fmt.Errorf("ai: model triage has an unknown field %q", k)
		}
	}
	if len(fields) != 4 {
		return nil, errors.New("ai: model triage lacks a required field")
	}
	var t ModelTriage
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return nil, fmt.Errorf("ai: model triage field of the wrong type: %w", err)
	}
	if !slices.Contains(Bands, t.Band) {
		return nil, fmt.Errorf("ai: model triage band %q", t.Band)
	}
	if !slices.Contains(Languages, t.Language) && t.Language != "other" {
		return nil, fmt.Errorf("ai: model triage language %q", t.Language)
	}
	for _, i := range t.Intents {
		if !slices.Contains(Intents, i) {
			return nil, fmt.Errorf("ai: model triage intent %q", i)
		}
	}
	return &t, nil
}

// triagePrompt tells the model the labelling rules of LABELS.md in short.
const triagePrompt = `You classify one customer message for a stone, parquet, landscaping and site-work business.
Answer with JSON only, matching this schema: ` + TriageSchema + `
Intents: price (a price, quote, discount, VAT), stock (available now), date (a visit, start, delivery, deadline, event, ultimatum),
payment (instalments, deposit, terms), warranty (guarantee, liability, contract), complaint (unhappy, damage, water, danger, no-show,
also sarcastic), legal (threatens legal action), person (wants the owner, a manager, a human), callback (leaves a number or asks
for a call), smalltalk, info (general questions, rough budgets).
handoff is true for price, stock, date, payment, warranty, complaint, legal, person or callback, or an Arabic message.
urgency_band: high for damage now, anger, legal threats, urgency, deadlines within three weeks, ultimatums; mid for the other
handoff messages; low otherwise. Earlier messages of the conversation, if any, come first and are context only: the
customer's marked "(earlier, customer)", the business's replies "(earlier, business)". Classify the customer's last message.`

// AskModelTriage asks the configured provider for its triage of a message (masked before it
// leaves, whatever the privacy profile) and validates the answer. The conversation before it comes
// first, each message marked with who wrote it. An earlier message that only opened the chat
// (Telegram's Start from a link, "[start: CODE]") is not shown to it.
func AskModelTriage(ctx context.Context, cl *Client, cfg ProviderConfig, text string, thread []Turn) (*ModelTriage, Usage, error) {
	msgs := []ChatMessage{{Role: "system", Content: triagePrompt}}
	for _, t := range thread {
		switch {
		case t.Role == RoleCustomer && !startOnly(t.Text):
			msgs = append(msgs, ChatMessage{Role: "user", Content: "(earlier, customer) " + Mask(t.Text)})
		case t.Role != RoleCustomer:
			msgs = append(msgs, ChatMessage{Role: "user", Content: "(earlier, business) " + Mask(t.Text)})
		}
	}
	msgs = append(msgs, ChatMessage{Role: "user", Content: Mask(text)})
	answer, u, err := cl.Chat(ctx, cfg, msgs)
	if err != nil {
		return nil, u, err
	}
	t, err := ParseModelTriage(answer)
	return t, u, err
}

// combine merges a provider model's triage into builtin-3's result: a handoff either of them
// asks for is kept (the model's own reason is "model_handoff"), the higher band wins, and the
// model's intents are listed as its reasons.
func combine(r *Result, t *ModelTriage) {
	if t.Handoff && !r.Handoff {
		r.Handoff = true
		r.Reasons["handoff"] = append(r.Reasons["handoff"], "model_handoff")
		r.HandoffReason = strings.Join(r.Reasons["handoff"], ", ")
	}
	if rank := slices.Index(Bands, t.Band); rank > slices.Index(Bands, bandOfScore(r.Urgency)) {
		r.Urgency = []int{20, 55, 80}[rank]
		r.Reasons["urgency"] = append(r.Reasons["urgency"], "f3|band_"+t.Band+"|model|")
	}
	for _, i := range t.Intents {
		r.Reasons["intent"] = append(r.Reasons["intent"], "f3|intent_"+i+"|model|")
	}
	if slices.Contains(r.Reasons["handoff"], "model_handoff") && !slices.ContainsFunc(r.Recommendations, func(x Recommendation) bool { return x.ActionType == "human_handoff" }) {
		r.Recommendations = append(r.Recommendations, Recommendation{ActionType: "human_handoff", Priority: "high",
			Title:   t2(r.Language, "Bir kişinin devralması gerekiyor", "A person should take over"),
			Summary: "handoff: " + r.HandoffReason, RecommendedAction: "call_customer", Confidence: r.Confidence})
	}
}

// bandOfScore is the band of an urgency score: low < 40, mid 40–69, high ≥ 70.
func bandOfScore(u int) string {
	switch {
	case u >= 70:
		return "high"
	case u >= 40:
		return "mid"
	}
	return "low"
}
