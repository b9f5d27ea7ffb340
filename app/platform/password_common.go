package platform

import (
	"strings"
	"unicode/utf8"
)

// commonPasswords are among the most used passwords of eight characters or more (the shorter ones
// are refused for their length): what a guesser tries first, in lists leaked from many sites,
// with the Turkish ones (club names, "sifre", "parola") a guesser of a Turkish business adds.
const commonPasswords = `
password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa$$word
12345678 123456789 1234567890 12345678910 0123456789 87654321 987654321 9876543210
11111111 00000000 12121212 11223344 12341234 123123123 112233445566 1q2w3e4r 1q2w3e4r5t 1qaz2wsx
qwertyui qwerty12 qwerty123 qwerty1234 qwertyuiop qwerty123456 asdfghjk asdfghjkl zxcvbnm1
1qazxsw2 qazwsxedc abcd1234 abc12345 abcdefgh abcdefg1 a1b2c3d4 aa123456 123456aa 1234qwer
iloveyou iloveyou1 sunshine princess football baseball basketball superman batman123 trustno1
welcome1 welcome123 letmein1 letmein123 admin123 admin1234 administrator changeme changeme1
master123 computer internet starwars whatever dragon123 monkey123 michael1 jennifer charlie1
shadow12 secret123 freedom1 mustang1 jordan23 liverpool chelsea1 arsenal1 manchester
1234abcd 12345qwert zaq12wsx q1w2e3r4 q1w2e3r4t5 passpass testtest test1234 test12345 default1
galatasaray galatasaray1 fenerbahce fenerbahce1 besiktas besiktas1 trabzonspor sifre123
sifre1234 parola123 parola1234 turkiye1 istanbul istanbul34 ankara06 izmir35 asdasdasd
qweqweqwe 123qweasd qweasdzxc 1234567a 12345678a a12345678 aaaaaaaa
`

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(commonPasswords) {
		m[w] = true
	}
	return m
}()

// CommonPassword reports whether pw is a password a guesser tries first: one of the most common
// (commonPasswords, letters compared without case), one character repeated ("aaaaaaaa",
// "77777777"), or a run of digits counting up or down ("23456789", "98765432"), or a short
// pattern repeated ("12121212", "abcabcabc").
func CommonPassword(pw string) bool {
	low := strings.ToLower(pw)
	if common[low] {
		return true
	}
	n := utf8.RuneCountInString(low)
	for size := 1; size <= 3; size++ {
		if n%size == 0 && n > size && strings.Repeat(firstRunes(low, size), n/size) == low {
			return true
		}
	}
	up, down := true, true
	for i := 0; i < len(low); i++ {
		c := low[i]
		if c < '0' || c > '9' {
			return false
		}
		if i > 0 {
			up = up && c == low[i-1]+1
			down = down && c+1 == low[i-1]
		}
	}
	return up || down
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
