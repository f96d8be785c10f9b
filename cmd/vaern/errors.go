package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "vaern:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "vaern:", err)
	return 1
}

// usageErr is a mistake in the command line (exit status 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}
