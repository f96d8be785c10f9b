//go:build windows

package ship

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
)

// fileID names a file by its path on Windows, which has no inodes in os.FileInfo: rotation is
// still seen while the shipper runs (os.SameFile), but a file rotated while it was stopped is
// taken as new.
func fileID(f *os.File) (string, error) {
	sum := sha256.Sum256([]byte(f.Name()))
	return "w" + hex.EncodeToString(sum[:6]), nil
}
