package sso

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
)

// SignRS256 signs claims as a compact JWS (RS256) with key id kid and, when typ is not empty, that
// typ header. The demo identity provider signs its ID and logout tokens with it, and the tests
// their forged ones; Værn itself only verifies tokens (go-oidc).
func SignRS256(key *rsa.PrivateKey, kid, typ string, claims any) (string, error) {
	head := map[string]string{"alg": "RS256", "kid": kid}
	if typ != "" {
		head["typ"] = typ
	}
	h, err := json.Marshal(head)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// JWK is an RSA public key as a JSON Web Key (for a provider's jwks_uri).
func JWK(pub *rsa.PublicKey, kid string) map[string]string {
	return map[string]string{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())}
}
