package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/results"
)

// resultsFuncs are the results templates' helpers (wired in templateFuncs).
func resultsFuncs() template.FuncMap {
	funcs := template.FuncMap{}
	funcs["list"] = func(v ...string) []string { return v }
	funcs["actionsView"] = func(list []vaern.Action, units map[int64]string, pg *Page) actionsView {
		return actionsView{List: list, UnitName: units, P: pg}
	}
	return funcs
}

// actionsView is what the rs-actions partial shows: a list of tasks.
type actionsView struct {
	List     []vaern.Action
	UnitName map[int64]string
	P        *Page
}

// k is the benchmark's k as the pages state it.
func (s *Server) k() int {
	if s.cfg.BenchmarkK < 1 {
		return report.DefaultK
	}
	return s.cfg.BenchmarkK
}

// storeResult stores an assessment's scoring after it is submitted. A failure is logged and not
// shown: the submission itself succeeded, and closing the round stores the result again.
func (s *Server) storeResult(r *http.Request, orgID, assessmentID int64) {
	if err := results.StoreAssessment(r.Context(), s.st, orgID, assessmentID); err != nil {
		s.log.Error("results: store assessment result", "assessment", assessmentID, "err", err, "request_id", httpx.RequestID(r.Context()))
	}
}

// computeRoundResults computes a closed round's results and anonymous aggregates. A failure is
// logged; the baseline worker retries rounds that have none.
func (s *Server) computeRoundResults(r *http.Request, roundID int64) {
	if err := results.ComputeRound(context.WithoutCancel(r.Context()), s.st, roundID, s.k()); err != nil {
		s.log.Error("results: compute round results", "round", roundID, "err", err, "request_id", httpx.RequestID(r.Context()))
	}
}
