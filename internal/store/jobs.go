package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Job states. A job that failed an attempt and will be tried again is queued with attempts > 0
// and its last error set.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobDone      = "done"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// DefaultMaxAttempts is how often a job is tried when its options do not say.
const DefaultMaxAttempts = 10

// JobOpts are how a job is enqueued. The zero value runs it now, for the installation, up to
// DefaultMaxAttempts times.
type JobOpts struct {
	// OrgID is the organisation the job works for (0: the installation itself). It scopes who
	// sees the job: the organisation's centre, and the organisation's own pages.
	OrgID int64
	// UniqueKey, when set, lets at most one unfinished job hold the key: enqueueing a second
	// returns the first one's id and enqueues nothing (one KEV sync at a time).
	UniqueKey string
	// KeepUnique keeps the key taken after the job ends, so it is enqueued once and never again
	// (a periodic job's period).
	KeepUnique bool
	// RunAt is when the job becomes due; zero is now.
	RunAt time.Time
	// MaxAttempts is how many attempts the job gets before it is failed (default 10).
	MaxAttempts int
}

// Job is one row of the job table.
type Job struct {
	ID            int64
	Kind          string
	OrgID         int64
	Args          json.RawMessage
	State         string
	Attempts      int
	MaxAttempts   int
	RunAt         time.Time
	LeaseUntil    time.Time
	LockedBy      string
	Key           string
	ProgressDone  int64
	ProgressTotal int64
	LastError     string
	CreatedAt     time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
}

// Lock names one claimed attempt of a job. Everything a worker records about the attempt is
// guarded by it, so a worker whose lease ran out (and whose job another node took over) cannot
// overwrite what the newer attempt does.
func (j Job) Lock() JobLock { return JobLock{ID: j.ID, Worker: j.LockedBy, Attempt: j.Attempts} }

// JobLock identifies a claimed attempt.
type JobLock struct {
	ID      int64
	Worker  string
	Attempt int
}

// ErrLeaseLost is returned when an attempt's lock no longer holds: the job was cancelled, or its
// lease ran out and another worker took it.
var ErrLeaseLost = fmt.Errorf("%w: job lease lost", vaern.ErrConflict)

const jobCols = `id, kind, org_id, args, state, attempts, max_attempts, run_at, lease_until, locked_by, job_key,
	progress_done, progress_total, last_error, created_at, started_at, finished_at`

// jobListCols leaves the arguments out: lists do not show them, and an SBOM's job carries the file.
var jobListCols = strings.Replace(jobCols, "args,", "'{}',", 1)

func scanJob(r scanner) (Job, error) {
	var j Job
	var args string
	var run, lease, c, st, fin int64
	err := r.Scan(&j.ID, &j.Kind, &j.OrgID, &args, &j.State, &j.Attempts, &j.MaxAttempts, &run, &lease, &j.LockedBy, &j.Key,
		&j.ProgressDone, &j.ProgressTotal, &j.LastError, &c, &st, &fin)
	j.Args = json.RawMessage(args)
	j.RunAt, j.LeaseUntil, j.CreatedAt, j.StartedAt, j.FinishedAt = fromMS(run), fromMS(lease), fromMS(c), fromMS(st), fromMS(fin)
	return j, err
}

// EnqueueJob adds a job inside the transaction of what causes it: committed together, or not at
// all. args is stored as JSON. With a unique key that another job holds, nothing is added and
// that job's id is returned.
func (t *Tx) EnqueueJob(ctx context.Context, kind string, args any, o JobOpts) (int64, error) {
	if kind == "" {
		return 0, vaern.Invalid("kind", "is empty")
	}
	b, err := json.Marshal(args)
	if err != nil {
		return 0, fmt.Errorf("job %s: encode args: %w", kind, err)
	}
	if args == nil {
		b = []byte("{}")
	}
	now := t.s.now()
	runAt := o.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	max := o.MaxAttempts
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	var unique any
	if o.UniqueKey != "" {
		unique = o.UniqueKey
	}
	// ON CONFLICT DO NOTHING rather than a failing insert: on PostgreSQL a failed statement
	// would abort the caller's whole transaction.
	var id int64
	err = t.queryRow(ctx, `INSERT INTO jobs (kind, org_id, args, state, max_attempts, run_at, job_key, unique_key, keep_unique, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		kind, o.OrgID, string(b), JobQueued, max, ms(runAt), o.UniqueKey, unique, boolInt(o.KeepUnique), ms(now)).Scan(&id)
	if err == nil {
		return id, nil
	}
	if mapErr(err) != vaern.ErrNotFound || o.UniqueKey == "" {
		return 0, mapErr(err)
	}
	err = t.queryRow(ctx, "SELECT id FROM jobs WHERE unique_key = ?", o.UniqueKey).Scan(&id)
	return id, mapErr(err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EnqueueJob adds a job in a transaction of its own.
func (s *Store) EnqueueJob(ctx context.Context, kind string, args any, o JobOpts) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.EnqueueJob(ctx, kind, args, o)
		return err
	})
	return id, err
}

// ClaimJobs takes up to limit due jobs of the given kinds for worker: queued jobs whose time has
// come, and running jobs whose lease has run out because the process that ran them died. Each
// claim is a compare-and-set on the row, so of several nodes claiming at once only one wins a job.
// A job whose lease ran out on its last attempt is failed instead of claimed again.
func (s *Store) ClaimJobs(ctx context.Context, worker string, kinds []string, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	query := s.rebind(`SELECT ` + jobCols + ` FROM jobs
		WHERE ((state = ? AND run_at <= ?) OR (state = ? AND lease_until <= ?)) AND kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)
		ORDER BY run_at, id LIMIT ?`)
	args := []any{JobQueued, ms(now), JobRunning, ms(now)}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, limit)
	var out []Job
	err := s.Write(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.tx.QueryContext(tx.c(ctx), query, args...)
		due, err := collect(rows, err, scanJob)
		if err != nil {
			return err
		}
		for _, j := range due {
			if j.State == JobRunning && j.Attempts >= j.MaxAttempts {
				msg := fmt.Sprintf("lease expired on attempt %d of %d (the process running it stopped)", j.Attempts, j.MaxAttempts)
				if j.LastError != "" {
					msg += "; before: " + j.LastError
				}
				_, err := tx.exec(ctx, `UPDATE jobs SET state = ?, finished_at = ?, lease_until = 0, last_error = ?,
					unique_key = CASE WHEN keep_unique = 1 THEN unique_key ELSE NULL END
					WHERE id = ? AND state = ? AND attempts = ?`, JobFailed, ms(now), msg, j.ID, JobRunning, j.Attempts)
				if err != nil {
					return err
				}
				continue
			}
			res, err := tx.exec(ctx, `UPDATE jobs SET state = ?, attempts = attempts + 1, lease_until = ?, locked_by = ?, started_at = ?
				WHERE id = ? AND state = ? AND attempts = ?`, JobRunning, ms(now.Add(lease)), worker, ms(now), j.ID, j.State, j.Attempts)
			if err := affected(res, err); err == vaern.ErrNotFound {
				continue // another node was first
			} else if err != nil {
				return err
			}
			j.State, j.Attempts, j.LeaseUntil, j.LockedBy, j.StartedAt = JobRunning, j.Attempts+1, now.Add(lease), worker, now
			out = append(out, j)
		}
		return nil
	})
	return out, err
}

// lockWhere guards an update by the attempt's lock.
const lockWhere = " WHERE id = ? AND state = 'running' AND locked_by = ? AND attempts = ?"

// ExtendJob renews an attempt's lease and records its progress. ErrLeaseLost says the attempt
// should stop: the job was cancelled or taken over.
func (s *Store) ExtendJob(ctx context.Context, l JobLock, until time.Time, done, total int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE jobs SET lease_until = ?, progress_done = ?, progress_total = ?"+lockWhere,
			ms(until), done, total, l.ID, l.Worker, l.Attempt)
		return lost(affected(res, err))
	})
}

func lost(err error) error {
	if err == vaern.ErrNotFound {
		return ErrLeaseLost
	}
	return err
}

// FinishJob marks an attempt's job done inside tx, so that a handler can commit its effect and
// the job's end together (exactly once). A non-kept unique key is released.
func (t *Tx) FinishJob(ctx context.Context, l JobLock, done, total int64) error {
	res, err := t.exec(ctx, `UPDATE jobs SET state = ?, finished_at = ?, lease_until = 0, last_error = '', progress_done = ?, progress_total = ?,
		unique_key = CASE WHEN keep_unique = 1 THEN unique_key ELSE NULL END`+lockWhere,
		JobDone, ms(t.s.now()), done, total, l.ID, l.Worker, l.Attempt)
	return lost(affected(res, err))
}

// FinishJob marks an attempt's job done.
func (s *Store) FinishJob(ctx context.Context, l JobLock, done, total int64) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.FinishJob(ctx, l, done, total) })
}

// FailJob records a failed attempt. With a zero retryAt, or when the job has had all its
// attempts, the job is failed for good and its unique key released; otherwise it is queued again
// for retryAt.
func (s *Store) FailJob(ctx context.Context, l JobLock, msg string, retryAt time.Time) error {
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.s.now()
		// giveUp is decided here, not compared in SQL, so no parameter needs a type inferred.
		giveUp := "attempts >= max_attempts"
		if retryAt.IsZero() {
			giveUp = "1 = 1"
		}
		res, err := tx.exec(ctx, `UPDATE jobs SET last_error = ?, lease_until = 0,
			state = CASE WHEN `+giveUp+` THEN ? ELSE ? END,
			run_at = CASE WHEN `+giveUp+` THEN run_at ELSE CAST(? AS BIGINT) END,
			finished_at = CASE WHEN `+giveUp+` THEN CAST(? AS BIGINT) ELSE 0 END,
			unique_key = CASE WHEN `+giveUp+` AND keep_unique = 0 THEN NULL ELSE unique_key END`+lockWhere,
			msg, JobFailed, JobQueued, ms(retryAt), ms(now), l.ID, l.Worker, l.Attempt)
		return lost(affected(res, err))
	})
}

// RecoverJobs queues again every running job: for a SQLite installation, whose single process is
// the only one that runs jobs, so at start-up every running job belongs to a process that died.
// It returns how many were taken up.
func (s *Store) RecoverJobs(ctx context.Context) (int, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE jobs SET lease_until = 0 WHERE state = ?", JobRunning)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// Job returns one job of the installation (workers, operators).
func (s *Store) Job(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(s.queryRow(ctx, "SELECT "+jobCols+" FROM jobs WHERE id = ?", id))
	return j, mapErr(err)
}

// JobFilter narrows a job list.
type JobFilter struct {
	State string // one of the states, or "" for all
	Kind  string
	Limit int // default 200
}

// Jobs lists the installation's jobs, newest first (vaern jobs list).
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	return s.jobs(ctx, "1 = 1", nil, f)
}

// centreScope is the jobs a centre sees: the installation's own, the centre's and its members'.
const centreScope = "(org_id = 0 OR org_id = ? OR org_id IN (SELECT id FROM orgs WHERE parent_id = ?))"

// CentreJobs lists the jobs a centre's admins see, newest first.
func (s *Store) CentreJobs(ctx context.Context, centreID int64, f JobFilter) ([]Job, error) {
	return s.jobs(ctx, centreScope, []any{centreID, centreID}, f)
}

func (s *Store) jobs(ctx context.Context, scope string, args []any, f JobFilter) ([]Job, error) {
	where := " WHERE " + scope
	if f.State != "" {
		where += " AND state = ?"
		args = append(args, f.State)
	}
	if f.Kind != "" {
		where += " AND kind = ?"
		args = append(args, f.Kind)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, s.rebind("SELECT "+jobListCols+" FROM jobs"+where+" ORDER BY id DESC LIMIT ?"), args...)
	return collect(rows, err, scanJob)
}

// JobCounts counts a centre's jobs by state.
func (s *Store) JobCounts(ctx context.Context, centreID int64) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, s.rebind("SELECT state, COUNT(*) FROM jobs WHERE "+centreScope+" GROUP BY state"), centreID, centreID)
	type pair struct {
		state string
		n     int
	}
	list, err := collect(rows, err, func(r scanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.state, &p.n)
	})
	out := map[string]int{}
	for _, p := range list {
		out[p.state] = p.n
	}
	return out, err
}

// RetryJob queues a failed or cancelled job of the centre again, now, with a fresh set of
// attempts. A job whose unique key another job has taken meanwhile stays as it is (ErrConflict).
func (s *Store) RetryJob(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.s.now()
		res, err := tx.exec(ctx, `UPDATE jobs SET state = ?, attempts = 0, run_at = ?, finished_at = 0, lease_until = 0, locked_by = '',
			unique_key = CASE WHEN job_key = '' THEN unique_key ELSE job_key END
			WHERE id = ? AND state IN (?, ?) AND `+centreScope, JobQueued, ms(now), id, JobFailed, JobCancelled, centreID, centreID)
		if err := affected(res, err); err != nil {
			return tx.jobStateConflict(ctx, centreID, id, mapErr(err))
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "job.retry", ObjectType: "job", ObjectID: id})
	})
}

// CancelJob cancels a queued or running job of the centre. A running attempt notices at its next
// lease renewal and stops; what it committed stays.
func (s *Store) CancelJob(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE jobs SET state = ?, finished_at = ?, lease_until = 0,
			unique_key = CASE WHEN keep_unique = 1 THEN unique_key ELSE NULL END
			WHERE id = ? AND state IN (?, ?) AND `+centreScope, JobCancelled, ms(tx.s.now()), id, JobQueued, JobRunning, centreID, centreID)
		if err := affected(res, err); err != nil {
			return tx.jobStateConflict(ctx, centreID, id, err)
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "job.cancel", ObjectType: "job", ObjectID: id})
	})
}

// jobStateConflict tells a job the centre cannot see (vaern.ErrNotFound) from one whose state
// does not allow the change (vaern.ErrConflict).
func (t *Tx) jobStateConflict(ctx context.Context, centreID, id int64, err error) error {
	if err != vaern.ErrNotFound {
		return err
	}
	var state string
	if e := t.queryRow(ctx, "SELECT state FROM jobs WHERE id = ? AND "+centreScope, id, centreID, centreID).Scan(&state); e != nil {
		return mapErr(e)
	}
	return fmt.Errorf("%w: the job is %s", vaern.ErrConflict, state)
}

// PruneJobs removes finished jobs that ended before cutoff. A periodic job's kept key names its
// period, which is over long before cutoff, so removing it cannot let the period run again.
func (s *Store) PruneJobs(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM jobs WHERE state IN (?, ?, ?) AND finished_at < ?`, JobDone, JobFailed, JobCancelled, ms(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
