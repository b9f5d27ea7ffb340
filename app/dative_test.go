package app

import "testing"

// TestDativeTR: the demo's first messages wrote "'ye" after every district ("Darıca'ye",
// "Başakşehir'ye", "Beykoz'ye"); the suffix follows vowel harmony and takes a y after a vowel.
func TestDativeTR(t *testing.T) {
	for in, want := range map[string]string{"Darıca": "Darıca'ya", "Başakşehir": "Başakşehir'e", "Beykoz": "Beykoz'a",
		"Gebze": "Gebze'ye", "Üsküdar": "Üsküdar'a", "Kadıköy": "Kadıköy'e", "Şile": "Şile'ye", "Tuzla": "Tuzla'ya", "Ümraniye": "Ümraniye'ye"} {
		if got := dativeTR(in); got != want {
			t.Errorf("dativeTR(%q) = %q, want %q", in, got, want)
		}
	}
}
