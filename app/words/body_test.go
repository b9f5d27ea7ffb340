package words

import (
	"testing"

	"highvibe/app/i18n"
)

// TestBodyWordsEveryPlaceholder: each channel's placeholder for a message without words of its own
// is said in the reader's language; the customer's own words, also when they start with a
// bracket, are left as written.
func TestBodyWordsEveryPlaceholder(t *testing.T) {
	tr := i18n.For("tr")
	for body, want := range map[string]string{
		"[image]":                         "Fotoğraf",
		"[audio]":                         "Sesli mesaj ya da ses kaydı",
		"[video]":                         "Video",
		"[document]":                      "Belge",
		"[document: kat planı.pdf]":       "Belge «kat planı.pdf»",
		"[sticker]":                       "Çıkartma",
		"[sticker] 😀":                     "Çıkartma «😀»",
		"[contact] Mehmet Usta +90 532 1": "Kişi kartı «Mehmet Usta +90 532 1»",
		"[unsupported message]":           "HighVibe'ın burada gösteremediği türde bir mesaj (örneğin bir anket ya da düzenlenmiş bir mesaj). Müşteriden bunu yazıyla iletmesini isteyebilirsiniz.",
		"[unsupported message: unsupported] 131051 Message type unknown": "HighVibe'ın burada gösteremediği türde bir mesaj (örneğin bir anket ya da düzenlenmiş bir mesaj). Müşteriden bunu yazıyla iletmesini isteyebilirsiniz.",
		"[unsupported message: contacts]":                                "HighVibe'ın burada gösteremediği türde bir mesaj (örneğin bir anket ya da düzenlenmiş bir mesaj). Müşteriden bunu yazıyla iletmesini isteyebilirsiniz.",
	} {
		p := Body(body)
		got := tr.Say(p)
		if p.Quote != "" {
			got += " «" + p.Quote + "»"
		}
		if got != want {
			t.Errorf("%q reads %q, want %q", body, got, want)
		}
	}
	for _, own := range []string{"Merhaba", "[image] bahçenin fotoğrafı", "[not]", "[sticker: x] y", "[contact]", "[image]]", ""} {
		if p := Body(own); p.Key != "" {
			t.Errorf("the customer's words %q were read as %q", own, p.Key)
		}
	}
}
