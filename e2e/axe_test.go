package e2e

import (
	"slices"
	"testing"
)

// TestAxeCheckFindsFailures spoils the sign-in page in the browser and checks that the one axe-core
// run of checkPage still reports both kinds of failure it is there for: a WCAG AA violation
// (text without enough contrast) and the landmark rules at any impact (content outside every
// landmark), and that the untouched page reports neither.
func TestAxeCheckFindsFailures(t *testing.T) {
	e := start(t)
	if axeSource(t) == "" {
		t.Skip("VAERN_AXE is not set")
	}
	ctx := e.tab(t, true)
	navigate(t, ctx, e.base+"/login")
	ids := func(vs []axeViolation) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	if got := ids(axeViolations(t, ctx, "the sign-in page")); len(got) != 0 {
		t.Fatalf("the sign-in page as served: axe reports %v, want nothing", got)
	}
	eval[bool](t, ctx, "spoil the page", `(() => {
		const p = document.createElement("p");
		p.textContent = "Outside every landmark";
		document.body.appendChild(p);
		const q = document.createElement("p");
		q.textContent = "Pale text";
		q.style.color = "#eeeeee";
		q.style.background = "#ffffff";
		document.querySelector("main").appendChild(q);
		return true;
	})()`)
	got := ids(axeViolations(t, ctx, "the spoilt sign-in page"))
	for _, want := range []string{"region", "color-contrast"} {
		if !slices.Contains(got, want) {
			t.Errorf("the spoilt sign-in page: axe reports %v, want %s among them", got, want)
		}
	}
}
