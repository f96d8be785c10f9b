package jobs

import (
	"context"

	"github.com/vaern/vaern/internal/results"
)

// computeResults computes the results and anonymous aggregates of every closed round that has none
// (or has them for another k): the rounds this run closed, rounds closed before the results module
// existed, and rounds whose computation failed when they were closed. Computing is idempotent, so
// two nodes doing it at once do no harm. Failures are logged and retried on the next run.
func (w *BaselineWorker) computeResults(ctx context.Context) {
	k := w.BenchmarkK
	if k < 1 {
		k = 5
	}
	ids, err := w.St.RoundsWithoutResults(ctx, k)
	if err != nil {
		w.Log.Error("results: rounds without results", "err", err)
		return
	}
	for _, id := range ids {
		if err := results.ComputeRound(ctx, w.St, id, k); err != nil {
			w.Log.Error("results: compute round results", "round", id, "err", err)
			continue
		}
		w.Log.Info("results: round results computed", "round", id, "k", k)
	}
}
