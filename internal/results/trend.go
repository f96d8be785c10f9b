package results

import (
	"strconv"
	"strings"

	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
)

// QuestionMap maps the questions of the current framework onto those of an earlier version of the
// same framework, by following the supersedes mappings back version by version: cur question id →
// old question id. Questions that are new since old (or whose predecessor was removed on the way)
// have no entry. changed holds the current questions whose chain includes a "changed" step. ok is
// false when old is not an earlier version reachable through the mappings (another framework, or
// a version missing from versions); old == cur maps every question to itself.
func QuestionMap(cur *framework.Framework, versions map[string]*framework.Framework, old *framework.Framework) (m map[string]string, changed map[string]bool, ok bool) {
	if cur == nil || old == nil || cur.ID != old.ID {
		return nil, nil, false
	}
	m = map[string]string{}
	changed = map[string]bool{}
	for _, q := range cur.Questions() {
		m[q.ID] = q.ID
	}
	f := cur
	for steps := 0; f.Version != old.Version; steps++ {
		if f.Supersedes == nil || steps > 100 {
			return nil, nil, false
		}
		back := map[string]string{} // id in f → id in the version before
		was := map[string]bool{}
		for _, mp := range f.Supersedes.Mapping {
			switch mp.Change {
			case framework.ChangeSame, framework.ChangeChanged:
				back[mp.To] = mp.From
				was[mp.To] = mp.Change == framework.ChangeChanged
			}
		}
		next := map[string]string{}
		for c, x := range m {
			if o, ok := back[x]; ok {
				next[c] = o
				if was[x] {
					changed[c] = true
				}
			}
		}
		m = next
		prev := versions[f.Supersedes.Version]
		if f.Supersedes.Version == old.Version {
			prev = old
		}
		if prev == nil {
			return nil, nil, false
		}
		f = prev
	}
	for c := range changed {
		if _, ok := m[c]; !ok {
			delete(changed, c)
		}
	}
	return m, changed, true
}

// Point is one round of a trend, expressed in the current framework's areas.
type Point struct {
	Overall *float64            `json:"overall"`
	Areas   map[string]*float64 `json:"areas"`
	// Compared is how many of the current framework's questions have a score in this round through
	// the mapping; Total is how many questions the current framework has.
	Compared int `json:"compared"`
	Total    int `json:"total"`
	// Changed counts the compared questions that were reworded on the way ("changed").
	Changed int `json:"changed"`
}

// TrendPoint recomputes an earlier round's result in the current framework's terms: every current
// question with a predecessor (qmap, from QuestionMap) that had a score then (scores, by the old
// question id) takes that score, with the current question's weight and area; questions without
// one are left out. Area and overall scores are weighted means as in Compute, so the same questions
// weigh the same in every year.
func TrendPoint(cur *framework.Framework, qmap map[string]string, changed map[string]bool, scores map[string]float64) Point {
	p := Point{Areas: map[string]*float64{}}
	var all acc
	for _, a := range cur.Areas {
		var ar acc
		for _, q := range a.Questions {
			p.Total++
			o, ok := qmap[q.ID]
			if !ok {
				continue
			}
			s, ok := scores[o]
			if !ok {
				continue
			}
			p.Compared++
			if changed[q.ID] {
				p.Changed++
			}
			ar.add(q.Weight, s)
			all.add(q.Weight, s)
		}
		p.Areas[a.ID] = ar.mean()
	}
	p.Overall = all.mean()
	return p
}

// Scores returns the question scores of a result by question id (questions without a score are
// left out).
func Scores(res baseline.Result) map[string]float64 {
	out := make(map[string]float64, len(res.Questions))
	for _, q := range res.Questions {
		if q.Score != nil {
			out[q.QuestionID] = *q.Score
		}
	}
	return out
}

// EncodeScores writes question scores compactly ("GOV-01=2.5;GOV-02=3"), in the given order, for
// storage: trends read many rounds at once, and this is much cheaper to read than a whole result.
func EncodeScores(res baseline.Result) string {
	var b strings.Builder
	for _, q := range res.Questions {
		if q.Score == nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(q.QuestionID)
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(*q.Score, 'g', -1, 64))
	}
	return b.String()
}

// DecodeScores reads what EncodeScores wrote; malformed parts are skipped.
func DecodeScores(s string) map[string]float64 {
	out := map[string]float64{}
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ";")
		id, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			out[id] = f
		}
	}
	return out
}

// History is one earlier (or the current) round of a member, for Trend.
type History struct {
	AssessmentID int64
	Year         int
	Round        string
	F            *framework.Framework // the round's framework
	Scores       map[string]float64
}

// TrendRow is one round of a member's trend, in the current framework's terms.
type TrendRow struct {
	Year         int    `json:"year"`
	Round        string `json:"round"`
	AssessmentID int64  `json:"assessment_id"`
	Point        Point  `json:"point"`
}

// Trend expresses every round of hist (oldest first) in cur's terms; rounds of another framework, or
// of a version the mappings do not reach, are left out.
func Trend(cur *framework.Framework, versions map[string]*framework.Framework, hist []History) []TrendRow {
	out := []TrendRow{}
	for _, h := range hist {
		qm, ch, ok := QuestionMap(cur, versions, h.F)
		if !ok {
			continue
		}
		out = append(out, TrendRow{Year: h.Year, Round: h.Round, AssessmentID: h.AssessmentID, Point: TrendPoint(cur, qm, ch, h.Scores)})
	}
	return out
}

type acc struct{ w, ws float64 }

func (a *acc) add(w, s float64) { a.w += w; a.ws += w * s }

func (a *acc) mean() *float64 {
	if a.w <= 0 {
		return nil
	}
	m := a.ws / a.w
	return &m
}
