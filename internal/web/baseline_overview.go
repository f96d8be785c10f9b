package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
)

type overviewData struct {
	X           *assessment
	Areas       []Progress
	UnitsProg   []Progress
	All         Progress
	Delegations []vaern.Delegation
	Answering   map[int64]bool
	Tree        []vaern.UnitNode
	People      []vaern.Member
	Complete    bool
	Today       string
	// Blockers are what keeps the assessment from being submitted, per focus area and unit;
	// NotApproved and Pending count them all.
	Blockers    []blockerView
	NotApproved int
	Pending     int
}

// blockerView is a baseline.Blocker with the link to its page.
type blockerView struct {
	baseline.Blocker
	UnitName string
	Href     string
}

func (s *Server) baselineOverview(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "baseline_overview", s.overviewPage)
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	x, err := s.loadAssessment(r)
	if err != nil {
		return nil, err
	}
	ad, err := s.loadAnswered(ctx, x.P.Org.ID, x.A)
	if err != nil {
		return nil, err
	}
	dels, units := ad.Delegations, ad.Units
	am := answerMap(ad.Answers)
	d := &overviewData{X: x, Delegations: dels, Answering: map[int64]bool{}, Tree: vaern.UnitTree(x.Units), Today: s.st.Now().Format("2006-01-02")}
	for _, u := range x.A.Units {
		d.Answering[u] = true
	}
	areaIdx := map[string]int{}
	for _, ar := range x.F.Areas {
		areaIdx[ar.ID] = len(d.Areas)
		d.Areas = append(d.Areas, Progress{Key: ar.ID, Name: ar.Title.Get(s.lang(r, x.P))})
	}
	unitIdx := map[int64]int{}
	for _, u := range units {
		unitIdx[u] = len(d.UnitsProg)
		d.UnitsProg = append(d.UnitsProg, Progress{Key: strconv.FormatInt(u, 10), Name: x.UnitName[u], UnitAnswer: u})
	}
	for _, sl := range baseline.Slots(x.F, units) {
		a, ok := am[slotKey{sl.Q.ID, sl.Unit}]
		ar, _ := x.F.AreaOf(sl.Q.ID)
		countProgress(&d.Areas[areaIdx[ar.ID]], a, ok)
		countProgress(&d.All, a, ok)
		if sl.Unit != 0 {
			countProgress(&d.UnitsProg[unitIdx[sl.Unit]], a, ok)
		}
	}
	for i := range d.Areas {
		finishProgress(&d.Areas[i])
	}
	for i := range d.UnitsProg {
		finishProgress(&d.UnitsProg[i])
	}
	finishProgress(&d.All)
	d.Complete = d.All.Total > 0 && d.All.Approved == d.All.Total
	for _, b := range baseline.Blockers(x.F, units, answerStatus(am)) {
		href := "/baseline/" + strconv.FormatInt(x.A.ID, 10) + "/area?a=" + url.QueryEscape(b.Area.ID)
		if b.Unit != 0 {
			href += "&unit=" + strconv.FormatInt(b.Unit, 10)
		}
		d.Blockers = append(d.Blockers, blockerView{Blocker: b, UnitName: x.UnitName[b.Unit], Href: href})
		d.NotApproved += b.Total()
		d.Pending += b.Pending
	}
	if vaern.Can(x.P.Role, vaern.PermBaselineManage) {
		people, err := s.st.OrgUsers(ctx, x.P.Org.ID)
		if err != nil {
			return nil, err
		}
		// Offer only people who can answer; the store refuses the others anyway.
		for _, m := range people {
			if baseline.MayBeDelegated(m.Role) {
				d.People = append(d.People, m)
			}
		}
	}
	return s.page(w, r, "bl.overview_title", d), nil
}
