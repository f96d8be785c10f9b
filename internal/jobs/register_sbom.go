package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// importSBOM is the handler of store.SBOMImportKind: it replaces the system's components with the
// SBOM's, atomically. A file that cannot be read, or a system that is gone, fails at once.
func importSBOM(st *store.Store) Kind {
	return Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, run *Run) error {
		var a store.SBOMArgs
		if err := run.Decode(&a); err != nil {
			return err
		}
		doc, err := register.ParseSBOM(bytes.NewReader(a.Data))
		if err != nil {
			return Permanent(fmt.Errorf("read SBOM %s: %w", a.Source, err))
		}
		run.Progress(0, int64(len(doc.Components)))
		err = st.ReplaceComponents(ctx, a.Actor, a.OrgID, a.SystemID, doc.Components, doc.Format+" "+a.Source)
		if errors.Is(err, vaern.ErrNotFound) || errors.As(err, new(*vaern.ValidationError)) {
			return Permanent(err)
		}
		if err == nil {
			run.Progress(int64(len(doc.Components)), int64(len(doc.Components)))
		}
		return err
	}}
}
