package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSensorMemberPath is the member's path of issue 14: the coordinator registers a sensor and
// sees its token once (a reload does not show it again), the sensor ships a batch with that token,
// and the alerts appear on the sensors page (health, chart) and the alert list, with internal
// addresses pseudonymised; the pseudonymisation settings save. Every page is checked with axe-core
// and at 390 px.
func TestSensorMemberPath(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	tab := e.tab(t, false)
	signIn(t, tab, e.base, f.Users["A:coordinator"].Email)
	visit(t, tab, e.base+"/sensors")
	checkPage(t, tab, "the empty sensors page")
	do(t, tab, "fill in the new sensor",
		chromedp.SendKeys(chromedp.ID("name"), "Rådhus DMZ"),
		chromedp.SendKeys(chromedp.ID("site"), "Rådhuset, serverrum"))
	if st := clickAndWait(t, tab, "register", `form[action="/sensors"] button[type="submit"]`); st != 200 {
		t.Fatalf("register: status %d", st)
	}
	checkPage(t, tab, "the token shown once")
	token := eval[string](t, tab, "read the token", `document.getElementById("sn-token").value`)
	if !strings.HasPrefix(token, "vs_") {
		t.Fatalf("token %q", token)
	}
	visit(t, tab, e.base+"/sensors")
	if strings.Contains(pageHTML(t, tab), token) {
		t.Fatal("the token is shown again")
	}

	body := `{"timestamp":"2026-12-02T10:15:00.100000+0100","event_type":"alert","src_ip":"10.0.0.5","src_port":51000,"dest_ip":"185.220.101.4","dest_port":443,"proto":"TCP","alert":{"signature_id":2033966,"signature":"ET MALWARE Cobalt Strike Beacon Observed","category":"A Network Trojan was detected","severity":1},"tls":{"sni":"cdn-assets-gw.com"}}` + "\n"
	req, _ := http.NewRequest("POST", e.base+"/api/v1/sensor/alerts", bytes.NewReader([]byte(strings.Repeat(body, 3))))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", "e2e-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ingest: %v %v", resp, err)
	}
	resp.Body.Close()

	visit(t, tab, e.base+"/sensors")
	html := pageHTML(t, tab)
	for _, want := range []string{"Rådhus DMZ", "sn-hourly", "<td>3</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("sensors page lacks %q", want)
		}
	}
	checkPage(t, tab, "the sensors page with health")
	visit(t, tab, e.base+"/sensors/alerts")
	html = pageHTML(t, tab)
	if !strings.Contains(html, "Cobalt Strike") || strings.Contains(html, "10.0.0.5") || !strings.Contains(html, "p:") {
		t.Errorf("alert list: the alert is missing or an internal address is in the clear")
	}
	if n := eval[int](t, tab, "count alerts", `document.querySelectorAll("#sna-cap ~ tbody tr, table tbody tr").length`); n != 3 {
		t.Errorf("%d alert rows, want 3", n)
	}
	checkPage(t, tab, "the alert list")

	visit(t, tab, e.base+"/sensors/settings")
	checkPage(t, tab, "the settings")
	do(t, tab, "add a range", chromedp.SetValue(chromedp.ID("ranges"), "203.0.113.0/24"))
	if st := clickAndWait(t, tab, "save", `form[action="/sensors/settings"] button[type="submit"]`); st != 200 {
		t.Fatalf("save settings: status %d", st)
	}
	if v := eval[string](t, tab, "read the ranges", `document.getElementById("ranges").value`); v != "203.0.113.0/24" {
		t.Errorf("ranges after saving: %q", v)
	}
	// Another member's coordinator sees none of it.
	other := e.tab(t, false)
	signIn(t, other, e.base, f.Users["B:coordinator"].Email)
	visit(t, other, e.base+"/sensors/alerts")
	if strings.Contains(pageHTML(t, other), "Cobalt Strike") {
		t.Error("member B sees member A's alerts")
	}
}
