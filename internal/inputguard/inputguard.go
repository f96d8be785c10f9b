// Package inputguard is the gate every importer passes an uploaded or read file through before
// any parser sees it. Parsers spend memory in proportion to what the input claims, not to its size:
// goccy/go-yaml took 8.6 GB for 200 KB of nested "[" before the importer's own depth check could
// run. The checks here scan the raw bytes once, in constant memory, and refuse input that is too
// large, nested too deeply or made of too many values; Admit then bounds the time and the memory
// that the import that follows may take.
//
// Every importer uses it in the same two steps (frameworks, OSCAL, SBOM and register spreadsheets
// do today; KEV, CVE, CSAF, EVE, STIX, MISP and any later importer must):
//
//	ctx, done, err := inputguard.Admit(ctx, limits, len(data)) // deadline + share of the memory budget
//	if err != nil { ... }
//	defer done()
//	err = limits.CheckJSON(data) // or CheckYAML, CheckXML, CheckZip: before json/yaml/xml/zip code runs
//
// The check belongs inside the importer's parse function, so that the web handler, the API and
// the CLI cannot forget it; Admit belongs where the import starts (the handler or the command),
// because that is where the deadline and the memory budget are known.
package inputguard

import (
	"errors"
	"fmt"
	"time"
)

// Limits bound one kind of input. A zero field means "no limit" for that field.
type Limits struct {
	MaxBytes  int64 // size of the file as uploaded
	MaxDepth  int   // nesting of collections (YAML/JSON) or elements (XML)
	MaxTokens int   // scalars, keys and collections (YAML/JSON) or elements and attributes (XML)
	// Timeout is how long Admit lets the import run.
	Timeout time.Duration
	// Expansion estimates the parser's peak memory as a multiple of the file's size, for the
	// memory budget Admit shares between imports that run at once.
	Expansion int64
}

// Kind says which bound an input broke.
type Kind int

// The bounds an input can break.
const (
	TooLarge Kind = iota + 1
	TooDeep
	TooManyTokens
	ZipTooLarge
	ZipTooManyFiles
	Malformed
	Doctype
	TimedOut
	Busy
)

// Error is a refused input. Its message is plain English meant for the person who uploaded the
// file; Line is 0 when the problem is not at one line.
type Error struct {
	Kind  Kind
	Line  int
	Limit int64
	Name  string // the zip entry a zip problem is in
}

// ErrRefused is matched by every *Error (errors.Is(err, inputguard.ErrRefused)).
var ErrRefused = errors.New("input refused")

func (e *Error) Is(target error) bool { return target == ErrRefused }

func (e *Error) Error() string {
	var msg string
	switch e.Kind {
	case TooLarge:
		msg = fmt.Sprintf("the file is larger than %s", bytesText(e.Limit))
	case TooDeep:
		msg = fmt.Sprintf("the document is nested more than %d levels deep; no real file of this kind needs that many", e.Limit)
	case TooManyTokens:
		msg = fmt.Sprintf("the document holds more than %d values; no real file of this kind needs that many", e.Limit)
	case ZipTooLarge:
		msg = fmt.Sprintf("the file unpacks to more than %s", bytesText(e.Limit))
	case ZipTooManyFiles:
		msg = fmt.Sprintf("the file holds more than %d parts", e.Limit)
	case Malformed:
		msg = "the file is damaged and cannot be unpacked"
	case Doctype:
		msg = "the file declares a document type (<!DOCTYPE>); no file of this kind needs one, and it is not accepted"
	case TimedOut:
		msg = fmt.Sprintf("reading the file took longer than %s and was stopped", time.Duration(e.Limit))
	case Busy:
		msg = "the server is busy with other imports; try again in a minute"
	default:
		msg = "the file was refused"
	}
	if e.Name != "" {
		msg = e.Name + ": " + msg
	}
	if e.Line > 0 {
		msg = fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// CheckSize refuses data above MaxBytes.
func (l Limits) CheckSize(n int) error {
	if l.MaxBytes > 0 && int64(n) > l.MaxBytes {
		return &Error{Kind: TooLarge, Limit: l.MaxBytes}
	}
	return nil
}

// counter tracks depth and tokens while a scanner walks the input.
type counter struct {
	l      Limits
	depth  int
	tokens int
}

func (c *counter) open(line int) error {
	c.depth++
	if c.l.MaxDepth > 0 && c.depth > c.l.MaxDepth {
		return &Error{Kind: TooDeep, Line: line, Limit: int64(c.l.MaxDepth)}
	}
	return c.token(line)
}

func (c *counter) close() {
	if c.depth > 0 {
		c.depth--
	}
}

func (c *counter) token(line int) error {
	c.tokens++
	if c.l.MaxTokens > 0 && c.tokens > c.l.MaxTokens {
		return &Error{Kind: TooManyTokens, Line: line, Limit: int64(c.l.MaxTokens)}
	}
	return nil
}
