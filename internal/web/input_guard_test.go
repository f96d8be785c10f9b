package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// deepNesting is the attack of issue 9: 100,000 nested "[" and their "]" (200 KB) after a
// document's first key. goccy/go-yaml took 8.6 GB on it before the input guard.
func deepNesting(prefix string) []byte {
	return []byte(prefix + strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
}

// allocated runs fn and returns the bytes the whole process allocated meanwhile (the server runs
// in this process): an upper bound on what handling the request cost.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxAttackAlloc bounds what refusing a 200 KB hostile file may allocate: the multipart upload,
// the page that names the problem and the guard's single pass, far below the gigabytes the parse
// took.
const maxAttackAlloc = 48 << 20

func TestDeeplyNestedUploadsAreRefusedCheaply(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			admin := s.Login(t, "centre-admin")
			coord := s.Login(t, "A:coordinator")
			sys, err := s.Store.CreateSystem(context.Background(), vaern.System("test"), s.Fix.A.ID, vaern.ITSystem{Name: "Sagssystem"})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name, target, file string
				client             *http.Client
				data               []byte
			}{
				{"framework YAML", "/centre/frameworks/import", "deep.yaml", admin, deepNesting("format: vaern-framework/1\nareas: ")},
				{"framework JSON", "/centre/frameworks/import", "deep.json", admin, deepNesting(`{"format": "vaern-framework/1", "areas": `)},
				{"OSCAL JSON", "/centre/frameworks/import-oscal", "deep.json", admin, deepNesting(`{"catalog": {"groups": `)},
				{"OSCAL XML", "/centre/frameworks/import-oscal", "deep.xml", admin, []byte("<catalog>" + strings.Repeat("<group>", 100000))},
				{"CycloneDX", fmt.Sprintf("/register/systems/%d/sbom", sys.ID), "deep.json", coord, deepNesting(`{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": `)},
			} {
				t.Run(c.name, func(t *testing.T) {
					var status int
					var body string
					n := allocated(func() { status, _, body = upload(t, c.client, s.URL+c.target, c.file, c.data) })
					if status != http.StatusUnprocessableEntity || !strings.Contains(body, "nested more than") {
						t.Errorf("status %d; want 422 naming the nesting; page:\n%.2000s", status, body)
					}
					if n > maxAttackAlloc {
						t.Errorf("refusing the file allocated %d MB, want under %d MB", n>>20, maxAttackAlloc>>20)
					}
				})
			}
			list, err := s.Store.Frameworks(context.Background(), s.Fix.Centre.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range list {
				if strings.Contains(f.FID, "deep") {
					t.Errorf("a refused file was saved: %+v", f)
				}
			}
		})
	}
}

// TestEmptySBOMAsksFirst replays issue 9 item 5: an SPDX file that describes only its own package
// must not silently wipe a system's components.
func TestEmptySBOMAsksFirst(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("set VAERN_TESTDATA to the directory holding sbom/")
	}
	real, err := os.ReadFile(filepath.Join(dir, "sbom/cyclonedx/HBOM/PCIe-SATA-adapter-board/bom.json"))
	if err != nil {
		t.Fatal(err)
	}
	empty := []byte(`{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "portal",
  "documentDescribes": ["SPDXRef-portal"],
  "packages": [{"SPDXID": "SPDXRef-portal", "name": "Borgerportal", "versionInfo": "7.1"}]}`)
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			coord := s.Login(t, "A:coordinator")
			sys, err := s.Store.CreateSystem(ctx, vaern.System("test"), s.Fix.A.ID, vaern.ITSystem{Name: "Borgerportal"})
			if err != nil {
				t.Fatal(err)
			}
			page := fmt.Sprintf("%s/register/systems/%d", s.URL, sys.ID)
			count := func() int {
				t.Helper()
				got, err := s.Store.System(ctx, s.Fix.A.ID, sys.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Components
			}
			flash := func() string {
				t.Helper()
				_, body := get(t, coord, page)
				i := strings.Index(body, `<div class="flash" role="status">`)
				if i < 0 {
					return ""
				}
				return body[i : i+strings.Index(body[i:], "</div>")]
			}

			status, _, body := upload(t, coord, page+"/sbom", "empty.spdx.json", empty)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "lists no components, so nothing was imported") {
				t.Errorf("empty SBOM on a system without components: %d\n%.1500s", status, body)
			}

			status, _, _ = upload(t, coord, page+"/sbom", "bom.json", real)
			if status != http.StatusSeeOther || count() != 6 {
				t.Fatalf("real CycloneDX import: status %d, %d components, want 6", status, count())
			}
			if f := flash(); !strings.Contains(f, "6 components were imported from CycloneDX") || !strings.Contains(f, "replace the 0 components") {
				t.Errorf("flash after the import = %q", f)
			}

			status, _, body = upload(t, coord, page+"/sbom", "empty.spdx.json", empty)
			if status != http.StatusOK || count() != 6 {
				t.Fatalf("empty SBOM: status %d, %d components; want the question and 6 components", status, count())
			}
			for _, want := range []string{"The file empty.spdx.json (SPDX-2.3) lists no components.", "It describes only the product Borgerportal itself.",
				"would remove the 6 components", "Remove all 6 components", `name="expect" value="6"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the question lacks %q", want)
				}
			}
			if strings.Contains(body, "imported") {
				t.Errorf("the question says imported:\n%s", body)
			}

			// A confirmation for a count that is no longer true removes nothing.
			status, _, body = postForm(t, coord, page+"/sbom", url.Values{"confirm": {"remove_all"}, "expect": {"5"}, "source": {"SPDX-2.3 empty.spdx.json"}})
			if status != http.StatusUnprocessableEntity || count() != 6 || !strings.Contains(body, "nothing was removed") {
				t.Errorf("stale confirmation: status %d, %d components", status, count())
			}
			status, _, _ = postForm(t, coord, page+"/sbom", url.Values{"confirm": {"remove_all"}, "expect": {"6"}, "source": {"SPDX-2.3 empty.spdx.json"}})
			if status != http.StatusSeeOther || count() != 0 {
				t.Fatalf("confirmed removal: status %d, %d components", status, count())
			}
			if f := flash(); !strings.Contains(f, "6 components were removed, as you confirmed") {
				t.Errorf("flash after the removal = %q", f)
			}
			// The store holds the rule too: an empty replacement is refused however it is asked.
			if err := s.Store.ReplaceComponents(ctx, vaern.System("test"), s.Fix.A.ID, sys.ID, []vaern.Component{{Name: "x"}}, "t"); err != nil {
				t.Fatal(err)
			}
			var rae *store.RemoveAllError
			if err := s.Store.ReplaceComponents(ctx, vaern.System("test"), s.Fix.A.ID, sys.ID, nil, "t"); !errors.As(err, &rae) || count() != 1 {
				t.Errorf("ReplaceComponents with none = %v, %d components", err, count())
			}
		})
	}
}
