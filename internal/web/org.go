package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// ---- units ----

type unitsData struct {
	Tree   []vaern.UnitNode
	People map[int64]int // unit id → number of people
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	units, err := s.st.Units(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.st.OrgUsers(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := unitsData{Tree: vaern.UnitTree(units), People: map[int64]int{}}
	for _, m := range people {
		if m.UnitID != 0 {
			d.People[m.UnitID]++
		}
	}
	return s.page(w, r, "units.title", d), nil
}

func (s *Server) units(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "units", s.unitsPage)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	return id
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	_, err := s.st.CreateUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, formID(r, "parent"), r.PostForm.Get("name"))
	if err != nil {
		s.refill(w, r, err, "units", true, func() (*Page, error) { return s.unitsPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units", "flash.unit_created")
}

type unitData struct {
	Unit    vaern.Unit
	Tree    []vaern.UnitNode
	People  []vaern.Member
	Parents []vaern.UnitNode // possible new parents (not the unit or its sub-units)
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	u, err := s.st.Unit(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := unitData{Unit: u, Tree: vaern.UnitTree(units)}
	below := map[int64]bool{u.ID: true}
	for _, n := range d.Tree {
		if below[n.ParentID] {
			below[n.ID] = true
		}
		if !below[n.ID] {
			d.Parents = append(d.Parents, n)
		}
	}
	for _, m := range all {
		if m.UnitID == u.ID {
			d.People = append(d.People, m)
		}
	}
	pg := s.page(w, r, "unit.title", d)
	pg.Form.Set("name", u.Name)
	pg.Form.Set("parent", strconv.FormatInt(u.ParentID, 10))
	return pg, nil
}

func (s *Server) unit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "unit", s.unitPage)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	err := s.st.UpdateUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, formID(r, "parent"), r.PostForm.Get("name"))
	if err != nil {
		s.refill(w, r, err, "unit", true, func() (*Page, error) { return s.unitPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) unitDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.st.DeleteUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	if err != nil {
		s.refill(w, r, err, "unit", false, func() (*Page, error) { return s.unitPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units", "flash.unit_deleted")
}

// ---- people ----

type usersData struct {
	People []vaern.Member
	Tree   []vaern.UnitNode
	Roles  []vaern.Role // roles the signed-in user may hand out here
}

func grantable(p *vaern.Principal) []vaern.Role {
	var out []vaern.Role
	for _, r := range vaern.Roles {
		if vaern.CanGrant(p.Role, p.Org.Kind, r) {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	people, err := s.st.OrgUsers(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "users.title", usersData{People: people, Tree: vaern.UnitTree(units), Roles: grantable(p)}), nil
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "users", s.usersPage)
}

// invite sends an invitation link for org to email; it is shared by coordinators inviting
// colleagues and the centre inviting a new member's first coordinator.
func (s *Server) invite(r *http.Request, p *vaern.Principal, org vaern.Org, email string, role vaern.Role, unitID int64) error {
	ctx := r.Context()
	email, err := store.NormalizeEmail(email)
	if err != nil {
		return err
	}
	if !vaern.CanGrant(p.Role, org.Kind, role) {
		return vaern.Invalid("role", "is not one you can give")
	}
	if unitID != 0 {
		if _, err := s.st.Unit(ctx, org.ID, unitID); err != nil {
			return vaern.Invalid("unit", "is not a unit of this organisation")
		}
	}
	if u, err := s.st.UserByEmail(ctx, email); err == nil {
		if _, err := s.st.OrgUser(ctx, org.ID, u.ID); err == nil {
			return vaern.Invalid("email", "already belongs to this organisation")
		}
	}
	token, hash := auth.NewToken("")
	l := s.cat.For(s.lang(r, p))
	m := vaern.Mail{To: email, Subject: l.T("mail.invite.subject", org.Name),
		Body: l.T("mail.invite.body", p.User.Name, org.Name, l.T("role."+string(role)), s.link("/invite/"+token), int(inviteValidity.Hours()/24))}
	_, err = s.st.CreateLinkToken(ctx, p.Actor(s.clientIP(r)), vaern.LinkToken{Kind: "invite", Email: email, OrgID: org.ID,
		Role: role, UnitID: unitID, CreatedBy: p.User.ID, ExpiresAt: s.st.Now().Add(inviteValidity)}, hash, m)
	if err == nil {
		s.wakeMail()
	}
	return err
}

func (s *Server) userInvite(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.invite(r, p, p.Org, r.PostForm.Get("email"), vaern.Role(r.PostForm.Get("role")), formID(r, "unit"))
	if err != nil {
		s.refill(w, r, err, "users", true, func() (*Page, error) { return s.usersPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/users", "flash.invited")
}

type userData struct {
	Person vaern.Member
	Tree   []vaern.UnitNode
	Roles  []vaern.Role
	Self   bool
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	m, err := s.st.OrgUser(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "user.title", userData{Person: m, Tree: vaern.UnitTree(units), Roles: grantable(p), Self: m.ID == p.User.ID})
	pg.Form.Set("role", string(m.Role))
	pg.Form.Set("unit", strconv.FormatInt(m.UnitID, 10))
	return pg, nil
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "user", s.userPage)
}

// userAction runs a change on one of the organisation's people and answers like a form post.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, flash string, fn func(p *vaern.Principal, id int64) error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.st.OrgUser(r.Context(), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := fn(p, id); err != nil {
		s.refill(w, r, err, "user", false, func() (*Page, error) { return s.userPage(w, r) })
		return
	}
	to := "/org/users/" + strconv.FormatInt(id, 10)
	if flash == "flash.user_removed" {
		to = "/org/users"
	}
	s.redirect(w, r, to, flash)
}

func (s *Server) userRole(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.saved", func(p *vaern.Principal, id int64) error {
		role := vaern.Role(r.PostForm.Get("role"))
		if !vaern.CanGrant(p.Role, p.Org.Kind, role) {
			return vaern.Invalid("role", "is not one you can give")
		}
		return s.st.SetRole(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, role, formID(r, "unit"))
	})
}

func (s *Server) userRemove(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.user_removed", func(p *vaern.Principal, id int64) error {
		if id == p.User.ID {
			return vaern.Invalid("user", "you cannot remove yourself")
		}
		return s.st.RemoveMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	})
}

func (s *Server) userReset2FA(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.2fa_reset", func(p *vaern.Principal, id int64) error {
		return s.st.ResetTOTP(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	})
}

// ---- settings and audit ----

func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "settings", s.page(w, r, "settings.title", nil))
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	on := r.PostForm.Get("require_2fa") == "on"
	if err := s.st.SetRequire2FA(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, on); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/org/settings", "flash.saved")
}

type auditData struct {
	Entries []vaern.AuditEntry
	Next    int64
}

const auditPageSize = 50

func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := s.st.AuditLog(r.Context(), p.Org.ID, before, auditPageSize)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := auditData{Entries: entries}
	if len(entries) == auditPageSize {
		d.Next = entries[len(entries)-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", s.page(w, r, "audit.title", d))
}

// ---- dashboard ----

type dashboardData struct {
	Units, People int
	Members       []vaern.Org
	BySize        []Bar // centre: members per size class and country
	Now           time.Time
	Open          []openAssessment // member: assessments of open rounds
	Rounds        []vaern.Round    // centre: open rounds with their participation
}

type openAssessment struct {
	A        vaern.Assessment
	Progress Progress
	DaysLeft int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	people, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := dashboardData{Units: len(units), People: len(people), Now: s.st.Now()}
	if p.Org.IsCentre() {
		d.Members, err = s.st.Members(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		d.BySize = membersBySize(d.Members)
	}
	// The rounds going on now: a member's assessments with how far they are, the centre's
	// participation.
	if vaern.Can(p.Role, vaern.PermBaselineView) {
		list, err := s.st.Assessments(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, a := range list {
			if !a.Editable(d.Now) {
				continue
			}
			pr, err := s.assessmentProgress(ctx, p.Org.ID, a)
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			deadline := a.Round.ClosesAt
			if a.Status == vaern.AssessmentReopened {
				deadline = a.ReopenedUntil
			}
			d.Open = append(d.Open, openAssessment{A: a, Progress: pr, DaysLeft: int(deadline.Sub(d.Now).Hours() / 24)})
		}
	}
	if vaern.Can(p.Role, vaern.PermRoundsView) {
		rounds, err := s.st.Rounds(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, rd := range rounds {
			if rd.Status == vaern.RoundOpen {
				d.Rounds = append(d.Rounds, rd)
			}
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", s.page(w, r, "dashboard.title", d))
}

// Bar is one bar of a server-rendered bar chart.
type Bar struct {
	Label string // i18n key or plain text
	Group string
	Value int
	Width int // percent of the largest bar
}

func membersBySize(members []vaern.Org) []Bar {
	counts := map[string]int{}
	for _, m := range members {
		counts[m.Country+"|"+m.SizeClass]++
	}
	var bars []Bar
	maxV := 0
	for _, c := range []string{"DK", "NO"} {
		for _, sz := range []string{vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge} {
			v := counts[c+"|"+sz]
			bars = append(bars, Bar{Label: "size." + sz, Group: c, Value: v})
			maxV = max(maxV, v)
		}
	}
	for i := range bars {
		if maxV > 0 {
			bars[i].Width = bars[i].Value * 100 / maxV
		}
	}
	return bars
}

// ---- the centre's members ----

type membersData struct {
	Members []vaern.Org
	Query   string
	Country string
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	all, err := s.st.Members(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	country := r.URL.Query().Get("country")
	d := membersData{Query: q, Country: country}
	for _, m := range all {
		if country != "" && m.Country != country {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(m.Name), strings.ToLower(q)) && m.Code != q {
			continue
		}
		d.Members = append(d.Members, m)
	}
	pg := s.page(w, r, "members.title", d)
	pg.Form.Set("q", q)
	pg.Form.Set("country", country)
	s.render(w, r, http.StatusOK, "members", pg)
}

func (s *Server) memberNew(w http.ResponseWriter, r *http.Request) {
	pg := s.page(w, r, "member.new_title", nil)
	pg.Form.Set("country", "DK")
	s.render(w, r, http.StatusOK, "member_new", pg)
}

// memberFromForm reads a member's facts from a form, naming the field that is wrong.
func memberFromForm(r *http.Request) (vaern.Org, error) {
	f := r.PostForm
	o := vaern.Org{Code: f.Get("code"), Name: f.Get("name"), Country: f.Get("country"), Region: f.Get("region"), SizeClass: f.Get("size_class")}
	if v := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(f.Get("population"), ".", ""), " ", "")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return o, vaern.Invalid("population", "is not a whole number")
		}
		o.Population = n
	}
	if o.SizeClass == "" && o.Population > 0 {
		o.SizeClass = vaern.SizeClassOf(o.Population)
	}
	return o, nil
}

func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	o, err := memberFromForm(r)
	if err == nil {
		o, err = s.st.CreateMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o)
	}
	if err != nil {
		pg := s.page(w, r, "member.new_title", nil)
		if formError(pg, err) {
			pg.Form = r.PostForm
			s.render(w, r, http.StatusUnprocessableEntity, "member_new", pg)
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(o.ID, 10), "flash.member_created")
}

type memberData struct {
	Member vaern.Org
	People int
	Units  int
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok || id == p.Org.ID {
		return nil, vaern.ErrNotFound
	}
	o, err := s.st.Org(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	// The centre sees a member's public facts and how many people and units it has, nothing more.
	people, err := s.st.OrgUsers(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "member.title", memberData{Member: o, People: len(people), Units: len(units)})
	f := pg.Form
	f.Set("code", o.Code)
	f.Set("name", o.Name)
	f.Set("country", o.Country)
	f.Set("region", o.Region)
	f.Set("population", strconv.Itoa(o.Population))
	f.Set("size_class", o.SizeClass)
	return pg, nil
}

func (s *Server) member(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "member", s.memberPage)
}

func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	o, err := memberFromForm(r)
	o.ID = id
	if err == nil {
		err = s.st.UpdateMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o)
	}
	if err != nil {
		s.refill(w, r, err, "member", true, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) memberInvite(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok || id == p.Org.ID {
		s.notFound(w, r)
		return
	}
	o, err := s.st.Org(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.invite(r, p, o, r.PostForm.Get("email"), vaern.RoleCoordinator, 0); err != nil {
		s.refill(w, r, err, "member", true, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(id, 10), "flash.invited")
}
