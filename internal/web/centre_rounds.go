package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // round dates are Copenhagen dates, also on servers without a zoneinfo database

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// roundZone is the time zone in which the centre's round dates are meant: a round "closes on
// 31 March" at the end of that day in Copenhagen (Oslo keeps the same time).
var roundZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // cannot happen with time/tzdata linked in
	}
	return loc
}()

// RoundDay formats the calendar day a round date falls on in Copenhagen. Closing times are the
// start of the following day, so the last day is the one before.
func roundDay(t time.Time, closing bool) string {
	if t.IsZero() {
		return "–"
	}
	if closing {
		t = t.Add(-time.Nanosecond)
	}
	return t.In(roundZone).Format(time.DateOnly)
}

// parseRoundDay reads a date input (YYYY-MM-DD) as the start of that day in Copenhagen, or with
// end set, the end of it (the start of the next day).
func parseRoundDay(field, v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, vaern.Invalid(field, "is required")
	}
	d, err := time.ParseInLocation(time.DateOnly, v, roundZone)
	if err != nil {
		return time.Time{}, vaern.Invalid(field, "is not a date (use YYYY-MM-DD)")
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// ---- list ----

type roundRow struct {
	Round        vaern.Round
	Opens, Last  string
	Width        int // submitted as percent of members
	StatusKey    string
	FrameworkTxt string
}

func (s *Server) rounds(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.Rounds(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var rows []roundRow
	for _, x := range list {
		rows = append(rows, roundRowOf(x))
	}
	s.render(w, r, http.StatusOK, "centre_rounds", s.page(w, r, "bc.rounds.title", rows))
}

func roundRowOf(x vaern.Round) roundRow {
	row := roundRow{Round: x, Opens: roundDay(x.OpensAt, false), Last: roundDay(x.ClosesAt, true),
		StatusKey: "bc.round_status." + x.Status, FrameworkTxt: x.Framework.FID + " " + x.Framework.Version}
	if x.Members > 0 {
		row.Width = x.Submitted * 100 / x.Members
	}
	return row
}

// ---- new round ----

type roundNewData struct {
	Frameworks []vaern.FrameworkInfo // usable ones: not drafts
	Members    []vaern.Org
	Regions    []string
	Selected   map[string]bool // member ids ticked in the explicit choice
}

func (s *Server) roundNewPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	fws, err := s.st.Frameworks(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	members, err := s.st.Members(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := &roundNewData{Members: members, Selected: map[string]bool{}}
	for _, f := range fws {
		if !f.Draft && f.Kind != "mapping" { // a mapping questionnaire is not a baseline
			d.Frameworks = append(d.Frameworks, f)
		}
	}
	seen := map[string]bool{}
	for _, m := range members {
		if m.Region != "" && !seen[m.Region] {
			seen[m.Region] = true
			d.Regions = append(d.Regions, m.Region)
		}
	}
	sort.Strings(d.Regions)
	return s.page(w, r, "bc.round_new.title", d), nil
}

func (s *Server) roundNew(w http.ResponseWriter, r *http.Request) {
	pg, err := s.roundNewPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	today := s.st.Now().In(roundZone)
	f := pg.Form
	f.Set("year", strconv.Itoa(today.Year()))
	f.Set("opens_at", today.Format(time.DateOnly))
	f.Set("scope", "all")
	if d := pg.Data.(*roundNewData); len(d.Frameworks) > 0 {
		f.Set("framework", strconv.FormatInt(newestFramework(d.Frameworks).ID, 10))
	}
	s.render(w, r, http.StatusOK, "centre_round_new", pg)
}

// newestFramework suggests the most recent finished framework version.
func newestFramework(fws []vaern.FrameworkInfo) vaern.FrameworkInfo {
	best := fws[0]
	for _, f := range fws[1:] {
		if f.FID == "vaern-baseline" && (best.FID != "vaern-baseline" || f.Version > best.Version) {
			best = f
		}
	}
	return best
}

// roundForm reads the new-round form. It returns every problem at once, by field.
func roundForm(f url.Values, members []vaern.Org) (vaern.Round, []int64, []error) {
	var r vaern.Round
	var errs []error
	if y, err := strconv.Atoi(strings.TrimSpace(f.Get("year"))); err != nil {
		errs = append(errs, vaern.Invalid("year", "is not a whole number"))
	} else if y < 2000 || y > 2100 {
		errs = append(errs, vaern.Invalid("year", "must be a year between 2000 and 2100"))
	} else {
		r.Year = y
	}
	r.Title = strings.TrimSpace(f.Get("title"))
	if r.Title == "" {
		errs = append(errs, vaern.Invalid("title", "is required"))
	} else if len(r.Title) > 200 {
		errs = append(errs, vaern.Invalid("title", "is longer than 200 characters"))
	}
	r.FrameworkID, _ = strconv.ParseInt(f.Get("framework"), 10, 64)
	if r.FrameworkID <= 0 {
		errs = append(errs, vaern.Invalid("framework", "choose a framework"))
	}
	var err error
	if r.OpensAt, err = parseRoundDay("opens_at", f.Get("opens_at"), false); err != nil {
		errs = append(errs, err)
	}
	if r.ClosesAt, err = parseRoundDay("closes_at", f.Get("closes_at"), true); err != nil {
		errs = append(errs, err)
	} else if !r.OpensAt.IsZero() && !r.ClosesAt.After(r.OpensAt.AddDate(0, 0, 1)) {
		errs = append(errs, vaern.Invalid("closes_at", "must be after the opening date"))
	}
	var ids []int64
	switch f.Get("scope") {
	case "all", "":
		// every member: the store's default
	case "filter":
		country, size, region := f.Get("country"), f.Get("size_class"), f.Get("region")
		for _, m := range members {
			if (country == "" || m.Country == country) && (size == "" || m.SizeClass == size) && (region == "" || m.Region == region) {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) == 0 {
			errs = append(errs, vaern.Invalid("members", "no member matches the choice"))
		}
	case "pick":
		known := map[int64]bool{}
		for _, m := range members {
			known[m.ID] = true
		}
		for _, v := range f["members"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || !known[id] {
				errs = append(errs, vaern.Invalid("members", "choose members of the centre only"))
				break
			}
			ids = append(ids, id)
		}
		if len(f["members"]) == 0 {
			errs = append(errs, vaern.Invalid("members", "choose at least one member"))
		}
	default:
		errs = append(errs, vaern.Invalid("members", "choose at least one member"))
	}
	return r, ids, errs
}

// formErrors puts several validation errors on the page, one per field.
func formErrors(pg *Page, errs []error) {
	for _, err := range errs {
		var ve *vaern.ValidationError
		if !errors.As(err, &ve) {
			continue
		}
		if _, dup := pg.Errors[ve.Field]; dup {
			continue
		}
		formError(pg, err)
	}
}

func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg, err := s.roundNewPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := pg.Data.(*roundNewData)
	round, ids, errs := roundForm(r.PostForm, d.Members)
	if len(errs) == 0 {
		round, err = s.st.CreateRound(ctx, p.Actor(s.clientIP(r)), p.Org.ID, round, ids)
		if err == nil {
			s.redirect(w, r, "/centre/rounds/"+strconv.FormatInt(round.ID, 10), "bc.flash.round_created")
			return
		}
		var ve *vaern.ValidationError
		if !errors.As(err, &ve) {
			s.failErr(w, r, err)
			return
		}
		errs = append(errs, err)
	}
	formErrors(pg, errs)
	pg.Form = r.PostForm
	for _, v := range r.PostForm["members"] {
		d.Selected[v] = true
	}
	s.render(w, r, http.StatusUnprocessableEntity, "centre_round_new", pg)
}

// ---- one round: participation, close, reopen ----

type participantRow struct {
	store.Participant
	StatusKey string
	Submitted string
	Until     string
}

type roundData struct {
	Row          roundRow
	Participants []participantRow
	ByStatus     []Bar
	Open         bool
	MinUntil     string // the earliest date a reopening may run until
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	round, err := s.st.Round(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	parts, err := s.st.Participation(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	d := &roundData{Row: roundRowOf(round), Open: round.Status == vaern.RoundOpen,
		MinUntil: s.st.Now().In(roundZone).Format(time.DateOnly)}
	counts := map[string]int{}
	for _, x := range parts {
		counts[x.Status]++
		row := participantRow{Participant: x, StatusKey: "bc.status." + x.Status}
		if !x.SubmittedAt.IsZero() {
			row.Submitted = roundDay(x.SubmittedAt, false)
		}
		if x.Status == vaern.AssessmentReopened {
			row.Until = roundDay(x.ReopenedUntil, true)
		}
		d.Participants = append(d.Participants, row)
	}
	maxV := 0
	for _, st := range []string{vaern.AssessmentOpen, vaern.AssessmentSubmitted, vaern.AssessmentReopened, vaern.AssessmentClosed} {
		d.ByStatus = append(d.ByStatus, Bar{Label: "bc.status." + st, Value: counts[st]})
		maxV = max(maxV, counts[st])
	}
	for i := range d.ByStatus {
		if maxV > 0 {
			d.ByStatus[i].Width = d.ByStatus[i].Value * 100 / maxV
		}
	}
	return s.page(w, r, "bc.round.title", d), nil
}

func (s *Server) round(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "centre_round", s.roundPage)
}

func (s *Server) roundClose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	round, err := s.st.Round(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	switch {
	case round.Status != vaern.RoundOpen:
		err = vaern.Invalid("confirm", "the round is already closed")
	case r.PostForm.Get("confirm") != "yes":
		err = vaern.Invalid("confirm", "tick the box to confirm")
	default:
		err = s.st.CloseRound(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id)
	}
	if err != nil {
		s.refill(w, r, err, "centre_round", false, func() (*Page, error) { return s.roundPage(w, r) })
		return
	}
	s.computeRoundResults(r, id)
	s.redirect(w, r, "/centre/rounds/"+strconv.FormatInt(id, 10), "bc.flash.round_closed")
}

func (s *Server) roundReopen(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.st.Round(ctx, p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	parts, err := s.st.Participation(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var errs []error
	assessment := formID(r, "assessment")
	found := false
	for _, x := range parts {
		found = found || x.AssessmentID == assessment
	}
	if !found {
		errs = append(errs, vaern.Invalid("assessment", "choose a member of this round"))
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		errs = append(errs, vaern.Invalid("reason", "is required"))
	} else if len(reason) > 1000 {
		errs = append(errs, vaern.Invalid("reason", "is longer than 1,000 characters"))
	}
	until, err := parseRoundDay("until", r.PostForm.Get("until"), true)
	if err != nil {
		errs = append(errs, err)
	} else if !until.After(s.st.Now()) {
		errs = append(errs, vaern.Invalid("until", "must be in the future"))
	}
	if len(errs) == 0 {
		err = s.st.ReopenAssessment(ctx, p.Actor(s.clientIP(r)), p.Org.ID, assessment, reason, until)
		if err == nil {
			s.redirect(w, r, "/centre/rounds/"+strconv.FormatInt(id, 10), "bc.flash.reopened")
			return
		}
		var ve *vaern.ValidationError
		if !errors.As(err, &ve) {
			s.failErr(w, r, err)
			return
		}
		errs = append(errs, err)
	}
	pg, err := s.roundPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	formErrors(pg, errs)
	pg.Form = r.PostForm
	s.render(w, r, http.StatusUnprocessableEntity, "centre_round", pg)
}
