package ai

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// builtin-3 is a set of small logistic regressions over the features of features.go, trained by
// `go generate ./app/ai` (the train command) from the labelled corpus in corpus/train.txt. The
// weights are data in builtin3.json; this file only reads them, adds them up and explains.

//go:generate go run ./train -corpus corpus -out builtin3.json -readme-report ../../README.md

//go:embed builtin3.json
var builtin3JSON []byte

// Intents the model recognises, in the order they are reported.
var Intents = []string{"price", "stock", "date", "payment", "warranty", "complaint", "legal", "person", "callback", "smalltalk", "info"}

// handoffIntents are the intents that need a person: each one asks for a commitment (a price, a
// stock promise, a date, payment terms, a warranty), or is a complaint, a threat, or a request for
// a person or a call.
var handoffIntents = map[string]bool{"price": true, "stock": true, "date": true, "payment": true, "warranty": true,
	"complaint": true, "legal": true, "person": true, "callback": true}

// Languages the model tells apart. "mixed" is Turkish with English words; the reply goes in Turkish.
var Languages = []string{"tr", "en", "mixed", "ar"}

// Bands of urgency: low < 40, mid 40–69, high ≥ 70.
var Bands = []string{"low", "mid", "high"}

// Model is a trained builtin-3: one weight per feature and output (missing = 0).
type Model struct {
	Name    string                        `json:"model"`
	Outputs []string                      `json:"outputs"`
	Weights map[string]map[string]float64 `json:"weights"` // feature → output → weight
	// Critical is the probability of a complaint or a legal threat from which the message is
	// handed off even though that intent is under 0.5: missing one is the worst error, so its
	// threshold is lower (chosen by cross-validation on the training corpus). 0 means 0.5.
	Critical float64 `json:"critical,omitempty"`
}

// outputs of a model: the handoff flag, the two band thresholds, the intents and the languages.
func modelOutputs() []string {
	out := []string{"handoff", "band_mid", "band_high"}
	for _, i := range Intents {
		out = append(out, "intent_"+i)
	}
	for _, l := range Languages {
		out = append(out, "lang_"+l)
	}
	return out
}

// LoadModel reads a weights file.
func LoadModel(raw []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("ai: weights file: %w", err)
	}
	if m.Name == "" || len(m.Weights) == 0 {
		return nil, fmt.Errorf("ai: weights file has no model")
	}
	return &m, nil
}

// Builtin3 is the model shipped in the binary, read on first use. A broken weights file is a
// build defect (TestBuiltin3Weights reads it), so it panics rather than triage without a model.
var Builtin3 = sync.OnceValue(func() *Model {
	m, err := LoadModel(builtin3JSON)
	if err != nil {
		panic(err)
	}
	return m
})

// Decision is what builtin-3 decides for one message, with the features behind it.
type Decision struct {
	Handoff  bool
	Band     string
	Urgency  int
	Intents  []string           // intents over 0.5, in the order of Intents
	P        map[string]float64 // output → probability
	Language string
	Carried  []string // intents kept open from earlier messages of the conversation
	feats    []feature
	m        *Model
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// score is the model's raw sum for one output.
func (m *Model) score(feats []feature, output string) float64 {
	z, sc := 0.0, featScale(feats)
	for _, f := range feats {
		z += m.Weights[f.name][output] * featValue(f, sc)
	}
	return z
}

// featScale is the value of the word, letter-group, phrase and earlier-word features of a message:
// 1/√(number of features), so a long message does not outvote a short one by its length alone.
// The bias and the word-list features (r:, xr:, and the ticket model's t:) count 1.
func featScale(feats []feature) float64 {
	return 1 / math.Sqrt(float64(max(1, len(feats)-1)))
}

func featValue(f feature, scale float64) float64 {
	if f.name == "bias" || strings.HasPrefix(f.name, "r:") || strings.HasPrefix(f.name, "xr:") || strings.HasPrefix(f.name, "t:") {
		return 1
	}
	return scale
}

// Decide runs the model over a message and the earlier customer messages of its conversation.
func (m *Model) Decide(text string, history []string) Decision {
	text, history = ownWords(text), ownHistory(history)
	d := Decision{P: map[string]float64{}, feats: extract(text, history), m: m}
	for _, o := range modelOutputs() {
		d.P[o] = sigmoid(m.score(d.feats, o))
	}
	// A complaint is only read in a message that sounds like one: complaint, damage, danger,
	// waiting or anger wording of the word lists, or a complaint probability of at least 0.5. It
	// is never the "likeliest intent" a plain message falls back to: an answer like "Toprak zemin,
	// biraz eğimli" (soil, slightly sloped) was labelled a complaint at 0.40 on the word "biraz",
	// and the conversation then showed "earlier problem still open" to the end. (A probability
	// from Critical up still hands the message to a person, without calling it a complaint.)
	worded := troubleWords(text)
	plain := !worded && d.P["intent_complaint"] < sureComplaint
	top := ""
	for _, i := range Intents {
		if i == "complaint" && plain {
			continue
		}
		if top == "" || d.P["intent_"+i] > d.P["intent_"+top] {
			top = i
		}
	}
	for _, i := range Intents {
		if i == "complaint" && plain {
			continue
		}
		// Every message has an intent: when none reaches 0.5, the likeliest one is taken.
		if p := d.P["intent_"+i]; p >= 0.5 || i == top {
			d.Intents = append(d.Intents, i)
			if handoffIntents[i] {
				d.Handoff = true
			}
		}
	}
	best := 0.0
	for _, l := range Languages {
		if p := d.P["lang_"+l]; p > best {
			best, d.Language = p, l
		}
	}
	// Arabic is read but not answered: a person takes over. The handoff output catches what the
	// intents miss (it was trained on the same labels).
	if d.Language == "ar" || d.P["handoff"] >= 0.5 {
		d.Handoff = true
	}
	if c := m.Critical; c > 0 && c < 0.5 {
		for _, i := range []string{"complaint", "legal"} {
			if d.P["intent_"+i] >= c {
				d.Handoff = true
			}
		}
		// Complaint wording the model also finds likely is a complaint ("... epey yüksek.
		// Açıkçası hiç memnun kalmadım." read as a price question only).
		if len(readSignals(newText(text)).complaint) > 0 && d.P["intent_complaint"] >= c && !slices.Contains(d.Intents, "complaint") {
			d.Intents = append(d.Intents, "complaint")
			slices.SortFunc(d.Intents, func(a, b string) int { return slices.Index(Intents, a) - slices.Index(Intents, b) })
		}
	}
	pm, ph := d.P["band_mid"], d.P["band_high"]
	switch {
	case ph >= 0.5:
		d.Band, d.Urgency = "high", 70+int(math.Round(60*(ph-0.5)))
	case pm >= 0.5 || d.Handoff: // a commitment question is never "low"
		d.Band, d.Urgency = "mid", 40+int(math.Round(58*ph))
	default:
		d.Band, d.Urgency = "low", 10+int(math.Round(58*pm))
	}
	d.Urgency = min(d.Urgency, bandTop(d.Band))
	m.carry(&d, text, history)
	return d
}

// sureComplaint is the complaint probability from which builtin-3 reads a complaint in a message
// without any complaint, damage, danger, waiting or anger wording of the word lists (troubleWords):
// under it, a complaint needs those words.
const sureComplaint = 0.5

// troubleWords says the word lists see trouble in text: complaint or service-failure wording,
// damage or danger, time already spent waiting, anger, a legal threat (Turkish and English).
func troubleWords(text string) bool {
	g := readSignals(newText(text))
	return len(g.complaint) > 0 || len(g.damage) > 0 || g.waited != "" || len(g.negative) > 0 || g.legalThreat != ""
}

// sigResolved says an earlier problem is solved ("sorun çözüldü", "all fixed now").
var sigResolved = []string{"çözüldü", "çözdünüz", "giderildi", "düzeldi", "düzelttiler", "düzelttiniz", "halloldu", "hallettiniz", "sorun kalmadı",
	"fixed", "sorted", "resolved", "all good now", "no longer"}

// carry keeps an earlier complaint or legal threat of the conversation open: a later "tamam,
// teşekkürler" or "ok" does not close it, only a message that says the problem is solved does.
// The carried intent keeps the handoff and at least the earlier message's urgency.
func (m *Model) carry(d *Decision, text string, history []string) {
	if len(history) == 0 || newText(text).first(sigResolved) != "" {
		return
	}
	if len(history) > historyLen {
		history = history[len(history)-historyLen:]
	}
	for _, h := range history {
		e := m.Decide(h, nil)
		for _, i := range []string{"complaint", "legal"} {
			if !slices.Contains(e.Intents, i) || slices.Contains(d.Intents, i) {
				continue
			}
			d.Intents = slices.DeleteFunc(append(d.Intents, i), func(x string) bool { return x == "smalltalk" || x == "info" })
			d.Carried = append(d.Carried, i)
			d.Handoff = true
			if e.Urgency > d.Urgency {
				d.Band, d.Urgency = e.Band, e.Urgency
			}
		}
	}
	slices.SortFunc(d.Intents, func(a, b string) int { return slices.Index(Intents, a) - slices.Index(Intents, b) })
}

func bandTop(b string) int {
	switch b {
	case "low":
		return 39
	case "mid":
		return 69
	}
	return 100
}

// Evidence is one reason behind a decision: the customer's words, what kind of thing they are,
// and how much they pushed the decision (the sum of the weights of the features they fired).
type Evidence struct {
	Kind, Surface string
	Weight        float64
}

// Evidence lists the strongest reasons for one output (e.g. "intent_complaint", "band_high"),
// strongest first, at most k. The features of one word (the word and its letter groups) are added
// up into one reason.
func (d Decision) Evidence(output string, k int) []Evidence { return d.evidence(output, k, 1) }

// evidence is Evidence with a sign: -1 lists what pushed the output down (why a band is "low").
func (d Decision) evidence(output string, k int, sign float64) []Evidence {
	type key struct{ kind, surface string }
	sum := map[key]float64{}
	var order []key
	sc := featScale(d.feats)
	// A word the model never learned as a word (a person's name, a typo) can still push a decision
	// through its letter groups, but it is not shown as a reason: what the conversation page names
	// is a word of the examples the model learned from, and a customer's or a neighbour's name
	// never stands in the stored reasons (it would outlive that person's erasure in another
	// customer's row, where only their full name is looked for).
	unknown := map[string]bool{}
	for _, f := range d.feats {
		if strings.HasPrefix(f.name, "w:") && len(d.m.Weights[f.name]) == 0 {
			unknown[f.surface] = true
		}
	}
	for _, f := range d.feats {
		if f.kind == KindWord && unknown[f.surface] {
			continue
		}
		w := sign * d.m.Weights[f.name][output] * featValue(f, sc)
		if f.name == "bias" || w == 0 {
			continue
		}
		kk := key{f.kind, f.surface}
		if _, ok := sum[kk]; !ok {
			order = append(order, kk)
		}
		sum[kk] += w
	}
	var out []Evidence
	for _, kk := range order {
		if sum[kk] > 0.05 {
			out = append(out, Evidence{Kind: kk.kind, Surface: strings.TrimSpace(kk.surface), Weight: sum[kk]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// EncodeEvidence writes one reason as the code stored with the scores: "f3|decision|kind|words".
// The conversation page turns it into words in the viewer's language.
func EncodeEvidence(decision string, e Evidence) string {
	return "f3|" + decision + "|" + e.Kind + "|" + strings.ReplaceAll(e.Surface, "|", "/")
}
