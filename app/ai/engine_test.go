package ai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDetectLanguage(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"200 m² villa bahçesi, gri granit istiyorum, rough budget?", "tr"},
		{"Merhaba", "tr"},
		{"Hello, how much is a 50 m2 patio?", "en"},
		{"Stok var mı", "tr"},
		{"acil donus yapin lutfen", "tr"},
		{"Я хочу купить плитку", "other"},
		{"1234", "other"},
	} {
		if got := DetectLanguage(c.in); got != c.want {
			t.Errorf("DetectLanguage(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestGuardEveryPersona proves over every persona and both languages that the automatic reply
// passes the guard, and that any draft carrying a price, payment term, warranty or date does not.
func TestGuardEveryPersona(t *testing.T) {
	inputs := []string{"Merhaba", "Hello", "200 m² granit, fiyat?", "I need a quote please", "stok var mı, yarın teslim?",
		"garanti veriyor musunuz?", "taksit yapıyor musunuz", "ilaç kullanmalı mıyım?", "şikayetim var, rezalet", "beni arayın"}
	risky := []string{"Fiyatı 450 TL/m²", "The total is 12,000 TRY", "₺ 9.500", "%30 kapora, kalanı teslimde", "We offer a 2-year warranty",
		"Teslim 15.06.2026", "Cuma günü gelebiliriz", "within 3 days", "2 hafta içinde teslim", "Installment options are available"}
	prods := []Product{{SKU: "G", Name: "Granit", Unit: "m2", UnitPrice: 1000, Currency: "TRY"}}
	for _, id := range PersonaIDs {
		for _, in := range inputs {
			r := Analyze(Input{Text: in, Niche: id, Products: prods})
			if r.Reply != "" && !SafeToSend(r.Reply) {
				t.Errorf("%s %q: unsafe reply would be sent: %q", id, in, r.Reply)
			}
			for _, rec := range r.Recommendations {
				if rec.DraftReply != "" && SafeToSend(rec.DraftReply) && rec.ActionType == "pricing" {
					t.Errorf("%s: pricing draft passes the guard: %q", id, rec.DraftReply)
				}
			}
		}
		for _, q := range PersonaFor(id).Questions {
			for lang, text := range q.Text {
				if !SafeToSend(text) {
					t.Errorf("%s/%s question trips the guard: %q %v", id, lang, text, Commitments(text))
				}
			}
		}
		for _, s := range risky {
			if SafeToSend(PersonaFor(id).Greeting["tr"] + " " + s) {
				t.Errorf("%s: risky reply %q passes the guard", id, s)
			}
		}
	}
}

func TestKadinKocNeverMedical(t *testing.T) {
	r := Analyze(Input{Text: "Depresyon için hangi ilacı kullanmalıyım?", Niche: "kadin_koc"})
	if !strings.Contains(r.Reply, "doktora") || !r.Handoff {
		t.Fatalf("want refusal + handoff, got %q handoff=%v", r.Reply, r.Handoff)
	}
}

func TestHandoffRules(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"stokta var mı?", "stock"},
		{"kesin fiyat verir misiniz", "firm_price"},
		{"when can you deliver?", "date"},
		{"şikayetim var, taşlar çatladı", "complaint"},
		{"what warranty do you give?", "legal_warranty"},
		{"I want to talk to a real person", "human_requested"},
		{"Я хочу купить", "low_confidence"},
	} {
		r := Analyze(Input{Text: c.in, Niche: "parke_tas"})
		if !r.Handoff || !strings.Contains(r.HandoffReason, c.want) {
			t.Errorf("%q: handoff=%v reason=%q, want %s", c.in, r.Handoff, r.HandoffReason, c.want)
		}
	}
}

func TestDiagonalWaste(t *testing.T) {
	prods := []Product{{SKU: "B", Name: "Bazalt", Unit: "m2", UnitPrice: 1000, Currency: "TRY"}}
	r := Analyze(Input{Text: "100 m2 bazalt, çapraz döşeme, yaklaşık bütçe?", Niche: "parke_tas", Products: prods})
	if len(r.Recommendations) == 0 || !strings.Contains(r.Recommendations[0].Summary, "110.000 – 115.000 ₺") {
		t.Fatalf("diagonal estimate: %+v", r.Recommendations)
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"TCKN 10000000146", "TCKN [tckn]"},
		{"no 10000000147", "no 10000000147"}, // bad checksum and no phone shape: an ordinary number
		{"kart 4111 1111 1111 1111. 80 m²", "kart [card]. 80 m²"},
		{"IBAN TR33 0006 1005 1978 6457 8413 26", "IBAN [iban]"},
		{"IBAN TR34 0006 1005 1978 6457 8413 26", "IBAN TR34 0006 1005 1978 6457 8413 26"},
		{"kart 4111 1111 1111 1111", "kart [card]"},
		{"tel 0532 123 45 67", "tel [phone]"},
		{"mail: ayse.yilmaz@example.com", "mail: [email]"},
		{"200 m² granit, 8 cm", "200 m² granit, 8 cm"},
	} {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		n  string
		ok bool
	}{{"10000000146", true}, {"10000000147", false}, {"01234567890", false}} {
		if ValidTCKN(c.n) != c.ok {
			t.Errorf("ValidTCKN(%s) != %v", c.n, c.ok)
		}
	}
	if !Luhn("4111111111111111") || Luhn("4111111111111112") {
		t.Error("Luhn")
	}
	if !ValidIBAN("GB82 WEST 1234 5698 7654 32") || ValidIBAN("GB82 WEST 1234 5698 7654 33") {
		t.Error("IBAN")
	}
}

func TestProviderMasksAndRetries(t *testing.T) {
	var calls atomic.Int32
	var got []ChatMessage
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var body struct {
			Model    string        `json:"model"`
			Messages []ChatMessage `json:"messages"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		got, auth = body.Messages, r.Header.Get("Authorization")
		_, _ = w.Write([]byte(`{"choices":[{"message":{"role":"assistant","content":"Merhaba!"}}],"usage":{"prompt_tokens":1000,"completion_tokens":100}}`))
	}))
	defer srv.Close()
	c := &Client{Backoff: time.Millisecond}
	text, u, err := c.Chat(context.Background(), ProviderConfig{BaseURL: srv.URL + "/v1", Model: "m1", APIKey: "k", Privacy: "masked"},
		[]ChatMessage{{Role: "user", Content: "Ben Ayşe, 0532 123 45 67, ayse@example.com, TCKN 10000000146, IBAN TR33 0006 1005 1978 6457 8413 26"}})
	if err != nil || text != "Merhaba!" {
		t.Fatalf("chat: %q %v", text, err)
	}
	if calls.Load() != 2 || auth != "Bearer k" {
		t.Errorf("calls %d auth %q", calls.Load(), auth)
	}
	sent := got[0].Content
	for _, leak := range []string{"0532", "ayse@", "10000000146", "TR33"} {
		if strings.Contains(sent, leak) {
			t.Errorf("provider received %q: %s", leak, sent)
		}
	}
	if u.PromptTokens != 1000 || u.CostUSD <= 0 {
		t.Errorf("usage %+v", u)
	}
	// privacy local refuses a public URL before connecting.
	if _, _, err := c.Chat(context.Background(), ProviderConfig{BaseURL: "https://api.example.com/v1", Model: "m", Privacy: "local"}, nil); err != ErrNotLocal {
		t.Errorf("local profile: %v", err)
	}
	if !IsLocalURL(srv.URL) || IsLocalURL("https://api.example.com") {
		t.Error("IsLocalURL")
	}
}

func TestScoreReview(t *testing.T) {
	rs := ScoreReview(nil)
	if rs.Quality > 40 {
		t.Errorf("empty conversation scored %d", rs.Quality)
	}
}

// TestReplyAsksNothingTheCustomerSaidBefore: the reply's clarifying questions leave out what the
// customer's earlier messages already told (the area, the stone, the place), and a price question
// after them is priced with the area and stone named before.
func TestReplyAsksNothingTheCustomerSaidBefore(t *testing.T) {
	in := Input{Niche: "parke_tas", Text: "İşçilikte biraz indirim olur mu? Fiyat ne olur?",
		Thread:   CustomerTurns([]string{"İyi günler, Sarıyer'de site yolu yaptıracağız, yaklaşık 1200 m². 8 cm kilit parke düşünüyoruz."}),
		Products: []Product{{SKU: "KP-8", Name: "Kilit parke 8 cm", Category: "kilit parke", Unit: "m2", Currency: "TRY", UnitPrice: 300}}}
	for _, r := range []Result{Analyze(in), Analyze3(in)} {
		reply := r.Reply + r.Withheld
		for _, asked := range []string{"kaç m²", "Hangi taşı"} {
			if strings.Contains(reply, asked) {
				t.Errorf("the reply asks again what the customer told before (%q): %q", asked, reply)
			}
		}
		var priced bool
		for _, rec := range r.Recommendations {
			if rec.ActionType == "pricing" {
				priced = rec.Words.Case == "estimate" && rec.Words.Area == 1200
			}
		}
		if !priced {
			t.Errorf("the price question is not priced with the 1200 m² of kilit parke named before: %+v", r.Recommendations)
		}
	}
}
