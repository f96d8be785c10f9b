package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func upload(t *testing.T, c *http.Client, u, name string, data []byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// TestRegisterImportFlow drives the spreadsheet import as a coordinator would: a file with
// mistakes, the dry run that lists them and writes nothing, the corrected file, the import.
func TestRegisterImportFlow(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			c := s.Login(t, "A:coordinator")
			bad := "Systemnavn;Systemejer;Enhed;Tilgængelighed;RTO (timer)\n" +
				"Aula;respondent@aarhus.test.dk;Skoler;høj;0,5\n" +
				"KMD Nexus;IT-0042;Skoler;5;4\n"
			st, loc, body := upload(t, c, s.URL+"/register/import", "systemer.csv", []byte(bad))
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/register/import/") {
				t.Fatalf("upload: %d %s %.300s", st, loc, body)
			}
			st, body = get(t, c, s.URL+loc)
			if st != 200 || !strings.Contains(body, `<option value="system_owner" selected>`) {
				t.Fatalf("mapping page: %d %.500s", st, body)
			}
			form := url.Values{}
			for i, k := range []string{"name", "system_owner", "unit", "availability", "rto_hours"} {
				form.Set(fmt.Sprintf("col%d", i), k)
			}
			st, _, _ = postForm(t, c, s.URL+loc+"/check", form)
			if st != http.StatusSeeOther {
				t.Fatalf("check: %d", st)
			}
			_, body = get(t, c, s.URL+loc)
			for _, want := range []string{"2 problems in 2 rows", "IT-0042", "is not a level"} {
				if !strings.Contains(body, want) {
					t.Errorf("dry run lacks %q", want)
				}
			}
			if list, n, _ := s.Store.Systems(context.Background(), s.Fix.A.ID, vaern.SystemFilter{}); n != 0 {
				t.Fatalf("the dry run wrote %d systems: %+v", n, list)
			}
			// Running a dry run with problems is refused and writes nothing.
			postForm(t, c, s.URL+loc+"/run", nil)
			if _, n, _ := s.Store.Systems(context.Background(), s.Fix.A.ID, vaern.SystemFilter{}); n != 0 {
				t.Fatal("an import with problems wrote systems")
			}
			good := strings.Replace(strings.Replace(bad, "IT-0042", "coordinator@aarhus.test.dk", 1), ";5;", ";4;", 1)
			_, loc, _ = upload(t, c, s.URL+"/register/import", "systemer.csv", []byte(good))
			postForm(t, c, s.URL+loc+"/check", form)
			_, body = get(t, c, s.URL+loc)
			if !strings.Contains(body, "All 2 rows are fine. The import will give: 2 new, 0 updated, 0 unchanged.") {
				t.Fatalf("clean dry run: %.2000s", body)
			}
			st, _, _ = postForm(t, c, s.URL+loc+"/run", nil)
			if st != http.StatusSeeOther {
				t.Fatalf("run: %d", st)
			}
			_, body = get(t, c, s.URL+loc)
			if !strings.Contains(body, "Imported: 2 new, 0 updated, 0 unchanged") {
				t.Fatalf("result: %.2000s", body)
			}
			aula, err := s.Store.SystemByName(context.Background(), s.Fix.A.ID, "aula")
			if err != nil || aula.SystemOwnerID != s.Fix.Users["A:respondent"].ID || aula.Availability != 3 || aula.RTO.Minutes() != 30 {
				t.Fatalf("aula: %+v %v", aula, err)
			}
			// The respondent owns Aula: they see it under "my systems" and may edit it, not Nexus.
			rc := s.Login(t, "A:respondent")
			if _, body := get(t, rc, s.URL+"/register/mine"); !strings.Contains(body, ">Aula<") || strings.Contains(body, "KMD Nexus") {
				t.Fatalf("my systems: %.3000s", body)
			}
			nexus, _ := s.Store.SystemByName(context.Background(), s.Fix.A.ID, "KMD Nexus")
			if st, _ := get(t, rc, fmt.Sprintf("%s/register/systems/%d/edit", s.URL, nexus.ID)); st != http.StatusForbidden {
				t.Fatalf("respondent edits a system they do not own: %d", st)
			}
			if st, _ := get(t, rc, fmt.Sprintf("%s/register/systems/%d/edit", s.URL, aula.ID)); st != 200 {
				t.Fatalf("respondent cannot edit their own system: %d", st)
			}
			// Exports carry the filter.
			for _, f := range []string{"csv", "xlsx", "json"} {
				resp, err := c.Get(s.URL + "/register/export." + f + "?q=aula")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				tab, err := register.ReadTable(b)
				if f == "json" {
					if !strings.Contains(string(b), `"name": "Aula"`) || strings.Contains(string(b), "Nexus") {
						t.Errorf("json export: %s", b)
					}
					continue
				}
				if err != nil || len(tab.Rows) != 1 || tab.Rows[0][0] != "Aula" {
					t.Errorf("%s export: %v %+v", f, err, tab)
				}
			}
		})
	}
}

// TestRegisterSharingWithCentre proves that the centre's pages follow what the member shares.
func TestRegisterSharingWithCentre(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	sys := vaern.System("test")
	secret, err := s.Store.CreateSystem(ctx, sys, s.Fix.A.ID, vaern.ITSystem{Name: "Hemmelig Sag", Vendor: "Netcompany", Product: "Aula"})
	if err != nil {
		t.Fatal(err)
	}
	admin := s.Login(t, "centre-admin")
	coord := s.Login(t, "A:coordinator")
	member := fmt.Sprintf("%s/centre/register/%d", s.URL, s.Fix.A.ID)
	system := fmt.Sprintf("%s/centre/register/systems/%d", s.URL, secret.ID)
	count := regexp.MustCompile(`<p class="big">1</p><p>Systems</p>`)
	for _, c := range []struct {
		share        string
		counts, name bool
	}{{"", true, false}, {"details", true, true}, {"nothing", false, false}, {"counts", true, false}} {
		if c.share != "" {
			if st, _, body := postForm(t, coord, s.URL+"/register/sharing", url.Values{"sharing": {c.share}}); st != http.StatusSeeOther {
				t.Fatalf("share %s: %d %.300s", c.share, st, body)
			}
		}
		_, body := get(t, admin, member)
		if got := count.MatchString(body); got != c.counts {
			t.Errorf("sharing %q: counts shown = %v", c.share, got)
		}
		if got := strings.Contains(body, "Hemmelig Sag"); got != c.name {
			t.Errorf("sharing %q: system name shown = %v", c.share, got)
		}
		st, body := get(t, admin, system)
		if c.name && (st != 200 || !strings.Contains(body, "Hemmelig Sag")) {
			t.Errorf("sharing %q: system page %d", c.share, st)
		}
		if !c.name && (st != 404 || strings.Contains(body, "Hemmelig Sag")) {
			t.Errorf("sharing %q: system page %d, want 404", c.share, st)
		}
		_, body = get(t, admin, s.URL+"/centre/register")
		if strings.Contains(body, "Hemmelig") {
			t.Errorf("sharing %q: the overview names a system", c.share)
		}
	}
	// The centre never reaches a member's own register pages.
	if st, _ := get(t, admin, fmt.Sprintf("%s/register/systems/%d", s.URL, secret.ID)); st != http.StatusForbidden {
		t.Errorf("centre on a member's system page: %d", st)
	}
}

// TestRegisterDynamicKeys checks the keys that register templates and handlers build from values.
func TestRegisterDynamicKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, h := range vaern.Hostings {
		keys = append(keys, "reg.hosting."+string(h))
	}
	for _, d := range vaern.DPAStatuses {
		keys = append(keys, "reg.dpa."+string(d))
	}
	for _, p := range vaern.PDCategories {
		keys = append(keys, "reg.pd."+p.Key)
	}
	for _, l := range []string{"", "low", "medium", "high", "critical"} {
		keys = append(keys, "reg.level."+l)
	}
	for i := 0; i <= 4; i++ {
		keys = append(keys, fmt.Sprintf("reg.crit.%d", i))
	}
	for _, v := range []string{"nothing", "counts", "details"} {
		keys = append(keys, "reg.share."+v, "reg.share."+v+"_help")
	}
	for _, k := range []string{"name", "vendor", "unit", "owner", "criticality", "updated"} {
		keys = append(keys, "reg.sort."+k)
	}
	for _, f := range register.Fields {
		keys = append(keys, "reg.import.values."+f.Key)
	}
	for _, f := range []string{"name", "vendor", "product", "version", "cpe", "purl", "tags", "supplier", "dpa_date", "dpa_review",
		"rto_hours", "rpo_hours", "system_owner", "data_owner", "confidentiality", "integrity", "availability", "likelihood",
		"consequence", "residual_likelihood", "residual_consequence"} {
		keys = append(keys, "reg.field."+f)
	}
	for _, f := range []string{"cpe", "purl", "tags", "rto_hours", "rpo_hours"} {
		keys = append(keys, "reg.help."+f)
	}
	for _, f := range []string{"ai_use", "ai_purpose", "ai_supplier", "ai_dpa_covered", "ai_checked"} {
		keys = append(keys, "reg.field."+f)
	}
	for _, u := range vaern.AIUses {
		keys = append(keys, "reg.ai."+string(u))
	}
	for _, code := range []string{"required", "too_long", "duplicate", "unknown_user", "ambiguous_user", "unknown_unit", "bad_hosting",
		"bad_dpa", "bad_date", "bad_hours", "bad_level", "bad_pd", "bad_bool", "bad_cpe", "bad_purl", "bad_ai", "mapping"} {
		keys = append(keys, "reg.problem."+code)
		if (register.Problem{Code: code, Value: "x"}).Reason() == "x" && code != "mapping" {
			t.Errorf("problem code %s has no English reason", code)
		}
	}
	for _, l := range i18n.Langs {
		for _, k := range keys {
			if !cat.Has(l, k) {
				t.Errorf("register.%s.json lacks %q", l, k)
			}
		}
	}
}
