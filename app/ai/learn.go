package ai

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand"
	"slices"
	"strings"
)

// Example is one labelled message of the corpus (format and guidelines: LABELS.md).
type Example struct {
	Line     int
	Text     string
	History  []string // earlier customer messages of the conversation, oldest first
	Handoff  bool
	Band     string
	Intents  []string
	Language string
}

// ParseCorpus reads a corpus file: "handoff band intents language | text | earlier || earlier".
func ParseCorpus(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		head := strings.Fields(parts[0])
		if len(parts) < 2 || len(head) != 4 {
			return nil, fmt.Errorf("line %d: want 'handoff band intents language | text', got %q", n, line)
		}
		e := Example{Line: n, Text: strings.TrimSpace(parts[1]), Handoff: head[0] == "1", Band: head[1],
			Intents: strings.Split(head[2], ","), Language: head[3]}
		if head[0] != "0" && head[0] != "1" {
			return nil, fmt.Errorf("line %d: handoff %q is not 0 or 1", n, head[0])
		}
		if !slices.Contains(Bands, e.Band) {
			return nil, fmt.Errorf("line %d: unknown band %q", n, e.Band)
		}
		if !slices.Contains(Languages, e.Language) {
			return nil, fmt.Errorf("line %d: unknown language %q", n, e.Language)
		}
		for _, i := range e.Intents {
			if !slices.Contains(Intents, i) {
				return nil, fmt.Errorf("line %d: unknown intent %q", n, i)
			}
		}
		if len(parts) > 2 {
			for _, h := range strings.Split(parts[2], " || ") {
				if h = strings.TrimSpace(h); h != "" {
					e.History = append(e.History, h)
				}
			}
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// target is the 0/1 answer an example gives for one output.
func (e Example) target(output string) float64 {
	var ok bool
	switch {
	case output == "handoff":
		ok = e.Handoff
	case output == "band_mid":
		ok = e.Band != "low"
	case output == "band_high":
		ok = e.Band == "high"
	case strings.HasPrefix(output, "intent_"):
		ok = slices.Contains(e.Intents, strings.TrimPrefix(output, "intent_"))
	case strings.HasPrefix(output, "lang_"):
		ok = e.Language == strings.TrimPrefix(output, "lang_")
	}
	if ok {
		return 1
	}
	return 0
}

// TrainOptions are the knobs of training. They were chosen by cross-validation on the training
// corpus only; the held-out file never takes part.
type TrainOptions struct {
	Epochs   int     // passes over the corpus
	Rate     float64 // the first pass's learning rate (it decays as 1/(1+pass/10))
	L2       float64 // weight decay, the regularisation
	MinCount int     // a feature must fire in this many training messages to get a weight
	Prune    float64 // weights smaller than this are dropped from the file
	Seed     int64   // the shuffling order (training is deterministic)
	Critical float64 // a complaint or legal threat from this probability hands off (Model.Critical)
}

// DefaultTrainOptions are the options the shipped weights were trained with.
var DefaultTrainOptions = TrainOptions{Epochs: 60, Rate: 2, L2: 0.002, MinCount: 3, Prune: 0.2, Seed: 3, Critical: 0.2}

// Train fits one regularised logistic regression per output by stochastic gradient descent.
func Train(examples []Example, o TrainOptions) *Model {
	feats := make([][]feature, len(examples))
	for i, e := range examples {
		feats[i] = extract(e.Text, e.History)
	}
	m := fit(feats, modelOutputs(), func(i int, out string) float64 { return examples[i].target(out) }, o)
	m.Name, m.Critical = "builtin-3", o.Critical
	return m
}

// fit is the training shared by builtin-3 and the ticket model: one regularised logistic
// regression per output over the fired features of each example, by stochastic gradient descent
// in a seeded (deterministic) order; target says what example i answers for an output (0 or 1).
func fit(feats [][]feature, outputs []string, target func(i int, out string) float64, o TrainOptions) *Model {
	count := map[string]int{}
	for i := range feats {
		for _, f := range feats[i] {
			count[f.name]++
		}
	}
	index := map[string]int{}
	var names []string
	for name, c := range count {
		if c >= o.MinCount || name == "bias" {
			index[name] = 0
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for i, n := range names {
		index[n] = i
	}
	val := func(j int, scale float64) float64 {
		return featValue(feature{name: names[j]}, scale)
	}
	sc := make([]float64, len(feats))
	xs := make([][]int, len(feats))
	for i, fs := range feats {
		sc[i] = featScale(fs)
		for _, f := range fs {
			if j, ok := index[f.name]; ok {
				xs[i] = append(xs[i], j)
			}
		}
	}
	w := make([][]float64, len(outputs))
	for k := range w {
		w[k] = make([]float64, len(names))
	}
	rng := rand.New(rand.NewSource(o.Seed))
	order := make([]int, len(feats))
	for i := range order {
		order[i] = i
	}
	for ep := 0; ep < o.Epochs; ep++ {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		lr := o.Rate / (1 + float64(ep)/10)
		for _, i := range order {
			for k, out := range outputs {
				z := 0.0
				for _, j := range xs[i] {
					z += w[k][j] * val(j, sc[i])
				}
				g := sigmoid(z) - target(i, out)
				for _, j := range xs[i] {
					w[k][j] -= lr * (g*val(j, sc[i]) + o.L2*w[k][j])
				}
			}
		}
	}
	m := &Model{Outputs: outputs, Weights: map[string]map[string]float64{}}
	for j, n := range names {
		for k, out := range outputs {
			if v := w[k][j]; math.Abs(v) >= o.Prune {
				if m.Weights[n] == nil {
					m.Weights[n] = map[string]float64{}
				}
				m.Weights[n][out] = math.Round(v*1000) / 1000
			}
		}
	}
	return m
}

// Confusion counts answers: Matrix[label][predicted].
type Confusion struct {
	Classes []string
	Matrix  map[string]map[string]int
}

func newConfusion(classes ...string) *Confusion {
	c := &Confusion{Classes: classes, Matrix: map[string]map[string]int{}}
	for _, a := range classes {
		c.Matrix[a] = map[string]int{}
	}
	return c
}

func (c *Confusion) add(label, predicted string) { c.Matrix[label][predicted]++ }

// Accuracy is the share of answers on the diagonal.
func (c *Confusion) Accuracy() (ok, n int) {
	for _, a := range c.Classes {
		for _, b := range c.Classes {
			n += c.Matrix[a][b]
			if a == b {
				ok += c.Matrix[a][b]
			}
		}
	}
	return ok, n
}

// Evaluation is how a model does on a set of labelled messages.
type Evaluation struct {
	N               int
	Handoff, Band   *Confusion
	Language        *Confusion
	Intent          map[string]*Confusion // per intent: yes / no
	IntentsExact    int                   // messages whose whole intent set is right
	CriticalMissed  []Example             // complaint / legal messages not handed off
	CriticalTotal   int
	HandoffMistakes []Example
	Wrong           []Wrong // every message with a wrong handoff, band or intent set
	ModelFailed     int     // EvaluateWith: answers of the configured model that did not count
}

// Wrong is one message the model got wrong, with what it answered.
type Wrong struct {
	Example
	Handoff bool
	Band    string
	Intents []string
}

// Evaluate runs the model over labelled messages.
func Evaluate(m *Model, examples []Example) *Evaluation { return EvaluateWith(m, examples, nil) }

// Asker asks a configured model for its triage of a message (AskModelTriage with a client and a
// provider configuration); an error means the answer did not count.
type Asker func(text string, history []string) (*ModelTriage, error)

// EvaluateWith runs builtin-3 over labelled messages combined with a configured model's answers,
// the way triage combines them: a handoff either asks for is kept, the higher band wins, the
// intents stay builtin-3's. An answer that fails (not valid JSON of the schema, the provider
// down) leaves builtin-3 alone for that message and is counted in ModelFailed. ask nil is
// builtin-3 alone.
func EvaluateWith(m *Model, examples []Example, ask Asker) *Evaluation {
	ev := &Evaluation{N: len(examples), Handoff: newConfusion("yes", "no"), Band: newConfusion(Bands...),
		Language: newConfusion(Languages...), Intent: map[string]*Confusion{}}
	for _, i := range Intents {
		ev.Intent[i] = newConfusion("yes", "no")
	}
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	for _, e := range examples {
		d := m.Decide(e.Text, e.History)
		if ask != nil {
			t, err := ask(e.Text, e.History)
			if err != nil {
				ev.ModelFailed++
			} else {
				d.Handoff = d.Handoff || t.Handoff
				if slices.Index(Bands, t.Band) > slices.Index(Bands, d.Band) {
					d.Band = t.Band
				}
			}
		}
		ev.Handoff.add(yn(e.Handoff), yn(d.Handoff))
		if e.Handoff != d.Handoff {
			ev.HandoffMistakes = append(ev.HandoffMistakes, e)
		}
		ev.Band.add(e.Band, d.Band)
		ev.Language.add(e.Language, d.Language)
		for _, i := range Intents {
			ev.Intent[i].add(yn(slices.Contains(e.Intents, i)), yn(slices.Contains(d.Intents, i)))
		}
		intentsOK := sameSet(e.Intents, d.Intents)
		if intentsOK {
			ev.IntentsExact++
		}
		if !intentsOK || e.Handoff != d.Handoff || e.Band != d.Band {
			ev.Wrong = append(ev.Wrong, Wrong{e, d.Handoff, d.Band, d.Intents})
		}
		if slices.Contains(e.Intents, "complaint") || slices.Contains(e.Intents, "legal") {
			ev.CriticalTotal++
			if !d.Handoff {
				ev.CriticalMissed = append(ev.CriticalMissed, e)
			}
		}
	}
	return ev
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Merge adds another evaluation's counts (the folds of a cross-validation).
func (ev *Evaluation) Merge(o *Evaluation) {
	ev.N += o.N
	ev.IntentsExact += o.IntentsExact
	ev.ModelFailed += o.ModelFailed
	ev.CriticalTotal += o.CriticalTotal
	ev.CriticalMissed = append(ev.CriticalMissed, o.CriticalMissed...)
	ev.HandoffMistakes = append(ev.HandoffMistakes, o.HandoffMistakes...)
	ev.Wrong = append(ev.Wrong, o.Wrong...)
	for _, p := range []struct{ a, b *Confusion }{{ev.Handoff, o.Handoff}, {ev.Band, o.Band}, {ev.Language, o.Language}} {
		p.a.merge(p.b)
	}
	for i, c := range o.Intent {
		ev.Intent[i].merge(c)
	}
}

func (c *Confusion) merge(o *Confusion) {
	for a, row := range o.Matrix {
		for b, n := range row {
			c.Matrix[a][b] += n
		}
	}
}

// CrossValidate trains on k-1 folds and evaluates on the remaining one, k times.
func CrossValidate(examples []Example, k int, o TrainOptions) *Evaluation {
	idx := rand.New(rand.NewSource(o.Seed + 100)).Perm(len(examples))
	var total *Evaluation
	for f := 0; f < k; f++ {
		var train, test []Example
		for pos, i := range idx {
			if pos%k == f {
				test = append(test, examples[i])
			} else {
				train = append(train, examples[i])
			}
		}
		ev := Evaluate(Train(train, o), test)
		if total == nil {
			total = ev
		} else {
			total.Merge(ev)
		}
	}
	return total
}

// Percent is ok/n as a percentage.
func Percent(ok, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(ok) / float64(n)
}

// Report writes an evaluation as Markdown: the headline figures and a confusion matrix per label.
func (ev *Evaluation) Report(title string) string {
	var b strings.Builder
	hOK, _ := ev.Handoff.Accuracy()
	bOK, _ := ev.Band.Accuracy()
	lOK, _ := ev.Language.Accuracy()
	fmt.Fprintf(&b, "**%s** (%d messages): handoff %.1f %%, urgency band %.1f %%, intents (the whole set right) %.1f %%, language %.1f %%; "+
		"complaint, damage or legal threat not handed off: %d of %d.\n\n",
		title, ev.N, Percent(hOK, ev.N), Percent(bOK, ev.N), Percent(ev.IntentsExact, ev.N), Percent(lOK, ev.N), len(ev.CriticalMissed), ev.CriticalTotal)
	if ev.ModelFailed > 0 {
		fmt.Fprintf(&b, "The configured model's answer did not count for %d of %d messages (builtin-3 alone decided those).\n\n", ev.ModelFailed, ev.N)
	}
	matrix := func(name string, c *Confusion) {
		fmt.Fprintf(&b, "| %s: label ↓ / predicted → | %s |\n|---|%s\n", name, strings.Join(c.Classes, " | "), strings.Repeat("---|", len(c.Classes)))
		for _, a := range c.Classes {
			fmt.Fprintf(&b, "| %s |", a)
			for _, p := range c.Classes {
				fmt.Fprintf(&b, " %d |", c.Matrix[a][p])
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	matrix("handoff", ev.Handoff)
	matrix("urgency band", ev.Band)
	matrix("language", ev.Language)
	b.WriteString("| intent | labelled yes, predicted yes | labelled yes, predicted no | labelled no, predicted yes | labelled no, predicted no |\n|---|---|---|---|---|\n")
	for _, i := range Intents {
		c := ev.Intent[i]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", i, c.Matrix["yes"]["yes"], c.Matrix["yes"]["no"], c.Matrix["no"]["yes"], c.Matrix["no"]["no"])
	}
	b.WriteString("\n")
	return b.String()
}
