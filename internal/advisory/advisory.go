package advisory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// Limits bound one advisory file. The KEV catalogue (about 1.4 MB, 1,400 entries today) is the
// largest real input; 64 MiB and four million values leave room for it to grow tenfold. Callers
// that start an import (CLI, upload handler, feed job) pass these to inputguard.Admit.
var Limits = inputguard.Limits{MaxBytes: 64 << 20, MaxDepth: 64, MaxTokens: 4_000_000,
	Timeout: 2 * time.Minute, Expansion: 12}

// Bounds on what one document may hold, checked while it is read; no real advisory comes close.
const (
	maxKEVEntries      = 100_000
	maxProducts        = 20_000 // CSAF full product names, CVE affected entries × versions
	maxBranches        = 50_000 // CSAF branches over the whole tree
	maxVulnerabilities = 10_000 // CSAF vulnerabilities
)

// Options change how Parse treats a document.
type Options struct {
	// Override imports a CSAF document that fails mandatory tests; Result.Failed and each
	// advisory's Override list the tests it failed. Schema errors are never overridden.
	Override bool
}

// Result is what one file held.
type Result struct {
	Format     vaern.AdvisorySource
	Advisories []vaern.Advisory
	Failed     []TestFailure // only with Options.Override
}

// TestFailure is one failed CSAF mandatory test.
type TestFailure struct {
	Test    string // "6.1.1"
	Path    string // JSON pointer into the document: "/product_tree/branches/0/product/product_id"
	Message string
}

// Error is a refused input: which file, where in it, and (for CSAF) which mandatory test.
type Error struct {
	File    string
	Path    string // JSON pointer; "" when the problem is the whole file
	Test    string // CSAF mandatory test number, "" when none applies
	Message string
	Err     error // the underlying error (an inputguard refusal, a context end), if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Test != "" {
		b.WriteString(" (CSAF test ")
		b.WriteString(e.Test)
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Parse reads one advisory file, telling its format by content: a KEV catalogue has a
// "vulnerabilities" array of objects with "cveID"; a CVE JSON 5 record has "dataType":
// "CVE_RECORD" (or "cveMetadata" and "containers"); a CSAF document has "document" with
// "csaf_version". Anything else is refused. name is used in errors only.
func Parse(ctx context.Context, name string, data []byte, opt Options) (Result, error) {
	if err := Limits.CheckJSON(data); err != nil {
		return Result{}, &Error{File: name, Message: err.Error(), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, ctxError(name, err)
	}
	format, err := detect(data)
	if err != nil {
		return Result{}, &Error{File: name, Message: err.Error()}
	}
	var res Result
	switch format {
	case vaern.SourceKEV:
		res, err = parseKEV(ctx, name, data)
	case vaern.SourceCVE:
		res, err = parseCVE(ctx, name, data)
	case vaern.SourceCSAF:
		res, err = parseCSAF(ctx, name, data, opt)
	}
	if err != nil {
		return Result{}, err
	}
	res.Format = format
	return res, nil
}

// detect looks at the top-level keys only: the formats share no distinguishing key, so this is
// unambiguous and cheap.
func detect(data []byte) (vaern.AdvisorySource, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			return "", fmt.Errorf("not valid JSON: %s", jsonErrText(err))
		}
		return "", errors.New("not a JSON object; expected a CISA KEV catalogue, a CVE JSON 5 record or a CSAF 2.0 document")
	}
	if doc, ok := top["document"]; ok {
		var d struct {
			CSAFVersion string `json:"csaf_version"`
		}
		if json.Unmarshal(doc, &d) == nil && d.CSAFVersion != "" {
			if d.CSAFVersion != "2.0" {
				return "", fmt.Errorf("CSAF version %q is not supported; only CSAF 2.0 is", d.CSAFVersion)
			}
			return vaern.SourceCSAF, nil
		}
	}
	if dt, ok := top["dataType"]; ok {
		var s string
		if json.Unmarshal(dt, &s) == nil && s == "CVE_RECORD" {
			return vaern.SourceCVE, nil
		}
	}
	if _, ok := top["cveMetadata"]; ok {
		if _, ok := top["containers"]; ok {
			return vaern.SourceCVE, nil
		}
	}
	if v, ok := top["vulnerabilities"]; ok {
		if _, ok := top["catalogVersion"]; ok {
			return vaern.SourceKEV, nil
		}
		var entries []map[string]json.RawMessage
		if json.Unmarshal(v, &entries) == nil && (len(entries) == 0 || entries[0]["cveID"] != nil) {
			return vaern.SourceKEV, nil
		}
	}
	return "", errors.New("not a CISA KEV catalogue, a CVE JSON 5 record or a CSAF 2.0 document")
}

func ctxError(name string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{File: name, Message: "reading the file took too long and was stopped", Err: err}
	}
	return &Error{File: name, Message: "the import was cancelled", Err: err}
}

// jsonErrText words a decoding error without Go type names.
func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, found a JSON %s", te.Type.Kind(), te.Value)
	}
	return err.Error()
}

// typeErrorPath turns a decoding type error into a JSON pointer. encoding/json names the struct
// fields but not the array indices ("vulnerabilities.cveID"), so the pointer is found by walking
// the document's tokens to the error's offset.
func typeErrorPath(data []byte, err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return ""
	}
	if p := pointerAt(data, te.Offset); p != "" {
		return p
	}
	if te.Field != "" {
		return "/" + strings.ReplaceAll(te.Field, ".", "/")
	}
	return ""
}

// pointerAt is the JSON pointer of the value that ends at or contains byte offset off: the last
// value that started before it.
func pointerAt(data []byte, off int64) string {
	type frame struct {
		arr     bool
		idx     int
		key     string
		wantKey bool
	}
	var st []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	last := ""
	pointer := func() string {
		var b strings.Builder
		for _, f := range st {
			b.WriteByte('/')
			if f.arr {
				b.WriteString(fmt.Sprint(f.idx))
			} else {
				b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(f.key))
			}
		}
		return b.String()
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil || start >= off {
			return last
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			st = st[:len(st)-1]
			if n := len(st); n > 0 && !st[n-1].arr {
				st[n-1].wantKey = true
			}
			continue
		}
		if n := len(st); n > 0 && !st[n-1].arr && st[n-1].wantKey {
			st[n-1].key, _ = tok.(string)
			st[n-1].wantKey = false
			continue
		}
		if n := len(st); n > 0 && st[n-1].arr {
			st[n-1].idx++
		}
		last = pointer()
		switch tok {
		case json.Delim('{'):
			st = append(st, frame{wantKey: true})
		case json.Delim('['):
			st = append(st, frame{arr: true, idx: -1})
		default:
			if n := len(st); n > 0 && !st[n-1].arr {
				st[n-1].wantKey = true
			}
		}
	}
}

// decodeError is a decoding failure of a file already known to be of one format.
func decodeError(name string, data []byte, err error) error {
	return &Error{File: name, Path: typeErrorPath(data, err), Message: jsonErrText(err)}
}
