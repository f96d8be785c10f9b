package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// importProgress tracks imports running on this node, keyed by store and import id. The database
// holds the outcome; how far a running import has come is known to the node that runs it.
var importProgress sync.Map

type progressKey struct {
	st *store.Store
	id int64
}

type progress struct{ done, total atomic.Int64 }

// importResult is what an import's result column holds: the dry run's problems and counts, or
// what the import did.
type importResult struct {
	Rows      int                `json:"rows"`
	New       int                `json:"new"`
	Update    int                `json:"update"`
	Problems  []register.Problem `json:"problems,omitempty"`
	Created   int                `json:"created"`
	Updated   int                `json:"updated"`
	Unchanged int                `json:"unchanged"`
	Error     string             `json:"error,omitempty"`
	// The dry run's plan: the systems an import will create, update (with the fields it changes)
	// and leave unchanged, at most planListMax of each.
	Same      int         `json:"same"`
	NewNames  []string    `json:"new_names,omitempty"`
	Changes   []regChange `json:"changes,omitempty"`
	SameNames []string    `json:"same_names,omitempty"`
	Checked   bool        `json:"checked"` // the counts come from a plan (not from an older dry run)
}

// regChange is a system the import will update, with the fields that change.
type regChange struct {
	Row    int      `json:"row"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	Labels []string `json:"-"`
}

// planListMax bounds the names the dry-run page lists per kind; the counts are always whole.
const planListMax = 500

func (s *Server) regImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "register_import", s.page(w, r, "reg.import.title", register.Fields))
}

func (s *Server) regImportUpload(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	again := func(err error) {
		s.refill(w, r, err, "register_import", false, func() (*Page, error) {
			return s.page(w, r, "reg.import.title", register.Fields), nil
		})
	}
	b, name, err := regUpload(r, "file")
	if err != nil {
		again(err)
		return
	}
	if _, err := register.ReadTable(b); err != nil {
		pg := s.page(w, r, "reg.import.title", register.Fields)
		pg.Errors = map[string]string{"file": pg.L.T("reg.import.unreadable", err.Error())}
		pg.Error = pg.L.T("form.has_errors")
		s.render(w, r, http.StatusUnprocessableEntity, "register_import", pg)
		return
	}
	id, err := s.st.CreateImport(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, name, b)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/import/%d", id), "")
}

// RegColumn is one column of an uploaded file on the mapping step.
type RegColumn struct {
	Index   int
	Header  string
	Sample  []string
	Mapping string
}

// RegProblem is a dry-run problem with its translated reason.
type RegProblem struct {
	Row    int
	Column string
	Reason string
}

type regImportData struct {
	Job      store.ImportJob
	Columns  []RegColumn
	Fields   []register.Field
	Result   importResult
	Problems []RegProblem
	Done     int64
	Total    int64
	Percent  int
	Running  bool
}

func (s *Server) regImportPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	job, err := s.st.RegisterImport(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	tab, err := register.ReadTable(job.Data)
	if err != nil {
		return nil, err
	}
	mapping := job.Mapping
	if len(mapping) != len(tab.Header) {
		mapping = register.GuessMapping(tab.Header)
	}
	d := regImportData{Job: job, Fields: register.Fields}
	for i, h := range tab.Header {
		c := RegColumn{Index: i, Header: h, Mapping: mapping[i]}
		for _, row := range tab.Rows[:min(3, len(tab.Rows))] {
			if i < len(row) {
				c.Sample = append(c.Sample, row[i])
			}
		}
		d.Columns = append(d.Columns, c)
	}
	if job.Result != "" {
		_ = json.Unmarshal([]byte(job.Result), &d.Result)
	}
	pg := s.page(w, r, "reg.import.title", nil)
	for _, pr := range d.Result.Problems {
		d.Problems = append(d.Problems, RegProblem{Row: pr.Row, Column: pr.Column, Reason: pg.L.Maybe("reg.problem."+pr.Code, "")})
		last := &d.Problems[len(d.Problems)-1]
		if last.Reason == "" {
			last.Reason = pr.Reason()
		} else if pr.Value != "" {
			last.Reason = fmt.Sprintf(last.Reason, pr.Value)
		}
	}
	for i := range d.Result.Changes {
		c := &d.Result.Changes[i]
		for _, f := range c.Fields {
			c.Labels = append(c.Labels, register.FieldLabel(f, pg.L.Lang))
		}
	}
	if job.Status == store.ImportRunning {
		d.Running = true
		d.Total = int64(job.Total)
		if v, ok := importProgress.Load(progressKey{s.st, job.ID}); ok {
			pr := v.(*progress)
			d.Done, d.Total = pr.done.Load(), pr.total.Load()
		}
		if d.Total > 0 {
			d.Percent = int(d.Done * 100 / d.Total)
		}
	}
	pg.Data = d
	return pg, nil
}

func (s *Server) regImportJob(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_import_job", s.regImportPage)
}

// regImportCheck runs the dry run with the chosen mapping: it writes nothing to the register.
func (s *Server) regImportCheck(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	job, err := s.st.RegisterImport(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if job.Status == store.ImportRunning || job.Status == store.ImportDone {
		s.redirect(w, r, fmt.Sprintf("/register/import/%d", id), "")
		return
	}
	tab, err := register.ReadTable(job.Data)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	mapping := make([]string, len(tab.Header))
	for i := range mapping {
		mapping[i] = r.PostForm.Get("col" + strconv.Itoa(i))
	}
	res, err := s.dryRun(ctx, p.Org.ID, tab, mapping)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	b, _ := json.Marshal(res)
	if err := s.st.UpdateImport(ctx, p.Org.ID, id, mapping, store.ImportChecked, len(tab.Rows), string(b)); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/import/%d#result", id), "")
}

func (s *Server) dryRun(ctx context.Context, orgID int64, tab *register.Table, mapping []string) (importResult, error) {
	res, err := s.st.Resolver(ctx, orgID)
	if err != nil {
		return importResult{}, err
	}
	recs, probs := register.Check(tab, mapping, res, nil)
	out := importResult{Rows: len(tab.Rows), Problems: probs}
	if len(probs) > 0 {
		return out, nil
	}
	plan, err := s.st.PlanImport(ctx, orgID, recs)
	if err != nil {
		return out, err
	}
	out.New, out.Update, out.Same, out.Checked = plan.Created, plan.Updated, plan.Unchanged, true
	for _, e := range plan.Entries {
		switch e.Action {
		case register.PlanCreate:
			if len(out.NewNames) < planListMax {
				out.NewNames = append(out.NewNames, e.Name)
			}
		case register.PlanUpdate:
			if len(out.Changes) < planListMax {
				out.Changes = append(out.Changes, regChange{Row: e.Row, Name: e.Name, Fields: e.Fields})
			}
		default:
			if len(out.SameNames) < planListMax {
				out.SameNames = append(out.SameNames, e.Name)
			}
		}
	}
	return out, nil
}

// regImportRun starts the import of a clean dry run. It runs in the background, so that a long
// import shows its progress; the import itself is one transaction, all or nothing.
func (s *Server) regImportRun(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	job, err := s.st.RegisterImport(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	to := fmt.Sprintf("/register/import/%d", id)
	if job.Status != store.ImportChecked {
		s.refill(w, r, vaern.Invalid("import", "run the check first"), "register_import_job", false, func() (*Page, error) { return s.regImportPage(w, r) })
		return
	}
	tab, err := register.ReadTable(job.Data)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// The register may have changed since the dry run: check again right before writing.
	res, err := s.st.Resolver(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	recs, probs := register.Check(tab, job.Mapping, res, nil)
	if len(probs) > 0 {
		b, _ := json.Marshal(importResult{Rows: len(tab.Rows), Problems: probs})
		if err := s.st.UpdateImport(ctx, p.Org.ID, id, job.Mapping, store.ImportChecked, len(tab.Rows), string(b)); err != nil {
			s.failErr(w, r, err)
			return
		}
		s.redirect(w, r, to+"#result", "")
		return
	}
	if err := s.st.UpdateImport(ctx, p.Org.ID, id, job.Mapping, store.ImportRunning, len(recs), ""); err != nil {
		s.failErr(w, r, err)
		return
	}
	pr := &progress{}
	pr.total.Store(int64(len(recs)))
	key := progressKey{s.st, id}
	importProgress.Store(key, pr)
	actor := p.Actor(s.clientIP(r))
	orgID, source := p.Org.ID, job.Filename
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// Keep the progress a little after the end, for a page that asks just then.
			time.AfterFunc(time.Minute, func() { importProgress.Delete(key) })
		}()
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Minute)
		defer cancel()
		result, err := s.st.ImportSystems(bg, actor, orgID, recs, source, func(d, t int) { pr.done.Store(int64(d)) })
		out := importResult{Rows: len(recs), Created: result.Created, Updated: result.Updated, Unchanged: result.Unchanged}
		status := store.ImportDone
		if err != nil {
			s.log.Error("register import", "import", id, "err", err)
			status, out = store.ImportFailed, importResult{Rows: len(recs), Error: err.Error()}
		}
		b, _ := json.Marshal(out)
		if err := s.st.UpdateImport(bg, orgID, id, job.Mapping, status, len(recs), string(b)); err != nil {
			s.log.Error("register import: record outcome", "import", id, "err", err)
		}
	}()
	// A small import is done before the answer goes out; a large one shows its progress.
	select {
	case <-done:
	case <-time.After(1500 * time.Millisecond):
	}
	s.redirect(w, r, to, "")
}

// regImportProgress answers how far an import has come, for the page's script.
func (s *Server) regImportProgress(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	job, err := s.st.RegisterImport(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	out := map[string]any{"status": job.Status, "done": 0, "total": job.Total}
	if v, ok := importProgress.Load(progressKey{s.st, id}); ok {
		pr := v.(*progress)
		out["done"], out["total"] = pr.done.Load(), pr.total.Load()
	}
	if job.Status == store.ImportDone {
		out["done"] = job.Total
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
