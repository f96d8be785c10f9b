package framework

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/inputguard"
)

// Problem is one thing wrong with a framework file.
type Problem struct {
	File    string
	Line    int
	Field   string // path such as areas[2].questions[4].recommendations.1; indexes count from 0
	Message string
}

// String formats the problem as FILE:LINE: FIELD: message.
func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Message)
}

// ValidationError holds every problem found in a framework file.
type ValidationError struct {
	Problems []Problem
}

// Error returns one line per problem, each formatted FILE:LINE: FIELD: message.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	frameworkIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	versionPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)
	areaIDPattern      = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)
	questionIDPattern  = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]{2,3}$`)
)

// MaxFileSize is the largest framework file Parse accepts. A framework with
// several hundred questions in three languages is about 1 MB.
const MaxFileSize = 8 << 20

// Limits bound a framework file before the YAML or JSON parser sees it. The built-in 2026
// framework is 7 levels deep and holds about 6,000 values; goccy/go-yaml spends about 1 KB and
// 15 µs per value on a small server, so 100,000 values stay near 100 MB and a second or two.
var Limits = inputguard.Limits{MaxBytes: MaxFileSize, MaxDepth: maxDepth, MaxTokens: 100000,
	Timeout: 30 * time.Second, Expansion: 40}

// trustedLimits check a framework this program wrote itself (Validate, ParseStored): the depth
// still, the number of values not.
var trustedLimits = inputguard.Limits{MaxBytes: 64 << 20, MaxDepth: maxDepth}

const (
	maxFrameworkIDLen = 100
	maxVersionLen     = 32
	maxAreaIDLen      = 16
)

// Parse reads a framework from YAML or, when the first non-space character is
// '{', from JSON. It reports every problem it finds at once as a
// *ValidationError; filename is only used in those messages.
func Parse(filename string, data []byte) (*Framework, error) {
	return parse(filename, data, Limits)
}

// ParseStored reads a framework this program stored after Parse or ImportOSCAL accepted it: the
// nesting is still checked, the number of values not, so that no stored framework stops parsing
// when the limits for uploaded files change.
func ParseStored(name string, data []byte) (*Framework, error) {
	return parse(name, data, trustedLimits)
}

func parse(filename string, data []byte, limits inputguard.Limits) (*Framework, error) {
	// The guard runs before any parser: the parsers' own depth checks come too late to stop
	// goccy/go-yaml from exhausting memory on deeply nested flow collections.
	check, read := limits.CheckYAML, parseYAMLNodes
	if isJSON(data) {
		check, read = limits.CheckJSON, parseJSONNodes
	}
	if err := check(data); err != nil {
		return nil, guardProblem(filename, err)
	}
	root, err := read(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, &ValidationError{Problems: []Problem{{File: filename, Line: se.line, Message: se.msg}}}
		}
		return nil, &ValidationError{Problems: []Problem{{File: filename, Line: 1, Message: err.Error()}}}
	}
	d := &decoder{file: filename}
	f := d.framework(root)
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
		return nil, &ValidationError{Problems: d.problems}
	}
	f.file = filename
	f.link()
	return f, nil
}

// Validate checks a framework built in code by writing it out canonically and
// parsing it again; problem lines refer to that canonical YAML.
func Validate(f *Framework) error {
	data, err := Marshal(f, "yaml")
	if err != nil {
		return err
	}
	name := f.file
	if name == "" {
		name = f.ID + ".yaml"
	}
	_, err = parse(name, data, trustedLimits)
	return err
}

// guardProblem reports a file the input guard refused as the one problem of the file.
func guardProblem(filename string, err error) error {
	var ge *inputguard.Error
	if !errors.As(err, &ge) {
		return err
	}
	line := max(ge.Line, 1)
	msg := ge.Error()
	if ge.Line > 0 {
		g := *ge
		g.Line = 0
		msg = g.Error()
	}
	return &ValidationError{Problems: []Problem{{File: filename, Line: line, Message: msg}}}
}
