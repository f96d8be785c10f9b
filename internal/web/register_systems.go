package web

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auditlog"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// regUploadMax bounds an uploaded spreadsheet or SBOM.
const regUploadMax = 20 << 20

const regPageSize = 50

// regFilter reads a register list's filter from the query string; a malformed number is an
// *httpx.ParamError.
func regFilter(q url.Values) (vaern.SystemFilter, error) { return register.ParseFilter(q) }

// SortLink is a column header of the register list that sorts by it.
type SortLink struct {
	Key, Href, Label string
	Dir              string // "ascending", "descending" or ""
}

type regListData struct {
	Systems  []vaern.ITSystem
	Total    int
	Page     int
	Pages    int
	PrevHref string
	NextHref string
	Sorts    map[string]SortLink
	Units    []vaern.UnitNode
	Tags     []string
	// Exports are the export links by format, each keeping the list's filter and sort. They are
	// whole URLs because html/template escapes "=" and "&" inside a query-string context.
	Exports map[string]string
	Mine    bool
	Now     time.Time
	Base    string
}

func (s *Server) regList(w http.ResponseWriter, r *http.Request, mine bool) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	q := r.URL.Query()
	f, err := regFilter(q)
	if s.badParam(w, r, err) {
		return
	}
	base := "/register/systems"
	title := "reg.systems.title"
	if mine {
		f.OwnerID, base, title = p.User.ID, "/register/mine", "reg.mine.title"
	}
	page64, ok := s.intParam(w, r, "page", 1)
	if !ok {
		return
	}
	page := int(min(max(page64, 1), 1<<30))
	f.Limit, f.Offset = regPageSize, (page-1)*regPageSize
	list, total, err := s.st.Systems(ctx, p.Org.ID, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	tags, err := s.st.RegisterTags(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := regListData{Systems: list, Total: total, Page: page, Pages: max(1, (total+regPageSize-1)/regPageSize),
		Units: vaern.UnitTree(units), Tags: tags, Mine: mine, Now: s.st.Now(), Base: base, Sorts: map[string]SortLink{}}
	with := func(k, v string) string {
		c := url.Values{}
		for key, vals := range q {
			c[key] = vals
		}
		if v == "" {
			c.Del(k)
		} else {
			c.Set(k, v)
		}
		if k != "page" {
			c.Del("page")
		}
		if e := c.Encode(); e != "" {
			return base + "?" + e
		}
		return base
	}
	for _, k := range []string{"name", "vendor", "unit", "owner", "criticality", "updated"} {
		l := SortLink{Key: k, Href: with("sort", k)}
		switch f.Sort {
		case k:
			l.Dir, l.Href = "ascending", with("sort", "-"+k)
		case "-" + k:
			l.Dir = "descending"
		}
		d.Sorts[k] = l
	}
	if page > 1 {
		d.PrevHref = with("page", strconv.Itoa(page-1))
	}
	if page < d.Pages {
		d.NextHref = with("page", strconv.Itoa(page+1))
	}
	ex := url.Values{}
	for k, v := range q {
		if k != "page" {
			ex[k] = v
		}
	}
	if mine {
		ex.Set("mine", "1")
	}
	d.Exports = map[string]string{}
	for _, format := range []string{"csv", "xlsx", "json"} {
		d.Exports[format] = "/register/export." + format
		if e := ex.Encode(); e != "" {
			d.Exports[format] += "?" + e
		}
	}
	pg := s.page(w, r, title, d)
	for k, l := range d.Sorts {
		l.Label = pg.L.T("reg.sort." + k)
		d.Sorts[k] = l
	}
	for k, v := range q {
		pg.Form[k] = v
	}
	s.render(w, r, http.StatusOK, "register_systems", pg)
}

func (s *Server) regSystems(w http.ResponseWriter, r *http.Request) { s.regList(w, r, false) }
func (s *Server) regMine(w http.ResponseWriter, r *http.Request)    { s.regList(w, r, true) }

// regRisk is an assessment with what a page shows of it.
type regRisk struct {
	vaern.RiskAssessment
	ThreatTitle   string
	Level         string
	ResidualLevel string
	Overdue       bool
}

type regSystemData struct {
	System     vaern.ITSystem
	MayEdit    bool
	Components []vaern.Component
	MoreComps  int
	Risks      []regRisk
	History    []auditlog.Row
	Matrix     vaern.RiskMatrix
	Threats    []vaern.Threat
	Now        time.Time
	Shared     bool // the centre's read-only view of a member's system
	OrgName    string
	EmptySBOM  *emptySBOM // an uploaded SBOM lists no components: asks before removing them all
	// The warnings module's part (issue 12): open warnings of the system, and whether a confirmed
	// product mapping is suggested for it.
	Warnings    int
	Suggestions []store.MappingSuggestion
}

// regThreatTitle names a threat key in lang.
func regThreatTitle(key, lang string, own []vaern.Threat) string {
	if t, ok := register.BuiltinThreat(key, lang); ok {
		return t.Title
	}
	for _, t := range own {
		if t.Key == key {
			return t.Title
		}
	}
	return key
}

func (s *Server) regRisks(r *http.Request, orgID int64, list []vaern.RiskAssessment, m vaern.RiskMatrix, lang string) ([]regRisk, []vaern.Threat, error) {
	own, err := s.st.OwnThreats(r.Context(), orgID)
	if err != nil {
		return nil, nil, err
	}
	now := s.st.Now()
	out := make([]regRisk, 0, len(list))
	for _, a := range list {
		rl, rc := a.Residual()
		out = append(out, regRisk{RiskAssessment: a, ThreatTitle: regThreatTitle(a.Threat, lang, own),
			Level: m.Level(a.Likelihood, a.Consequence), ResidualLevel: m.Level(rl, rc), Overdue: a.Overdue(now)})
	}
	return out, own, nil
}

func (s *Server) regSystemPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
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
	pg := s.page(w, r, "reg.system.title", nil)
	d, err := s.regSystemData(r, p.Org.ID, sys, pg.L.Lang)
	if err != nil {
		return nil, err
	}
	d.MayEdit = vaern.Can(p.Role, vaern.PermEditRegister) && store.MayEditSystem(p.Actor(""), sys)
	if err := s.wnSystemPart(r, d); err != nil {
		return nil, err
	}
	pg.Data = d
	pg.Form.Set("review_months", "12")
	return pg, nil
}

func (s *Server) regSystemData(r *http.Request, orgID int64, sys vaern.ITSystem, lang string) (*regSystemData, error) {
	ctx := r.Context()
	comps, err := s.st.Components(ctx, orgID, sys.ID)
	if err != nil {
		return nil, err
	}
	d := &regSystemData{System: sys, Now: s.st.Now()}
	if len(comps) > 500 {
		d.MoreComps = len(comps) - 500
		comps = comps[:500]
	}
	d.Components = comps
	m, _, err := s.st.RiskMatrix(ctx, orgID)
	if err != nil {
		return nil, err
	}
	d.Matrix = m
	list, err := s.st.RiskAssessments(ctx, orgID, sys.ID)
	if err != nil {
		return nil, err
	}
	var own []vaern.Threat
	if d.Risks, own, err = s.regRisks(r, orgID, list, m, lang); err != nil {
		return nil, err
	}
	d.Threats = append(register.Threats(lang), own...)
	hist, err := s.st.SystemHistory(ctx, orgID, sys.ID, 100)
	if err != nil {
		return nil, err
	}
	names, _, err := s.auditNames(ctx, orgID)
	if err != nil {
		return nil, err
	}
	d.History = describeAll(s.Catalog().For(lang), hist, names)
	return d, nil
}

func (s *Server) regSystem(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_system", s.regSystemPage)
}

// ---- create and edit ----

type regEditData struct {
	System   vaern.ITSystem
	New      bool
	People   []vaern.Member
	Contacts []vaern.Contact
	Units    []vaern.UnitNode
	Levels   []int
	PD       map[string]bool
	Hosting  []vaern.Hosting
	DPA      []vaern.DPAStatus
	AIUses   []vaern.AIUse
}

func (s *Server) regEditPage(w http.ResponseWriter, r *http.Request, sys vaern.ITSystem, isNew bool) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	res, err := s.st.Resolver(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	title := "reg.edit.title"
	if isNew {
		title = "reg.new.title"
	}
	contacts, err := s.st.Contacts(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := regEditData{System: sys, New: isNew, People: res.Members, Contacts: openContacts(contacts), Units: vaern.UnitTree(res.Units), Levels: []int{1, 2, 3, 4},
		PD: map[string]bool{}, Hosting: vaern.Hostings, DPA: vaern.DPAStatuses, AIUses: vaern.AIUses}
	pg := s.page(w, r, title, d)
	fillSystemForm(pg.Form, sys)
	return pg, nil
}

// ownerValue is an owner select's value: a user's id, or "c" and a contact's id.
func ownerValue(user, contact int64) string {
	if contact != 0 {
		return "c" + strconv.FormatInt(contact, 10)
	}
	return strconv.FormatInt(user, 10)
}

// openContacts leaves out the contacts who became users: they are offered as the users they are.
func openContacts(all []vaern.Contact) []vaern.Contact {
	var out []vaern.Contact
	for _, c := range all {
		if c.UserID == 0 {
			out = append(out, c)
		}
	}
	return out
}

// fillSystemForm puts a system's values into the form, as the edit page shows them.
func fillSystemForm(f url.Values, s vaern.ITSystem) {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	f.Set("name", s.Name)
	f.Set("description", s.Description)
	f.Set("system_owner", ownerValue(s.SystemOwnerID, s.SystemOwnerContactID))
	f.Set("data_owner", ownerValue(s.DataOwnerID, s.DataOwnerContactID))
	f.Set("unit", id(s.UnitID))
	for k, v := range map[string]string{"vendor": s.Vendor, "product": s.Product, "version": s.Version, "cpe": s.CPE, "purl": s.PURL,
		"hosting": string(s.Hosting), "supplier": s.Supplier, "dpa_status": string(s.DPAStatus), "notes": s.Notes,
		"tags": strings.Join(s.Tags, ", ")} {
		f.Set(k, v)
	}
	if !s.DPADate.IsZero() {
		f.Set("dpa_date", s.DPADate.UTC().Format("2006-01-02"))
	}
	if !s.DPAReview.IsZero() {
		f.Set("dpa_review", s.DPAReview.UTC().Format("2006-01-02"))
	}
	for _, c := range vaern.PDCategories {
		if s.PersonalData&c.Bit != 0 {
			f.Add("personal_data", c.Key)
		}
	}
	f.Set("confidentiality", strconv.Itoa(s.Confidentiality))
	f.Set("integrity", strconv.Itoa(s.Integrity))
	f.Set("availability", strconv.Itoa(s.Availability))
	hrs := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return strconv.FormatFloat(d.Hours(), 'f', -1, 64)
	}
	f.Set("rto_hours", hrs(s.RTO))
	f.Set("rpo_hours", hrs(s.RPO))
	if s.InternetExposed {
		f.Set("internet_exposed", "1")
	}
	f.Set("ai_use", string(s.AIUse))
	f.Set("ai_purpose", s.AIPurpose)
	f.Set("ai_supplier", s.AISupplier)
	if s.AIDPACovered {
		f.Set("ai_dpa_covered", "1")
	}
	if !s.AIChecked.IsZero() {
		f.Set("ai_checked", s.AIChecked.UTC().Format("2006-01-02"))
	}
}

func (s *Server) regNew(w http.ResponseWriter, r *http.Request) {
	pg, err := s.regEditPage(w, r, vaern.ITSystem{}, true)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "register_edit", pg)
}

func (s *Server) regCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	var sys vaern.ITSystem
	rec, err := register.FormRecord(r.PostForm)
	if err == nil {
		register.Apply(&sys, rec)
		sys, err = s.st.CreateSystem(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, sys)
	}
	if err != nil {
		s.refill(w, r, err, "register_edit", true, func() (*Page, error) { return s.regEditPage(w, r, vaern.ITSystem{}, true) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/systems/%d", sys.ID), "flash.reg_created")
}

// regOwnSystem loads the {id} system for a change, answering 404 for a foreign one and 403 for a
// system the signed-in respondent does not own.
func (s *Server) regOwnSystem(r *http.Request) (vaern.ITSystem, error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return vaern.ITSystem{}, vaern.ErrNotFound
	}
	sys, err := s.st.System(r.Context(), p.Org.ID, id)
	if err != nil {
		return sys, err
	}
	if !store.MayEditSystem(p.Actor(""), sys) {
		return sys, vaern.ErrForbidden
	}
	return sys, nil
}

func (s *Server) regEdit(w http.ResponseWriter, r *http.Request) {
	sys, err := s.regOwnSystem(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg, err := s.regEditPage(w, r, sys, false)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "register_edit", pg)
}

func (s *Server) regUpdate(w http.ResponseWriter, r *http.Request) {
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
	// Only the fields the post sends change: a partial post never blanks the others.
	rec, err := register.FormRecord(r.PostForm)
	if err == nil {
		_, err = s.st.PatchSystem(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, sys.ID, rec)
	}
	if err != nil {
		s.refill(w, r, err, "register_edit", true, func() (*Page, error) { return s.regEditPage(w, r, sys, false) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/register/systems/%d", sys.ID), "flash.saved")
}

func (s *Server) regDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteSystem(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/register/systems", "flash.reg_deleted")
}

// ---- SBOM ----

// regUpload reads the multipart file field "file"; a missing file is a form error on field.
func regUpload(r *http.Request, field string) ([]byte, string, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return nil, "", vaern.Invalid(field, "is larger than 20 MiB")
		}
		return nil, "", vaern.Invalid(field, "choose a file to upload")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", vaern.Invalid(field, "choose a file to upload")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, regUploadMax+1))
	if err != nil {
		return nil, "", vaern.Invalid(field, "is larger than 20 MiB")
	}
	if len(b) == 0 {
		return nil, "", vaern.Invalid(field, "choose a file to upload")
	}
	if len(b) > regUploadMax {
		return nil, "", vaern.Invalid(field, "is larger than 20 MiB")
	}
	name := hdr.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return b, name, nil
}

// ---- exports ----

func (s *Server) regExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		q := r.URL.Query()
		f, err := regFilter(q)
		if s.badParam(w, r, err) {
			return
		}
		if q.Get("mine") == "1" {
			f.OwnerID = p.User.ID
		}
		list, _, err := s.st.Systems(ctx, p.Org.ID, f)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		lang := s.lang(r, p)
		var buf bytes.Buffer
		var ctype string
		switch format {
		case "csv":
			err, ctype = register.WriteCSV(&buf, list, lang), "text/csv; charset=utf-8"
		case "xlsx":
			err, ctype = register.WriteXLSX(&buf, list, lang), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		default:
			err, ctype = register.WriteJSON(&buf, list), "application/json"
		}
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		name := fmt.Sprintf("register-%s-%s.%s", safeName(p.Org.Code), s.st.Now().Format("2006-01-02"), format)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	}
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// regHours shows a duration in hours with at most two decimals.
func regHours(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	h := math.Round(d.Hours()*100) / 100
	return strconv.FormatFloat(h, 'f', -1, 64)
}
