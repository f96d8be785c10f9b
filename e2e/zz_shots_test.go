package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZShots(t *testing.T) {
	e := start(t)
	base := "http://127.0.0.1:8718"
	tab := e.tab(t, true)
	visit(t, tab, base+"/login")
	do(t, tab, "login", chromedp.SendKeys(chromedp.ID("email"), os.Getenv("EMAIL")), chromedp.SendKeys(chromedp.ID("password"), "vaern-demo-2026"))
	clickAndWait(t, tab, "sign in", `form[action="/login"] button[type="submit"]`)
	for i, p := range []string{os.Getenv("P1"), os.Getenv("P2"), os.Getenv("P3")} {
		if p == "" {
			continue
		}
		w := int64(1280)
		if i == 2 {
			w = 390
		}
		do(t, tab, "vp", chromedp.EmulateViewport(w, 900))
		visit(t, tab, base+p)
		buf := run(t, tab, "shot", chromedp.FullScreenshot(100))
		os.WriteFile("/tmp/ewshot/shot"+string(rune('1'+i))+".png", buf, 0o644)
	}
}
