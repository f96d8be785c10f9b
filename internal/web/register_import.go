package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// importResult is what an import's result column holds (shared with the job that runs it).
type importResult = register.ImportReport

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
	ctx, done, err := inputguard.Admit(r.Context(), register.TableLimits, len(b))
	defer done()
	if err == nil {
		_, err = register.ReadTable(b)
	}
	if err == nil {
		err = register.TableLimits.Err(ctx)
	}
	if err != nil {
		pg := s.page(w, r, "reg.import.title", register.Fields)
		pg.Errors = map[string]string{"file": pg.L.T("reg.import.unreadable", importErr(pg.L, err))}
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
	Retrying bool   // an attempt failed or its process stopped; the job tries again
	JobState string // the state of the job that runs the import
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
		s.importProgress(ctx, pg, &d)
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
	out.Contacts = plan.NewContacts[:min(len(plan.NewContacts), register.PlanListMax)]
	for _, e := range plan.Entries {
		switch e.Action {
		case register.PlanCreate:
			if len(out.NewNames) < register.PlanListMax {
				out.NewNames = append(out.NewNames, e.Name)
			}
		case register.PlanUpdate:
			if len(out.Changes) < register.PlanListMax {
				out.Changes = append(out.Changes, register.PlanChange{Row: e.Row, Name: e.Name, Fields: e.Fields})
			}
		default:
			if len(out.SameNames) < register.PlanListMax {
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
	if _, err := s.st.StartImport(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, len(recs)); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.wakeJobs()
	// A small import is done before the answer goes out; a large one shows its progress.
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		time.Sleep(25 * time.Millisecond)
		if j, err := s.st.RegisterImport(ctx, p.Org.ID, id); err != nil || j.Status != store.ImportRunning {
			break
		}
	}
	s.redirect(w, r, to, "")
}

// importProgress fills a running import's progress from its job's row, which every node (and a
// restarted one) reads alike. A job that ended without the import finishing (cancelled, or failed
// after its process died on every attempt) makes the import failed, with the job's reason.
func (s *Server) importProgress(ctx context.Context, pg *Page, d *regImportData) {
	if d.Job.JobID == 0 {
		return
	}
	j, err := s.st.Job(ctx, d.Job.JobID)
	if err != nil {
		return
	}
	if j.ProgressTotal > 0 {
		d.Done, d.Total = j.ProgressDone, j.ProgressTotal
	}
	if d.Total > 0 {
		d.Percent = int(d.Done * 100 / d.Total)
	}
	d.JobState = j.State
	if j.State == store.JobFailed || j.State == store.JobCancelled {
		d.Running = false
		d.Job.Status = store.ImportFailed
		d.Result = importResult{Rows: d.Job.Total, Error: pg.L.T("jobs.import_stopped", pg.L.T("jobs.state."+j.State), j.LastError)}
	} else if j.State == store.JobQueued && j.Attempts > 0 {
		d.Retrying = true
	}
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
	pg := s.page(w, r, "reg.import.title", nil)
	d := regImportData{Job: job, Total: int64(job.Total)}
	if job.Status == store.ImportRunning {
		s.importProgress(r.Context(), pg, &d)
	}
	if d.Job.Status == store.ImportDone {
		d.Done = d.Total
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"status": d.Job.Status, "done": d.Done, "total": d.Total})
}

// awaitJob waits up to d for a job to end, so that short work answers in the same request, and
// returns the job as it is then.
func (s *Server) awaitJob(ctx context.Context, id int64, d time.Duration) store.Job {
	deadline := time.Now().Add(d)
	for {
		j, err := s.st.Job(ctx, id)
		if err != nil || j.State == store.JobDone || j.State == store.JobFailed || j.State == store.JobCancelled || !time.Now().Before(deadline) {
			return j
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// importErr says why a file cannot be read in the reader's language, so the message is not half
// Danish, half English.
func importErr(l *i18n.Localizer, err error) string {
	return register.Translate(err, func(key string) (string, bool) {
		v := l.Maybe(key, "")
		return v, v != ""
	})
}
