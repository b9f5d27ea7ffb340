package erasure

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestScrubFindsEveryForm: the person's number in any spelling, the name in any case (Turkish
// rules) or JSON-escaped, and the e-mail in any case are masked; other numbers and names stay.
func TestScrubFindsEveryForm(t *testing.T) {
	t.Parallel()
	s := &Subject{Names: []string{"Işıl İnce"}, Phones: []string{"+90 532 987 65 43"}, Emails: []string{"Isil@Ornek.com"}}
	for _, in := range []string{
		"ara: 0532 987 65 43", "tel +90 (532) 987-65-43", "905329876543", "wa_id 5329876543", "0532.987.6543",
		"IŞIL İNCE geldi", "ışıl ince", `{"name":"I\u015f\u0131l \u0130nce"}`, "isil@ornek.com", "ISIL@ORNEK.COM",
	} {
		got := s.Scrub(in)
		if !strings.Contains(got, Mask) {
			t.Errorf("Scrub(%q) = %q: nothing masked", in, got)
		}
		if !s.Has(in) {
			t.Errorf("Has(%q) = false", in)
		}
	}
	for _, in := range []string{"0533 111 00 99", "Işıl Yılmaz", "ince parke", "1764748800000", "isil@baska.com"} {
		if s.Has(in) || s.Scrub(in) != in {
			t.Errorf("%q is not the person but was matched: %q", in, s.Scrub(in))
		}
	}
	// The person's own rows: a first name alone is them too.
	if got := s.ScrubOwn("Işıl Hanım aradı"); got != Mask+" Hanım aradı" {
		t.Errorf("ScrubOwn: %q", got)
	}
	if s.Scrub("Işıl Hanım aradı") != "Işıl Hanım aradı" {
		t.Error("a first name alone is masked in rows that are not the person's")
	}
	// The hashes ad platforms get are among the needles.
	for _, v := range []string{"isil@ornek.com", "905329876543", "+905329876543", "ışıl", "ince"} {
		h := sha256.Sum256([]byte(v))
		if !s.Has("em_hash=" + hex.EncodeToString(h[:])) {
			t.Errorf("the SHA-256 of %q is not found", v)
		}
	}
}

// TestScrubForeignNumber: a German business's customer, stored as +491701234567, is found in the
// forms a German writes the number in and in the hashes ad platforms were sent; the Turkish
// reading of those digits was all the erasure looked for.
func TestScrubForeignNumber(t *testing.T) {
	t.Parallel()
	s := &Subject{Phones: []string{"+491701234567"}}
	for _, in := range []string{"ruf an: 0170 1234567", "0170 123 45 67", "+49 170 1234567", "491701234567"} {
		if !s.Has(in) || !strings.Contains(s.Scrub(in), Mask) {
			t.Errorf("%q not matched: %q", in, s.Scrub(in))
		}
	}
	for _, v := range []string{"491701234567", "+491701234567"} {
		h := sha256.Sum256([]byte(v))
		if !s.Has("ph=" + hex.EncodeToString(h[:])) {
			t.Errorf("the SHA-256 of %q is not found", v)
		}
	}
	if s.Has("0171 7654321") {
		t.Error("another number matched")
	}
}

// TestConversationsJSON is the id list rooms pass to json_each.
func TestConversationsJSON(t *testing.T) {
	t.Parallel()
	if got := (&Subject{ConversationIDs: []int64{3, 14}}).Conversations(); got != "[3,14]" {
		t.Errorf("%q", got)
	}
	if got := (&Subject{}).Conversations(); got != "[]" {
		t.Errorf("%q", got)
	}
}

// FuzzQuickTestsAgreeWithTheRegexp: the two tests that answer has without the regexp say exactly
// what the regexp says, whatever the case folding (the Kelvin sign, the long s, Turkish dotted and
// dotless i), the separators in a number or the bytes (invalid UTF-8 too); scrub is unchanged.
func FuzzQuickTestsAgreeWithTheRegexp(f *testing.F) {
	for _, s := range []string{
		"ara: 0532 987 65 43", "tel +90 (532) 987-65-43", "0532\t987\n65\r43", "5/3/2/9/8/7/6/5/4/3",
		"IŞIL İNCE geldi", "ışıl ince", `{"name":"I\u015f\u0131l \u0130nce"}`, "ISIL@ORNEK.COM", "ıſıl@ornek.com",
		"\u212aemal Yıldız", "KEMAL YILDIZ", "kemal yıldız", "\xffKemal\xfe", "Işıl Yılmaz", "",
	} {
		f.Add(s)
	}
	subjects := []*Subject{
		{Names: []string{"Işıl İnce"}, Phones: []string{"+90 532 987 65 43"}, Emails: []string{"Isil@Ornek.com"}},
		{Names: []string{"Kemal Yıldız", "ſami"}, Phones: []string{"0212-555-0101"}},
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range subjects {
			for _, js := range []string{s.Spec(), s.OwnSpec()} {
				m := matcherFor(js)
				if got, want := m.has(text), m.re.MatchString(text); got != want {
					t.Fatalf("has(%q) = %v, the regexp says %v", text, got, want)
				}
				if got, want := m.scrub(text), m.re.ReplaceAllString(text, Mask); got != want {
					t.Fatalf("scrub(%q) = %q, want %q", text, got, want)
				}
			}
		}
	})
}

// BenchmarkHasWebhookBody: kvkk_has on a row that does not hold the person, the common case of an
// erasure's scan (a stored 1.5 KB webhook body of someone else).
func BenchmarkHasWebhookBody(b *testing.B) {
	s := &Subject{Names: []string{"Işıl İnce"}, Phones: []string{"+90 532 987 65 43"}, Emails: []string{"Isil@Ornek.com"}}
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",` +
		`"contacts":[{"profile":{"name":"Mehmet \u00d6zt\u00fcrk"},"wa_id":"905331234567"}],"messages":[{"from":"905331234567",` +
		`"id":"wamid.HBgMOTA1MzMxMjM0NTY3FQIAEhggQ0Y","timestamp":"1735689600","type":"text","text":{"body":"` +
		strings.Repeat("Merhaba, 120 m2 mermer zemin için fiyat alabilir miyim? Adres Kadıköy. ", 16) + `"}}]},"field":"messages"}]}]}`
	m := matcherFor(s.Spec())
	b.Run("quick", func(b *testing.B) {
		for b.Loop() {
			if m.has(body) {
				b.Fatal("matched")
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			if m.re.MatchString(body) {
				b.Fatal("matched")
			}
		}
	})
}
