package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The centre's side of the warnings: the advisories (imported and the analysts' own), writing,
// publishing, revising and withdrawing them, the sector's exposure to each over time, and the
// CSAF export.

type wcListData struct {
	Advisories []vaern.Advisory
	Total      int
	Summary    map[int64]store.AdvisorySummary
	Sources    []string
	States     []string
}

func (s *Server) wcList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	q := r.URL.Query()
	source, err := httpx.ChoiceParam(q, "source", "", "", "kev", "cve", "csaf", "centre")
	if s.badParam(w, r, err) {
		return
	}
	state, err := httpx.ChoiceParam(q, "state", "", "", "draft", "published", "withdrawn")
	if s.badParam(w, r, err) {
		return
	}
	list, total, err := s.st.Advisories(ctx, access.Of(p), store.AdvisoryFilter{Source: vaern.AdvisorySource(source),
		State: vaern.AdvisoryState(state), Query: q.Get("q"), Limit: 200})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	sums, err := s.st.ExposureSummary(ctx)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	bySum := map[int64]store.AdvisorySummary{}
	for _, x := range sums {
		bySum[x.AdvisoryID] = x
	}
	pg := s.page(w, r, "wc.list.title", wcListData{Advisories: list, Total: total, Summary: bySum,
		Sources: []string{"kev", "cve", "csaf", "centre"}, States: []string{"draft", "published", "withdrawn"}})
	for k, v := range q {
		pg.Form[k] = v
	}
	s.render(w, r, http.StatusOK, "warnings_centre_list", pg)
}

// wcChart is a chart ready for a page.
type wcChart struct {
	Chart charts.Chart
	SVG   template.HTML
	Head  []string
	Rows  [][]string
}

type wcAdvisoryData struct {
	Advisory vaern.Advisory
	Text     vaern.AdvisoryText
	Exposure store.AdvisoryExposure
	Chart    *wcChart
	Editable bool
}

func (s *Server) wcAdvisory(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_centre_advisory", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
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
		ex, err := s.st.AdvisoryExposureOf(ctx, id)
		if err != nil {
			return nil, err
		}
		events, err := s.st.AdvisoryEvents(ctx, id)
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "wc.advisory.title", nil)
		d := wcAdvisoryData{Advisory: adv, Text: wnText(adv, pg.L.Lang), Exposure: ex, Editable: adv.State != vaern.AdvisoryWithdrawn}
		if pts := warnings.BurnDown(events, s.st.Now(), notify.Zone, 90); len(pts) > 0 {
			d.Chart = wcBurnChart(pg, pts)
		}
		pg.Data = d
		return pg, nil
	})
}

// wcBurnChart draws the sector's exposure over time: members affected, acknowledged and fixed.
func wcBurnChart(pg *Page, pts []warnings.BurnPoint) *wcChart {
	l := pg.L
	c := charts.Chart{ID: "burndown", Kind: charts.Lines, Title: l.T("wc.chart.title"), Desc: l.T("wc.chart.desc"),
		LabelHead: l.T("wc.chart.day"), Counts: true, Lang: l.Lang}
	series := []charts.Series{{Name: l.T("wc.count.affected")}, {Name: l.T("wc.count.acknowledged")}, {Name: l.T("wc.count.fixed")}}
	top := 1.0
	for _, p := range pts {
		c.Labels = append(c.Labels, p.Day.Format("01-02"))
		for i, v := range []int{p.Affected, p.Acknowledged, p.Fixed} {
			f := float64(v)
			series[i].Values = append(series[i].Values, &f)
			top = max(top, f)
		}
	}
	c.Series, c.Max = series, top
	head, rows := c.Table()
	return &wcChart{Chart: c, SVG: template.HTML(c.SVG()), Head: head, Rows: rows}
}

// ---- write and edit ----

type wcEditData struct {
	Advisory   vaern.Advisory
	New        bool
	Members    []vaern.Org
	TLPs       []string
	Audiences  []access.Kind
	Severities []string
	Langs      []string
	// EarlyWarnings are the early warnings the advisory was drafted from: an advisory about an
	// indicator, for which affected products are optional.
	EarlyWarnings []vaern.EarlyWarning
}

func (s *Server) wcEditPage(w http.ResponseWriter, r *http.Request, adv vaern.Advisory, isNew bool) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	members, err := s.st.Members(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	title := "wc.edit.title"
	if isNew {
		title = "wc.new.title"
	}
	var ews []vaern.EarlyWarning
	if !isNew {
		if ews, err = s.st.AdvisoryEarlyWarnings(ctx, p.Org.ID, adv.ID); err != nil {
			return nil, err
		}
	}
	pg := s.page(w, r, title, wcEditData{Advisory: adv, New: isNew, Members: members,
		TLPs:       []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"},
		Audiences:  []access.Kind{access.AllMembers, access.NamedMembers, access.Group, access.CentreOnly},
		Severities: []string{"critical", "high", "medium", "low", "none"}, Langs: []string{"da", "nb", "en"}, EarlyWarnings: ews})
	wcFillForm(pg, adv)
	return pg, nil
}

// wcFillForm puts an advisory into the form's fields.
func wcFillForm(pg *Page, a vaern.Advisory) {
	f := pg.Form
	for _, l := range []string{"da", "nb", "en"} {
		t := a.Texts[l]
		f.Set("title_"+l, t.Title)
		f.Set("summary_"+l, t.Summary)
		f.Set("actions_"+l, t.Actions)
	}
	if len(a.Texts) == 0 && a.Title != "" {
		f.Set("title_"+pg.L.Lang, a.Title)
		f.Set("summary_"+pg.L.Lang, a.Summary)
	}
	f.Set("severity", string(a.Severity))
	f.Set("tlp", a.TLP)
	aud := store.ParseAudience(a.Audience)
	f.Set("audience", string(aud.Kind))
	for _, id := range aud.Orgs {
		f.Add("audience_orgs", strconv.FormatInt(id, 10))
	}
	f.Set("audience_country", aud.Country)
	f.Set("audience_region", aud.Region)
	f.Set("audience_size", aud.SizeClass)
	if !a.Due.IsZero() {
		f.Set("due", a.Due.In(notify.Zone).Format(time.DateOnly))
	}
	f.Set("cves", strings.Join(a.CVEs, ", "))
	var lines []string
	for _, p := range a.Products {
		expr := ""
		if len(p.Versions) > 0 {
			expr = p.Versions[0].Expr
		}
		lines = append(lines, strings.Join([]string{p.Vendor, p.Product, expr, p.CPE, p.PURL}, " | "))
	}
	f.Set("products", strings.Join(lines, "\n"))
}

// wcReadForm reads the advisory form. The domain title and summary are the first language's the
// analyst wrote (Danish, Norwegian, English). An advisory about products names at least one; one
// about indicators (drafted from an early warning: needProducts false) may name none.
func wcReadForm(r *http.Request, needProducts bool) (vaern.Advisory, error) {
	f := r.PostForm
	a := vaern.Advisory{Texts: map[string]vaern.AdvisoryText{}}
	for _, l := range []string{"da", "nb", "en"} {
		t := vaern.AdvisoryText{Title: strings.TrimSpace(f.Get("title_" + l)), Summary: strings.TrimSpace(f.Get("summary_" + l)),
			Actions: strings.TrimSpace(f.Get("actions_" + l))}
		if t != (vaern.AdvisoryText{}) {
			a.Texts[l] = t
			if a.Title == "" {
				a.Title, a.Summary = t.Title, t.Summary
			}
			if t.Actions != "" && len(a.Actions) == 0 {
				a.Actions = []vaern.AdvisoryAction{{Category: "mitigation", Text: t.Actions}}
			}
		}
	}
	if a.Title == "" {
		return a, vaern.Invalid("title_da", "give a title in at least one language")
	}
	switch sev := f.Get("severity"); sev {
	case "", "critical", "high", "medium", "low", "none":
		a.Severity = vaern.Severity(sev)
	default:
		return a, vaern.Invalid("severity", "is not a severity")
	}
	a.TLP = f.Get("tlp")
	if a.TLP == "" {
		return a, vaern.Invalid("tlp", "choose a TLP label")
	}
	aud, err := formAudience(f)
	if err != nil {
		return a, err
	}
	a.Audience = store.FormatAudience(aud)
	if v := strings.TrimSpace(f.Get("due")); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, notify.Zone)
		if err != nil {
			return a, vaern.Invalid("due", "is not a date (YYYY-MM-DD)")
		}
		a.Due = t.AddDate(0, 0, 1)
	}
	for _, c := range strings.FieldsFunc(f.Get("cves"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == ';' }) {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !strings.HasPrefix(c, "CVE-") {
			return a, vaern.Invalid("cves", "%s", fmt.Sprintf("%q is not a CVE id", c))
		}
		a.CVEs = append(a.CVEs, c)
	}
	for i, line := range strings.Split(f.Get("products"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for len(parts) < 5 {
			parts = append(parts, "")
		}
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		p := vaern.AdvisoryProduct{Key: "p" + strconv.Itoa(i+1), Vendor: parts[0], Product: parts[1], CPE: parts[3], PURL: parts[4],
			Status: vaern.StatusAffected}
		if p.Product == "" && p.CPE == "" && p.PURL == "" {
			return a, vaern.Invalid("products", "line %d names no product, CPE or purl", i+1)
		}
		if parts[2] != "" {
			vr, err := wcRange(parts[2])
			if err != nil {
				return a, vaern.Invalid("products", "line %d: %v", i+1, err)
			}
			p.Versions = []vaern.VersionRange{vr}
		}
		a.Products = append(a.Products, p)
	}
	if len(a.Products) == 0 && needProducts {
		return a, vaern.Invalid("products", "name at least one affected product")
	}
	return a, nil
}

// wcRange reads the analyst's version range: "< 2.4.1", "<= 10.0.14393.6897", ">= 2.0, < 2.4.1", or
// one version.
func wcRange(expr string) (vaern.VersionRange, error) {
	vr := vaern.VersionRange{Expr: expr}
	for _, part := range strings.Split(expr, ",") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "<="):
			vr.LastAffected = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, "<"):
			vr.Fixed = strings.TrimSpace(part[1:])
		case strings.HasPrefix(part, ">="):
			vr.Introduced = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, "="):
			vr.Exact = strings.TrimSpace(part[1:])
		case strings.HasPrefix(part, ">"):
			return vr, fmt.Errorf("write the first affected version with >=")
		default:
			vr.Exact = part
		}
	}
	if vr.Exact != "" && (vr.Fixed != "" || vr.LastAffected != "" || vr.Introduced != "") {
		return vr, fmt.Errorf("a single version cannot have bounds too")
	}
	return vr, nil
}

func (s *Server) wcNew(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_centre_edit", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		return s.wcEditPage(w, r, vaern.Advisory{TLP: "AMBER", Audience: "members"}, true)
	})
}

func (s *Server) wcCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	adv, err := wcReadForm(r, true)
	var id int64
	if err == nil {
		id, err = s.st.CreateAdvisory(ctx, p.Actor(s.clientIP(r)), p.Org.ID, adv)
	}
	if err != nil {
		s.refill(w, r, err, "warnings_centre_edit", true, func() (*Page, error) { return s.wcEditPage(w, r, adv, true) })
		return
	}
	s.redirect(w, r, "/centre/advisories/"+strconv.FormatInt(id, 10), "flash.wc_created")
}

func (s *Server) wcOwn(r *http.Request) (vaern.Advisory, error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return vaern.Advisory{}, vaern.ErrNotFound
	}
	return s.st.Advisory(r.Context(), access.Of(p), id)
}

func (s *Server) wcEdit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_centre_edit", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		adv, err := s.wcOwn(r)
		if err != nil {
			return nil, err
		}
		return s.wcEditPage(w, r, adv, false)
	})
}

// wcUpdate saves an edit; on a published advisory it is a revision (matched again, and only those
// whose exposure changed are told).
func (s *Server) wcUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	old, err := s.wcOwn(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	// An advisory drafted from an early warning is about its indicator, not about a product.
	ews, err := s.st.AdvisoryEarlyWarnings(ctx, p.Org.ID, old.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	adv, err := wcReadForm(r, len(ews) == 0)
	if err == nil {
		adv.ID = old.ID
		if old.Source != vaern.SourceCentre {
			// An imported advisory keeps the source's products; the centre adds its wording.
			adv.Products, adv.SourceVersion, adv.Published, adv.Updated = old.Products, old.SourceVersion, old.Published, old.Updated
			adv.CVSS, adv.CVSSVec, adv.KnownExploited, adv.Ransomware, adv.Vex, adv.Override = old.CVSS, old.CVSSVec, old.KnownExploited, old.Ransomware, old.Vex, old.Override
			adv.References = old.References
		}
		err = s.st.UpdateAdvisory(ctx, p.Actor(s.clientIP(r)), p.Org.ID, adv)
	}
	if err != nil {
		s.refill(w, r, err, "warnings_centre_edit", true, func() (*Page, error) { return s.wcEditPage(w, r, old, false) })
		return
	}
	s.redirect(w, r, "/centre/advisories/"+strconv.FormatInt(old.ID, 10), "flash.wc_saved")
}

func (s *Server) wcPublish(w http.ResponseWriter, r *http.Request) {
	s.wcState(w, r, s.st.PublishAdvisory, "flash.wc_published")
}

func (s *Server) wcWithdraw(w http.ResponseWriter, r *http.Request) {
	s.wcState(w, r, s.st.WithdrawAdvisory, "flash.wc_withdrawn")
}

func (s *Server) wcState(w http.ResponseWriter, r *http.Request, do func(ctx context.Context, a vaern.Actor, centreID, id int64) error, flash string) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	adv, err := s.wcOwn(r)
	if err == nil {
		err = do(ctx, p.Actor(s.clientIP(r)), p.Org.ID, adv.ID)
	}
	var ve *vaern.ValidationError
	if errors.As(err, &ve) {
		s.redirect(w, r, "/centre/advisories/"+strconv.FormatInt(adv.ID, 10), "flash.wc_state_refused")
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/advisories/"+strconv.FormatInt(adv.ID, 10), flash)
}

// wcExport downloads an advisory as CSAF 2.0: an imported CSAF document as it was received, any
// other as the centre's own CSAF document.
func (s *Server) wcExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	adv, err := s.wcOwn(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var b []byte
	if adv.Source == vaern.SourceCSAF {
		b, err = s.st.AdvisoryRaw(ctx, access.Of(p), adv.ID)
	}
	if len(b) == 0 && err == nil {
		b, err = advisory.ExportCSAF(adv, advisory.Publisher{Name: p.Org.Name, Namespace: s.cfg.BaseURL, Category: "coordinator"})
	}
	if err != nil {
		s.log.Warn("csaf export", "advisory", adv.ID, "err", err)
		s.fail(w, r, http.StatusUnprocessableEntity, "wc.export.failed")
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_", ":", "_").Replace(strings.ToLower(adv.SourceID)) + ".json"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(b)
}

// formAudience reads the audience picker (partial "wc-audience" fields: audience, audience_orgs,
// audience_country, audience_region, audience_size), as advisories and knowledge posts use it.
func formAudience(f url.Values) (access.Audience, error) {
	aud := access.Audience{Kind: access.Kind(f.Get("audience"))}
	switch aud.Kind {
	case access.NamedMembers:
		for _, v := range f["audience_orgs"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				aud.Orgs = append(aud.Orgs, id)
			}
		}
	case access.Group:
		aud.Country, aud.Region, aud.SizeClass = f.Get("audience_country"), strings.TrimSpace(f.Get("audience_region")), f.Get("audience_size")
	case access.AllMembers, access.CentreOnly:
	case "":
		aud.Kind = access.AllMembers
	default:
		return aud, vaern.Invalid("audience", "is not an audience")
	}
	return aud, nil
}
