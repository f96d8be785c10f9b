package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
)

// TestSensorCreate is the contract: `vaern sensor create --org CODE --name NAME` prints
// "token: T" once, the store keeps only the token's hash, and list and revoke work by name.
func TestSensorCreate(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		dsn, st, org, _ := seeded(t, e)
		code, out, errs := vaernRun(t, nil, "sensor", "create", "--database", dsn, "--org", org.Code, "--name", "Rådhus DMZ", "--site", "Rådhuset")
		wantExit(t, code, 0, out, errs, "sensor create")
		m := regexp.MustCompile(`^token: (vs_\S+)\n$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("stdout %q, want exactly one line token: T", out)
		}
		sn, err := st.SensorByToken(context.Background(), auth.HashToken(m[1]))
		if err != nil || sn.Name != "Rådhus DMZ" || sn.OrgID != org.ID {
			t.Fatalf("the token does not find the sensor: %+v %v", sn, err)
		}
		code, out, errs = vaernRun(t, nil, "sensor", "list", "--database", dsn, "--org", org.Code)
		wantExit(t, code, 0, out, errs, "sensor list")
		if !strings.Contains(out, "Rådhus DMZ") || strings.Contains(out, m[1]) {
			t.Errorf("list: %s", out)
		}
		code, out, errs = vaernRun(t, nil, "sensor", "create", "--database", dsn, "--org", org.Code, "--name", "Rådhus DMZ")
		if code == 0 || strings.Contains(out, "token:") {
			t.Errorf("a second sensor of the same name: exit %d %s %s", code, out, errs)
		}
		code, out, errs = vaernRun(t, nil, "sensor", "revoke", "--database", dsn, "--org", org.Code, "--name", "Rådhus DMZ")
		wantExit(t, code, 0, out, errs, "sensor revoke")
		if _, err := st.SensorByToken(context.Background(), auth.HashToken(m[1])); err == nil {
			t.Error("the revoked token still finds the sensor")
		}
		code, out, errs = vaernRun(t, nil, "sensor", "keygen")
		wantExit(t, code, 0, out, errs, "sensor keygen")
		if len(strings.TrimSpace(out)) != 64 {
			t.Errorf("keygen: %q", out)
		}
	})
}
