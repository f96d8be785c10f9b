package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// NewTOTP creates a TOTP secret for account and returns it with an otpauth:// URL and a QR code as
// a data: URL for the enrolment page.
func NewTOTP(issuer, account string) (secret, uri, qrDataURL string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, SecretSize: 20})
	if err != nil {
		return "", "", "", err
	}
	qr, err := QRDataURL(key)
	return key.Secret(), key.URL(), qr, err
}

// TOTPURI rebuilds the otpauth URL for an existing secret.
func TOTPURI(issuer, account, secret string) (*otp.Key, error) {
	return otp.NewKeyFromURL("otpauth://totp/" + issuer + ":" + account + "?secret=" + secret + "&issuer=" + issuer)
}

// QRDataURL renders the key's QR code as a PNG data: URL.
func QRDataURL(key *otp.Key) (string, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// CheckTOTP accepts the code for now, the step before or the step after (clock drift).
func CheckTOTP(code, secret string, now time.Time) bool {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || secret == "" {
		return false
	}
	ok, err := totp.ValidateCustom(code, secret, now, totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// TOTPCode returns the current code for secret (tests, the demo).
func TOTPCode(secret string, now time.Time) string {
	c, _ := totp.GenerateCode(secret, now)
	return c
}

// NewRecoveryCodes returns n human-typable one-time codes (xxxxx-xxxxx) and their hashes.
func NewRecoveryCodes(n int) (codes, hashes []string) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no look-alikes (0/o, 1/l/i)
	for range n {
		b := make([]byte, 10)
		rand.Read(b)
		var sb strings.Builder
		for i, x := range b {
			if i == 5 {
				sb.WriteByte('-')
			}
			sb.WriteByte(alphabet[int(x)%len(alphabet)])
		}
		c := sb.String()
		codes, hashes = append(codes, c), append(hashes, HashToken(NormalizeRecoveryCode(c)))
	}
	return codes, hashes
}

// NormalizeRecoveryCode makes a typed code comparable: lower case, no spaces, one dash.
func NormalizeRecoveryCode(c string) string {
	c = strings.ToLower(strings.Join(strings.Fields(c), ""))
	c = strings.ReplaceAll(c, "-", "")
	if len(c) == 10 {
		c = c[:5] + "-" + c[5:]
	}
	return c
}
