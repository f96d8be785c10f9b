package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The member's side of the warnings: "warnings for us", one exposure with its explanation and the
// answer forms, one advisory with the member's systems it touches, one system with its advisories.

const wnPageSize = 50

// wnExposure is an exposure with what a page shows of it.
type wnExposure struct {
	store.ExposureView
	Explain string // the evidence in the reader's language
	Overdue bool
	MayAct  bool
}

func (s *Server) wnRows(l *i18n.Localizer, p *vaern.Principal, list []store.ExposureView, mayAct func(store.ExposureView) bool) []wnExposure {
	now := s.st.Now()
	out := make([]wnExposure, len(list))
	for i, x := range list {
		out[i] = wnExposure{ExposureView: x, Explain: wnExplain(l, x.ExposureRow),
			Overdue: !x.Due.IsZero() && x.Due.Before(now) && x.Status.Open()}
		if mayAct != nil {
			out[i].MayAct = mayAct(x)
		}
	}
	return out
}

// wnExplain is the evidence of an exposure in the reader's language.
func wnExplain(l *i18n.Localizer, x store.ExposureRow) string {
	if e, ok := warnings.EvidenceOf(x); ok {
		return warnings.EvidenceText(l.T, e)
	}
	return x.Evidence
}

// wnMayAct reports whether the person may answer an exposure: a coordinator for every system, a
// respondent for those they own (the store checks it again).
func wnMayAct(p *vaern.Principal, x store.ExposureView) bool {
	if !vaern.Can(p.Role, vaern.PermWarningsAct) {
		return false
	}
	return p.Role == vaern.RoleCoordinator || x.SystemOwnerID == p.User.ID
}

type wnListData struct {
	Rows      []wnExposure
	Total     int
	Page      int
	Pages     int
	PrevHref  string
	NextHref  string
	Tiers     []string
	Statuses  []string
	Bench     wnBench
	HasFilter bool
}

func (s *Server) wnList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	q := r.URL.Query()
	tier, err := httpx.ChoiceParam(q, "tier", "", "", "exact", "confirm", "triage")
	if s.badParam(w, r, err) {
		return
	}
	status, err := httpx.ChoiceParam(q, "status", "", "", "open", "all", "new", "acknowledged", "mitigated", "patched", "not_affected", "risk_accepted", "closed")
	if s.badParam(w, r, err) {
		return
	}
	due, err := httpx.ChoiceParam(q, "due", "", "", "overdue", "week")
	if s.badParam(w, r, err) {
		return
	}
	page64, ok := s.intParam(w, r, "page", 1)
	if !ok {
		return
	}
	page := int(min(max(page64, 1), 1<<20))
	f := store.ExposureFilter{Tier: vaern.ExposureTier(tier), Status: status, Due: due, Limit: wnPageSize, Offset: (page - 1) * wnPageSize}
	if q.Get("mine") == "1" {
		f.OwnerID = p.User.ID
	}
	list, total, err := s.st.Exposures(ctx, p.Org.ID, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	bench, err := s.wnBenchmark(r, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := wnListData{Total: total, Page: page, Pages: max(1, (total+wnPageSize-1)/wnPageSize), Bench: bench,
		Tiers: []string{"exact", "confirm", "triage"}, HasFilter: tier != "" || status != "" || due != "",
		Statuses: []string{"open", "new", "acknowledged", "mitigated", "patched", "not_affected", "risk_accepted", "closed", "all"}}
	with := func(pg int) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		c.Set("page", strconv.Itoa(pg))
		return "/warnings?" + c.Encode()
	}
	if page > 1 {
		d.PrevHref = with(page - 1)
	}
	if page < d.Pages {
		d.NextHref = with(page + 1)
	}
	pg := s.page(w, r, "wn.list.title", nil)
	d.Rows = s.wnRows(pg.L, p, list, func(x store.ExposureView) bool { return wnMayAct(p, x) })
	pg.Data = d
	for k, v := range q {
		pg.Form[k] = v
	}
	s.render(w, r, http.StatusOK, "warnings_list", pg)
}

type wnExposureData struct {
	X        wnExposure
	Advisory vaern.Advisory
	Text     vaern.AdvisoryText
	History  []store.ExposureEvent
	Answers  []string
	MinDate  string
}

func (s *Server) wnExposurePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	x, err := s.st.Exposure(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	adv, err := s.st.Advisory(ctx, access.Of(p), x.AdvisoryID)
	if err != nil {
		return nil, err
	}
	hist, err := s.st.ExposureHistory(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "wn.exposure.title", nil)
	rows := s.wnRows(pg.L, p, []store.ExposureView{x}, func(x store.ExposureView) bool { return wnMayAct(p, x) })
	pg.Data = wnExposureData{X: rows[0], Advisory: adv, Text: wnText(adv, pg.L.Lang), History: hist,
		Answers: []string{"acknowledged", "mitigated", "patched", "not_affected", "risk_accepted"},
		MinDate: s.st.Now().Add(24 * time.Hour).Format(time.DateOnly)}
	return pg, nil
}

// wnText is an advisory's wording in lang: the analyst's text in that language, else the source's.
func wnText(a vaern.Advisory, lang string) vaern.AdvisoryText {
	t := a.Texts[lang]
	if t.Title == "" {
		t.Title = a.Title
	}
	if t.Summary == "" {
		t.Summary = a.Summary
	}
	if t.Actions == "" {
		var parts []string
		for _, ac := range a.Actions {
			if ac.Text != "" {
				parts = append(parts, ac.Text)
			}
		}
		t.Actions = strings.Join(parts, "\n")
	}
	return t
}

func (s *Server) wnExposure(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_exposure", s.wnExposurePage)
}

// wnExposureStatus records a person's answer to an exposure.
func (s *Server) wnExposureStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	u := store.ExposureUpdate{Status: vaern.ExposureStatus(r.PostForm.Get("status")), Reason: r.PostForm.Get("reason")}
	var err error
	if v := strings.TrimSpace(r.PostForm.Get("accepted_until")); v != "" {
		t, perr := time.ParseInLocation(time.DateOnly, v, time.Local)
		if perr != nil {
			err = vaern.Invalid("accepted_until", "is not a date (YYYY-MM-DD)")
		}
		u.AcceptedUntil = t.Add(24*time.Hour - time.Second)
	}
	if err == nil {
		err = s.st.SetExposureStatus(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, u)
	}
	if err != nil {
		s.refill(w, r, err, "warnings_exposure", true, func() (*Page, error) { return s.wnExposurePage(w, r) })
		return
	}
	s.redirect(w, r, "/warnings/exposures/"+strconv.FormatInt(id, 10), "flash.wn_answered")
}

type wnAdvisoryData struct {
	Advisory vaern.Advisory
	Text     vaern.AdvisoryText
	Rows     []wnExposure
}

func (s *Server) wnAdvisory(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_advisory", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		id, ok := httpx.PathID(r, "id")
		if !ok {
			return nil, vaern.ErrNotFound
		}
		adv, err := s.st.Advisory(ctx, access.Of(p), id)
		if err != nil {
			return nil, err
		}
		list, _, err := s.st.Exposures(ctx, p.Org.ID, store.ExposureFilter{AdvisoryID: id, Status: "all", Limit: 500})
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "wn.advisory.title", nil)
		pg.Data = wnAdvisoryData{Advisory: adv, Text: wnText(adv, pg.L.Lang),
			Rows: s.wnRows(pg.L, p, list, func(x store.ExposureView) bool { return wnMayAct(p, x) })}
		return pg, nil
	})
}

type wnSystemData struct {
	System      vaern.ITSystem
	Rows        []wnExposure
	Suggestions []store.MappingSuggestion
	MayEdit     bool
}

func (s *Server) wnSystemPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	sys, err := s.st.System(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	list, _, err := s.st.Exposures(ctx, p.Org.ID, store.ExposureFilter{SystemID: id, Status: "all", Limit: 500})
	if err != nil {
		return nil, err
	}
	sug, err := s.st.MappingSuggestions(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "wn.system.title", nil)
	pg.Data = wnSystemData{System: sys, Suggestions: sug, MayEdit: store.MayEditSystem(p.Actor(""), sys),
		Rows: s.wnRows(pg.L, p, list, func(x store.ExposureView) bool { return wnMayAct(p, x) })}
	return pg, nil
}

func (s *Server) wnSystem(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_system", s.wnSystemPage)
}

// wnAcceptMapping gives a system the CPE or purl the centre (or a member) confirmed for its
// product name; the system's change matches it again.
func (s *Server) wnAcceptMapping(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	sug, err := s.st.MappingSuggestions(ctx, p.Org.ID, id)
	if err == nil && len(sug) == 0 {
		if _, err = s.st.System(ctx, p.Org.ID, id); err == nil {
			err = vaern.Invalid("mapping", "there is no suggestion for this system")
		}
	}
	if err == nil {
		m := sug[0].Mapping
		set := map[string]bool{}
		var sys vaern.ITSystem
		if m.CPE != "" {
			sys.CPE, set["cpe"] = m.CPE, true
		}
		if m.PURL != "" {
			sys.PURL, set["purl"] = m.PURL, true
		}
		_, err = s.st.PatchSystem(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, vaern.SystemRecord{Sys: sys, Set: set})
	}
	if err != nil {
		s.refill(w, r, err, "warnings_system", false, func() (*Page, error) { return s.wnSystemPage(w, r) })
		return
	}
	s.redirect(w, r, "/warnings/systems/"+strconv.FormatInt(id, 10), "flash.wn_mapping_accepted")
}

// wnSystemPart gives the register's system page its warnings: the open ones' count and the
// confirmed product mappings suggested for the system.
func (s *Server) wnSystemPart(r *http.Request, d *regSystemData) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if !vaern.Can(p.Role, vaern.PermWarningsView) {
		return nil
	}
	_, n, err := s.st.Exposures(ctx, p.Org.ID, store.ExposureFilter{SystemID: d.System.ID, Status: "open", Limit: 1})
	if err != nil {
		return err
	}
	d.Warnings = n
	d.Suggestions, err = s.st.MappingSuggestions(ctx, p.Org.ID, d.System.ID)
	return err
}
