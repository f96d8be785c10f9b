// Package auth holds the cryptography of signing in: password hashes, random tokens, TOTP codes.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/vaern/vaern"
)

// Argon2id parameters: 19 MiB, 2 passes, 1 lane — the OWASP baseline, which keeps a 2-core server
// able to take a burst of sign-ins without running out of memory.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// CheckPasswordPolicy says what is wrong with a new password, naming the field.
func CheckPasswordPolicy(pw, email string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return vaern.Invalid("password", "must be at least %d characters", MinPasswordLength)
	case len(pw) > 512:
		return vaern.Invalid("password", "is longer than 512 bytes")
	case email != "" && strings.EqualFold(pw, email):
		return vaern.Invalid("password", "must not be the e-mail address")
	}
	return nil
}

// HashPassword returns an encoded argon2id hash: $argon2id$v=19$m=...,t=...,p=...$salt$key.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrBadHash means a stored hash cannot be read.
var ErrBadHash = errors.New("unreadable password hash")

// VerifyPassword checks pw against an encoded hash in constant time.
func VerifyPassword(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 || t > 16 {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the account does not exist, so that a sign-in for an unknown
// e-mail address costs the same time as one for a known address.
var dummyHash, _ = HashPassword("not a real password, only spends the same time")

// SpendVerifyTime runs one verification against a throwaway hash.
func SpendVerifyTime(pw string) { _, _ = VerifyPassword(pw, dummyHash) }

// NewToken returns a random token for a cookie, a link or an API bearer, and its storage hash.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are stored: their SHA-256. Tokens carry 256 random bits, so a fast hash
// is enough; a stolen database does not yield usable tokens.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
