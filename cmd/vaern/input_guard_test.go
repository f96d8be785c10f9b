package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// `vaern framework validate` on issue 9's file (100,000 nested "[", 200 KB) peaked at 15 GB
// before the input guard; now it names the problem at once, allocating about the file's size.
func TestFrameworkValidateDeepNesting(t *testing.T) {
	dir := t.TempDir()
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	for name, doc := range map[string]string{
		"deep.yaml": "format: vaern-framework/1\nareas: " + deep + "\n",
		"deep.json": "{\"format\": \"vaern-framework/1\",\n\"areas\": " + deep + "}\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, out, _ := fwRun(t, "framework", "validate", path)
		runtime.ReadMemStats(&after)
		if code != 1 || !strings.Contains(out, path+":2: the document is nested more than 64 levels deep") {
			t.Errorf("%s: exit %d, output %q; want exit 1 naming line 2 and the nesting", name, code, out)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Errorf("%s: validate allocated %d MB, want under 8 MB", name, n>>20)
		}
	}
}

// `vaern register import-sbom` with an SBOM that lists no components keeps the system's
// components unless --remove-all confirms it.
func TestRegisterImportEmptySBOM(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("set VAERN_TESTDATA to the directory holding sbom/")
	}
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			cmd := func(args ...string) (int, string, string) {
				t.Helper()
				return fwRun(t, append(args, "--database", dsn)...)
			}
			if code, out, errs := cmd("migrate"); code != 0 {
				t.Fatalf("migrate: %d %s %s", code, out, errs)
			}
			if code, out, errs := cmd("centre", "create", "--name", "KL Sikkerhed", "--code", "KLS", "--country", "DK"); code != 0 {
				t.Fatalf("centre create: %d %s %s", code, out, errs)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			centre, err := st.Centre(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateMember(ctx, vaern.System("test"), centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"}); err != nil {
				t.Fatal(err)
			}
			real := filepath.Join(dir, "sbom/cyclonedx/HBOM/PCIe-SATA-adapter-board/bom.json")
			empty := filepath.Join(t.TempDir(), "empty.spdx.json")
			os.WriteFile(empty, []byte(`{"spdxVersion": "SPDX-2.3", "documentDescribes": ["SPDXRef-p"], "packages": [{"SPDXID": "SPDXRef-p", "name": "Portal"}]}`), 0o600)
			if code, out, errs := cmd("register", "import-sbom", "--org", "751", "--system", "Portal", real); code != 0 || !strings.Contains(out, "6 components") {
				t.Fatalf("import the real SBOM: %d %s %s", code, out, errs)
			}
			code, out, errs := cmd("register", "import-sbom", "--org", "751", "--system", "Portal", empty)
			if code != 1 || !strings.Contains(errs, "SPDX-2.3 lists no components; nothing was changed (the system keeps its 6 components; --remove-all removes them)") {
				t.Errorf("empty SBOM without --remove-all: %d %q %q", code, out, errs)
			}
			if code, out, errs := cmd("register", "import-sbom", "--org", "751", "--system", "Portal", "--remove-all", empty); code != 0 || !strings.Contains(out, "0 components") {
				t.Errorf("empty SBOM with --remove-all: %d %q %q", code, out, errs)
			}
		})
	}
}
