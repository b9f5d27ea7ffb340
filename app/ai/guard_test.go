package ai_test

import (
	"slices"
	"strings"
	"testing"

	"highvibe/app/ai"
)

// A model's reply that commits the business in a way a customer reads as a commitment never
// passes the guard, however it is written: amounts in words, Turkish suffixes on days, months and
// currencies, Arabic digits and words, German, French and Spanish, times of day, discounts and
// "free", payment by cash or transfer, Turkish typed without its letters.
func TestGuardCatchesCommitmentsAsWritten(t *testing.T) {
	for _, c := range []struct{ text, kind string }{
		{"Metrekare fiyatımız bin iki yüz liradır.", ai.CommitPrice},
		{"Toplam maliyet yaklaşık on iki bin civarında olur.", ai.CommitPrice},
		{"It comes to twelve hundred dollars for the whole patio.", ai.CommitPrice},
		{"السعر ٤٥٠ ليرة للمتر المربع", ai.CommitPrice},
		{"Der Preis beträgt 45 pro m².", ai.CommitPrice},
		{"%10 indirim yapabiliriz.", ai.CommitPrice},
		{"We can take 10% off this week.", ai.CommitPrice},
		{"Keşif ücretsizdir, ekibimiz gelip ölçer.", ai.CommitPrice},
		{"We can do the site visit for free.", ai.CommitPrice},
		{"Ödemeyi nakit veya EFT ile yapabilirsiniz.", ai.CommitPayment},
		{"Acompte de 30 % à la commande.", ai.CommitPayment},
		{"Pagos a plazos sin interés.", ai.CommitPayment},
		{"odeme pesin olur", ai.CommitPayment},
		{"Entregamos con garantía de dos años.", ai.CommitWarrant},
		{"نقدم ضمان سنتين", ai.CommitWarrant},
		{"Cumaya kadar teslim ederiz.", ai.CommitDate},
		{"Yarından sonra ekibimiz gelebilir.", ai.CommitDate},
		{"İki hafta içinde bitiririz.", ai.CommitDate},
		{"Haziranda başlayabiliriz.", ai.CommitDate},
		{"Saat 10'da adresinizde oluruz.", ai.CommitDate},
		{"We can come at 10am.", ai.CommitDate},
		{"We will be done in a couple of weeks.", ai.CommitDate},
		{"سنصل يوم الخميس", ai.CommitDate},
		{"Lieferung nächste Woche.", ai.CommitDate},
		{"Livraison vendredi.", ai.CommitDate},
		{"Llegamos el lunes.", ai.CommitDate},
		{"pazartesiye kadar hallederiz", ai.CommitDate},
		{"Metrekaresi elli TL'dir.", ai.CommitPrice},
		{"Bu iş iki bin euroya çıkar.", ai.CommitPrice},
		{"Der Preis liegt bei fünfzig Euro.", ai.CommitPrice},
		{"Lo terminamos en un mes.", ai.CommitDate},
		{"carsambaya gelebiliriz", ai.CommitDate},
	} {
		if got := ai.Commitments(c.text); !slices.Contains(got, c.kind) {
			t.Errorf("%q: commitments %v, want %s", c.text, got, c.kind)
		}
		if ai.SafeToSend(c.text) {
			t.Errorf("%q passes the guard", c.text)
		}
	}
}

// The replies a model writes to move a conversation on, in the languages it may answer in, still
// pass: asking for measurements is not a price, a greeting is not a date, a quarry is not January.
func TestGuardLetsQuestionsThrough(t *testing.T) {
	for _, text := range []string{
		"Merhaba, mesajınız için teşekkürler. Ölçüleri paylaşır mısınız?",
		"Fiyat için alanın ölçülerini ve istediğiniz taşı yazabilir misiniz?",
		"Taş ocağından gelen doğal taşlarla çalışıyoruz; hangi rengi düşünüyorsunuz?",
		"Thank you! Could you share the area in square metres and a photo?",
		"Feel free to send photos of the area.",
		"Guten Morgen! Welche Fläche möchten Sie pflastern?",
		"Buenos días, ¿qué superficie necesita?",
		"Bonjour, quelle surface souhaitez-vous paver ?",
		"مرحبا، ما هي مساحة المكان؟",
		"Bir ekip arkadaşımız size dönüş yapacak.",
		"%100 doğal granit kullanıyoruz; hangi rengi düşünüyorsunuz?",
		// "try" is a verb and "eur" and "mes" begin everyday words: a currency code beside an amount only or as a whole word, a month as a whole word.
		"Could you try sending a photo of the area?",
		"We are trying to find the right stone for you.",
		"Eure Anfrage ist angekommen; welche Fläche ist es?",
		"Is it a European standard size?",
		"Please send one message with all the photos.",
	} {
		if !ai.SafeToSend(text) {
			t.Errorf("%q is withheld: %v", text, ai.Commitments(text))
		}
	}
}

// Through the product: a configured model that answers a customer with an amount in words and a
// delivery day with a Turkish suffix is withheld; the customer gets the builtin reply, never the
// model's words, and the log says why.
func TestModelCommitmentInWordsWithheld(t *testing.T) {
	e, fm := withModel(t, `{"handoff":false,"urgency_band":"low","intents":["info"],"language":"tr"}`)
	fm.mu.Lock()
	fm.reply = "Metrekare fiyatımız bin iki yüz liradır, cumaya kadar teslim ederiz."
	fm.mu.Unlock()
	conv := post(t, e, "Merhaba, bahçe için kilit taşı düşünüyoruz, bilgi alabilir miyim?")
	out := outbound(t, e, conv)
	for _, m := range out {
		if strings.Contains(m, "bin iki yüz") || strings.Contains(m, "cumaya") {
			t.Fatalf("the model's commitment reached the customer: %q", m)
		}
	}
	if len(out) == 0 {
		t.Error("no reply at all: the builtin reply should have been sent instead")
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE action_type = 'ai_triage' AND payload LIKE '%withheld by the commitment guard%'`); n != 1 {
		t.Errorf("the withheld reply is not noted in the log (%d)", n)
	}
}
