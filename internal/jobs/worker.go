package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vaern/vaern/internal/store"
)

// Handler does one attempt of a job. Returning nil finishes the job; an error is recorded and the
// job tried again after its backoff, unless the error is Permanent or the attempts are used up.
type Handler func(ctx context.Context, run *Run) error

// Kind describes how jobs of one kind are run.
type Kind struct {
	Handle Handler
	// Timeout bounds one attempt (default 15 minutes).
	Timeout time.Duration
	// Backoff is the wait before attempt n+1 after n failed ones (default Backoff).
	Backoff func(n int) time.Duration
}

// Periodic is a job enqueued once per period, however many nodes run a worker: the period's
// start is part of the job's unique key, which stays taken after the job ends.
type Periodic struct {
	Kind  string
	Every time.Duration
	Args  any
}

// Registry knows the job kinds this process can run and its periodic jobs. It is filled at
// start-up, before the worker runs.
type Registry struct {
	kinds    map[string]Kind
	periodic []Periodic
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]Kind{}} }

// Handle registers the handler of kind. Registering a kind twice is a programming error.
func (r *Registry) Handle(kind string, k Kind) {
	if _, dup := r.kinds[kind]; dup {
		panic("jobs: kind " + kind + " registered twice")
	}
	if k.Handle == nil {
		panic("jobs: kind " + kind + " has no handler")
	}
	r.kinds[kind] = k
}

// Every makes kind a periodic job, run once per period. The kind must have a handler.
func (r *Registry) Every(kind string, every time.Duration, args any) {
	if every <= 0 {
		panic("jobs: periodic " + kind + " needs a period")
	}
	r.periodic = append(r.periodic, Periodic{Kind: kind, Every: every, Args: args})
}

// Kinds lists the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	out := make([]string, 0, len(r.kinds))
	for k := range r.kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PeriodKey is the unique key of kind's run for the period that contains now.
func PeriodKey(kind string, every time.Duration, now time.Time) string {
	return "periodic:" + kind + ":" + strconv.FormatInt(now.Truncate(every).UnixMilli(), 10)
}

// permanent marks an error that retrying cannot cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job fails at once instead of being retried.
func Permanent(err error) error { return permanent{err} }

// Run is one attempt of a job, as its handler sees it.
type Run struct {
	store.Job
	done, total atomic.Int64
	finished    atomic.Bool
}

// Decode reads the job's arguments into v.
func (r *Run) Decode(v any) error {
	if err := json.Unmarshal(r.Args, v); err != nil {
		return Permanent(fmt.Errorf("job %d (%s): arguments: %w", r.ID, r.Kind, err))
	}
	return nil
}

// Progress records how far the attempt has come; the worker writes it to the job's row with the
// next lease renewal, so every node's pages show it.
func (r *Run) Progress(done, total int64) {
	r.done.Store(done)
	r.total.Store(total)
}

// FinishedInTx tells the worker that the handler marked the job done in its own transaction
// (store's Tx.FinishJob), together with its effect.
func (r *Run) FinishedInTx() { r.finished.Store(true) }

// Worker claims due jobs and runs them. Several workers (one per app node) share one database:
// each claim is a compare-and-set on the row, a lease keeps a running job from being taken twice,
// and a job whose lease runs out because its process died is claimed again.
type Worker struct {
	St  *store.Store
	Reg *Registry
	Log *slog.Logger
	// ID names this worker in the rows it claims (default host-pid-random).
	ID string
	// Lease is how long a claim holds without renewal (default 2 minutes); it is renewed every
	// third of it while the job runs.
	Lease time.Duration
	// Poll is how often the worker looks for due jobs when nobody wakes it (default 5 s).
	Poll time.Duration
	// Concurrency is how many jobs run at once (default 4).
	Concurrency int
	// Keep is how long finished jobs stay listed (default 14 days).
	Keep time.Duration
	// NoSchedule leaves the periodic jobs to others (tests that move the store's clock).
	NoSchedule bool

	wake      chan struct{}
	scheduled map[string]string // periodic kind → the last period key enqueued by this worker
	mu        sync.Mutex
	lastPrune time.Time
}

// NewWorker returns a worker over st for the kinds in reg; call Run to start it.
func NewWorker(st *store.Store, reg *Registry, log *slog.Logger) *Worker {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Worker{St: st, Reg: reg, Log: log, ID: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b)),
		Lease: 2 * time.Minute, Poll: 5 * time.Second, Concurrency: 4, Keep: 14 * 24 * time.Hour,
		wake: make(chan struct{}, 1), scheduled: map[string]string{}}
}

// Wake makes the worker look for due jobs now (after something enqueued one).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends. On SQLite, where one process runs the installation, jobs left running
// by a process that died are taken up at once instead of after their lease.
func (w *Worker) Run(ctx context.Context) {
	if w.St.Engine() == store.SQLite {
		if n, err := w.St.RecoverJobs(ctx); err != nil {
			w.Log.Error("jobs: recover", "err", err)
		} else if n > 0 {
			w.Log.Info("jobs: taking up jobs of a stopped process", "count", n)
		}
	}
	sem := make(chan struct{}, max(1, w.Concurrency))
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		w.Schedule(ctx)
		w.prune(ctx)
		for ctx.Err() == nil {
			free := cap(sem) - len(sem)
			if free == 0 {
				break
			}
			claimed, err := w.St.ClaimJobs(ctx, w.ID, w.Reg.Kinds(), w.St.Now(), w.Lease, free)
			if err != nil {
				if ctx.Err() == nil {
					w.Log.Error("jobs: claim", "err", err)
				}
				break
			}
			if len(claimed) == 0 {
				break
			}
			for _, j := range claimed {
				sem <- struct{}{}
				wg.Add(1)
				go func() {
					defer func() { <-sem; wg.Done(); w.Wake() }()
					w.run(ctx, j)
				}()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunDue claims and runs due jobs one at a time until none is due, and returns how many ran
// (tests, and the CLI's one-shot runs).
func (w *Worker) RunDue(ctx context.Context) int {
	n := 0
	for ctx.Err() == nil {
		claimed, err := w.St.ClaimJobs(ctx, w.ID, w.Reg.Kinds(), w.St.Now(), w.Lease, 1)
		if err != nil || len(claimed) == 0 {
			if err != nil {
				w.Log.Error("jobs: claim", "err", err)
			}
			return n
		}
		w.run(ctx, claimed[0])
		n++
	}
	return n
}

// Schedule enqueues the periodic jobs of the current period that this worker has not enqueued
// yet; on several nodes the first one's insert wins and the others' do nothing.
func (w *Worker) Schedule(ctx context.Context) {
	if w.NoSchedule {
		return
	}
	now := w.St.Now()
	for _, p := range w.Reg.periodic {
		key := PeriodKey(p.Kind, p.Every, now)
		w.mu.Lock()
		seen := w.scheduled[p.Kind] == key
		w.mu.Unlock()
		if seen {
			continue
		}
		if _, err := w.St.EnqueueJob(ctx, p.Kind, p.Args, store.JobOpts{UniqueKey: key, KeepUnique: true, MaxAttempts: 3}); err != nil {
			if ctx.Err() == nil {
				w.Log.Error("jobs: schedule", "kind", p.Kind, "err", err)
			}
			continue
		}
		w.mu.Lock()
		w.scheduled[p.Kind] = key
		w.mu.Unlock()
	}
}

func (w *Worker) prune(ctx context.Context) {
	now := w.St.Now()
	if now.Sub(w.lastPrune) < time.Hour {
		return
	}
	w.lastPrune = now
	if _, err := w.St.PruneJobs(ctx, now.Add(-w.Keep)); err != nil && ctx.Err() == nil {
		w.Log.Error("jobs: prune", "err", err)
	}
}

// run does one claimed attempt: it renews the lease (writing the progress) while the handler
// works, stops the handler when the lease is lost, and records the outcome.
func (w *Worker) run(ctx context.Context, j store.Job) {
	k, ok := w.Reg.kinds[j.Kind]
	if !ok {
		return // ClaimJobs only claims registered kinds
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Minute
	}
	r := &Run{Job: j}
	r.Progress(j.ProgressDone, j.ProgressTotal)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		// Progress is written each second when it moved; the lease is renewed every third of it.
		t := time.NewTicker(min(time.Second, max(w.Lease/3, 10*time.Millisecond)))
		defer t.Stop()
		renewed := time.Now()
		lastDone, lastTotal := r.done.Load(), r.total.Load()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				done, total := r.done.Load(), r.total.Load()
				if done == lastDone && total == lastTotal && time.Since(renewed) < w.Lease/3 {
					continue
				}
				err := w.St.ExtendJob(context.WithoutCancel(hctx), j.Lock(), w.St.Now().Add(w.Lease), done, total)
				if errors.Is(err, store.ErrLeaseLost) {
					w.Log.Warn("jobs: lease lost, stopping", "job", j.ID, "kind", j.Kind)
					cancel()
					return
				} else if err != nil && hctx.Err() == nil {
					w.Log.Error("jobs: renew lease", "job", j.ID, "err", err)
					continue
				}
				renewed, lastDone, lastTotal = time.Now(), done, total
			}
		}
	}()
	err := safeHandle(hctx, k.Handle, r)
	cancel()
	<-beat
	// The outcome is recorded even when the worker is stopping: the attempt happened.
	rctx := context.WithoutCancel(ctx)
	if err == nil {
		if r.finished.Load() {
			return
		}
		if ferr := w.St.FinishJob(rctx, j.Lock(), r.done.Load(), r.total.Load()); ferr != nil {
			w.Log.Error("jobs: record done", "job", j.ID, "kind", j.Kind, "err", ferr)
		}
		return
	}
	var retryAt time.Time
	var p permanent
	if !errors.As(err, &p) {
		backoff := k.Backoff
		if backoff == nil {
			backoff = Backoff
		}
		retryAt = w.St.Now().Add(backoff(j.Attempts))
	}
	if j.Attempts >= j.MaxAttempts || retryAt.IsZero() {
		w.Log.Error("jobs: failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
	} else {
		w.Log.Warn("jobs: attempt failed, will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "next", retryAt, "err", err)
	}
	if ferr := w.St.FailJob(rctx, j.Lock(), err.Error(), retryAt); ferr != nil && !errors.Is(ferr, store.ErrLeaseLost) {
		w.Log.Error("jobs: record failure", "job", j.ID, "err", ferr)
	}
}

// safeHandle turns a handler's panic into a failed attempt, so one bad job cannot stop the worker.
func safeHandle(ctx context.Context, h Handler, r *Run) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, r)
}
