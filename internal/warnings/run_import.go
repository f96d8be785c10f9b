package warnings

import (
	"context"
	"errors"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/store"
)

// ImportStore is what importing an advisory file writes through; *store.Store satisfies it.
type ImportStore interface {
	ImportAdvisories(ctx context.Context, a vaern.Actor, centreID int64, advs []vaern.Advisory, enqueue bool) ([]store.AdvisorySaved, error)
}

// Imported is what one file gave.
type Imported struct {
	Format vaern.AdvisorySource
	Saved  []store.AdvisorySaved
	Failed []advisory.TestFailure // the CSAF mandatory tests imported anyway (with the override)
}

// Changed are the ids of the advisories the import created or changed: those to match.
func (im Imported) Changed() []int64 {
	var out []int64
	for _, s := range im.Saved {
		if s.Created || s.Changed {
			out = append(out, s.ID)
		}
	}
	return out
}

// ImportFile reads one KEV, CVE JSON 5 or CSAF 2.0 file (told apart by content) and stores its
// advisories, published, in one transaction: a file that fails leaves nothing behind. With
// enqueue the store queues their matching in the same transaction (the server); the command
// line matches them itself.
func ImportFile(ctx context.Context, st ImportStore, a vaern.Actor, centreID int64, name string, data []byte, override, enqueue bool) (Imported, error) {
	ctx, done, err := inputguard.Admit(ctx, advisory.Limits, len(data))
	if err != nil {
		return Imported{}, &advisory.Error{File: name, Message: err.Error(), Err: err}
	}
	defer done()
	res, err := advisory.Parse(ctx, name, data, advisory.Options{Override: override})
	if err != nil {
		return Imported{}, err
	}
	for i := range res.Advisories {
		if res.Advisories[i].Raw == nil && res.Format == vaern.SourceCSAF {
			res.Advisories[i].Raw = data
		}
	}
	saved, err := st.ImportAdvisories(ctx, a, centreID, res.Advisories, enqueue)
	if err != nil {
		return Imported{}, err
	}
	return Imported{Format: res.Format, Saved: saved, Failed: res.Failed}, nil
}

// ErrorText words an import error for a line that already names the file: the JSON path, the
// message and the CSAF test, without the file name again.
func ErrorText(err error) string {
	var ae *advisory.Error
	if errors.As(err, &ae) {
		e := *ae
		e.File = ""
		return e.Error()
	}
	return err.Error()
}
