package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// registerFuncs are the register templates' helpers (wired in templateFuncs).
func registerFuncs() template.FuncMap {
	funcs := template.FuncMap{}
	funcs["reghours"] = regHours
	funcs["regstrs"] = func(v ...string) []string { return v }
	funcs["regfield"] = func(p *Page, field, typ string, required bool) regField {
		f := regField{Page: p, Field: field, Type: typ, Required: required}
		switch field {
		case "cpe", "purl", "tags", "rto_hours", "rpo_hours":
			f.Help = "reg.help." + field
		}
		return f
	}
	funcs["regaxis"] = func(p *Page, field string, labels []vaern.LevelLabel) regAxis {
		return regAxis{Page: p, Field: field, Labels: labels, Optional: strings.HasPrefix(field, "residual")}
	}
	funcs["regpd"] = func(pd int) []string {
		var out []string
		for _, c := range vaern.PDCategories {
			if pd&c.Bit != 0 {
				out = append(out, c.Key)
			}
		}
		return out
	}
	funcs["reglabel"] = func(l vaern.LevelLabel, lang string) string { return l.In(lang) }
	funcs["regid"] = func(n int64) string { return strconv.FormatInt(n, 10) }
	funcs["regitoa"] = strconv.Itoa
	funcs["reghas"] = func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	funcs["reglevel"] = func(m vaern.RiskMatrix, l, c int) string { return m.Level(l, c) }
	funcs["regrev"] = func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = n - i
		}
		return out
	}
	funcs["regupto"] = func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	funcs["regcell"] = func(h *register.HeatMap, l, c int) int {
		if h == nil || l < 1 || c < 1 || l > len(h.Cells) || c > len(h.Cells[l-1]) {
			return 0
		}
		return h.Cells[l-1][c-1]
	}
	funcs["reglvl"] = func(labels []vaern.LevelLabel, n int, lang string) string {
		if n < 1 || n > len(labels) {
			return "–"
		}
		return labels[n-1].In(lang)
	}
	return funcs
}

// regAxis is a level select of the risk matrix, for the reg-levels template.
type regAxis struct {
	Page     *Page
	Field    string
	Labels   []vaern.LevelLabel
	Optional bool
}

// regField is a text input of the system form, for the reg-text template.
type regField struct {
	Page     *Page
	Field    string
	Type     string
	Required bool
	Help     string
}

// regRiskCreate adds an assessment to the {id} system.
func (s *Server) regRiskCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	sys, err := s.regOwnSystem(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	ra := riskFromForm(r, vaern.RiskAssessment{})
	ra.SystemID = sys.ID
	ra, err = s.st.CreateRiskAssessment(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, ra)
	if err != nil {
		s.refill(w, r, err, "register_system", true, func() (*Page, error) { return s.regSystemPage(w, r) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/risks/%d", ra.ID), "flash.reg_risk_created")
}

// riskFromForm reads the assessment form over cur: a field the post does not send keeps cur's value.
func riskFromForm(r *http.Request, cur vaern.RiskAssessment) vaern.RiskAssessment {
	f := r.PostForm
	n := func(k string, c int) int { v, _ := formInt(f, k, int64(c)); return int(v) }
	return vaern.RiskAssessment{Threat: formValue(f, "threat", cur.Threat), Scenario: formValue(f, "scenario", cur.Scenario),
		Likelihood: n("likelihood", cur.Likelihood), Consequence: n("consequence", cur.Consequence),
		ResidualLikelihood: n("residual_likelihood", cur.ResidualLikelihood), ResidualConsequence: n("residual_consequence", cur.ResidualConsequence),
		ReviewMonths: n("review_months", cur.ReviewMonths)}
}

type regRiskData struct {
	Risk    regRisk
	System  vaern.ITSystem
	Matrix  vaern.RiskMatrix
	Threats []vaern.Threat
	People  []vaern.Member
	MayEdit bool
	Now     time.Time
}

func (s *Server) regRiskPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	ra, err := s.st.RiskAssessment(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	sys, err := s.st.System(ctx, p.Org.ID, ra.SystemID)
	if err != nil {
		return nil, err
	}
	m, _, err := s.st.RiskMatrix(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "reg.risk.title", nil)
	risks, own, err := s.regRisks(r, p.Org.ID, []vaern.RiskAssessment{ra}, m, pg.L.Lang)
	if err != nil {
		return nil, err
	}
	pg.Data = regRiskData{Risk: risks[0], System: sys, Matrix: m, Threats: append(register.Threats(pg.L.Lang), own...), People: people,
		MayEdit: vaern.Can(p.Role, vaern.PermEditRegister) && store.MayEditSystem(p.Actor(""), sys), Now: s.st.Now()}
	f := pg.Form
	f.Set("threat", ra.Threat)
	f.Set("scenario", ra.Scenario)
	f.Set("likelihood", strconv.Itoa(ra.Likelihood))
	f.Set("consequence", strconv.Itoa(ra.Consequence))
	f.Set("residual_likelihood", strconv.Itoa(ra.ResidualLikelihood))
	f.Set("residual_consequence", strconv.Itoa(ra.ResidualConsequence))
	f.Set("review_months", strconv.Itoa(ra.ReviewMonths))
	if p.User.Name != "" {
		f.Set("accepted_by", p.User.Name)
	}
	return pg, nil
}

func (s *Server) regRisk(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_risk", s.regRiskPage)
}

// regRiskAction runs a change on the {id} assessment and answers like a form post.
func (s *Server) regRiskAction(w http.ResponseWriter, r *http.Request, flash string, fn func(p *vaern.Principal, id int64) error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	if err := fn(p, id); err != nil {
		s.refill(w, r, err, "register_risk", true, func() (*Page, error) { return s.regRiskPage(w, r) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/risks/%d", id), flash)
}

func (s *Server) regRiskUpdate(w http.ResponseWriter, r *http.Request) {
	s.regRiskAction(w, r, "flash.saved", func(p *vaern.Principal, id int64) error {
		cur, err := s.st.RiskAssessment(r.Context(), p.Org.ID, id)
		if err != nil {
			return err
		}
		ra := riskFromForm(r, cur)
		ra.ID = id
		return s.st.UpdateRiskAssessment(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, ra)
	})
}

func (s *Server) regRiskAccept(w http.ResponseWriter, r *http.Request) {
	s.regRiskAction(w, r, "flash.reg_risk_accepted", func(p *vaern.Principal, id int64) error {
		return s.st.AcceptRisk(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, r.PostForm.Get("accepted_by"), p.User.ID, r.PostForm.Get("accept_reason"))
	})
}

func (s *Server) regTreatmentCreate(w http.ResponseWriter, r *http.Request) {
	s.regRiskAction(w, r, "flash.reg_treatment_added", func(p *vaern.Principal, id int64) error {
		owner, _ := strconv.ParseInt(r.PostForm.Get("owner"), 10, 64)
		due, ok := register.ParseDate(r.PostForm.Get("due"))
		if !ok {
			return vaern.Invalid("due", "is not a date")
		}
		_, err := s.st.AddTreatment(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, vaern.Treatment{Title: r.PostForm.Get("title"), OwnerID: owner, Due: due})
		return err
	})
}

func (s *Server) regRiskDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ra, err := s.st.RiskAssessment(r.Context(), p.Org.ID, id)
	if err == nil {
		err = s.st.DeleteRiskAssessment(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/systems/%d#risks", ra.SystemID), "flash.reg_risk_deleted")
}

func (s *Server) regTreatmentDone(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	aid, err := s.st.TreatmentAssessment(r.Context(), p.Org.ID, id)
	if err == nil {
		err = s.st.SetTreatmentDone(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, r.PostForm.Get("done") != "0")
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/risks/%d#treatments", aid), "flash.saved")
}

// ---- threats ----

type regThreatsData struct {
	Builtin []vaern.Threat
	Own     []vaern.Threat
}

func (s *Server) regThreatsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	own, err := s.st.OwnThreats(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "reg.threats.title", nil)
	pg.Data = regThreatsData{Builtin: register.Threats(pg.L.Lang), Own: own}
	return pg, nil
}

func (s *Server) regThreats(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_threats", s.regThreatsPage)
}

func (s *Server) regThreatCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	_, err := s.st.CreateThreat(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, r.PostForm.Get("threat_title"), r.PostForm.Get("threat_description"))
	if err != nil {
		s.refill(w, r, err, "register_threats", true, func() (*Page, error) { return s.regThreatsPage(w, r) })
		return
	}
	s.redirect(w, r, "/register/threats", "flash.reg_threat_created")
}

// ---- risk matrix ----

type regMatrixData struct {
	Matrix    vaern.RiskMatrix
	Reference vaern.RiskMatrix
	Own       bool
	Centre    bool
	Sizes     []int
}

func (s *Server) regMatrixPage(w http.ResponseWriter, r *http.Request, edit *vaern.RiskMatrix) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	ref, err := s.st.ReferenceMatrix(ctx)
	if err != nil {
		return nil, err
	}
	m, own, err := s.st.RiskMatrix(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	if edit != nil {
		m = *edit
	}
	if !p.Org.IsCentre() && len(m.LikelihoodMap) != len(m.Likelihood) {
		m.LikelihoodMap = register.DefaultMap(len(m.Likelihood), len(ref.Likelihood))
	}
	if !p.Org.IsCentre() && len(m.ConsequenceMap) != len(m.Consequence) {
		m.ConsequenceMap = register.DefaultMap(len(m.Consequence), len(ref.Consequence))
	}
	pg := s.page(w, r, "reg.matrix.title", regMatrixData{Matrix: m, Reference: ref, Own: own, Centre: p.Org.IsCentre(),
		Sizes: []int{2, 3, 4, 5, 6, 7, 8, 9, 10}})
	pg.Form.Set("likelihood_levels", strconv.Itoa(len(m.Likelihood)))
	pg.Form.Set("consequence_levels", strconv.Itoa(len(m.Consequence)))
	pg.Form.Set("medium", strconv.Itoa(m.Medium))
	pg.Form.Set("high", strconv.Itoa(m.High))
	pg.Form.Set("critical", strconv.Itoa(m.Critical))
	return pg, nil
}

func (s *Server) regMatrix(w http.ResponseWriter, r *http.Request) {
	pg, err := s.regMatrixPage(w, r, nil)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "register_matrix", pg)
}

// matrixFromForm reads the matrix form. Changing the number of levels ("resize") shows the form
// again with empty rows to fill in, rather than saving.
func matrixFromForm(r *http.Request) (vaern.RiskMatrix, bool) {
	f := r.PostForm
	n := func(k string) int { v, _ := strconv.Atoi(f.Get(k)); return v }
	var m vaern.RiskMatrix
	axis := func(prefix string, levels int) ([]vaern.LevelLabel, []int) {
		levels = min(max(levels, register.MinLevels), register.MaxLevels)
		labels := make([]vaern.LevelLabel, levels)
		mp := make([]int, levels)
		for i := range labels {
			k := fmt.Sprintf("%s_%d_", prefix, i+1)
			labels[i] = vaern.LevelLabel{DA: f.Get(k + "da"), NB: f.Get(k + "nb"), EN: f.Get(k + "en")}
			mp[i] = n(k + "ref")
		}
		return labels, mp
	}
	m.Likelihood, m.LikelihoodMap = axis("likelihood", n("likelihood_levels"))
	m.Consequence, m.ConsequenceMap = axis("consequence", n("consequence_levels"))
	m.Medium, m.High, m.Critical = n("medium"), n("high"), n("critical")
	return m, f.Get("resize") != ""
}

func (s *Server) regMatrixSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	m, resize := matrixFromForm(r)
	if p.Org.IsCentre() {
		m.LikelihoodMap, m.ConsequenceMap = nil, nil
	}
	if resize {
		ref, err := s.st.ReferenceMatrix(r.Context())
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		if !p.Org.IsCentre() {
			m.LikelihoodMap = register.DefaultMap(len(m.Likelihood), len(ref.Likelihood))
			m.ConsequenceMap = register.DefaultMap(len(m.Consequence), len(ref.Consequence))
		}
		pg, err := s.regMatrixPage(w, r, &m)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, "register_matrix", pg)
		return
	}
	if err := s.st.SetRiskMatrix(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, m); err != nil {
		s.refill(w, r, err, "register_matrix", false, func() (*Page, error) { return s.regMatrixPage(w, r, &m) })
		return
	}
	s.redirect(w, r, "/register/matrix", "flash.saved")
}

func (s *Server) regMatrixReset(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := s.st.ResetRiskMatrix(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID); err != nil {
		s.refill(w, r, err, "register_matrix", false, func() (*Page, error) { return s.regMatrixPage(w, r, nil) })
		return
	}
	s.redirect(w, r, "/register/matrix", "flash.reg_matrix_reset")
}
