package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLanguageSwitch changes the language with the header's select, which submits itself on change
// (app.js), and checks that <html lang> and the texts follow, on the page and on the next one.
func TestLanguageSwitch(t *testing.T) {
	e := start(t)
	ctx := e.tab(t, true)
	if got := signIn(t, ctx, e.base, e.srv.Fix.Users["A:coordinator"].Email); got != "/" {
		t.Fatalf("sign-in landed on %s, want /", got)
	}
	assertLang(t, ctx, "en")
	if cls := run(t, ctx, "read html class", chromedp.AttributeValue(chromedp.CSS("html"), "class")); !strings.Contains(cls.Value, "js") {
		t.Fatalf("app.js did not run: <html class=%q>", cls.Value)
	}
	if vis := eval[bool](t, ctx, "is the language button shown", `getComputedStyle(document.querySelector("form.lang button")).display !== "none"`); vis {
		t.Errorf("with JavaScript the language form's button should be hidden (the select submits itself)")
	}

	for _, lang := range []string{"da", "nb", "en"} {
		c, cancel := withStep(ctx)
		resp, err := chromedp.RunResponse(c, chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.getElementById("lang-select");
			s.value = "`+lang+`";
			s.dispatchEvent(new Event("change", {bubbles: true}));
		})()`))
		cancel()
		if err != nil {
			t.Fatalf("switch to %s: %v", lang, err)
		}
		if resp.Status != 200 {
			t.Fatalf("switch to %s: status %d", lang, resp.Status)
		}
		if got := currentPath(t, ctx); got != "/" {
			t.Errorf("after switching to %s the browser is on %s, want / (where it was)", lang, got)
		}
		assertLang(t, ctx, lang)
		checkPage(t, ctx, "dashboard in "+lang)

		// The choice is kept: the next page is in the same language.
		visit(t, ctx, e.base+"/org/units")
		assertLang(t, ctx, lang)
		if got, want := h1(t, ctx), locale(t, lang, "units.title"); got != want {
			t.Errorf("units page in %s: h1 %q, want %q", lang, got, want)
		}
		visit(t, ctx, e.base+"/")
	}
}

// assertLang checks the page is in lang: <html lang>, the selected option, and translated texts.
func assertLang(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	type facts struct {
		Lang     string `json:"lang"`
		Selected string `json:"selected"`
		Nav      string `json:"nav"`
		SignOut  string `json:"signOut"`
	}
	f := eval[facts](t, ctx, "read the page's language", `({
		lang: document.documentElement.lang,
		selected: document.getElementById("lang-select").value,
		nav: document.querySelector('nav.main-nav a[href="/"]').textContent.trim(),
		signOut: document.querySelector('form[action="/logout"] button').textContent.trim(),
	})`)
	if f.Lang != lang {
		t.Errorf("<html lang=%q>, want %q", f.Lang, lang)
	}
	if f.Selected != lang {
		t.Errorf("the language select shows %q, want %q", f.Selected, lang)
	}
	if want := locale(t, lang, "nav.dashboard"); f.Nav != want {
		t.Errorf("in %s the navigation's first link reads %q, want %q", lang, f.Nav, want)
	}
	if want := locale(t, lang, "layout.sign_out"); f.SignOut != want {
		t.Errorf("in %s the sign-out button reads %q, want %q", lang, f.SignOut, want)
	}
}
