package ai

import (
	"errors"
	"reflect"
	"testing"

	"highvibe/app/crm"
	"highvibe/app/inbox"
)

// The pure decisions of TriageWith, checked with plain values.

func TestTriageSkip(t *testing.T) {
	in := &inbox.Message{ConversationID: 7, Direction: "inbound"}
	cases := []struct {
		name string
		msg  *inbox.Message
		mode string
		want string
	}{
		{"no customer message", nil, "active", "not_inbound"},
		{"our own message", &inbox.Message{ConversationID: 7, Direction: "outbound"}, "active", "not_inbound"},
		{"another conversation's message", &inbox.Message{ConversationID: 8, Direction: "inbound"}, "active", "not_inbound"},
		{"assistant paused", in, "paused", "ai_paused"},
		{"triaged", in, "active", ""},
	}
	for _, c := range cases {
		if got := triageSkip(c.msg, 7, c.mode); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLastInboundAndAnswered(t *testing.T) {
	in1, out1, in2 := &inbox.Message{ID: 1, Direction: "inbound"}, &inbox.Message{ID: 2, Direction: "outbound"}, &inbox.Message{ID: 3, Direction: "inbound"}
	cases := []struct {
		name         string
		msgs         []*inbox.Message
		wantLast     *inbox.Message
		wantAnswered bool
	}{
		{"none", nil, nil, false},
		{"only our reply", []*inbox.Message{out1}, nil, true},
		{"the last customer message wins", []*inbox.Message{in1, out1, in2}, in2, true},
		{"customer only", []*inbox.Message{in1}, in1, false},
	}
	for _, c := range cases {
		if got := lastInbound(c.msgs); got != c.wantLast {
			t.Errorf("%s: lastInbound = %v, want %v", c.name, got, c.wantLast)
		}
		if got := answered(c.msgs); got != c.wantAnswered {
			t.Errorf("%s: answered = %v, want %v", c.name, got, c.wantAnswered)
		}
	}
}

func TestTriageInput(t *testing.T) {
	cases := []struct {
		name  string
		prods []*crm.Product
		want  []Product
	}{
		{"no catalog", nil, nil},
		{"catalog copied", []*crm.Product{{SKU: "K1", Name: "Kilit taşı", Category: "paver", Unit: "m2", Currency: "TRY", UnitPrice: 250}},
			[]Product{{SKU: "K1", Name: "Kilit taşı", Category: "paver", Unit: "m2", Currency: "TRY", UnitPrice: 250}}},
	}
	for _, c := range cases {
		in := triageInput("fiyat?", CustomerTurns([]string{"merhaba"}), "landscaping", c.prods)
		if in.Text != "fiyat?" || in.Niche != "landscaping" || !reflect.DeepEqual(in.Thread, CustomerTurns([]string{"merhaba"})) || !reflect.DeepEqual(in.Products, c.want) {
			t.Errorf("%s: %+v", c.name, in)
		}
	}
}

func TestTriageRunProviderReply(t *testing.T) {
	builtin := Usage{Provider: "builtin", Model: BuiltinModel, Purpose: "triage", ConversationID: 7, CostUSD: 0}
	prov := Usage{Provider: "openai_compatible", Model: "m1", CostUSD: 0.02}
	cases := []struct {
		name                              string
		reply                             string
		perr                              error
		wantReply, wantModel, wantOutcome string
		wantUsageModel                    string
		wantCost                          float64
	}{
		{"provider failed keeps builtin", "", errors.New("timeout"), "builtin reply", BuiltinModel, "provider_failed", BuiltinModel, 0},
		{"safe reply is used", "Merhaba, kaç metrekare?", nil, "Merhaba, kaç metrekare?", "m1", "ok", "m1", 0.02},
		{"a committed price is withheld", "Metrekaresi 250 TL, yarın teslim ederiz.", nil, "builtin reply", "m1", "withheld", "m1", 0.02},
	}
	for _, c := range cases {
		res := Result{Reply: "builtin reply"}
		out := &Outcome{Model: BuiltinModel}
		r := triageRun{convID: 7, usage: builtin, asked: "builtin", outcome: "ok"}
		r.providerReply(&res, out, c.reply, prov, c.perr)
		if res.Reply != c.wantReply || out.Model != c.wantModel || r.outcome != c.wantOutcome || r.usage.Model != c.wantUsageModel {
			t.Errorf("%s: reply %q model %q outcome %q usage %q", c.name, res.Reply, out.Model, r.outcome, r.usage.Model)
		}
		if r.usage.Purpose != "triage" || r.usage.ConversationID != 7 || r.asked != "openai_compatible" || r.cost() != c.wantCost {
			t.Errorf("%s: usage %+v asked %q cost %v", c.name, r.usage, r.asked, r.cost())
		}
	}
}

func TestTriageRunModelTriage(t *testing.T) {
	cases := []struct {
		name        string
		u           Usage
		perr        error
		wantExtra   int
		wantOutcome string
		wantHandoff bool
	}{
		{"answered: taken in and billed", Usage{Provider: "p", Model: "m1"}, nil, 1, "ok", true},
		{"failed after spending tokens: billed, not used", Usage{Provider: "p", Model: "m1", PromptTokens: 40}, errors.New("bad json"), 1, "provider_failed", false},
		{"never reached a model: not billed", Usage{Provider: "p"}, errors.New("refused"), 0, "provider_failed", false},
	}
	for _, c := range cases {
		res := Result{Reasons: map[string][]string{}}
		out := &Outcome{}
		r := triageRun{convID: 7, outcome: "ok"}
		r.modelTriage(&res, out, &ModelTriage{Handoff: true, Band: "low", Language: "tr"}, c.u, c.perr)
		if len(r.extra) != c.wantExtra || r.outcome != c.wantOutcome || res.Handoff != c.wantHandoff || (out.ModelTriage != nil) != (c.perr == nil) {
			t.Errorf("%s: extra %v outcome %q handoff %v", c.name, r.extra, r.outcome, res.Handoff)
		}
		if c.wantExtra > 0 && (r.extra[0].Purpose != "triage" || r.extra[0].ConversationID != 7) {
			t.Errorf("%s: extra usage not labelled: %+v", c.name, r.extra[0])
		}
	}
}
