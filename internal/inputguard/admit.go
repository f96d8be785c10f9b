package inputguard

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/semaphore"
)

// Budget is the memory, in bytes, that all imports running at once in this process may claim
// between them (each claims its file's size times Limits.Expansion). With the server's soft memory
// limit of 768 MiB this keeps imports to a third of it, so a burst of uploads queues instead of
// taking the server down; one import larger than the budget runs alone.
const Budget = 256 << 20

// queueWait is how long an import waits for its share of the budget before it is refused as Busy.
const queueWait = 30 * time.Second

var budget = semaphore.NewWeighted(Budget)

// Admit starts an import of size bytes: it waits for the import's share of the memory budget and
// returns a context that ends after l.Timeout. Call done when the import is over (also on error);
// an error from Admit is an *Error of kind Busy or the context's own error.
func Admit(ctx context.Context, l Limits, size int) (context.Context, func(), error) {
	if err := l.CheckSize(size); err != nil {
		return ctx, func() {}, err
	}
	weight := max(int64(size)*max(l.Expansion, 1), 1)
	weight = min(weight, Budget)
	wctx, cancelWait := context.WithTimeout(ctx, queueWait)
	err := budget.Acquire(wctx, weight)
	cancelWait()
	if err != nil {
		if ctx.Err() != nil {
			return ctx, func() {}, ctx.Err()
		}
		return ctx, func() {}, &Error{Kind: Busy}
	}
	cancel := context.CancelFunc(func() {})
	if l.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, l.Timeout)
	}
	return ctx, func() {
		cancel()
		budget.Release(weight)
	}, nil
}

// Err turns the end of an import's context into the error to show: a deadline that Admit set
// becomes a TimedOut *Error naming the limit; nil while the context is alive.
func (l Limits) Err(ctx context.Context) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: TimedOut, Limit: int64(l.Timeout)}
	}
	return err
}
