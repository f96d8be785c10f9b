package store

import (
	"context"
	"fmt"

	"github.com/vaern/vaern"
)

// RegisterImportKind is the job kind that runs a checked spreadsheet import; its arguments are
// ImportArgs.
const RegisterImportKind = "register.import"

// ImportArgs say which import a job runs and on whose behalf (for the audit log).
type ImportArgs struct {
	OrgID    int64       `json:"org_id"`
	ImportID int64       `json:"import_id"`
	Actor    vaern.Actor `json:"actor"`
}

// StartImport marks a checked upload running and enqueues the job that imports it, in one
// transaction: an import is never running without a job that will finish it or fail it. The
// import's id is the job's unique key, so an import runs once however often it is started.
func (s *Store) StartImport(ctx context.Context, a vaern.Actor, orgID, id int64, total int) (int64, error) {
	var jobID int64
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		jobID, err = tx.EnqueueJob(ctx, RegisterImportKind, ImportArgs{OrgID: orgID, ImportID: id, Actor: a},
			JobOpts{OrgID: orgID, UniqueKey: fmt.Sprintf("%s:%d", RegisterImportKind, id), MaxAttempts: 3})
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE register_imports SET status = ?, rows_total = ?, result = '', job_id = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status = ?`, ImportRunning, total, jobID, ms(tx.s.now()), orgID, id, ImportChecked)
		if err := affected(res, err); err != nil {
			return fmt.Errorf("%w: the import is not checked and waiting", vaern.ErrConflict)
		}
		return nil
	})
	return jobID, err
}

// SBOMImportKind is the job kind that replaces a system's components with an uploaded SBOM's; its
// arguments are SBOMArgs.
const SBOMImportKind = "register.sbom"

// SBOMArgs carry an uploaded SBOM to its job: the file itself, so that the job needs nothing but
// its row.
type SBOMArgs struct {
	OrgID    int64       `json:"org_id"`
	SystemID int64       `json:"system_id"`
	Source   string      `json:"source"`
	Data     []byte      `json:"data"`
	Actor    vaern.Actor `json:"actor"`
}

// StartSBOMImport enqueues the import of an SBOM for one of the organisation's systems. A foreign
// system is vaern.ErrNotFound, checked in the same transaction.
func (s *Store) StartSBOMImport(ctx context.Context, args SBOMArgs) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM systems WHERE org_id = ? AND id = ?", args.OrgID, args.SystemID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vaern.ErrNotFound
		}
		var err error
		id, err = tx.EnqueueJob(ctx, SBOMImportKind, args, JobOpts{OrgID: args.OrgID, MaxAttempts: 3})
		return err
	})
	return id, err
}
