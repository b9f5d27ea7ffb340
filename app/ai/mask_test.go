package ai

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// maskCases are real-looking messages from Turkish customers with personal data in them, and what
// the cloud provider may see of each. Every number here is valid by its own rule (Luhn, TCKN
// checksum, IBAN mod 97) unless the case says otherwise; 100 % must match.
var maskCases = []struct{ in, want string }{
	// cards
	{"kart 4111 1111 1111 1111. 80 m²", "kart [card]. 80 m²"},
	{"Kartım 4047 4395 7551 3137, son kullanma 08/27", "Kartım [card], son kullanma 08/27"},
	{"ödemeyi 5735-3799-0751-1637 ile yapacağım", "ödemeyi [card] ile yapacağım"},
	{"Troy kartım: 9792726516761221 taksit olur mu", "Troy kartım: [card] taksit olur mu"},
	{"amex 3720 297299 75283 kabul ediyor musunuz", "amex [card] kabul ediyor musunuz"},
	{"kart numarası\n4820 0182\n6330 4349\nteşekkürler", "kart numarası\n[card]\nteşekkürler"},
	{"4111111111111111 120 m2 laminat için", "[card] 120 m2 laminat için"},
	{"kart: ４０４７　４３９５　７５５１　３１３７ (tam ödeme)", "kart: [card] (tam ödeme)"},
	{"5839.5486.2057.9866 nolu kartla 3 taksit", "[card] nolu kartla 3 taksit"},
	{"Visa 4111 1111 1111 1111 ve 2 adet 60x120 seramik", "Visa [card] ve 2 adet 60x120 seramik"},
	// Turkish ID numbers
	{"TC kimlik no 62601815964, fatura adıma kesilsin", "TC kimlik no [tckn], fatura adıma kesilsin"},
	{"TCKN: 18301661332 doğum 12.03.1985", "TCKN: [tckn] doğum 12.03.1985"},
	{"kimlik numaram 286 091 390 20", "kimlik numaram [tckn]"},
	{"TC:70308246202.", "TC:[tckn]."},
	{"fatura için 91948219968 numaralı kimlik", "fatura için [tckn] numaralı kimlik"},
	{"T.C. 45181909322 - Ahmet Kaya", "T.C. [tckn] - Ahmet Kaya"},
	{"kimlik ٨٨٦٥٧٩٧٥٤٧٦ adresim Konak", "kimlik [tckn] adresim Konak"},
	{"no 10000000147 olan sipariş", "no 10000000147 olan sipariş"},
	// IBANs
	{"IBAN TR83 0006 7052 9170 3423 6671 27 adına Mehmet Demir", "IBAN [iban] adına Mehmet Demir"},
	{"iban: TR450006608426846563212233", "iban: [iban]"},
	{"havale için tr56 0006 0079 2440 2685 9952 89 kullanın", "havale için [iban] kullanın"},
	{"IBAN TR76 0006 0078 6666 1760 3137 21. Açıklamaya sipariş no 4521 yazın", "IBAN [iban]. Açıklamaya sipariş no 4521 yazın"},
	{"hesap TR240006509010928159013962\nalıcı Ayşe Yıldız", "hesap [iban]\nalıcı Ayşe Yıldız"},
	{"IBAN: ＴＲ７４ ０００６ ４０５９ ５７１１ ７７７７ ４１２１ ５４", "IBAN: [iban]"},
	{"Almanya hesabım DE89 3704 0044 0532 0130 00", "Almanya hesabım [iban]"},
	{"İngiltere: GB82 WEST 1234 5698 7654 32 teşekkürler", "İngiltere: [iban] teşekkürler"},
	{"IBAN TR34 0006 1005 1978 6457 8413 26 (yanlış yazdım galiba)", "IBAN TR34 0006 1005 1978 6457 8413 26 (yanlış yazdım galiba)"},
	{"TR930006702803852808414852 / TR130006503888539336338750", "[iban] / [iban]"},
	// phones
	{"beni 0532 123 45 67'den arayın", "beni [phone]'den arayın"},
	{"telefon: +90 (532) 123-45-67", "telefon: [phone]"},
	{"cep 05321234567 akşam 6'dan sonra", "cep [phone] akşam 6'dan sonra"},
	{"(0532) 123 45 67 numaralı telefondan yazıyorum", "[phone] numaralı telefondan yazıyorum"},
	{"sabit hat 0212 555 12 34 dahili 21", "sabit hat [phone] dahili 21"},
	{"no: 532 123 4567 whatsapp var", "no: [phone] whatsapp var"},
	{"0 533 765 43 21 Hasan bey", "[phone] Hasan bey"},
	{"905441112233 numarasına sms atın", "[phone] numarasına sms atın"},
	{"Almanya'daki oğlum +49 151 23456789 arar", "Almanya'daki oğlum [phone] arar"},
	{"yurtdışı 0044 20 7946 0958", "yurtdışı [phone]"},
	{"fiyat 1500\n0532 123 45 67", "fiyat 1500\n[phone]"},
	{"80 m² için 0541.222.33.44 arayın", "80 m² için [phone] arayın"},
	{"رقمي ٠٥٣٢ ١٢٣ ٤٥ ٦٧ شكرا", "رقمي [phone] شكرا"},
	{"tel ０５３２－１２３－４５－６７", "tel [phone]"},
	{"0312 444 55 66 - 0312 444 55 67 iki hat var", "[phone] - [phone] iki hat var"},
	// e-mail
	{"mail: ayse.yilmaz@example.com", "mail: [email]"},
	{"ayşe.yılmaz@örnek.com.tr adresine teklif atın.", "[email] adresine teklif atın."},
	{"e-posta MEHMET_1985@firma.com.tr, tel yok", "e-posta [email], tel yok"},
	{"fatura info＠parke-tas.com adresine", "fatura [email] adresine"},
	{"Ali (ali+teklif@gmail.com) yazdı", "Ali ([email]) yazdı"},
	// several kinds in one message
	{"Ad: Zeynep Arslan\nTC: 42319487592\nTel: 0505 987 65 43\nMail: zeynep@arslan.net", "Ad: Zeynep Arslan\nTC: [tckn]\nTel: [phone]\nMail: [email]"},
	{"TC 84911862582 0532 123 45 67", "TC [tckn] [phone]"},
	{"kapora için IBAN TR83 0006 7052 9170 3423 6671 27, kartla ödersem 4111 1111 1111 1111", "kapora için IBAN [iban], kartla ödersem [card]"},
	{"200 m² villa bahçesi, gri bazalt, 0532 111 22 33, teslim 15 Haziran", "200 m² villa bahçesi, gri bazalt, [phone], teslim 15 Haziran"},
	{"fiyat 1.500.000 - 2.000.000 TL arası, ara beni 0542 555 66 77", "fiyat 1.500.000 - 2.000.000 TL arası, ara beni [phone]"},
	{"kimlik 37601895582 kart 5735 3799 0751 1637 tel 0533 765 43 21", "kimlik [tckn] kart [card] tel [phone]"},
	// ordinary numbers stay
	{"200 m² granit, 8 cm", "200 m² granit, 8 cm"},
	{"60x120 porselen, 45 m2, metrekaresi 850 TL", "60x120 porselen, 45 m2, metrekaresi 850 TL"},
	{"sipariş 2024-0512, 3 palet, 12.03.2025 teslim", "sipariş 2024-0512, 3 palet, 12.03.2025 teslim"},
	{"KDV dahil 12.450,00 TL, 2 taksit", "KDV dahil 12.450,00 TL, 2 taksit"},
	{"Saat 14:30'da 2. kattaki 3 oda, toplam 75 m²", "Saat 14:30'da 2. kattaki 3 oda, toplam 75 m²"},
	{"ölçüler 120 340 560 cm", "ölçüler 120 340 560 cm"},
}

func TestMaskLabelledMessages(t *testing.T) {
	if len(maskCases) < 60 {
		t.Fatalf("%d labelled messages, want 60", len(maskCases))
	}
	ok := 0
	for _, c := range maskCases {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q)\n got %q\nwant %q", c.in, got, c.want)
			continue
		}
		ok++
	}
	t.Logf("%d of %d labelled messages masked as expected", ok, len(maskCases))
}

// leak is a piece of personal data found in a text by the brute-force rules below.
type leak struct{ kind, text string }

// isSepForTest is the set of runes allowed between the digit groups of one number, written out
// again here so the oracle does not share the masker's scanner.
func isSepForTest(r rune) bool { return strings.ContainsRune(" \t\n\r-.()", r) }

var reEmailAfterAt = regexp.MustCompile(`^[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)

// leaks finds, by trying every substring, each card (Luhn), TCKN (checksum), IBAN (mod 97 at the
// country's length), phone and e-mail address in s.
func leaks(s string) []leak {
	orig := []rune(s)
	rs := fold(orig)
	dig := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	letter := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }
	// thousands: a single dot at dot with a digit at other: the number goes on across the dot
	thousands := func(other, dot int) bool { return dot >= 0 && dot < len(rs) && rs[dot] == '.' && dig(other) }
	var out []leak
	for i := range rs {
		if !dig(i) || dig(i-1) {
			continue
		}
		digits, seps := "", 0
		for j := i; j < len(rs) && len(digits) <= 19; j++ {
			switch {
			case dig(j):
				digits += string(rs[j])
				seps = 0
			case isSepForTest(rs[j]):
				if seps++; seps > 3 {
					j = len(rs)
				}
				continue
			default:
				j = len(rs)
				continue
			}
			if dig(j + 1) {
				continue
			}
			text := string(orig[i : j+1])
			switch {
			case len(digits) == 11 && ValidTCKN(digits):
				out = append(out, leak{"tckn", text})
			case len(digits) >= 13 && len(digits) <= 19 && Luhn(digits):
				out = append(out, leak{"card", text})
			case !letter(i-1) && !letter(j+1) && !thousands(i-2, i-1) && !thousands(j+2, j+1) && IsPhone(digits, i > 0 && rs[i-1] == '+'):
				out = append(out, leak{"phone", text})
			}
		}
	}
	ascii := func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	for p := 0; p+4 <= len(rs); p++ {
		if p > 0 && (unicode.IsLetter(rs[p-1]) || unicode.IsDigit(rs[p-1])) {
			continue
		}
		if !ascii(rs[p]) || !ascii(rs[p+1]) || unicode.IsDigit(rs[p]) || unicode.IsDigit(rs[p+1]) || !dig(p+2) || !dig(p+3) {
			continue
		}
		compact := ""
		for q := p; q < len(rs) && len(compact) < 34; q++ {
			if ascii(rs[q]) {
				compact += string(rs[q])
				if n := len(compact); n >= 15 && (IBANLength(compact[:2]) == 0 || IBANLength(compact[:2]) == n) && ValidIBAN(compact) {
					out = append(out, leak{"iban", string(orig[p : q+1])})
				}
			} else if rs[q] != ' ' || q+1 >= len(rs) || !ascii(rs[q+1]) {
				break
			}
		}
	}
	localChar := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._%+-", r)
	}
	for i, r := range rs {
		if r == '@' && i > 0 && localChar(rs[i-1]) {
			if m := reEmailAfterAt.FindString(string(rs[i+1:])); m != "" {
				out = append(out, leak{"email", string(orig[i-1 : i+1+utf8.RuneCountInString(m)])})
			}
		}
	}
	return out
}

// TestLeaksOracle: the oracle itself finds what the labelled messages hold.
func TestLeaksOracle(t *testing.T) {
	for _, c := range maskCases {
		if strings.Contains(c.want, "[") && len(leaks(c.in)) == 0 {
			t.Errorf("oracle finds nothing in %q", c.in)
		}
		if l := leaks(c.want); len(l) > 0 {
			t.Errorf("oracle finds %v in the expected %q", l, c.want)
		}
	}
}

// containsAlone reports whether sub occurs in s with no digit or letter right before or after it:
// the digits of a phone inside a longer number ("10051676122") or glued to a word ("00000000A")
// are no phone, by the oracle's own rule.
func containsAlone(s, sub string) bool {
	glued := func(r rune) bool { return unicode.IsDigit(r) || unicode.IsLetter(r) }
	for i := 0; ; {
		k := strings.Index(s[i:], sub)
		if k < 0 {
			return false
		}
		at := i + k
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[at+len(sub):])
		if !glued(before) && !glued(after) {
			return true
		}
		i = at + 1
	}
}

// FuzzMask: whatever the text, no card, TCKN, IBAN, phone or e-mail address is left in Mask's
// output, and none of those in the input appears there verbatim.
func FuzzMask(f *testing.F) {
	for _, c := range maskCases {
		f.Add(c.in)
	}
	for _, s := range []string{
		"4111 1111 1111 1111 4111 1111 1111 1111", "62601815964 18301661332", "0532 123 45 67 0532 123 45 67",
		"TR83 0006 7052 9170 3423 6671 27 4111111111111111", "a@b.co@c.de", "+((90)) 532-123-45-67", "1.2.3.4.5.6.7.8.9.0.1.2.3",
		"٤١١١١١١١١١١١١١١١", "x4111111111111111y", "tr830006705291703423667127tr830006705291703423667127",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 300 {
			return
		}
		out := Mask(s)
		if l := leaks(out); len(l) > 0 {
			t.Fatalf("Mask(%q) = %q still holds %v", s, out, l)
		}
		for _, l := range leaks(s) {
			// Only a text that is personal data on its own counts: "00000000" after a "+" is a
			// phone, the same digits elsewhere without it are not.
			if len(leaks(l.text)) > 0 && containsAlone(out, l.text) {
				t.Fatalf("Mask(%q) = %q still holds the %s %q", s, out, l.kind, l.text)
			}
		}
	})
}
