package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// ScaleSpec is the size of a generated dataset: members × rounds × questions.
type ScaleSpec struct {
	Members, Rounds, Questions int
}

// ParseScale reads "MEMBERS,ROUNDS,QUESTIONS", e.g. "357,10,400".
func ParseScale(s string) (ScaleSpec, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return ScaleSpec{}, fmt.Errorf("scale %q: want MEMBERS,ROUNDS,QUESTIONS, e.g. 357,10,400", s)
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return ScaleSpec{}, fmt.Errorf("scale %q: %q is not a positive number", s, p)
		}
		v[i] = n
	}
	sp := ScaleSpec{v[0], v[1], v[2]}
	switch {
	case sp.Members > 5000:
		return sp, fmt.Errorf("scale %q: at most 5000 members", s)
	case sp.Rounds > 50:
		return sp, fmt.Errorf("scale %q: at most 50 rounds", s)
	case sp.Questions < 8 || sp.Questions > 2000:
		return sp, fmt.Errorf("scale %q: between 8 and 2000 questions", s)
	}
	return sp, nil
}

// ScaleResult says what Scale made and how long it took.
type ScaleResult struct {
	Answers   int
	Generate  time.Duration // everything
	Results   time.Duration // of which computing results and aggregates
	Centre    vaern.Org
	Members   []vaern.Org
	Admin     string   // the centre admin's e-mail
	Coords    []string // coordinators' e-mails, one for each of the first 64 members
	RoundIDs  []int64
	Framework [2]int64 // the two framework versions
}

// ScaleAdmin and the coordinators' addresses of a generated dataset; the password is Password.
const ScaleAdmin = "admin@skala.vaern.test"

// Norwegian counties (2024), as the regions of the generated members.
var scaleRegions = []string{"Agder", "Akershus", "Buskerud", "Finnmark", "Innlandet", "Møre og Romsdal", "Nordland", "Oslo",
	"Rogaland", "Telemark", "Troms", "Trøndelag", "Vestfold", "Vestland", "Østfold"}

// Scale fills an empty database with a synthetic but realistic dataset for benchmarks: a centre,
// spec.Members Norwegian-style municipalities with log-normally distributed populations across
// 15 counties, a framework of spec.Questions questions in eight focus areas in two versions (the
// second supersedes the first: most questions the same, some reworded, a few removed and new),
// and spec.Rounds closed annual rounds, the first half on version 1 and the rest on version 2,
// in which about 95% of the members submit a complete assessment. Answers are written in bulk,
// one transaction per round, and each round's results and aggregates are computed with k as
// closing a round does. progress, when not nil, gets a line per round.
func Scale(ctx context.Context, st *store.Store, spec ScaleSpec, k int, progress io.Writer) (ScaleResult, error) {
	start := time.Now()
	var res ScaleResult
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	if _, err := st.Centre(ctx); err == nil {
		return res, fmt.Errorf("scale: the database is not empty; generate into a new one")
	}
	sys := vaern.System("scale")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "SKALA", Name: "Skalasenteret", Country: "NO"})
	if err != nil {
		return res, err
	}
	res.Centre = centre
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return res, err
	}
	if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: ScaleAdmin, Name: "Skala Admin", Lang: "nb", PasswordHash: hash,
		OrgID: centre.ID, Role: vaern.RoleCentreAdmin}); err != nil {
		return res, err
	}
	rng := rand.New(rand.NewPCG(357, 2026))
	for i := 0; i < spec.Members; i++ {
		pop := int(math.Exp(8.6 + rng.NormFloat64()*1.15))
		pop = max(200, min(pop, 720000))
		m, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: fmt.Sprintf("S%04d", i+1), Name: fmt.Sprintf("Skalakommune %03d", i+1),
			Country: "NO", Region: scaleRegions[rng.IntN(len(scaleRegions))], Population: pop, SizeClass: vaern.SizeClassOf(pop)})
		if err != nil {
			return res, err
		}
		res.Members = append(res.Members, m)
		if i < 64 {
			email := fmt.Sprintf("koordinator%03d@skala.vaern.test", i+1)
			if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: fmt.Sprintf("Koordinator %d", i+1), Lang: "nb",
				PasswordHash: hash, OrgID: m.ID, Role: vaern.RoleCoordinator}); err != nil {
				return res, err
			}
			res.Coords = append(res.Coords, email)
		}
	}
	res.Admin = ScaleAdmin
	v1, v2 := scaleFrameworks(spec.Questions)
	i1, err := st.SaveFramework(ctx, sys, centre.ID, v1, false, false)
	if err != nil {
		return res, fmt.Errorf("scale: framework 1: %w", err)
	}
	i2, err := st.SaveFramework(ctx, sys, centre.ID, v2, false, false)
	if err != nil {
		return res, fmt.Errorf("scale: framework 2: %w", err)
	}
	res.Framework = [2]int64{i1.ID, i2.ID}
	say("scale: %d members, framework of %d questions in two versions", spec.Members, spec.Questions)
	year := time.Now().Year()
	for ri := 0; ri < spec.Rounds; ri++ {
		y := year - spec.Rounds + ri
		f, fid := v1, i1.ID
		if ri >= spec.Rounds/2 {
			f, fid = v2, i2.ID
		}
		r, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: y, FrameworkID: fid, Title: "Baseline " + strconv.Itoa(y),
			OpensAt: time.Date(y, 9, 1, 8, 0, 0, 0, time.UTC), ClosesAt: time.Date(y, 11, 30, 22, 0, 0, 0, time.UTC)}, nil)
		if err != nil {
			return res, err
		}
		res.RoundIDs = append(res.RoundIDs, r.ID)
		list, err := st.RoundAssessments(ctx, r.ID)
		if err != nil {
			return res, err
		}
		byOrg := map[int64]int64{}
		for _, a := range list {
			byOrg[a.OrgID] = a.ID
		}
		var rows []store.BulkAnswer
		qs := f.Questions()
		for _, m := range res.Members {
			mr := rngFor(m.Code, y)
			if mr.Float64() < 0.05 {
				continue // a few members skip a year
			}
			level := maturity(m, 2023) + float64(ri-spec.Rounds+1)*0.1 // a little better every year
			bias := map[string]float64{}
			for _, a := range f.Areas {
				bias[a.ID] = mr.NormFloat64() * 0.45
			}
			for _, q := range qs {
				a, _ := f.AreaOf(q.ID)
				rows = append(rows, store.BulkAnswer{OrgID: m.ID, AssessmentID: byOrg[m.ID], QuestionID: q.ID, Value: demoValue(f, q, level+bias[a.ID], mr)})
			}
		}
		if err := st.BulkImportAnswers(ctx, sys, rows); err != nil {
			return res, fmt.Errorf("scale: answers of %d: %w", y, err)
		}
		res.Answers += len(rows)
		// Members that answered are submitted; the others are closed unsubmitted.
		if err := st.MarkRoundSubmitted(ctx, sys, centre.ID, r.ID, time.Date(y, 11, 25, 12, 0, 0, 0, time.UTC)); err != nil {
			return res, err
		}
		if err := st.CloseRound(ctx, sys, centre.ID, r.ID); err != nil {
			return res, err
		}
		t0 := time.Now()
		if err := results.ComputeRound(ctx, st, r.ID, k); err != nil {
			return res, err
		}
		res.Results += time.Since(t0)
		say("scale: round %d: %d answers (%.1f s so far)", y, len(rows), time.Since(start).Seconds())
	}
	res.Generate = time.Since(start)
	return res, nil
}

// scaleFrameworks builds two versions of a generated framework with n questions in eight areas.
func scaleFrameworks(n int) (*framework.Framework, *framework.Framework) {
	txt := func(s string) framework.Text { return framework.Text{"da": s + " (da)", "nb": s + " (nb)", "en": s} }
	areas := []string{"GOV", "RISK", "OWN", "TECH", "AWARE", "INC", "SUP", "CONT"}
	build := func(version string, ids []string) *framework.Framework {
		f := &framework.Framework{ID: "skala", Version: version, Languages: []string{"da", "nb", "en"}, Title: txt("Generated baseline"), NotRelevant: true}
		for l := 0; l <= 5; l++ {
			f.Scale = append(f.Scale, framework.ScaleLevel{Level: l, Label: txt(fmt.Sprintf("Level %d", l)), Description: txt(fmt.Sprintf("Maturity level %d.", l))})
		}
		byArea := map[string]*framework.Area{}
		for _, a := range areas {
			ar := &framework.Area{ID: a, Title: txt("Focus area " + a)}
			byArea[a] = ar
			f.Areas = append(f.Areas, ar)
		}
		for i, id := range ids {
			a := strings.SplitN(id, "-", 2)[0]
			q := &framework.Question{ID: id, Text: txt(fmt.Sprintf("How well is topic %s handled?", id)), Audience: framework.AudienceIT,
				Scope: framework.ScopeOrganisation, Weight: []float64{1, 1.5, 2, 1}[i%4]}
			if i%5 == 4 {
				q.Answer = framework.AnswerYesPartlyNo
				q.Recommendations = map[string]framework.Text{"no": txt("Start doing it."), "partly": txt("Do it everywhere.")}
			} else {
				q.Answer, q.Target = framework.AnswerMaturity, 3
				q.Recommendations = map[string]framework.Text{"0": txt("Start."), "1": txt("Write it down."), "2": txt("Measure it.")}
			}
			byArea[a].Questions = append(byArea[a].Questions, q)
		}
		return f
	}
	var ids1 []string
	for i := 0; i < n; i++ {
		ids1 = append(ids1, fmt.Sprintf("%s-%03d", areas[i%len(areas)], i/len(areas)+1))
	}
	v1 := build("1", ids1)
	// Version 2: every 50th question removed and replaced by a new one, every 20th reworded.
	var ids2 []string
	sup := &framework.Supersedes{Version: "1"}
	for i, id := range ids1 {
		switch {
		case i%50 == 49:
			sup.Mapping = append(sup.Mapping, framework.Mapping{From: id, Change: framework.ChangeRemoved})
			nid := fmt.Sprintf("%s-%03d", strings.SplitN(id, "-", 2)[0], 900+i/50)
			ids2 = append(ids2, nid)
			sup.Mapping = append(sup.Mapping, framework.Mapping{To: nid, Change: framework.ChangeNew})
		case i%20 == 19:
			ids2 = append(ids2, id)
			sup.Mapping = append(sup.Mapping, framework.Mapping{From: id, To: id, Change: framework.ChangeChanged})
		default:
			ids2 = append(ids2, id)
			sup.Mapping = append(sup.Mapping, framework.Mapping{From: id, To: id, Change: framework.ChangeSame})
		}
	}
	v2 := build("2", ids2)
	v2.Supersedes = sup
	return v1, v2
}
