package conversions

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"

	"highvibe/app/inbox"
)

// The user data the platforms match on is normalized and then hashed with SHA-256 (lower-case hex)
// on this server; the raw e-mail, phone and name never leave it. The rules are the platforms'
// documented ones:
//
//   - e-mail (all three): leading and trailing whitespace removed, then lower-cased. Lower-casing
//     is ASCII only (A–Z → a–z), the way the platforms' server SDKs lower-case: a Turkish dotted
//     capital İ in an address stays İ. Unicode lower-casing would turn it into "i" (Go) or
//     "i̇" (i + combining dot, JavaScript and Python), three different hashes for one address; a
//     Turkish-locale lower-casing would even turn an ordinary I into the dotless ı and break every
//     "INFO@…" address. Google additionally asks that dots before the @ of gmail.com and
//     googlemail.com addresses be removed (NormalizeEmailGoogle).
//   - phone: E.164. Meta wants the digits only with the country code and no "+" ("905321234567");
//     Google and TikTok want E.164 with the "+" ("+905321234567"). Spaces, brackets and dashes
//     go, a Turkish national number's leading 0 becomes the country code 90, a 00 prefix is an
//     international one (inbox.NormalizePhone, the same rule that makes one lead of two spellings).
//   - names (Meta fn, ln): lower-cased (Unicode; İ → i), punctuation removed, inner whitespace
//     collapsed; the first word is the first name, the last word the last name.

// Hash is the SHA-256 of s as lower-case hex; "" stays "" (a missing value is not sent).
func Hash(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// asciiLower lower-cases A–Z only.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// NormalizeEmail trims whitespace and lower-cases ASCII letters (Meta, TikTok).
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "@") {
		return ""
	}
	return asciiLower(s)
}

// NormalizeEmailGoogle is NormalizeEmail plus Google's rule for Gmail: the dots before the @ of a
// gmail.com or googlemail.com address are removed.
func NormalizeEmailGoogle(s string) string {
	s = NormalizeEmail(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	if d := s[at+1:]; d == "gmail.com" || d == "googlemail.com" {
		s = strings.ReplaceAll(s[:at], ".", "") + s[at:]
	}
	return s
}

// PhoneDigits is the E.164 number without the "+" (Meta's ph), "" when s is no phone number. s is
// the lead's stored international form (read in the business's country when it was typed); a
// number without its country code is read as Turkish.
func PhoneDigits(s string) string { return strings.TrimPrefix(inbox.NormalizePhone(s, ""), "+") }

// PhoneE164 is the E.164 number with the "+" (Google's and TikTok's), "" when s is no phone number.
func PhoneE164(s string) string { return inbox.NormalizePhone(s, "") }

// NormalizeName lower-cases a name, drops punctuation and collapses whitespace.
func NormalizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// SplitName gives the normalized first and last name of a full name ("Ayşe Nur Yılmaz" → "ayşe",
// "yılmaz"); a single word is a first name only.
func SplitName(full string) (first, last string) {
	w := strings.Fields(NormalizeName(full))
	switch len(w) {
	case 0:
		return "", ""
	case 1:
		return w[0], ""
	}
	return w[0], w[len(w)-1]
}

// FBC builds Meta's click id parameter from an fbclid, in Meta's documented format
// fb.<subdomain index>.<creation time in ms>.<fbclid> with subdomain index 1; "" without fbclid.
func FBC(fbclid string, at time.Time) string {
	if fbclid == "" {
		return ""
	}
	return "fb.1." + strconv.FormatInt(at.UnixMilli(), 10) + "." + fbclid
}

// UserData is a lead's normalized and hashed user data, as each platform wants it.
type UserData struct {
	Email       string // NormalizeEmail, hashed (Meta em, TikTok email)
	EmailGoogle string // NormalizeEmailGoogle, hashed (Google hashed_email)
	Phone       string // PhoneDigits, hashed (Meta ph)
	PhonePlus   string // PhoneE164, hashed (Google hashed_phone_number, TikTok phone)
	First, Last string // SplitName, hashed (Meta fn, ln)
	External    string // the lead's id in this business, hashed (Meta external_id, TikTok external_id)
}

// HashUser prepares the user data of a lead: name, phone and e-mail as typed, and an id that is
// stable for the person in this business (tenant slug and lead id).
func HashUser(name, phone, email, externalID string) UserData {
	fn, ln := SplitName(name)
	return UserData{
		Email: Hash(NormalizeEmail(email)), EmailGoogle: Hash(NormalizeEmailGoogle(email)),
		Phone: Hash(PhoneDigits(phone)), PhonePlus: Hash(PhoneE164(phone)),
		First: Hash(fn), Last: Hash(ln), External: Hash(externalID),
	}
}
