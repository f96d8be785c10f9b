package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Secrets that Værn must read back in the clear (a TOTP seed, a webhook's signing key, an
// identity provider's client secret, the SAML service provider's private key) are sealed with
// the installation's key before they are written: AES-256-GCM, a fresh nonce per value, and the
// column's name as additional data so that a sealed value cannot be moved to another column. A
// copy of the database alone (a backup, a stolen disk, a read-only SQL injection) then holds no
// usable secret. Passwords and tokens are not here: they are stored as hashes and never read back.
//
// Without a key (Options.SecretKey empty) values are stored as given, as before; a store opened
// with a key seals the plain values it finds (ResealSecrets) and reads both forms.

// sealedPrefix marks a sealed value; what follows is base64url(nonce ‖ ciphertext).
const sealedPrefix = "sealed:v1:"

// ErrNoSecretKey is returned when a sealed value is read by a store opened without the key.
var ErrNoSecretKey = errors.New("a sealed secret was read but no installation key is configured (VAERN_SECRET_KEY_FILE or --secret-key-file)")

// sealedColumns are the columns that hold sealed secrets, as table.column.
var sealedColumns = []string{"users.totp_secret", "webhooks.secret", "identity_providers.client_secret", "identity_providers.sp_key"}

func newSealer(key []byte) (cipher.AEAD, error) {
	if len(key) == 0 {
		return nil, nil
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("open store: the installation key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// SealsSecrets reports whether the store was opened with an installation key.
func (s *Store) SealsSecrets() bool { return s.sealer != nil }

// seal returns v sealed for column (table.column), or v itself without a key. The empty string
// stays empty, so "is there a secret" remains a plain comparison in SQL.
func (s *Store) seal(column, v string) (string, error) {
	if s.sealer == nil || v == "" || strings.HasPrefix(v, sealedPrefix) {
		return v, nil
	}
	nonce := make([]byte, s.sealer.NonceSize(), s.sealer.NonceSize()+len(v)+s.sealer.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal %s: %w", column, err)
	}
	out := s.sealer.Seal(nonce, nonce, []byte(v), []byte(column))
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// unseal reads a value of column written by seal (or stored plain before a key was configured).
func (s *Store) unseal(column, v string) (string, error) {
	if !strings.HasPrefix(v, sealedPrefix) {
		return v, nil
	}
	if s.sealer == nil {
		return "", fmt.Errorf("%s: %w", column, ErrNoSecretKey)
	}
	raw, err := base64.RawURLEncoding.DecodeString(v[len(sealedPrefix):])
	n := s.sealer.NonceSize()
	if err != nil || len(raw) < n {
		return "", fmt.Errorf("%s: the sealed value is damaged", column)
	}
	plain, err := s.sealer.Open(nil, raw[:n], raw[n:], []byte(column))
	if err != nil {
		return "", fmt.Errorf("%s: the sealed value does not open with this installation key (was the key changed?)", column)
	}
	return string(plain), nil
}

// ResealSecrets seals every plain secret in the database with the store's key: run at start-up,
// so an installation that adds a key (or came from a version without sealing) has no plain
// secret left after its first start. It returns how many values it sealed; without a key, 0.
func (s *Store) ResealSecrets(ctx context.Context) (int, error) {
	if s.sealer == nil {
		return 0, nil
	}
	total := 0
	for _, col := range sealedColumns {
		table, column, _ := strings.Cut(col, ".")
		rows, err := s.query(ctx, "SELECT id, "+column+" FROM "+table+" WHERE "+column+" <> '' AND "+column+" NOT LIKE 'sealed:%'")
		type plain struct {
			id int64
			v  string
		}
		list, err := collect(rows, err, func(r scanner) (plain, error) {
			var p plain
			return p, r.Scan(&p.id, &p.v)
		})
		if err != nil {
			return total, fmt.Errorf("reseal %s: %w", col, err)
		}
		if len(list) == 0 {
			continue
		}
		err = s.Write(ctx, func(tx *Tx) error {
			for _, p := range list {
				v, err := s.seal(col, p.v)
				if err != nil {
					return err
				}
				// Only if the value is still the plain one read above: a concurrent change wins.
				if _, err := tx.exec(ctx, "UPDATE "+table+" SET "+column+" = ? WHERE id = ? AND "+column+" = ?", v, p.id, p.v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("reseal %s: %w", col, err)
		}
		total += len(list)
	}
	return total, nil
}
