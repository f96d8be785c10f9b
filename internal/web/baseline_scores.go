package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
)

type scoresData struct {
	X       *assessment
	Res     baseline.Result
	Areas   []areaScoreRow
	Units   []unitScoreRow
	Recs    []baseline.Recommendation
	Follow  []followRow
	Overall string
	Target  string
}

type areaScoreRow struct {
	Area                *framework.Area
	Score, Target, Gap  string
	ScorePct, TargetPct int
	Answered, Total     int
	DontKnow            int
	Below               bool
}

type unitScoreRow struct {
	Name          string
	Overall, Gap  string
	Pct           int
	Answered, Tot int
}

type followRow struct {
	Q    *framework.Question
	Unit string
}

func pctOf5(p *float64) int {
	if p == nil {
		return 0
	}
	v := int(*p*20 + 0.5)
	return max(0, min(100, v))
}

// baselineScores shows the assessment's scores per focus area and unit against the target, with the
// recommendations ranked by weight × gap and the "don't know" answers to follow up.
func (s *Server) baselineScores(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	ad, err := s.loadAnswered(r.Context(), x.P.Org.ID, x.A)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	in := make([]baseline.Answer, 0, len(ad.Answers))
	for _, a := range ad.Answers {
		in = append(in, baseline.Answer{QuestionID: a.QuestionID, UnitID: a.UnitID, Value: a.Value})
	}
	res := baseline.Compute(x.F, in, ad.Units)
	pg := s.page(w, r, "bl.scores_title", nil)
	l := pg.L
	d := &scoresData{X: x, Res: res, Overall: l.DecP(res.Overall), Target: l.Dec(res.Target)}
	for _, ar := range res.Areas {
		area, _ := x.F.Area(ar.AreaID)
		t := ar.Target
		d.Areas = append(d.Areas, areaScoreRow{Area: area, Score: l.DecP(ar.Score), Target: l.Dec(ar.Target),
			Gap: l.DecP(ar.Gap), ScorePct: pctOf5(ar.Score), TargetPct: pctOf5(&t), Answered: ar.Answered, Total: ar.Total,
			DontKnow: ar.DontKnow, Below: ar.Gap != nil && *ar.Gap > 1e-9})
	}
	for _, u := range res.Units {
		d.Units = append(d.Units, unitScoreRow{Name: x.UnitName[u.UnitID], Overall: l.DecP(u.Overall), Gap: l.DecP(u.Gap),
			Pct: pctOf5(u.Overall), Answered: u.Answered, Tot: u.Total})
	}
	d.Recs = baseline.Recommendations(x.F, res, pg.L.Lang, 10)
	for _, f := range res.FollowUps {
		q, _ := x.F.Question(f.QuestionID)
		d.Follow = append(d.Follow, followRow{Q: q, Unit: x.UnitName[f.UnitID]})
	}
	pg.Data = d
	s.render(w, r, http.StatusOK, "baseline_scores", pg)
}
