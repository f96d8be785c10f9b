package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/demoidp"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

// TestServeHasNoDemoIdP: `vaern serve` on a database that holds Aarhus (the demo provider's
// organisation) neither mounts the demo identity provider nor registers it; only `vaern demo`
// does (TestDemo checks that side).
func TestServeHasNoDemoIdP(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "vaern.db"), wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	centre, err := st.CreateCentre(ctx, vaern.System("test"), vaern.Org{Code: "CENTRE", Name: "Centre", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	aarhus, err := st.CreateMember(ctx, vaern.System("test"), centre.ID, vaern.Org{Code: demoidp.OrgCode, Name: "Aarhus", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	runCtx, cancel := context.WithCancel(ctx)
	var errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(runCtx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, noEnv, strings.NewReader(""), io.Discard, &errb)
	}()
	listening := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := listening.FindStringSubmatch(errb.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %s", errb.String())
	}
	for _, path := range []string{"/demo-idp/.well-known/openid-configuration", "/demo-idp/", "/demo-idp/authorize"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("vaern serve answers %s with %d, want 404", path, resp.StatusCode)
		}
	}
	resp, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "(demo)") {
		t.Error("vaern serve's sign-in page offers the demo provider")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exit %d: %s", code, errb.String())
	}
	st, err = store.Open(ctx, filepath.Join(dir, "vaern.db"), wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ps, err := st.IdentityProviders(ctx, aarhus.ID); err != nil || len(ps) != 0 {
		t.Fatalf("vaern serve registered providers: %+v %v", ps, err)
	}
}
