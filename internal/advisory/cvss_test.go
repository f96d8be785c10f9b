package advisory

import "testing"

func TestCVSSScores(t *testing.T) {
	for _, tc := range []struct {
		version, vector     string
		base, temporal, env float64
	}{
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8, 8.8},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10, 10, 10},
		{"3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5, 5.5, 5.5},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, 0, 0},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8, 8.8, 8.8},
		{"3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:L/IR:L/AR:L", 9.8, 8.8, 7.2},
		{"3.0", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},
		{"2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, 7.5, 7.5},
		{"2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C", 7.5, 6.2, 6.2},
		{"2.0", "AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8, 7.8, 7.8},
	} {
		v, err := parseCVSSVector(tc.version, tc.vector)
		if err != nil {
			t.Fatalf("%s: %v", tc.vector, err)
		}
		var s cvssScores
		if tc.version == "2.0" {
			s = cvss2Score(v)
		} else {
			s = cvss3Score(tc.version, v)
		}
		if s.Base != tc.base || s.Temporal != tc.temporal || s.Environmental != tc.env {
			t.Errorf("%s = %+v, want %v/%v/%v", tc.vector, s, tc.base, tc.temporal, tc.env)
		}
	}
	for _, bad := range []string{"CVSS:3.1/AV:N", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"} {
		if _, err := parseCVSSVector("3.1", bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
