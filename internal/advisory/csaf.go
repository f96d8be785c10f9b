package advisory

import (
	"context"
	"errors"
)

func parseCSAF(ctx context.Context, name string, data []byte, opt Options) (Result, error) {
	return Result{}, &Error{File: name, Message: "CSAF import is not implemented yet", Err: errors.ErrUnsupported}
}
