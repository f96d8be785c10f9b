package web

import (
	"net/url"
	"strconv"
)

// Every edit form changes only the fields its post sends (issue 9.4): a post that carries two
// fields of a form must not blank the others. Checkboxes send nothing when not ticked, so the
// templates put a hidden empty value of the same name before each one; the field is then sent
// either way. The register's system form does the same through register.FormRecord, which the
// JSON API shares.

// formValue is the posted value of key, or current when the post does not carry the field.
func formValue(f url.Values, key, current string) string {
	if v, ok := f[key]; ok && len(v) > 0 {
		return v[0]
	}
	return current
}

// formInt is the posted whole number of key, or current when the post does not carry the field;
// ok is false for a value that is not a number.
func formInt(f url.Values, key string, current int64) (int64, bool) {
	v, sent := f[key]
	if !sent || len(v) == 0 {
		return current, true
	}
	if v[0] == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	return n, err == nil
}

// formChecked reads a checkbox that the form sends with a hidden empty value before it: ticked
// when any value is "on" or "1", current when the post does not carry the field at all.
func formChecked(f url.Values, key string, current bool) bool {
	vals, sent := f[key]
	if !sent {
		return current
	}
	for _, v := range vals {
		if v == "on" || v == "1" {
			return true
		}
	}
	return false
}
