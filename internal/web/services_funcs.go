package web

import (
	"html/template"
	"strings"

	"github.com/vaern/vaern"
)

// servicesFuncs are the services module's template helpers.
func servicesFuncs() template.FuncMap {
	return template.FuncMap{
		// svclist is its arguments as a list, for ranging over form fields.
		"svclist": func(s ...string) []string { return s },
		// svcprefix reports whether s starts with prefix.
		"svcprefix": strings.HasPrefix,
		// onbval is a checklist item's form value by field name.
		"onbval": func(it vaern.OnboardingItem, f string) string {
			return map[string]string{"title_da": it.Title.Da, "title_nb": it.Title.Nb, "title_en": it.Title.En,
				"desc_da": it.Description.Da, "desc_nb": it.Description.Nb, "desc_en": it.Description.En, "link": it.Link}[f]
		},
	}
}
