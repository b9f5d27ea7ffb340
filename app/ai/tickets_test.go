package ai

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadTickets(t *testing.T, name string) []TicketExample {
	t.Helper()
	f, err := os.Open(filepath.Join("corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ParseTickets(f)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestTicketTriageAccuracy scores the shipped ticket model on the labelled test table (48 Turkish
// and English ticket messages it was never trained on) and fails under the bars the README
// states: category 85 %, priority exact 70 %, priority within one level 80 %.
func TestTicketTriageAccuracy(t *testing.T) {
	t.Parallel()
	held := loadTickets(t, "tickets_heldout.txt")
	if len(held) < 40 {
		t.Fatalf("the test table has %d messages, want at least 40", len(held))
	}
	langs := map[string]int{}
	for _, e := range held {
		langs[e.Language]++
	}
	if langs["tr"] < 15 || langs["en"] < 15 {
		t.Fatalf("the table must hold both languages: %v", langs)
	}
	train := loadTickets(t, "tickets_train.txt")
	for _, e := range held {
		if slices.ContainsFunc(train, func(x TicketExample) bool { return strings.EqualFold(x.Text, e.Text) }) {
			t.Errorf("held-out line %d is also in the training corpus", e.Line)
		}
	}
	ev := EvaluateTickets(TicketModel(), held)
	t.Log(ev.Report("Held-out ticket table"))
	for _, w := range ev.Wrong {
		t.Logf("line %d: label %s %s, got %s %s", w.Line, w.TicketExample.Category, w.TicketExample.Priority, w.Category, w.Priority)
	}
	for _, c := range []struct {
		name string
		ok   int
		bar  float64
	}{{"category", ev.CategoryOK, 85}, {"priority exact", ev.PriorityOK, 70}, {"priority within one level", ev.WithinOne, 80}} {
		if got := Percent(c.ok, ev.N); got < c.bar {
			t.Errorf("%s %.1f %% is under the bar of %.0f %%", c.name, got, c.bar)
		}
	}
}

// TestTicketWeightsMatchCorpus: the shipped weights are what training on the corpus gives
// (deterministic), so nobody ships weights the corpus does not explain.
func TestTicketWeightsMatchCorpus(t *testing.T) {
	t.Parallel()
	m := TrainTickets(loadTickets(t, "tickets_train.txt"), TicketTrainOptions)
	shipped := TicketModel()
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
			if _, ok := m.Weights[name][o]; !ok && math.Abs(ws[o]) > TicketTrainOptions.Prune+0.002 {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d weights differ from a fresh training on corpus/tickets_train.txt: run go generate ./app/ai", diff)
	}
	if !slices.Equal(shipped.Outputs, ticketOutputs()) || shipped.Name != TicketModelName {
		t.Errorf("model %q outputs %v", shipped.Name, shipped.Outputs)
	}
}

// Impact words decide the priority, and the reasons are the customer's own words; the reply
// draft names the ticket and promises nothing; a visit or a price asked for is noticed.
func TestTicketProposals(t *testing.T) {
	t.Parallel()
	m := TicketModel()
	for _, c := range []struct {
		text, cat string
		prios     []string
		lang      string
	}{
		{"Sunucudaki bütün dosyalar şifrelendi, fidye notu bırakmışlar, kimse çalışamıyor", "security", []string{"p1"}, "tr"},
		{"The whole office has no internet since 9, nobody can work", "network", []string{"p1"}, "en"},
		{"Benim bilgisayardan yazıcıya çıktı gitmiyor, acelesi yok", "printing", []string{"p3", "p4"}, "tr"},
		{"Could you install Zoom on my laptop next week?", "software", []string{"p4"}, "en"},
	} {
		p := m.TriageTicket(c.text)
		if p.Category != c.cat || !slices.Contains(c.prios, p.Priority) || p.Language != c.lang {
			t.Errorf("%q: got %s %s %s, want %s %v %s", c.text, p.Category, p.Priority, p.Language, c.cat, c.prios, c.lang)
		}
		if len(p.CategoryWhy) == 0 || len(p.PriorityWhy) == 0 {
			t.Errorf("%q: no reasons: %+v", c.text, p)
		}
		for _, w := range append(p.CategoryWhy, p.PriorityWhy...) {
			if !strings.Contains(strings.ToLower(c.text), strings.ToLower(w)) {
				t.Errorf("%q: reason %q is not the customer's words", c.text, w)
			}
		}
		if p.Confidence <= 0 || p.Confidence > 1 {
			t.Errorf("confidence %v", p.Confidence)
		}
	}
	p := m.TriageTicket("Yazıcı bozuldu, yarın yerinde bakabilir misiniz, ücreti ne kadar olur?")
	if p.Visit == "" || p.Price == "" {
		t.Errorf("visit %q price %q: both asked for", p.Visit, p.Price)
	}
	if p := m.TriageTicket("Outlook açılmıyor"); p.Visit != "" || p.Price != "" {
		t.Errorf("nothing asked, got visit %q price %q", p.Visit, p.Price)
	}
	for _, lang := range []string{"tr", "en"} {
		for _, cat := range TicketCategories {
			r := TicketReply(lang, "T-000042", cat, "p1")
			if !strings.Contains(r, "T-000042") || !SafeToSend(r) {
				t.Errorf("%s %s: draft %q names no ticket or commits the business", lang, cat, r)
			}
		}
	}
}
