package web_test

import (
	"fmt"
	"testing"

	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The sensors' id kind: a role's own sensor is a fresh sensor of member A (centre roles may not
// manage sensors at all and get 403); the foreign one is member B's.
func init() {
	idKinds["sensor"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			counter++
			sn, _ := sensorOf(t, s, s.Fix.A, "A:coordinator", fmt.Sprintf("Sensor %d", counter))
			return fmt.Sprint(sn.ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			counter++
			sn, _ := sensorOf(t, s, s.Fix.B, "B:coordinator", fmt.Sprintf("Sensor %d", counter))
			return fmt.Sprint(sn.ID), true
		},
	}
}
