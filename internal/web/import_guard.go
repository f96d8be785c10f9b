package web

import (
	"context"
	"errors"

	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/inputguard"
)

// guardedMessage is the message to show for an import that the input guard refused or whose
// deadline passed (see inputguard.Admit); ok is false for any other error.
func guardedMessage(ctx context.Context, l inputguard.Limits, err error) (string, bool) {
	var ge *inputguard.Error
	if errors.As(err, &ge) {
		return ge.Error(), true
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return l.Err(ctx).Error(), true
	}
	return "", false
}

// asFileProblem turns a refusal by the input guard or a passed deadline into the one problem of
// an uploaded framework or catalogue, so that the page shows it at the file.
func asFileProblem(ctx context.Context, l inputguard.Limits, name string, err error) error {
	if msg, ok := guardedMessage(ctx, l, err); ok {
		return &framework.ValidationError{Problems: []framework.Problem{{File: name, Line: 1, Message: msg}}}
	}
	return err
}
