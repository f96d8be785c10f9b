package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// installationKey reads the key that seals secrets at rest (see internal/store/sealed.go): the
// file named by --secret-key-file, or DIR/secret.key next to the SQLite database of --data, which
// is made on first start (create says whether this command may make it). With neither, secrets
// are stored as given, and nil is returned.
func (d *dbFlags) installationKey(create bool) ([]byte, error) {
	path := d.secretKey
	if path == "" && d.data != "" && d.database == "" {
		path = filepath.Join(d.data, "secret.key")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if !create {
				return nil, nil
			}
			return makeKeyFile(path)
		}
	}
	if path == "" {
		return nil, nil
	}
	return readKeyFile(path)
}

// readKeyFile reads a key of 32 raw bytes or their base64 (standard or URL alphabet, with or
// without padding, surrounding white space ignored).
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if len(b) == 32 {
		return b, nil
	}
	t := bytes.TrimSpace(b)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(string(t)); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, fmt.Errorf("secret key %s: must hold 32 bytes, raw or base64 (make one with: head -c 32 /dev/urandom | base64 > %s)", path, path)
}

func makeKeyFile(path string) ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // another process made it first
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return k, nil
}
