//go:build !windows

package ship

import (
	"fmt"
	"os"
	"syscall"
)

// fileID names a file by device and inode, which stay the same when logrotate renames it.
func fileID(f *os.File) (string, error) {
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", fmt.Errorf("ship: cannot identify %s", f.Name())
	}
	return fmt.Sprintf("%x.%x", uint64(st.Dev), uint64(st.Ino)), nil
}
