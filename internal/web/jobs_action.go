package web

import (
	"errors"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

func (s *Server) jobRetry(w http.ResponseWriter, r *http.Request) {
	s.jobAction(w, r, "jobs.flash.retried", func(a vaern.Actor, centreID, id int64) error {
		return s.st.RetryJob(r.Context(), a, centreID, id)
	})
}

func (s *Server) jobCancel(w http.ResponseWriter, r *http.Request) {
	s.jobAction(w, r, "jobs.flash.cancelled", func(a vaern.Actor, centreID, id int64) error {
		return s.st.CancelJob(r.Context(), a, centreID, id)
	})
}

// jobAction runs a retry or cancel and returns to the Jobs page. A job that has meanwhile moved
// on (it finished before the cancel arrived) is said so, not treated as an error.
func (s *Server) jobAction(w http.ResponseWriter, r *http.Request, flash string, do func(vaern.Actor, int64, int64) error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := do(p.Actor(s.clientIP(r)), p.Org.ID, id)
	switch {
	case errors.Is(err, vaern.ErrConflict):
		flash = "jobs.flash.moved_on"
	case err != nil:
		s.failErr(w, r, err)
		return
	}
	if flash == "jobs.flash.retried" {
		s.wakeJobs()
	}
	s.redirect(w, r, "/centre/jobs", flash)
}
