package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// TestAdvisoryImport runs `vaern advisory import` on the real KEV catalogue, CVE records and CSAF
// document in VAERN_TESTDATA: one line per file, a re-import that does not duplicate, a bad file
// named with its JSON path and exit status 1, and the matching done before the command returns.
func TestAdvisoryImport(t *testing.T) {
	data := os.Getenv("VAERN_TESTDATA")
	if data == "" {
		t.Skip("VAERN_TESTDATA is not set: the real KEV, CVE and CSAF files live in ../shared/data")
	}
	kev := filepath.Join(data, "kev", "known_exploited_vulnerabilities.json")
	cves, _ := filepath.Glob(filepath.Join(data, "cve", "CVE-*.json"))
	csafs, _ := filepath.Glob(filepath.Join(data, "csaf", "*.json"))
	files := append(append([]string{kev}, cves...), csafs...)
	engines(t, func(t *testing.T, e store.Engine) {
		dsn, st, org, _ := seeded(t, e)
		ctx := context.Background()
		// A system that the KEV catalogue's Exchange entries name by vendor and product.
		if _, err := st.CreateSystem(ctx, vaern.System("test"), org.ID, vaern.ITSystem{Name: "Mail", Vendor: "Microsoft",
			Product: "Exchange Server", Version: "2019 CU12"}); err != nil {
			t.Fatal(err)
		}
		code, out, errs := vaernRun(t, nil, append([]string{"advisory", "import", "--database", dsn}, files...)...)
		wantExit(t, code, 0, out, errs, "advisory import")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < len(files) {
			t.Fatalf("want a line per file:\n%s", out)
		}
		if !strings.HasPrefix(lines[0], kev+": ") || !strings.HasSuffix(lines[0], " advisories") {
			t.Fatalf("KEV line %q", lines[0])
		}
		list, total, err := st.Advisories(ctx, access.ForOrg(org), store.AdvisoryFilter{Source: vaern.SourceKEV, Limit: 1})
		if err != nil || total < 1000 || len(list) != 1 {
			t.Fatalf("KEV advisories %d %v", total, err)
		}
		_, all, _ := st.Advisories(ctx, access.ForOrg(org), store.AdvisoryFilter{Limit: 1})
		exps, n, err := st.Exposures(ctx, org.ID, store.ExposureFilter{Status: "all"})
		if err != nil || n == 0 {
			t.Fatalf("no exposure after the import: %d %v", n, err)
		}
		if exps[0].Evidence == "" {
			t.Fatalf("exposure without evidence %+v", exps[0])
		}
		// Again: nothing duplicated.
		code, out, errs = vaernRun(t, nil, append([]string{"advisory", "import", "--database", dsn}, files...)...)
		wantExit(t, code, 0, out, errs, "advisory import again")
		if _, again, _ := st.Advisories(ctx, access.ForOrg(org), store.AdvisoryFilter{Limit: 1}); again != all {
			t.Fatalf("re-import: %d advisories, had %d", again, all)
		}
		if _, n2, _ := st.Exposures(ctx, org.ID, store.ExposureFilter{Status: "all"}); n2 != n {
			t.Fatalf("re-import: %d exposures, had %d", n2, n)
		}
		// A broken CSAF document: its JSON path, exit 1, and the good file beside it still imported.
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad.json")
		os.WriteFile(bad, []byte(`{"document":{"csaf_version":"2.0","category":"csaf_base","title":"x","publisher":{"category":"vendor","name":"x","namespace":"https://x.example"},"tracking":{"id":"X-1","status":"final","version":"1","initial_release_date":"2024-01-01T00:00:00Z","current_release_date":"2024-01-01T00:00:00Z","revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"x"}],"generator":{"engine":{"name":"x"}}}},"product_tree":{"branches":[{"category":"vendor","name":"V","branches":[{"category":"product_name","name":"P","product":{"name":"V P","product_id":"P1"}},{"category":"product_name","name":"Q","product":{"name":"V Q","product_id":"P1"}}]}]},"vulnerabilities":[{"cve":"CVE-2024-0001","product_status":{"known_affected":["P2"]}}]}`), 0o600)
		code, out, errs = vaernRun(t, nil, "advisory", "import", "--database", dsn, bad, cves[0])
		if code != 1 || !strings.Contains(out, bad+": error: /") || !strings.Contains(out, cves[0]+": 1 advisories") {
			t.Fatalf("bad file: exit %d\n%s%s", code, out, errs)
		}
	})
}
