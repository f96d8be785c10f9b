package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

var (
	// Keys used in templates: {{.L.T "key"}}, {{$.L.T "key"}}, (.L.T "key" ...).
	templateKey = regexp.MustCompile(`\.L\.T "([a-z0-9_.]+)"`)
	// Keys used in Go code: flash and error keys, nav items, mail texts.
	goKey = regexp.MustCompile(`"((?:flash|login|mail|error|form|nav|link|err)\.[a-z0-9_. ,;]+)"`)
	// Keys built from values in templates: role.%s, size.%s, country.%s, error.%d.
	dynamicKey = regexp.MustCompile(`printf "([a-z]+)\.%[sd]"`)
	// Validation messages, translated with the "err." prefix when shown in a form.
	invalidMsg = regexp.MustCompile(`Invalid\("[a-z_0-9]+", "([^"%]+)"`)
)

// TestEveryVisibleStringIsTranslated fails when a template or handler uses a key that one of the
// three catalogs lacks, or when the catalogs do not have the same keys.
func TestEveryVisibleStringIsTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{} // key → where
	dynamic := map[string]bool{}
	scan := func(root string, pattern *regexp.Regexp, prefix string) {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
				return err
			}
			if !strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".go") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
				used[prefix+m[1]] = path
			}
			if strings.HasSuffix(path, ".html") {
				for _, m := range dynamicKey.FindAllStringSubmatch(string(b), -1) {
					dynamic[m[1]] = true
				}
			}
			return nil
		})
	}
	scan("templates", templateKey, "")
	scan(".", goKey, "")
	scan("../store", invalidMsg, "err.")
	scan("../auth", invalidMsg, "err.")
	scan(".", invalidMsg, "err.")
	if len(used) < 150 {
		t.Fatalf("found only %d keys in use; is the scan broken?", len(used))
	}
	for _, r := range vaern.Roles {
		used["role."+string(r)] = "vaern.Roles"
	}
	for _, sz := range []string{vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge} {
		used["size."+sz] = "size classes"
	}
	for _, c := range []string{"DK", "NO"} {
		used["country."+c] = "countries"
	}
	for _, code := range []string{"400", "403", "404", "413", "429", "500"} {
		used["error."+code] = "error pages"
		used["error."+code+"_text"] = "error pages"
	}
	// Keys the baseline pages build from values.
	for prefix, values := range map[string][]string{
		"bl.astatus.":  {vaern.AssessmentOpen, vaern.AssessmentSubmitted, vaern.AssessmentClosed, vaern.AssessmentReopened},
		"bl.status.":   {"open", vaern.AnswerAnswered, vaern.AnswerApproved, vaern.AnswerReturned},
		"bl.action.":   {"save", "approve", "return", "import"},
		"bl.audience.": {"management", "it", "department", "system-owner"},
		"bl.":          {"yes", "partly", "no"},
	} {
		for _, v := range values {
			used[prefix+v] = "baseline pages"
		}
	}
	for d := range dynamic {
		switch d {
		case "role", "size", "country", "error":
		default:
			t.Errorf("templates build keys with prefix %q that the test does not enumerate", d)
		}
	}
	for _, l := range i18n.Langs {
		for key, where := range used {
			if !cat.Has(l, key) {
				t.Errorf("%s.json lacks %q (used in %s)", l, key, where)
			}
		}
	}
	en := cat.Keys("en")
	for _, l := range i18n.Langs {
		got := cat.Keys(l)
		if strings.Join(got, "\n") != strings.Join(en, "\n") {
			t.Errorf("%s.json and en.json do not have the same keys", l)
		}
	}
	// A translation that is still the English text is probably forgotten.
	identical := 0
	for _, k := range en {
		if l := cat.For("da"); l.T(k) == cat.For("en").T(k) && len(k) > 0 && len(cat.For("en").T(k)) > 12 {
			identical++
		}
	}
	if identical > 5 {
		t.Errorf("%d Danish texts are identical to the English ones", identical)
	}
}

func TestLanguageNegotiation(t *testing.T) {
	cases := map[string]string{
		"":                        "en",
		"da":                      "da",
		"da-DK,da;q=0.9,en;q=0.8": "da",
		"nb-NO,nb;q=0.9":          "nb",
		"no":                      "nb",
		"nn-NO":                   "nb",
		"de-DE,en;q=0.5":          "en",
		"fr-FR":                   "en",
		"en;q=0.4,da;q=0.8":       "da",
		"sv-SE,nb;q=0.7,da;q=0.6": "nb",
	}
	for header, want := range cases {
		if got := i18n.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}
