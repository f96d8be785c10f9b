package framework

import "strings"

// DisplayName is how a framework is named in lists: its title and its version, but the version
// only once when the title already carries it ("Værn Baseline 2026", version 2026).
func DisplayName(title, version string) string {
	title, version = strings.TrimSpace(title), strings.TrimSpace(version)
	if version == "" {
		return title
	}
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return r == ' ' || r == '–' || r == '-' || r == '(' || r == ')' || r == ',' }) {
		if w == version {
			return title
		}
	}
	if title == "" {
		return version
	}
	return title + " " + version
}
