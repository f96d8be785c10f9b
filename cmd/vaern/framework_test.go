package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// fwRun runs the command line in-process and returns the exit status, stdout and stderr.
func fwRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const brokenFramework = `format: vaern-framework/1
id: Bad_Id
version: "2026"
languages: [da]
title: {da: Prøve}
scale: []
areas:
  - id: GOV
    title: {da: Styring}
    questions:
      - id: GOV-01
        text: {da: Er der en politik?}
        audience: everyone
        scope: organisation
        answer: maturity
        weight: 0
        target: 3
        recommendations: {}
`

func TestFrameworkValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(brokenFramework), 0o600); err != nil {
		t.Fatal(err)
	}
	_, perr := framework.Parse(bad, []byte(brokenFramework))
	var ve *framework.ValidationError
	if !errors.As(perr, &ve) || len(ve.Problems) < 4 {
		t.Fatalf("the broken file should have several problems: %v", perr)
	}
	code, out, _ := fwRun(t, "framework", "validate", bad)
	if code != 1 {
		t.Fatalf("validate of a broken file: exit %d, want 1\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(ve.Problems) {
		t.Fatalf("validate printed %d lines for %d problems:\n%s", len(lines), len(ve.Problems), out)
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `:[1-9][0-9]*: `)
	for i, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("line %q does not start with FILE:LINE:", l)
		}
		if l != ve.Problems[i].String() {
			t.Errorf("line %d is %q, want %q", i, l, ve.Problems[i].String())
		}
	}
	for _, want := range []string{"audience", "weight", "id"} {
		if !strings.Contains(out, want) {
			t.Errorf("no problem mentions %s:\n%s", want, out)
		}
	}

	good := filepath.Join(dir, "example.yaml")
	os.WriteFile(good, docsExample(t), 0o600)
	if code, out, errs := fwRun(t, "framework", "validate", good); code != 0 {
		t.Fatalf("validate of the documented example: exit %d\n%s%s", code, out, errs)
	}
	if code, _, _ := fwRun(t, "framework", "validate", filepath.Join(dir, "missing.yaml")); code != 1 {
		t.Errorf("validate of a missing file: exit %d, want 1", code)
	}
}

// docsExample is the complete example of docs/frameworks.md, which is in canonical form.
func docsExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../docs/frameworks.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "```yaml\nformat: vaern-framework/1")
	if i < 0 {
		t.Fatal("docs/frameworks.md has no complete example")
	}
	s = s[i+len("```yaml\n"):]
	return []byte(s[:strings.Index(s, "```")])
}

func TestFrameworkCommands(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			db := []string{"--database", dsn}
			cmd := func(args ...string) (int, string, string) {
				t.Helper()
				return fwRun(t, append(args, db...)...)
			}
			if code, out, errs := cmd("migrate"); code != 0 {
				t.Fatalf("migrate: %d %s %s", code, out, errs)
			}
			dir := t.TempDir()
			example := filepath.Join(dir, "example.yaml")
			src := docsExample(t)
			os.WriteFile(example, src, 0o600)

			// Without a centre the commands say how to create one, and create nothing.
			code, _, errs := cmd("framework", "import", example)
			if code != 1 || !strings.Contains(errs, "vaern centre create") || !strings.Contains(errs, "vaern demo") {
				t.Fatalf("import without a centre: exit %d, %q", code, errs)
			}
			if code, out, errs := cmd("centre", "create", "--name", "KL Sikkerhed", "--code", "KLS", "--country", "DK"); code != 0 ||
				!strings.Contains(out, "installed framework vaern-baseline 2026") {
				t.Fatalf("centre create: %d %s %s", code, out, errs)
			}
			if code, _, errs := cmd("centre", "create", "--name", "Andet", "--code", "X", "--country", "DK"); code != 1 ||
				!strings.Contains(errs, "already has a centre") {
				t.Errorf("second centre: exit %d %s", code, errs)
			}

			// Import, list, export: the canonical file comes back byte for byte.
			code, out, errs := cmd("framework", "import", example)
			if code != 0 || out != "example-basic 2026\n" {
				t.Fatalf("import: exit %d, out %q, err %q", code, out, errs)
			}
			code, out, _ = cmd("framework", "list")
			if code != 0 || !strings.Contains(out, "example-basic 2026 Example of a small framework\n") ||
				!strings.Contains(out, "vaern-baseline 2026 ") {
				t.Fatalf("list: %d\n%s", code, out)
			}
			code, out, errs = cmd("framework", "export", "example-basic", "2026")
			if code != 0 || out != string(src) {
				t.Fatalf("export differs from the imported file (exit %d, %s):\n%s", code, errs, out)
			}
			code, jsonOut, _ := cmd("framework", "export", "example-basic", "2026", "--format", "json")
			if code != 0 || !strings.HasPrefix(jsonOut, "{") {
				t.Fatalf("export json: %d %q", code, jsonOut)
			}
			fromJSON, err := framework.Parse("example.json", []byte(jsonOut))
			if err != nil {
				t.Fatalf("exported JSON does not parse: %v", err)
			}
			if again, _ := framework.Marshal(fromJSON, "json"); string(again) != jsonOut {
				t.Errorf("the JSON export is not canonical")
			}
			if again, _ := framework.Marshal(fromJSON, "yaml"); string(again) != string(src) {
				t.Errorf("YAML → JSON → YAML changed the framework")
			}

			// A finished version is never replaced; a broken file imports nothing.
			if code, _, errs := cmd("framework", "import", example); code != 1 || !strings.Contains(errs, "already exists") {
				t.Errorf("second import of a finished version: exit %d %s", code, errs)
			}
			bad := filepath.Join(dir, "bad.yaml")
			os.WriteFile(bad, []byte(brokenFramework), 0o600)
			code, out, _ = cmd("framework", "import", bad, "--draft")
			if code != 1 || !strings.HasPrefix(out, bad+":") {
				t.Errorf("import of a broken file: exit %d\n%s", code, out)
			}
			// A draft can be replaced by importing the same id and version again.
			draft := bytes.Replace(src, []byte("version: \"2026\""), []byte("version: \"2027-draft\""), 1)
			draft = bytes.Replace(draft, []byte("supersedes:\n  version: \"2025\""), []byte("supersedes:\n  version: \"2024\""), 1)
			os.WriteFile(filepath.Join(dir, "draft.yaml"), draft, 0o600)
			for i := 0; i < 2; i++ {
				if code, out, errs := cmd("framework", "import", "--draft", filepath.Join(dir, "draft.yaml")); code != 0 || out != "example-basic 2027-draft\n" {
					t.Fatalf("draft import %d: exit %d %q %q", i, code, out, errs)
				}
			}
			if code, _, errs := cmd("framework", "export", "nope", "1"); code != 1 || !strings.Contains(errs, "not found") {
				t.Errorf("export of an unknown framework: %d %s", code, errs)
			}

			data := os.Getenv("VAERN_TESTDATA")
			if data == "" {
				t.Log("VAERN_TESTDATA is not set: skipping the OSCAL import")
				return
			}
			code, out, errs = cmd("framework", "import-oscal", filepath.Join(data, "oscal", "basic-catalog.json"))
			if code != 0 || !regexp.MustCompile(`^oscal-[a-z0-9-]+ [A-Za-z0-9.-]+\n$`).MatchString(out) {
				t.Fatalf("import-oscal: exit %d, out %q, err %q", code, out, errs)
			}
			if out != "oscal-sample-security-catalog-for-demonstration-and-testing 1.1\n" {
				t.Errorf("import-oscal printed %q", out)
			}
			// The draft can be exported for editing.
			fields := strings.Fields(out)
			if code, yaml, _ := cmd("framework", "export", fields[0], fields[1]); code != 0 || !strings.Contains(yaml, "oscal:") {
				t.Errorf("export of the OSCAL draft: %d", code)
			}
		})
	}
}
