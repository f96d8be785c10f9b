package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWithoutJavaScript uses the site with the page's JavaScript switched off: sign in, create a
// unit through the form (first with an error, then properly), find it in the list, and switch the
// language with the form's own button.
func TestWithoutJavaScript(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	ctx := e.tab(t, false)
	if got := signIn(t, ctx, e.base, f.Users["A:coordinator"].Email); got != "/" {
		t.Fatalf("sign-in landed on %s, want /", got)
	}
	if cls := run(t, ctx, "read html class", chromedp.AttributeValue(chromedp.CSS("html"), "class")); strings.Contains(cls.Value, "js") {
		t.Fatalf("JavaScript ran although it is switched off: <html class=%q>", cls.Value)
	}
	visit(t, ctx, e.base+"/org/units")

	// An empty name is refused, with the field marked and the error tied to it.
	if st := clickAndWait(t, ctx, "create a unit without a name", `form[action="/org/units"] button[type="submit"]`); st != 422 {
		t.Fatalf("create a unit without a name: status %d, want 422", st)
	}
	checkPage(t, ctx, "units form with an error")
	attrs := run(t, ctx, "read the name field", chromedp.Attributes(chromedp.ID("name")))
	if attrs["aria-invalid"] != "true" || attrs["aria-describedby"] != "name-error" {
		t.Errorf("after an empty name the field has aria-invalid=%q aria-describedby=%q", attrs["aria-invalid"], attrs["aria-describedby"])
	}
	if msg := strings.TrimSpace(run(t, ctx, "read the field error", chromedp.TextContent(chromedp.ID("name-error")))); msg == "" {
		t.Errorf("the name field's error is empty")
	}

	const name = "Kultur og Fritid"
	do(t, ctx, "fill in the unit form",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SetValue(chromedp.ID("parent"), "0"))
	if st := clickAndWait(t, ctx, "create a unit", `form[action="/org/units"] button[type="submit"]`); st != 200 {
		t.Fatalf("create a unit: status %d; the page says %q", st, h1(t, ctx))
	}
	if got := currentPath(t, ctx); got != "/org/units" {
		t.Errorf("after creating a unit the browser is on %s, want /org/units", got)
	}
	checkPage(t, ctx, "units after creating one")
	if flash := strings.TrimSpace(run(t, ctx, "read the flash", chromedp.TextContent(chromedp.CSS(".flash")))); flash != locale(t, "en", "flash.unit_created") {
		t.Errorf("flash %q, want %q", flash, locale(t, "en", "flash.unit_created"))
	}
	tree := run(t, ctx, "read the unit list", chromedp.TextContent(chromedp.CSS("ul.tree")))
	if !strings.Contains(tree, name) {
		t.Errorf("the unit list does not show %q: %s", name, tree)
	}
	units, err := e.srv.Store.Units(context.Background(), f.A.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range units {
		found = found || u.Name == name
	}
	if !found {
		t.Errorf("the store has no unit %q in %s", name, f.A.Name)
	}

	// Without JavaScript the language form shows its button, and the button switches.
	if vis := eval[bool](t, ctx, "is the language button shown", `getComputedStyle(document.querySelector("form.lang button")).display !== "none"`); !vis {
		t.Fatalf("without JavaScript the language form's button is hidden")
	}
	do(t, ctx, "pick Norsk bokmål", chromedp.SetValue(chromedp.ID("lang-select"), "nb"))
	if st := clickAndWait(t, ctx, "switch language with the button", `form.lang button[type="submit"]`); st != 200 {
		t.Fatalf("switch language: status %d", st)
	}
	if got := currentPath(t, ctx); got != "/org/units" {
		t.Errorf("after switching language the browser is on %s, want /org/units", got)
	}
	if lang := run(t, ctx, "read html lang", chromedp.AttributeValue(chromedp.CSS("html"), "lang")); lang.Value != "nb" {
		t.Errorf("after switching to nb: <html lang=%q>", lang.Value)
	}
	if got, want := h1(t, ctx), locale(t, "nb", "units.title"); got != want {
		t.Errorf("units page in nb: h1 %q, want %q", got, want)
	}
	checkPage(t, ctx, "units in nb without JavaScript")
}
