package i18n

import "testing"

func TestDecimals(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	x := 2.675
	cases := []struct {
		lang string
		v    *float64
		want string
	}{
		{"da", &x, "2,68"}, {"nb", &x, "2,68"}, {"en", &x, "2.68"}, {"da", nil, "–"},
	}
	for _, tc := range cases {
		if got := c.For(tc.lang).DecP(tc.v); got != tc.want {
			t.Errorf("%s: DecP = %q, want %q", tc.lang, got, tc.want)
		}
	}
	if got := c.For("nb").Dec(-0.001); got != "0,00" {
		t.Errorf("Dec(-0.001) = %q, want 0,00 (no minus zero)", got)
	}
	if got := c.For("en").Dec(-1.005); got != "-1.01" {
		t.Errorf("Dec(-1.005) = %q, want -1.01 (half away from zero)", got)
	}
}

func TestCounts(t *testing.T) {
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{{"nb", 1, "1 hendelse"}, {"nb", 3, "3 hendelser"}, {"da", 1, "1 hændelse"}, {"en", 0, "0 incidents"}, {"en", 1, "1 incident"}} {
		if got := cat.For(c.lang).N("inc.list.count", c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
