package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ParamError is a query parameter whose value cannot be used. Handlers answer it with 400 naming
// the parameter (WriteParamError for the API); a malformed parameter is never silently ignored.
type ParamError struct {
	Name    string
	Value   string
	Want    string   // what the value must be, in English: "a whole number from 1", "one of pdf, xlsx"
	Min     int64    // a number's least value
	Choices []string // the accepted values, when the parameter is a choice
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("query parameter %s=%q must be %s", e.Name, clipValue(e.Value), e.Want)
}

func clipValue(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

// IntParam reads an optional whole-number query parameter that must be at least minimum; absent
// or empty, it is 0.
func IntParam(q url.Values, name string, minimum int64) (int64, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minimum {
		want := "a whole number"
		if minimum == 1 {
			want = "a whole number from 1"
		} else if minimum == 0 {
			want = "a whole number from 0"
		}
		return 0, &ParamError{Name: name, Value: v, Want: want, Min: minimum}
	}
	return n, nil
}

// ChoiceParam reads an optional query parameter that must be one of choices; absent or empty, it
// is def.
func ChoiceParam(q url.Values, name, def string, choices ...string) (string, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	if !slices.Contains(choices, v) {
		return "", &ParamError{Name: name, Value: v, Want: "one of " + strings.Join(choices, ", "), Choices: choices}
	}
	return v, nil
}

// WriteParamError answers 400 with a problem that names the parameter.
func WriteParamError(w http.ResponseWriter, r *http.Request, e *ParamError) {
	WriteProblem(w, r, http.StatusBadRequest, e.Error(), ProblemField{Field: e.Name, Message: "must be " + e.Want})
}
