package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/vaern/vaern/internal/store"
)

const jobsUsage = `Usage:
  vaern jobs list [--data DIR | --database URL] [--state STATE] [--kind KIND] [--limit N]
Prints the background jobs, newest first, one line per job: ID KIND STATE ATTEMPTS.
STATE is queued, running, done, failed or cancelled. Centre admins see the same jobs, with their
errors, on the Jobs page (/centre/jobs).`

func cmdJobs(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, jobsUsage)
		if len(args) == 0 {
			return usageErr("jobs: name a subcommand")
		}
		return nil
	}
	if args[0] != "list" {
		return usageErr("jobs: unknown subcommand %q\n%s", args[0], jobsUsage)
	}
	fs := flag.NewFlagSet("vaern jobs list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), jobsUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	state := fs.String("state", "", "only jobs in this state")
	kind := fs.String("kind", "", "only jobs of this kind")
	limit := fs.Int("limit", 1000, "at most this many jobs")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("jobs list: unexpected argument %q", fs.Arg(0))
	}
	switch *state {
	case "", store.JobQueued, store.JobRunning, store.JobDone, store.JobFailed, store.JobCancelled:
	default:
		return usageErr("jobs list: --state %q: use queued, running, done, failed or cancelled", *state)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Jobs(ctx, store.JobFilter{State: *state, Kind: *kind, Limit: *limit})
	if err != nil {
		return fmt.Errorf("jobs list: %w", err)
	}
	for _, j := range list {
		fmt.Fprintf(e.stdout, "%d %s %s %d\n", j.ID, j.Kind, j.State, j.Attempts)
	}
	return nil
}
