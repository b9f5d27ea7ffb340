package ai

import (
	"math"
	"os"
	"slices"
	"testing"
)

func loadCorpus(t *testing.T, name string) []Example {
	t.Helper()
	f, err := os.Open("corpus/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ParseCorpus(f)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestCorpusSize: the training corpus and the held-out file are as large as the guidelines say.
func TestCorpusSize(t *testing.T) {
	if n := len(loadCorpus(t, "train.txt")); n < 600 {
		t.Errorf("training corpus has %d messages, want at least 600", n)
	}
	if n := len(loadCorpus(t, "heldout.txt")); n < 120 {
		t.Errorf("held-out file has %d messages, want at least 120", n)
	}
}

// TestBuiltin3HeldOut is the regression test of builtin-3 on the held-out file, which was never
// used to choose features, options or weights (those were chosen by cross-validation on the
// training corpus: go run ./app/ai/train -cv-only). The issue's goals are handoff ≥ 95 %, urgency
// band ≥ 85 %, intents ≥ 85 % and no complaint, damage or legal threat left without a handoff.
// The shipped model meets all four goals and the test fails under any of them.
// The log names held-out lines by number only: reading the held-out messages to fix them would
// turn the file into training data.
func TestBuiltin3HeldOut(t *testing.T) {
	held := loadCorpus(t, "heldout.txt")
	ev := Evaluate(Builtin3(), held)
	h, n := ev.Handoff.Accuracy()
	b, _ := ev.Band.Accuracy()
	hAcc, bAcc, iAcc := Percent(h, n), Percent(b, n), Percent(ev.IntentsExact, n)
	t.Logf("held out (%d): handoff %.1f %% (goal 95), band %.1f %% (goal 85), intents %.1f %% (goal 85), critical misses %d of %d",
		n, hAcc, bAcc, iAcc, len(ev.CriticalMissed), ev.CriticalTotal)
	if hAcc < 95 {
		t.Errorf("handoff accuracy %.1f %% is under the goal of 95 %%", hAcc)
	}
	if bAcc < 85 {
		t.Errorf("urgency band accuracy %.1f %% is under the goal of 85 %%", bAcc)
	}
	for _, e := range ev.CriticalMissed {
		t.Errorf("a complaint, damage or legal threat was not handed off (held-out line %d)", e.Line)
	}
	if iAcc < 85 {
		t.Errorf("intent accuracy %.1f %% is under the goal of 85 %%", iAcc)
	}
}

// TestBuiltin3BeatsBuiltin2 compares the two engines on the held-out file: builtin-3 is the
// default only because it hands off and bands better than the word lists of builtin-2.
func TestBuiltin3BeatsBuiltin2(t *testing.T) {
	held := loadCorpus(t, "heldout.txt")
	h2, b2 := 0, 0
	for _, e := range held {
		r := Analyze(Input{Text: e.Text, Niche: "parke_tas"})
		if r.Handoff == e.Handoff {
			h2++
		}
		if bandOfScore(r.Urgency) == e.Band {
			b2++
		}
	}
	ev := Evaluate(Builtin3(), held)
	h3, n := ev.Handoff.Accuracy()
	b3, _ := ev.Band.Accuracy()
	t.Logf("held out: builtin-2 handoff %.1f %% band %.1f %%; builtin-3 handoff %.1f %% band %.1f %%",
		Percent(h2, n), Percent(b2, n), Percent(h3, n), Percent(b3, n))
	if h3 <= h2 || b3 <= b2 {
		t.Errorf("builtin-3 does not beat builtin-2 on the held-out file")
	}
}

// TestBuiltin3WeightsMatchCorpus: the shipped weights are what the training command makes from the
// corpus in the repository (a corpus edit without `go generate ./app/ai` fails here).
func TestBuiltin3WeightsMatchCorpus(t *testing.T) {
	m := Train(loadCorpus(t, "train.txt"), DefaultTrainOptions)
	shipped := Builtin3()
	diff := 0
	for name, ws := range m.Weights {
		for o, w := range ws {
			if math.Abs(shipped.Weights[name][o]-w) > 0.002 {
				diff++
			}
		}
	}
	for name, ws := range shipped.Weights {
		for o := range ws {
			if _, ok := m.Weights[name][o]; !ok && math.Abs(ws[o]) > DefaultTrainOptions.Prune+0.002 {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d weights differ from a fresh training on corpus/train.txt: run go generate ./app/ai", diff)
	}
	if !slices.Equal(shipped.Outputs, modelOutputs()) {
		t.Errorf("outputs %v", shipped.Outputs)
	}
}

// A later message is read with the conversation so far: an acknowledgement after a complaint keeps
// the complaint's handoff and urgency; a message saying the problem is solved does not.
func TestFollowUpKeepsOpenIssue(t *testing.T) {
	m := Builtin3()
	before := []string{"Garaj önündeki taşlar çöktü, su göl gibi birikiyor, hemen gelin"}
	first := m.Decide(before[0], nil)
	if !first.Handoff || first.Band != "high" || !slices.Contains(first.Intents, "complaint") {
		t.Fatalf("the complaint itself: %+v", first)
	}
	alone := m.Decide("tamam, teşekkürler", nil)
	if alone.Handoff {
		t.Fatalf("a bare thank-you hands off: %+v", alone)
	}
	after := m.Decide("tamam, teşekkürler", before)
	if !after.Handoff || after.Band != "high" || !slices.Contains(after.Intents, "complaint") {
		t.Errorf("thank-you after a complaint: handoff %v band %s intents %v carried %v", after.Handoff, after.Band, after.Intents, after.Carried)
	}
	solved := m.Decide("Sorun çözüldü, ekip gelip düzeltti, teşekkürler", before)
	if len(solved.Carried) > 0 {
		t.Errorf("a solved problem is still carried: %+v", solved.Carried)
	}
}

// Every reason the engine stores for builtin-3 is a code the conversation page can word.
func TestBuiltin3Explains(t *testing.T) {
	r := Analyze3(Input{Text: "Taşlar çöktü, su birikiyor, yarın sabah gelmezseniz avukatıma vereceğim", Niche: "parke_tas"})
	if !r.Handoff || bandOfScore(r.Urgency) != "high" {
		t.Fatalf("handoff %v urgency %d", r.Handoff, r.Urgency)
	}
	if len(r.Reasons["urgency"]) == 0 || len(r.Reasons["intent"]) == 0 {
		t.Fatalf("reasons %v", r.Reasons)
	}
	for _, g := range []string{"urgency", "intent"} {
		for _, s := range r.Reasons[g] {
			if len(s) < 4 || s[:3] != "f3|" {
				t.Errorf("%s reason %q is not an f3 code", g, s)
			}
		}
	}
	if !slices.Contains(r.Reasons["handoff"], "legal_threat") || !slices.Contains(r.Reasons["handoff"], "complaint") {
		t.Errorf("handoff reasons %v", r.Reasons["handoff"])
	}
}
