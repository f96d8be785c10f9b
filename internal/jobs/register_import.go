package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// importRegister is the handler of store.RegisterImportKind: it checks the upload once more
// against the register as it is now and writes it in one transaction, all or nothing. The
// progress goes to the job's row; the outcome to the import. A process killed half-way rolls the
// transaction back, and the job, taken up again, imports the file from the start.
func importRegister(st *store.Store, log *slog.Logger) Kind {
	return Kind{Timeout: 30 * time.Minute, Handle: func(ctx context.Context, run *Run) error {
		var a store.ImportArgs
		if err := run.Decode(&a); err != nil {
			return err
		}
		imp, err := st.RegisterImport(ctx, a.OrgID, a.ImportID)
		if errors.Is(err, vaern.ErrNotFound) {
			return nil // removed meanwhile (uploads are kept a day): nothing to do
		} else if err != nil {
			return err
		}
		if imp.Status != store.ImportRunning || imp.JobID != run.ID {
			return nil
		}
		record := func(status string, rep register.ImportReport) error {
			b, _ := json.Marshal(rep)
			return st.UpdateImport(context.WithoutCancel(ctx), a.OrgID, a.ImportID, imp.Mapping, status, rep.Rows, string(b))
		}
		fail := func(err error) error {
			if rerr := record(store.ImportFailed, register.ImportReport{Rows: imp.Total, Error: err.Error()}); rerr != nil {
				return rerr
			}
			return Permanent(err)
		}
		tab, err := register.ReadTable(imp.Data)
		if err != nil {
			return fail(fmt.Errorf("read %s: %w", imp.Filename, err))
		}
		res, err := st.Resolver(ctx, a.OrgID)
		if err != nil {
			return err
		}
		recs, probs := register.Check(tab, imp.Mapping, res, nil)
		if len(probs) > 0 {
			// The register changed since the dry run: back to the check, with the new problems.
			return record(store.ImportChecked, register.ImportReport{Rows: len(tab.Rows), Problems: probs})
		}
		run.Progress(0, int64(len(recs)))
		out, err := st.ImportSystems(ctx, a.Actor, a.OrgID, recs, imp.Filename, func(d, t int) { run.Progress(int64(d), int64(t)) })
		if err != nil {
			if ctx.Err() != nil {
				return err // stopped (shutdown, cancel, lease lost): the job decides what comes next
			}
			log.Error("register import", "import", a.ImportID, "err", err)
			return fail(err)
		}
		return record(store.ImportDone, register.ImportReport{Rows: len(recs), Created: out.Created, Updated: out.Updated, Unchanged: out.Unchanged})
	}}
}
