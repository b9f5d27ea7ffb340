package ai

import (
	"slices"
	"strings"
	"testing"
)

// TestPlainAnswersAreNoComplaint: a customer answering the assistant's questions about the site
// ("Toprak zemin, biraz eğimli", "Soil, slightly sloped") was read as a complaint by builtin-3 on
// the word "biraz"/"slightly", handed to a person as one, and every later message of the
// conversation showed "earlier problem still open". Plain answers, in Turkish and in English, are
// no complaint and leave nothing open; real complaints, worded with and without the usual words,
// still are, and a short reply after one keeps it open.
func TestPlainAnswersAreNoComplaint(t *testing.T) {
	open := func(r Result) bool {
		return strings.Contains(r.HandoffReason, "complaint") || strings.Contains(r.HandoffReason, "open_issue")
	}
	for _, c := range []struct{ first, answer, next string }{
		{"İyi günler, Beykoz'da bahçe yaptıracağız, yaklaşık 300 m².", "Toprak zemin, biraz eğimli. Araç da girecek.", "Perşembe öğleden sonra uygun."},
		{"Merhaba, garaj önü için kilit parke düşünüyoruz.", "Zemin hafif meyilli, biraz da çakıl var.", "Tamam, adresi konumdan atıyorum."},
		{"Hi, we need about 120 m² of 8 cm interlocking pavers for a garden.", "Soil, slightly sloped. Yes, two cars will park there.", "Thursday morning works."},
		{"Hello, we are thinking of a granite patio.", "It's a bit uneven, mostly grass, and a van can get to the back.", "ok, thanks"},
	} {
		for _, step := range []Input{
			{Text: c.answer, Thread: CustomerTurns([]string{c.first}), Niche: "parke_tas"},
			{Text: c.next, Thread: CustomerTurns([]string{c.first, c.answer}), Niche: "parke_tas"},
		} {
			if r := Analyze3(step); open(r) {
				t.Errorf("%q (after %q) read as a complaint: handoff %q, intents %v", step.Text, customerSaid(step.Thread), r.HandoffReason, r.Reasons["intent"])
			}
		}
	}
	for _, c := range []struct{ complaint, next string }{
		{"Geçen ay döşediğiniz taşlar yerinden oynadı, hiç memnun değilim.", "tamam, bekliyorum"},
		{"Yaptığınız yolun ortası çöktü, kapının önü göl oldu.", "peki"},
		{"Teklifte konuşmadığımız bir nakliye ücreti var, epey yüksek. Açıkçası hiç memnun kalmadım.", "tamam"},
		{"The pavers you laid last month have sunk and water pools by the door, I'm not happy.", "ok"},
		{"Three weeks and still nobody came to finish the edging.", "fine, waiting"},
	} {
		r := Analyze3(Input{Text: c.complaint, Niche: "parke_tas"})
		if !slices.Contains(r.Reasons["handoff"], "complaint") {
			t.Errorf("a real complaint %q is not one: handoff %q", c.complaint, r.HandoffReason)
		}
		if r := Analyze3(Input{Text: c.next, Thread: CustomerTurns([]string{c.complaint}), Niche: "parke_tas"}); !open(r) {
			t.Errorf("%q after the complaint %q closed it: handoff %q", c.next, c.complaint, r.HandoffReason)
		}
	}
}
