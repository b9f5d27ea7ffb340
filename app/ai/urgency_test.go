package ai

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var reWeight = regexp.MustCompile(`\(([+-]\d+)\)$`)

// TestUrgencyReasonsAddUp proves the "why" is complete: over every labelled message the base
// plus the weights printed in the urgency reasons is the score (before clamping to 0–100).
func TestUrgencyReasonsAddUp(t *testing.T) {
	for _, m := range append(append([]labelled{}, labelledMessages...), heldOutMessages...) {
		r := Analyze(Input{Text: m.text, Niche: "parke_tas"})
		sum := urgencyBase
		for _, why := range r.Reasons["urgency"] {
			w := reWeight.FindStringSubmatch(why)
			if w == nil {
				continue // a fourth complaint signal is listed without weight: it adds nothing
			}
			n, _ := strconv.Atoi(w[1])
			sum += n
		}
		if clamp(sum) != r.Urgency {
			t.Errorf("%q: urgency %d but reasons add up to %d: %v", m.text, r.Urgency, sum, r.Reasons["urgency"])
		}
	}
}

func TestUrgencySignals(t *testing.T) {
	for _, c := range []struct {
		in      string
		band    string
		reason  string // a substring of one urgency reason ("" = no urgency reason at all)
		handoff string // a substring of the handoff reason ("" = no handoff)
	}{
		// Turkish typed without Turkish letters is read folded; with them it is read as written.
		{"sikayetim var, taslar catladi", "high", "complaint: şikayet", "complaint"},
		{"ACIL donus yapin lutfen", "mid", "urgent word: acil", ""},
		{"Sizi bir arkadaşım önerdi", "low", "", ""},
		{"sizi bir arkadasim onerdi", "low", "", ""},
		// Phrases that look urgent but are not.
		{"Hemen hemen 100 m2 bir alan var", "low", "", ""},
		{"Acil değil, ileride bahçe için düşünüyoruz", "low", "no rush: acil değil", ""},
		{"Bugüne kadar hiç sorun olmadı", "low", "", ""},
		{"Courtyard paving, about 80 m2, how much?", "low", "", ""},
		{"3 ayrı renk istiyoruz, 12 aylık taksit olur mu", "low", "", ""},
		// Time: a limit ahead, time already waited, the past.
		{"10 gün içinde bitmeli", "high", "deadline: 10 gün", "date"},
		{"Cumaya kadar yetişir mi?", "high", "deadline: cumaya kadar", "date"},
		{"We need it by Friday", "high", "deadline: by friday", "date"},
		{"3 ay içinde başlayalım", "low", "distant deadline: 3 ay", "date"},
		{"Ay sonuna kadar bitmesi yeter", "mid", "deadline: ay sonuna", "date"},
		{"Üç haftadır bekliyorum", "mid", "waiting for üç hafta", "complaint"},
		{"2 hafta önce konuştuk", "low", "", ""},
		{"Yarın gelebilir misiniz?", "mid", "near day: yarın", "date"},
		// Water, damage, danger, legal threats.
		{"Parkeler kabardı, mutfaktan su sızıyor", "high", "damage: kabardı", "damage"},
		{"The basement is flooding since you laid the patio", "mid", "damage: flood", "damage"},
		{"Taş yerinden oynamış, annem düştü", "high", "damage: düştü", "damage"},
		{"Tüketici hakem heyetine gideceğim", "high", "legal threat: tüketici hakem", "legal_warranty"},
		{"We will take you to court", "high", "legal threat: court", "legal_warranty"},
		{"Sözleşme örneği gönderir misiniz?", "mid", "warranty or contract: sözleşme", "legal_warranty"},
	} {
		r := Analyze(Input{Text: c.in, Niche: "parke_tas"})
		if got := bandOfScore(r.Urgency); got != c.band {
			t.Errorf("%q: band %s (%d), want %s: %v", c.in, got, r.Urgency, c.band, r.Reasons["urgency"])
		}
		why := strings.Join(r.Reasons["urgency"], " | ")
		if (c.reason == "") != (why == "") || !strings.Contains(why, c.reason) {
			t.Errorf("%q: urgency reasons %q, want one with %q", c.in, why, c.reason)
		}
		if (c.handoff == "") == r.Handoff || !strings.Contains(r.HandoffReason, c.handoff) {
			t.Errorf("%q: handoff %v %q, want %q", c.in, r.Handoff, r.HandoffReason, c.handoff)
		}
	}
}

func TestStemMatching(t *testing.T) {
	for _, c := range []struct {
		in, stem string
		want     bool
	}{
		{"avukatıma vereceğim", "avukat", true},
		{"AVUKATIMA", "avukat", true},
		{"bugun gelin", "bugün", true},
		{"courtyard", "court=", false},
		{"see you in court.", "court=", true},
		{"hiç memnun değilim", "hi=", false},
		{"Hi there", "hi=", true},
		{"hâlâ bekliyorum", "hala bekli", true},
		{"kilitparke", "parke", false},
	} {
		if got := newText(c.in).has(c.stem); got != c.want {
			t.Errorf("%q has %q = %v, want %v", c.in, c.stem, got, c.want)
		}
	}
}

// TestScenarioOrdering keeps the demo's scenarios (guide: 13-worked-example.md) apart: B (800 m², two weeks, stock on
// WhatsApp) is urgent, A (a rough garden budget) is not.
func TestScenarioOrdering(t *testing.T) {
	a := Analyze(Input{Text: "200 m² villa bahçesi, gri granit istiyorum, rough budget?", Niche: "parke_tas"})
	b := Analyze(Input{Text: "800 m² kilit parke 8 cm, 2 haftada teslim — stok var mı?", Niche: "parke_tas"})
	if bandOfScore(a.Urgency) != "low" || bandOfScore(b.Urgency) != "high" || b.Urgency-a.Urgency < 40 {
		t.Errorf("scenario A %d %v, B %d %v", a.Urgency, a.Reasons["urgency"], b.Urgency, b.Reasons["urgency"])
	}
}
