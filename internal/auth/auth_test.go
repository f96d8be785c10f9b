package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("Rødgrød med fløde 2026")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	if ok, err := VerifyPassword("Rødgrød med fløde 2026", h); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword("Rødgrød med fløde 2025", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("Rødgrød med fløde 2026")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$bcrypt$x", "$argon2id$v=19$m=19456,t=2,p=1$!!$AA"} {
		if _, err := VerifyPassword("x", bad); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	if err := CheckPasswordPolicy("kort", ""); err == nil {
		t.Fatal("short password accepted")
	}
	if err := CheckPasswordPolicy("anna@aarhus.dk", "Anna@Aarhus.dk"); err == nil {
		t.Fatal("e-mail as password accepted")
	}
	if err := CheckPasswordPolicy("lang nok adgangskode", "a@b.dk"); err != nil {
		t.Fatal(err)
	}
}

func TestTOTP(t *testing.T) {
	secret, uri, qr, err := NewTOTP("Værn", "anna@aarhus.dk")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.HasPrefix(qr, "data:image/png;base64,") {
		t.Fatalf("uri %q qr %.30q", uri, qr)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	code := TOTPCode(secret, now)
	if !CheckTOTP(code, secret, now) || !CheckTOTP(code, secret, now.Add(30*time.Second)) {
		t.Fatal("current code refused")
	}
	if CheckTOTP(code, secret, now.Add(5*time.Minute)) {
		t.Fatal("stale code accepted")
	}
	if CheckTOTP("12345", secret, now) {
		t.Fatal("short code accepted")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := NewRecoveryCodes(10)
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatal("wrong count")
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' {
			t.Fatalf("code %q has the wrong shape", c)
		}
		if seen[c] {
			t.Fatal("duplicate code")
		}
		seen[c] = true
		typed := strings.ToUpper(strings.ReplaceAll(c, "-", " "))
		if HashToken(NormalizeRecoveryCode(typed)) != hashes[i] {
			t.Fatalf("typed %q does not match", typed)
		}
	}
}

func TestTokens(t *testing.T) {
	a, ha := NewToken("vaern_")
	b, _ := NewToken("vaern_")
	if a == b || !strings.HasPrefix(a, "vaern_") || HashToken(a) != ha || len(ha) != 64 {
		t.Fatal("token generation is broken")
	}
}
