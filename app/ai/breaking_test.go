package ai

import (
	"slices"
	"strings"
	"testing"
)

// TestBreakingUpIsNotAComplaint: a Turkish customer asking whether the floor may need breaking up
// ("zemin kırılması gerekebilir mi?") was triaged as a complaint — urgency high, handed to a person
// — because "kırıl" is a damage word ("taşlar kırıldı"). Breaking up and removal asked about as
// part of the job ("kırılması gerekir mi", "kırım", "söküm", "breaking up") are questions now;
// something that broke or came broken, and an unhappy customer, are still complaints. The same
// holds for builtin-2's word lists (no "damage" handoff). None of these sentences is in the corpus.
func TestBreakingUpIsNotAComplaint(t *testing.T) {
	m := Builtin3()
	for _, q := range []string{
		"zemin kırılması gerekebilir mi?",
		"Merhaba, salondaki eski şapın kırılması gerekiyor mu, parke için?",
		"Banyo zemininin kırılmasına gerek var mı yoksa üstüne seramik olur mu",
		"Eski taşların sökümünü de yapıyor musunuz?",
		"Kırım işi de sizde mi, yoksa ayrı bir ekip mi bulalım",
		"Do we need to break up the old patio before you lay the new one?",
	} {
		d := m.Decide(q, nil)
		if slices.Contains(d.Intents, "complaint") || d.Band == "high" {
			t.Errorf("%q: intents %v, band %s — a question about the work read as a complaint", q, d.Intents, d.Band)
		}
		if r := Analyze(Input{Text: q, Niche: "parke_tas"}); strings.Contains(r.HandoffReason, "damage") || strings.Contains(r.HandoffReason, "complaint") {
			t.Errorf("%q: builtin-2 hands off for %q", q, r.HandoffReason)
		}
	}
	for _, c := range []string{
		"Teslim edilen plakaların çoğu kırık geldi",
		"Yeni döşenen taşlar kırıldı, hiç memnun değilim",
		"Şikayetim var, ekip işi berbat bıraktı",
		"Söküm yaparken ekibiniz kapı eşiğini kırmış",
		"The new slabs you laid are already broken",
	} {
		if d := m.Decide(c, nil); !slices.Contains(d.Intents, "complaint") || !d.Handoff {
			t.Errorf("%q: intents %v, handoff %v — a complaint missed", c, d.Intents, d.Handoff)
		}
	}
}
