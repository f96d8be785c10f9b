package store_test

import (
	"go/build"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// TestStoreImportsNoModule walks the store's imports (not its tests') and fails on any package of
// this module other than the domain, the access policy, the framework document type (with the
// input guard its parser runs first) and the store itself: the
// modules call the store, the store never calls them but through the Rules it is given.
func TestStoreImportsNoModule(t *testing.T) {
	const mod = "github.com/vaern/vaern"
	allowed := map[string]bool{
		mod:                          true, // the domain: types, error kinds, policy
		mod + "/internal/framework":  true, // the framework document: parse, marshal, mapping check
		mod + "/internal/inputguard": true, // the bounds every parser checks first (framework's)
		mod + "/internal/access":     true, // the policy: who may see what, as a check and an SQL predicate
		mod + "/internal/store":      true,
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	seen := map[string]bool{}
	var bad []string
	var walk func(path, from string)
	walk = func(path, from string) {
		if seen[path] || !(path == mod || strings.HasPrefix(path, mod+"/")) {
			return
		}
		seen[path] = true
		if !allowed[path] {
			bad = append(bad, path+" (imported by "+from+")")
		}
		dir := filepath.Join(root, strings.TrimPrefix(strings.TrimPrefix(path, mod), "/"))
		p, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("read %s: %v", dir, err)
		}
		for _, imp := range p.Imports {
			walk(imp, path)
		}
	}
	walk(mod+"/internal/store", "")
	if len(seen) < 3 {
		t.Fatalf("walked only %v: the walk is broken", seen)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("the store depends on %s", b)
	}
}
