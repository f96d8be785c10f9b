package web

import "testing"

// TestTemplateFuncsWired checks that every module's template helpers reach the templates through
// the one explicit list, and that no helper name is taken twice.
func TestTemplateFuncsWired(t *testing.T) {
	all, err := templateFuncs()
	if err != nil {
		t.Fatal(err)
	}
	for name, set := range map[string]map[string]any{"base": anyMap(baseFuncs()), "register": anyMap(registerFuncs()), "results": anyMap(resultsFuncs())} {
		if len(set) == 0 {
			t.Errorf("%s: no helpers", name)
		}
		for k := range set {
			if all[k] == nil {
				t.Errorf("%s helper %q is not wired", name, k)
			}
		}
	}
}

func anyMap[M ~map[string]any](m M) map[string]any { return m }
