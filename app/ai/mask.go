package ai

import (
	"math/big"
	"regexp"
	"strings"
)

var (
	reMaskEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	reMaskIBAN  = regexp.MustCompile(`\b[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]{4}){2,7}(?:\s?[A-Za-z0-9]{1,4})?\b`)
	// reDigitRun finds digit groups that may be separated by spaces, dashes, dots or brackets.
	reDigitRun = regexp.MustCompile(`\+?\(?\d[\d\s().-]{8,}\d`)
)

// Mask redacts personal data before any text leaves the server (privacy_profile=masked): e-mail
// addresses, IBANs (mod-97 checked), card numbers (Luhn checked), Turkish ID numbers (TCKN
// checksum) and phone numbers. Checksums keep ordinary numbers (areas, prices) readable.
func Mask(s string) string {
	s = reMaskEmail.ReplaceAllString(s, "[email]")
	s = reMaskIBAN.ReplaceAllStringFunc(s, func(m string) string {
		if ValidIBAN(m) {
			return "[iban]"
		}
		return m
	})
	return reDigitRun.ReplaceAllStringFunc(s, func(m string) string {
		d := onlyDigits(m)
		switch {
		case len(d) == 11 && ValidTCKN(d):
			return "[tckn]"
		case len(d) >= 13 && len(d) <= 19 && Luhn(d):
			return "[card]"
		case len(d) >= 10 && len(d) <= 15:
			return "[phone]"
		}
		return m
	})
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ValidTCKN checks a Turkish national ID number: 11 digits, no leading zero, two check digits.
func ValidTCKN(d string) bool {
	if len(d) != 11 || d[0] == '0' {
		return false
	}
	n := make([]int, 11)
	for i := range d {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		n[i] = int(d[i] - '0')
	}
	odd := n[0] + n[2] + n[4] + n[6] + n[8]
	even := n[1] + n[3] + n[5] + n[7]
	if ((odd*7-even)%10+10)%10 != n[9] {
		return false
	}
	sum := 0
	for _, v := range n[:10] {
		sum += v
	}
	return sum%10 == n[10]
}

// Luhn checks a card number's check digit.
func Luhn(d string) bool {
	sum, alt := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		v := int(c - '0')
		if alt {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		alt = !alt
	}
	return len(d) > 0 && sum%10 == 0
}

// ValidIBAN checks an IBAN with the ISO 13616 mod-97 rule (spaces allowed).
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	var b strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}
