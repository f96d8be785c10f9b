package i18n

import "testing"

func TestLocalNumber(t *testing.T) {
	for _, c := range []struct {
		in, lang, want string
		ok             bool
	}{
		{"3.67", "da", "3,67", true},
		{"3.67", "nb", "3,67", true},
		{"3.67", "en", "3.67", true},
		{"58600", "da", "58.600", true},
		{"58600", "nb", "58.600", true},
		{"1234567.5", "en", "1,234,567.5", true},
		{"2025", "da", "2025", true},
		{"-0.25", "da", "-0,25", true},
		{"12/15", "da", "12/15", false},
		{"–", "da", "–", false},
		{"1.2.3", "da", "1.2.3", false},
		{"", "da", "", false},
	} {
		if got, ok := LocalNumber(c.in, c.lang); got != c.want || ok != c.ok {
			t.Errorf("LocalNumber(%q, %s) = %q %v, want %q %v", c.in, c.lang, got, ok, c.want, c.ok)
		}
	}
	l := &Localizer{Lang: "da"}
	if got := l.Num(1.5); got != "1,5" {
		t.Errorf("Num(1.5) = %q", got)
	}
	if got := l.Int(367100); got != "367.100" {
		t.Errorf("Int = %q", got)
	}
}
