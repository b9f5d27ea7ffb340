package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the ones every authenticator app understands (RFC 6238 defaults).
const (
	totpPeriod = 30
	totpSkew   = 1 // one step either side, for phones whose clock is a little off
	// RecoveryCodes is how many single-use recovery codes an enrolment hands out.
	RecoveryCodes = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is a new TOTP secret with what the profile page shows once: the QR code as a PNG
// data URL (no outside service sees the secret) and the secret in text for typing it in.
type Enrolment struct {
	Secret string
	QR     string // data:image/png;base64,...
	URL    string // otpauth://totp/...
}

// Enrol makes the QR code for secret, or for a new secret when secret is "" (a stored secret
// whose enrolment is not confirmed yet is shown again after a mistyped code).
func Enrol(issuer, account, secret string) (*Enrolment, error) {
	opts := totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	if secret != "" {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
		if err != nil || len(raw) == 0 {
			return nil, fmt.Errorf("auth: stored TOTP secret is not base32")
		}
		opts.Secret = raw
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return nil, err
	}
	return enrolmentOf(key)
}

func enrolmentOf(key *otp.Key) (*Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// CheckTOTP reports the time step whose code matches (within one step of now), or 0. The caller
// refuses a step not newer than the last one used, so a code works once.
func CheckTOTP(secret, code string, now time.Time) int64 {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 || secret == "" {
		return 0
	}
	for _, d := range []int{0, -1, 1} {
		t := now.Add(time.Duration(d*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod
		}
	}
	return 0
}

// TOTPCode is the code of secret at t (tests act as the authenticator app with it).
func TOTPCode(secret string, t time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, t, totpOpts)
	return c
}

// NewRecoveryCodes makes n codes like "k7m2p-x9q4d" (ten letters of 30, about 49 bits each).
func NewRecoveryCodes(n int) []string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
	out := make([]string, n)
	for i := range out {
		raw := make([]byte, 10)
		_, _ = rand.Read(raw)
		var b strings.Builder
		for j, x := range raw {
			if j == 5 {
				b.WriteByte('-')
			}
			b.WriteByte(alphabet[int(x)%len(alphabet)])
		}
		out[i] = b.String()
	}
	return out
}
