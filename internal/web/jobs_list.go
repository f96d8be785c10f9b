package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// jobStates are the Jobs page's filters, in the order shown.
var jobStates = []string{store.JobQueued, store.JobRunning, store.JobFailed, store.JobDone, store.JobCancelled}

// JobRow is one job on the Jobs page.
type JobRow struct {
	store.Job
	Org       string // the organisation it works for; "" for the installation
	Retrying  bool   // queued again after a failed attempt
	CanRetry  bool
	CanCancel bool
}

// JobFilter is one state filter with its count.
type JobFilter struct {
	State   string
	Count   int
	Current bool
}

type jobsData struct {
	Filters []JobFilter
	State   string
	Rows    []JobRow
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "jobs", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		state := r.URL.Query().Get("state")
		known := state == ""
		for _, st := range jobStates {
			known = known || st == state
		}
		if !known {
			state = ""
		}
		counts, err := s.st.JobCounts(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		list, err := s.st.CentreJobs(ctx, p.Org.ID, store.JobFilter{State: state, Limit: 300})
		if err != nil {
			return nil, err
		}
		names := map[int64]string{p.Org.ID: p.Org.Name}
		orgs, err := s.st.Members(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
		d := jobsData{State: state}
		for _, st := range jobStates {
			d.Filters = append(d.Filters, JobFilter{State: st, Count: counts[st], Current: st == state})
		}
		for _, j := range list {
			d.Rows = append(d.Rows, JobRow{Job: j, Org: names[j.OrgID],
				Retrying:  j.State == store.JobQueued && j.Attempts > 0,
				CanRetry:  j.State == store.JobFailed || j.State == store.JobCancelled,
				CanCancel: j.State == store.JobQueued || j.State == store.JobRunning})
		}
		return s.page(w, r, "jobs.title", d), nil
	})
}
