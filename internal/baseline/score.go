package baseline

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/vaern/vaern/internal/framework"
)

// Answer values besides the maturity levels "0".."5".
const (
	ValueYes      = "yes"      // yes-partly-no: scores framework.ScoreYes
	ValuePartly   = "partly"   // yes-partly-no: scores framework.ScorePartly
	ValueNo       = "no"       // yes-partly-no: scores framework.ScoreNo
	ValueDontKnow = "dontknow" // always allowed; scores framework.ScoreUnknown and is flagged for follow-up
	ValueNA       = "na"       // not relevant: left out; only where the question allows it
	ValueNone     = ""         // not answered (yet): left out of scores, missing in completeness
)

// ErrInvalidValue is wrapped by every error of ValidValue.
var ErrInvalidValue = errors.New("invalid answer")

// ValidValue reports whether v may be stored as the answer to q of framework
// f, and otherwise names the problem. Allowed are "" (not answered),
// "dontknow", "na" where q.AllowsNotRelevant(f), and by answer type "0".."5"
// (maturity) or "yes", "partly", "no" (yes-partly-no). Values are compared
// exactly: no trimming, no case folding. Errors wrap ErrInvalidValue.
func ValidValue(q *framework.Question, f *framework.Framework, v string) error {
	if q == nil {
		return fmt.Errorf("%w: no question", ErrInvalidValue)
	}
	switch v {
	case ValueNone, ValueDontKnow:
		return nil
	case ValueNA:
		if q.AllowsNotRelevant(f) {
			return nil
		}
		return fmt.Errorf("%w: question %s cannot be answered %q: \"not relevant\" is not allowed for it", ErrInvalidValue, q.ID, v)
	}
	also := `"dontknow"`
	if q.AllowsNotRelevant(f) {
		also = `"dontknow" or "na"`
	}
	switch q.Answer {
	case framework.AnswerMaturity:
		if _, ok := maturityLevel(v); ok {
			return nil
		}
		return fmt.Errorf("%w: question %s takes a maturity level \"0\" to \"5\", %s, not %q", ErrInvalidValue, q.ID, also, v)
	case framework.AnswerYesPartlyNo:
		if v == ValueYes || v == ValuePartly || v == ValueNo {
			return nil
		}
		return fmt.Errorf("%w: question %s takes \"yes\", \"partly\", \"no\", %s, not %q", ErrInvalidValue, q.ID, also, v)
	}
	return fmt.Errorf("%w: question %s has an unknown answer type %q", ErrInvalidValue, q.ID, q.Answer)
}

// maturityLevel parses exactly "0".."5".
func maturityLevel(v string) (int, bool) {
	if len(v) == 1 && v[0] >= '0' && v[0] <= '5' {
		return int(v[0] - '0'), true
	}
	return 0, false
}

// Score returns the score of the answer v to q. counts says whether the
// answer takes part in means: false for "" (not answered), "na" and values
// that are not valid for the question's answer type. flagged is true for
// "dontknow", which counts with score 0 and is to be followed up. Score does
// not check whether "na" is allowed; use ValidValue for that.
func Score(q *framework.Question, v string) (score float64, counts bool, flagged bool) {
	if q == nil {
		return 0, false, false
	}
	switch v {
	case ValueNone, ValueNA:
		return 0, false, false
	case ValueDontKnow:
		return framework.ScoreUnknown, true, true
	}
	switch q.Answer {
	case framework.AnswerMaturity:
		if l, ok := maturityLevel(v); ok {
			return float64(l), true, false
		}
	case framework.AnswerYesPartlyNo:
		switch v {
		case ValueYes:
			return framework.ScoreYes, true, false
		case ValuePartly:
			return framework.ScorePartly, true, false
		case ValueNo:
			return framework.ScoreNo, true, false
		}
	}
	return 0, false, false
}

// Target returns the target score of q: its target level for maturity
// questions, framework.ScoreYes for yes-partly-no questions.
func Target(q *framework.Question) float64 {
	if q != nil && q.Answer == framework.AnswerYesPartlyNo {
		return framework.ScoreYes
	}
	if q == nil {
		return 0
	}
	return float64(q.Target)
}

// Round2 rounds x half away from zero to 2 decimals, for display only;
// results are computed and stored unrounded. A value within 1e-9 of a half
// hundredth counts as the half, so that 2.675 (held in binary as
// 2.67499999…) shows as 2.68, as it would by hand. NaN and ±Inf are returned
// unchanged, and a result of zero is always +0 (never "-0").
func Round2(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	y := math.Abs(x) * 100
	whole := math.Floor(y)
	var r float64
	if math.Abs(y-whole-0.5) < 1e-9 {
		r = whole + 1
	} else {
		r = math.Round(y)
	}
	if r == 0 {
		return 0
	}
	return math.Copysign(r/100, x)
}

// Answer is one stored answer. UnitID is 0 for organisation-scope questions
// and the answering unit for unit-scope questions.
type Answer struct {
	QuestionID string `json:"question_id"`
	UnitID     int64  `json:"unit_id"`
	Value      string `json:"value"`
}

// Result is the scoring of one member's assessment. Scores, targets and gaps
// are on the 0..5 scale and unrounded (see Round2). A nil score means that no
// answer counts (nothing answered, or only "na"); its gap is nil too.
type Result struct {
	// Overall is the weighted mean of the scores of all counting questions.
	Overall *float64 `json:"overall"`
	// Target is the weighted mean of the targets of the same questions.
	Target float64 `json:"target"`
	// Gap is Target − Overall; positive means below target.
	Gap *float64 `json:"gap"`
	// Areas in framework order.
	Areas []AreaResult `json:"areas"`
	// Units in the order given to Compute (duplicates and 0 removed).
	Units []UnitResult `json:"units"`
	// Questions in framework order.
	Questions []QuestionResult `json:"questions"`
	// FollowUps are the "dontknow" answers, in framework order and, within
	// a question, in unit order.
	FollowUps []FollowUp `json:"follow_ups"`
	// Answered and Total are the completeness over all areas.
	Answered int `json:"answered"`
	Total    int `json:"total"`
	// Ignored are the answers that were not used, in input order: unknown
	// question, unit not taking part, a unit given for an organisation
	// question (or none for a unit question), or a value not allowed for
	// the question. Answers replaced by a later duplicate are not listed.
	Ignored []Answer `json:"ignored,omitempty"`
}

// AreaResult is the scoring of one focus area, for the organisation or (in
// UnitResult) for one unit.
type AreaResult struct {
	AreaID string   `json:"area_id"`
	Score  *float64 `json:"score"`
	// Target is the weighted mean of the targets of the counting questions;
	// when none counts, of all the questions considered, so that it can
	// still be shown.
	Target float64  `json:"target"`
	Gap    *float64 `json:"gap"`
	// Answered and Total are the completeness: answers given ("na" and
	// "dontknow" included) out of answers expected.
	Answered int `json:"answered"`
	Total    int `json:"total"`
	// DontKnow is the number of "dontknow" answers.
	DontKnow int `json:"dont_know"`
}

// UnitResult is the scoring of one unit over the unit-scope questions, from
// that unit's own answers only.
type UnitResult struct {
	UnitID  int64    `json:"unit_id"`
	Overall *float64 `json:"overall"`
	// Target and Gap as in Result, over this unit's counting answers.
	Target float64  `json:"target"`
	Gap    *float64 `json:"gap"`
	// Areas that have unit-scope questions, in framework order.
	Areas    []AreaResult `json:"areas"`
	Answered int          `json:"answered"`
	Total    int          `json:"total"`
}

// QuestionResult is the scoring of one question for the organisation.
type QuestionResult struct {
	QuestionID string `json:"question_id"`
	AreaID     string `json:"area_id"`
	// Score is the answer's score (organisation scope) or the unweighted
	// mean of the participating units' counting answers (unit scope).
	Score  *float64 `json:"score"`
	Target float64  `json:"target"`
	Gap    *float64 `json:"gap"`
	Weight float64  `json:"weight"`
	// DontKnow is true when the answer, or any unit's answer, is "dontknow".
	DontKnow bool `json:"dont_know"`
}

// FollowUp is a "dontknow" answer to follow up. UnitID is 0 for
// organisation-scope questions.
type FollowUp struct {
	QuestionID string `json:"question_id"`
	UnitID     int64  `json:"unit_id"`
}

// acc accumulates a weighted mean of scores and of targets.
type acc struct {
	w, ws, wt   float64 // over counting questions
	wAll, wtAll float64 // over all questions considered, for the fallback target
}

func (a *acc) consider(w, target float64) {
	a.wAll += w
	a.wtAll += w * target
}

func (a *acc) add(w, score, target float64) {
	a.w += w
	a.ws += w * score
	a.wt += w * target
}

// result returns score, target and gap of the accumulated questions.
func (a *acc) result() (score *float64, target float64, gap *float64) {
	if a.w > 0 {
		s := a.ws / a.w
		t := a.wt / a.w
		g := t - s
		return &s, t, &g
	}
	if a.wAll > 0 {
		return nil, a.wtAll / a.wAll, nil
	}
	return nil, 0, nil
}

func (a *acc) areaResult(id string) AreaResult {
	s, t, g := a.result()
	return AreaResult{AreaID: id, Score: s, Target: t, Gap: g}
}

// qref locates a question of the framework.
type qref struct {
	q    *framework.Question
	area int // index into the areas considered
	slot int // first slot in the values table
}

// Compute scores the answers of one member to framework f. units are the
// units that answer the unit-scope questions; ids 0 and repeats are dropped.
// Answers are taken in order and a later answer to the same question (and
// unit) replaces an earlier one, "" included, which clears it; answers that
// cannot be used are listed in Result.Ignored. See docs/scoring.md.
func Compute(f *framework.Framework, answers []Answer, units []int64) Result {
	res := Result{
		Areas:     []AreaResult{},
		Units:     []UnitResult{},
		Questions: []QuestionResult{},
		FollowUps: []FollowUp{},
	}

	// Participating units, in order, without 0 and repeats.
	unitIdx := make(map[int64]int, len(units))
	var us []int64
	for _, u := range units {
		if _, dup := unitIdx[u]; u == 0 || dup {
			continue
		}
		unitIdx[u] = len(us)
		us = append(us, u)
	}
	nu := len(us)

	// Index the questions and lay out one value slot per organisation
	// question and one per unit for unit questions.
	var areas []*framework.Area
	var qs []qref
	byID := map[string]int{}
	slots := 0
	if f != nil {
		for _, a := range f.Areas {
			if a == nil {
				continue
			}
			for _, q := range a.Questions {
				if q == nil {
					continue
				}
				if _, dup := byID[q.ID]; dup {
					continue // not in a valid framework; the first one wins
				}
				byID[q.ID] = len(qs)
				qs = append(qs, qref{q: q, area: len(areas), slot: slots})
				if q.Scope == framework.ScopeUnit {
					slots += nu
				} else {
					slots++
				}
			}
			areas = append(areas, a)
		}
	}
	vals := make([]string, slots)

	for _, ans := range answers {
		i, ok := byID[ans.QuestionID]
		if !ok {
			res.Ignored = append(res.Ignored, ans)
			continue
		}
		r := qs[i]
		slot := r.slot
		if r.q.Scope == framework.ScopeUnit {
			u, ok := unitIdx[ans.UnitID]
			if !ok {
				res.Ignored = append(res.Ignored, ans)
				continue
			}
			slot += u
		} else if ans.UnitID != 0 {
			res.Ignored = append(res.Ignored, ans)
			continue
		}
		if ValidValue(r.q, f, ans.Value) != nil {
			res.Ignored = append(res.Ignored, ans)
			continue
		}
		vals[slot] = ans.Value
	}

	// Accumulators: organisation per area and overall; per unit per area
	// and overall.
	orgArea := make([]acc, len(areas))
	var orgAll acc
	done := make([]AreaResult, len(areas)) // completeness per area
	unitArea := make([]acc, nu*len(areas))
	unitDone := make([]AreaResult, nu*len(areas))
	unitAll := make([]acc, nu)
	hasUnitQ := make([]bool, len(areas))

	for _, r := range qs {
		q := r.q
		w, t := q.Weight, Target(q)
		qr := QuestionResult{QuestionID: q.ID, AreaID: areas[r.area].ID, Target: t, Weight: w}
		d := &done[r.area]
		var score float64
		counts := false
		if q.Scope == framework.ScopeUnit {
			hasUnitQ[r.area] = true
			sum, n := 0.0, 0
			for u := 0; u < nu; u++ {
				v := vals[r.slot+u]
				k := u*len(areas) + r.area
				ud := &unitDone[k]
				d.Total++
				ud.Total++
				if v != ValueNone {
					d.Answered++
					ud.Answered++
				}
				s, c, flag := Score(q, v)
				if flag {
					qr.DontKnow = true
					d.DontKnow++
					ud.DontKnow++
					res.FollowUps = append(res.FollowUps, FollowUp{QuestionID: q.ID, UnitID: us[u]})
				}
				unitArea[k].consider(w, t)
				unitAll[u].consider(w, t)
				if c {
					sum += s
					n++
					unitArea[k].add(w, s, t)
					unitAll[u].add(w, s, t)
				}
			}
			if n > 0 {
				score, counts = sum/float64(n), true
			}
		} else {
			v := vals[r.slot]
			d.Total++
			if v != ValueNone {
				d.Answered++
			}
			s, c, flag := Score(q, v)
			if flag {
				qr.DontKnow = true
				d.DontKnow++
				res.FollowUps = append(res.FollowUps, FollowUp{QuestionID: q.ID})
			}
			score, counts = s, c
		}
		orgArea[r.area].consider(w, t)
		orgAll.consider(w, t)
		if counts {
			orgArea[r.area].add(w, score, t)
			orgAll.add(w, score, t)
			s, g := score, t-score
			qr.Score, qr.Gap = &s, &g
		}
		res.Questions = append(res.Questions, qr)
	}

	for i, a := range areas {
		ar := orgArea[i].areaResult(a.ID)
		ar.Answered, ar.Total, ar.DontKnow = done[i].Answered, done[i].Total, done[i].DontKnow
		res.Areas = append(res.Areas, ar)
		res.Answered += ar.Answered
		res.Total += ar.Total
	}
	res.Overall, res.Target, res.Gap = orgAll.result()

	for u, id := range us {
		ur := UnitResult{UnitID: id, Areas: []AreaResult{}}
		for i, a := range areas {
			if !hasUnitQ[i] {
				continue
			}
			k := u*len(areas) + i
			ar := unitArea[k].areaResult(a.ID)
			ar.Answered, ar.Total, ar.DontKnow = unitDone[k].Answered, unitDone[k].Total, unitDone[k].DontKnow
			ur.Areas = append(ur.Areas, ar)
			ur.Answered += ar.Answered
			ur.Total += ar.Total
		}
		ur.Overall, ur.Target, ur.Gap = unitAll[u].result()
		res.Units = append(res.Units, ur)
	}
	return res
}

// Recommendation is one entry of the action plan.
type Recommendation struct {
	QuestionID string `json:"question_id"`
	AreaID     string `json:"area_id"`
	// Score and Target of the question (organisation), unrounded.
	Score  float64 `json:"score"`
	Target float64 `json:"target"`
	// Key is the recommendation key used: the level "0".."4" for maturity
	// questions, "no" or "partly" for yes-partly-no.
	Key      string  `json:"key"`
	Weight   float64 `json:"weight"`
	Gap      float64 `json:"gap"`
	Priority float64 `json:"priority"` // Weight × Gap
	Text     string  `json:"text"`     // in the language asked for, with the fallback of framework.Text.Get
}

// belowTarget is how far below its target a question must be to get a
// recommendation; it only absorbs floating-point noise.
const belowTarget = 1e-9

// RecommendationKey returns the key of the recommendation for a question at
// score: for maturity questions the level floor(score) as a decimal (at most
// the level below the target), for yes-partly-no questions "partly" when
// score ≥ framework.ScorePartly and "no" below that. A unit-scope question
// whose units answered yes and no (mean 2.5) thus gets the "partly" text.
func RecommendationKey(q *framework.Question, score float64) string {
	if q.Answer == framework.AnswerYesPartlyNo {
		if score+belowTarget >= framework.ScorePartly {
			return framework.RecommendPartly
		}
		return framework.RecommendNo
	}
	level := int(math.Floor(score + belowTarget))
	if level > q.Target-1 {
		level = q.Target - 1
	}
	if level < 0 {
		level = 0
	}
	return strconv.Itoa(level)
}

// Recommendations ranks the questions of res that are below their target by
// priority = weight × gap, highest first, ties in framework order, and
// returns at most limit of them (all when limit ≤ 0) with the text of f for
// the level each question is at (see RecommendationKey), in lang. Questions
// without a score, at or above target, or unknown to f are left out.
func Recommendations(f *framework.Framework, res Result, lang string, limit int) []Recommendation {
	if f == nil {
		return nil
	}
	type located struct {
		q    *framework.Question
		area string
		pos  int
	}
	byID := map[string]located{}
	pos := 0
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		for _, q := range a.Questions {
			if q == nil {
				continue
			}
			if _, dup := byID[q.ID]; !dup {
				byID[q.ID] = located{q, a.ID, pos}
			}
			pos++
		}
	}
	type ranked struct {
		Recommendation
		pos int
	}
	var rs []ranked
	for _, qr := range res.Questions {
		if qr.Score == nil || qr.Gap == nil || *qr.Gap <= belowTarget {
			continue
		}
		l, ok := byID[qr.QuestionID]
		if !ok {
			continue
		}
		q := l.q
		key := RecommendationKey(q, *qr.Score)
		rs = append(rs, ranked{Recommendation{
			QuestionID: q.ID,
			AreaID:     l.area,
			Score:      *qr.Score,
			Target:     qr.Target,
			Key:        key,
			Weight:     qr.Weight,
			Gap:        *qr.Gap,
			Priority:   qr.Weight * *qr.Gap,
			Text:       q.Recommendation(key, lang),
		}, l.pos})
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Priority != rs[j].Priority {
			return rs[i].Priority > rs[j].Priority
		}
		return rs[i].pos < rs[j].pos
	})
	if limit > 0 && len(rs) > limit {
		rs = rs[:limit]
	}
	out := make([]Recommendation, len(rs))
	for i, r := range rs {
		out[i] = r.Recommendation
	}
	return out
}
