package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
)

// warningsFuncs are the warnings module's template helpers.
func warningsFuncs() template.FuncMap {
	return template.FuncMap{
		// wndict builds the argument map of a partial: "key", value, ...
		"wndict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("wndict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("wndict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// wnhours writes a duration in hours as hours (under two days) or days.
		"wnhours": func(h float64) string {
			if h < 48 {
				return strconv.FormatFloat(h, 'f', 1, 64) + " h"
			}
			return strconv.FormatFloat(h/24, 'f', 1, 64) + " d"
		},
		// wnhas reports whether a form field holds an id among its values.
		"wnhas": func(f url.Values, field string, id int64) bool {
			want := strconv.FormatInt(id, 10)
			for _, v := range f[field] {
				if v == want {
					return true
				}
			}
			return false
		},
	}
}
