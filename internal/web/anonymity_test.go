package web_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// Distinctive values of member A's assessment that the centre must never see.
const (
	secretComment  = "HEMMELIG-KOMMENTAR-7731"
	secretEvidence = "hemmelig-bevis-7731.txt"
	// A answers GOV-02 "1" (weight 2), GOV-03 "2" (weight 1.5) and GOV-10 "3" for its unit
	// (weight 1): (2·1 + 1.5·2 + 1·3) / 4.5 = 1.777… overall and in GOV.
	secretScore = "1.78"
)

// lockedBuffer collects the server's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// anonymityFixture closes a round with member A and six other members, so that the national
// report has aggregates in which A's figures are hidden: A's overall score is the third of seven,
// which is none of the minimum, quartiles, median, maximum or mean.
func anonymityFixture(t *testing.T, s *testserver.Server) (ids map[string][]int64) {
	t.Helper()
	ctx := context.Background()
	sys := vaern.System("test")
	st := s.Store
	if _, err := st.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
		t.Fatal(err)
	}
	info, err := st.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
	if err != nil {
		t.Fatal(err)
	}
	members := []vaern.Org{s.Fix.A}
	for i := 0; i < 6; i++ {
		m, err := st.CreateMember(ctx, sys, s.Fix.Centre.ID, vaern.Org{Code: fmt.Sprint(800 + i), Name: fmt.Sprintf("Anonymkommune %d", i),
			Country: "DK", Region: "Region Midtjylland", Population: 100000, SizeClass: vaern.SizeLarge})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	now := st.Now()
	var memberIDs []int64
	for _, m := range members {
		memberIDs = append(memberIDs, m.ID)
	}
	r, err := st.CreateRound(ctx, sys, s.Fix.Centre.ID, vaern.Round{Year: now.Year() - 1, FrameworkID: info.ID, Title: "Anonymitetsrunde",
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)}, memberIDs)
	if err != nil {
		t.Fatal(err)
	}
	ids = map[string][]int64{}
	coord := s.Fix.Users["A:coordinator"]
	actor := vaern.Actor{UserID: coord.ID, Email: coord.Email, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}
	for i, m := range members {
		list, err := st.Assessments(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		var x int64
		for _, a := range list {
			if a.RoundID == r.ID {
				x = a.ID
			}
		}
		var in []store.AnswerInput
		if i == 0 {
			unit := s.Fix.UnitsA[0].ID
			if err := st.SetAssessmentUnits(ctx, actor, m.ID, x, []int64{unit}); err != nil {
				t.Fatal(err)
			}
			in = []store.AnswerInput{{QuestionID: "GOV-02", Value: "1", Comment: secretComment}, {QuestionID: "GOV-03", Value: "2"},
				{QuestionID: "GOV-10", UnitID: unit, Value: "3", Comment: secretComment}}
			ids["assessment"] = append(ids["assessment"], x)
		} else {
			in = []store.AnswerInput{{QuestionID: "GOV-02", Value: fmt.Sprint(i - 1)}}
		}
		if err := st.ImportAnswers(ctx, sys, m.ID, x, in, true); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			a, err := st.AnswerFor(ctx, m.ID, x, "GOV-02", 0)
			if err != nil {
				t.Fatal(err)
			}
			ids["answer"] = append(ids["answer"], a.ID)
			if _, err := st.AddEvidence(ctx, actor, m.ID, a.ID, vaern.Evidence{Kind: "file", Name: secretEvidence, ContentType: "text/plain"},
				[]byte(secretComment)); err != nil {
				t.Fatal(err)
			}
			ev, err := st.EvidenceFor(ctx, m.ID, x)
			if err != nil {
				t.Fatal(err)
			}
			for _, list := range ev {
				for _, e := range list {
					ids["evidence"] = append(ids["evidence"], e.ID)
				}
			}
			d, err := st.CreateDelegation(ctx, actor, m.ID, vaern.Delegation{AssessmentID: x, ScopeKind: vaern.DelegateDepartment,
				AssigneeUnitID: s.Fix.UnitsA[1].ID, UnitID: s.Fix.UnitsA[1].ID, Due: now.Add(48 * time.Hour)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids["delegation"] = append(ids["delegation"], d.ID)
			act, err := st.CreateAction(ctx, actor, m.ID, vaern.Action{AssessmentID: x, QuestionID: "GOV-02", Title: secretComment + " opgave"})
			if err != nil {
				t.Fatal(err)
			}
			ids["action"] = append(ids["action"], act.ID)
		}
		if err := st.MarkSubmitted(ctx, sys, m.ID, x, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range s.Fix.UnitsA {
		ids["unit"] = append(ids["unit"], u.ID)
	}
	if err := st.CloseRound(ctx, sys, s.Fix.Centre.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := results.ComputeRound(ctx, st, r.ID, 5); err != nil {
		t.Fatal(err)
	}
	ids["round"] = []int64{r.ID}
	return ids
}

var pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)

// readable turns a response into searchable text: PDF streams inflated, XLSX cells listed.
func readable(t *testing.T, ctype string, body []byte) string {
	switch {
	case strings.HasPrefix(ctype, "application/pdf"):
		var out strings.Builder
		out.Write(body)
		for _, m := range pdfStream.FindAllSubmatch(body, -1) {
			if zr, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
				b, _ := io.ReadAll(zr)
				out.Write(b)
			}
		}
		return out.String()
	case strings.Contains(ctype, "spreadsheetml"):
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("xlsx: %v", err)
		}
		var out strings.Builder
		for _, sh := range f.GetSheetList() {
			rows, _ := f.GetRows(sh)
			for _, r := range rows {
				out.WriteString(strings.Join(r, "\t") + "\n")
			}
		}
		return out.String()
	}
	return string(body)
}

func anonGet(t *testing.T, c *http.Client, method, url, bearer string) (int, string, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
		if strings.Contains(url, "/api/") {
			body = strings.NewReader("{}")
		}
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		if strings.Contains(url, "/api/") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), readable(t, resp.Header.Get("Content-Type"), b)
}

// TestCentreNeverSeesMemberData calls every route of the route table, HTML and API, as centre
// admin and centre analyst (with a browser session and with an API token), with every id of member
// A's objects and every export format, and checks that no answer, comment, evidence name or
// member-level score of A shows in any response or in the server's log.
func TestCentreNeverSeesMemberData(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			logs := &lockedBuffer{}
			s := testserver.Start(t, e, testserver.Options{Log: logs})
			ids := anonymityFixture(t, s)
			secrets := []string{secretComment, secretEvidence, secretScore}

			// Positive control: the member itself sees its figures, so the strings are findable.
			coord := s.Login(t, "A:coordinator")
			_, _, own := anonGet(t, coord, http.MethodGet, fmt.Sprintf("%s/reports/%d/export?format=xlsx", s.URL, ids["assessment"][0]), "")
			for _, sec := range []string{secretComment, secretScore} {
				if !strings.Contains(own, sec) {
					t.Fatalf("control: A's own export lacks %q, so the test could not see a leak", sec)
				}
			}
			// And the centre's national report has figures at all.
			admin := s.Login(t, "centre-admin")
			if _, _, nat := anonGet(t, admin, http.MethodGet, s.URL+"/api/v1/national", ""); !regexp.MustCompile(`"median":\s*2\.259`).MatchString(nat) {
				t.Fatalf("control: the national report has no aggregates: %.500s", nat)
			}

			type caller struct {
				name   string
				c      *http.Client
				bearer string
			}
			var callers []caller
			for _, role := range []string{"centre-admin", "centre-analyst"} {
				u := s.Fix.Users[role]
				tok, hash := auth.NewToken("vaern_")
				if _, err := s.Store.CreateAPIToken(context.Background(), vaern.System("test"), vaern.APIToken{UserID: u.ID, OrgID: s.Fix.Centre.ID,
					Name: "anonymity", Prefix: tok[:10], ExpiresAt: time.Now().Add(time.Hour)}, hash); err != nil {
					t.Fatal(err)
				}
				callers = append(callers, caller{role + "/session", s.Login(t, role), ""}, caller{role + "/token", s.Client(), tok})
			}
			var allIDs []int64
			for _, list := range ids {
				allIDs = append(allIDs, list...)
			}
			destructive := regexp.MustCompile(`/(remove|delete|revoke|role|reset-2fa|sign-out-everywhere)$|^/logout$`)
			calls := 0
			for _, rt := range s.Web.Routes() {
				if rt.NoSession || destructive.MatchString(rt.Pattern) {
					continue
				}
				var paths []string
				if strings.Contains(rt.Pattern, "{id}") {
					for _, id := range allIDs {
						paths = append(paths, fillPath(rt.Pattern, fmt.Sprint(id)))
					}
				} else {
					paths = append(paths, fillPath(rt.Pattern, ""))
				}
				var queries []string
				if strings.HasSuffix(rt.Pattern, "/export") {
					for _, f := range []string{"pdf", "xlsx", "csv", "json"} {
						queries = append(queries, "?format="+f, fmt.Sprintf("?format=%s&round=%d&assessment=%d", f, ids["round"][0], ids["assessment"][0]))
					}
				} else {
					queries = append(queries, routeQuery[rt.Pattern], fmt.Sprintf("?round=%d&assessment=%d", ids["round"][0], ids["assessment"][0]))
				}
				for _, c := range callers {
					// API routes are called with the session and with the token; pages with the session.
					if !rt.API && c.bearer != "" {
						continue
					}
					for _, p := range paths {
						for _, q := range queries {
							status, _, body := anonGet(t, c.c, rt.Method, s.URL+p+q, c.bearer)
							calls++
							if status >= 500 {
								t.Errorf("%s %s%s as %s: status %d", rt.Method, p, q, c.name, status)
							}
							for _, sec := range secrets {
								if strings.Contains(body, sec) {
									t.Errorf("%s %s%s as %s (status %d) shows %q", rt.Method, p, q, c.name, status, sec)
								}
							}
						}
					}
				}
			}
			if calls < 500 {
				t.Errorf("only %d calls made; is the route walk broken?", calls)
			}
			for _, sec := range secrets {
				if strings.Contains(logs.String(), sec) {
					t.Errorf("the server log shows %q", sec)
				}
			}
			t.Logf("%d calls as the centre; none showed member A's data", calls)
		})
	}
}
