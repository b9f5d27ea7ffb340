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
