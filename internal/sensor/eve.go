// Package sensor is the ingest half of the sensors module: it reads Suricata EVE events (NDJSON or
// a JSON array, each event checked on its own), pseudonymises members' internal addresses with a
// prefix-preserving keyed pseudonym (CryptoPAn), drops payloads unless the member opted in, and
// derives the hourly sightings that correlation reads. It holds no storage and no HTTP code.
package sensor

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unsafe"

	json "github.com/goccy/go-json"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// Limits bound one batch. They are the ingest's stated limits (docs/sensors.md).
type Limits struct {
	MaxBytes  int64 // the batch after decompression
	MaxLine   int   // one event, in bytes
	MaxDepth  int   // nesting inside one event
	MaxTokens int   // values inside one event
	MaxEvents int   // events in one batch
	MaxErrors int   // line errors listed in the answer (all are counted)
}

// DefaultLimits are the ingest's limits.
var DefaultLimits = Limits{MaxBytes: 32 << 20, MaxLine: 64 << 10, MaxDepth: 16, MaxTokens: 4096, MaxEvents: 100_000, MaxErrors: 100}

// ErrTooManyEvents refuses a batch with more events than MaxEvents.
var ErrTooManyEvents = errors.New("too many events in one batch")

// LineError is one rejected event: its line (where it starts) and why.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Options say how a batch is read.
type Options struct {
	Pseudo      *Pseudonymiser // nil: addresses are kept as sent (the shipper's own checks)
	KeepPayload bool           // the member opted in to keep payloads and HTTP bodies
}

// Result is what a batch held.
type Result struct {
	Alerts   []vaern.SensorAlert
	Rejected int
	Errors   []LineError
	Other    map[string]int // events of other types, by event_type
}

func (r *Result) reject(l Limits, line int, msg string) {
	r.Rejected++
	if len(r.Errors) < max(l.MaxErrors, 1) {
		r.Errors = append(r.Errors, LineError{Line: line, Message: msg})
	}
}

// Parse reads a batch of EVE events: NDJSON (one event a line) or one JSON array. Every event is
// checked on its own; a bad one is rejected with the line it starts on and the rest are read.
// Alerts are kept (pseudonymised), other event types counted. An error refuses the whole batch
// (too large, too many events).
func Parse(data []byte, l Limits, opt Options) (*Result, error) {
	return parse(data, l, opt, false)
}

// parse is Parse, with goccy/go-json as the decoder when goccy is set (the reference path).
func parse(data []byte, l Limits, opt Options, goccy bool) (*Result, error) {
	if err := (inputguard.Limits{MaxBytes: l.MaxBytes}).CheckSize(len(data)); err != nil {
		return nil, err
	}
	res := &Result{Alerts: make([]vaern.SensorAlert, 0, bytes.Count(data, []byte{'\n'})+1)}
	p := parser{l: l, opt: opt, res: res, goccy: goccy, guard: inputguard.Limits{MaxBytes: int64(l.MaxLine), MaxDepth: l.MaxDepth, MaxTokens: l.MaxTokens}}
	i := skipSpace(data, 0, nil)
	var err error
	if i < len(data) && data[i] == '[' {
		err = p.array(data, i)
	} else {
		err = p.lines(data)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

type parser struct {
	l      Limits
	opt    Options
	res    *Result
	guard  inputguard.Limits
	events int
	ev     eveEvent
	alert  eveAl            // the decoder fills p.ev.Alert here rather than allocating one per line
	texts  *strings.Builder // the batch's texts (pseudonyms, the alerts' strings), one growing buffer
	dec    eveDecoder
	goccy  bool // decode with goccy/go-json, the reference the differential tests compare with
}

// noSignature marks p.alert before a line is decoded: still there after it, the line had no
// alert.signature_id, and perhaps no alert object at all.
const noSignature = math.MinInt64

func skipSpace(data []byte, i int, line *int) int {
	for ; i < len(data); i++ {
		switch data[i] {
		case '\n':
			if line != nil {
				*line++
			}
		case ' ', '\t', '\r':
		default:
			return i
		}
	}
	return i
}

func (p *parser) count() error {
	p.events++
	if p.l.MaxEvents > 0 && p.events > p.l.MaxEvents {
		return fmt.Errorf("%w: at most %d", ErrTooManyEvents, p.l.MaxEvents)
	}
	return nil
}

// lines reads NDJSON.
func (p *parser) lines(data []byte) error {
	line := 0
	for len(data) > 0 {
		line++
		var ln []byte
		if j := bytes.IndexByte(data, '\n'); j >= 0 {
			ln, data = data[:j], data[j+1:]
		} else {
			ln, data = data, nil
		}
		ln = trimRightSpace(ln)
		if onlySpace(ln) {
			continue
		}
		if err := p.count(); err != nil {
			return err
		}
		p.event(ln, line)
	}
	return nil
}

// trimRightSpace drops trailing CR, blanks and tabs (a loop: bytes.TrimRight builds its cut set
// on every call, and this runs once a line).
func trimRightSpace(b []byte) []byte {
	n := len(b)
	for n > 0 && (b[n-1] == ' ' || b[n-1] == '\t' || b[n-1] == '\r') {
		n--
	}
	return b[:n]
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// array reads one JSON array of events, starting at data[start] == '['.
func (p *parser) array(data []byte, start int) error {
	line := 1 + bytes.Count(data[:start], []byte{'\n'})
	i := start + 1
	for {
		i = skipSpace(data, i, &line)
		if i >= len(data) {
			p.res.reject(p.l, line, "the JSON array is not closed")
			return nil
		}
		switch data[i] {
		case ']':
			if j := skipSpace(data, i+1, &line); j < len(data) {
				p.res.reject(p.l, line, "text after the end of the JSON array")
			}
			return nil
		case ',':
			i++
			continue
		}
		// One element: find its end without building it.
		end, lines, ok := valueEnd(data, i)
		if err := p.count(); err != nil {
			return err
		}
		if !ok {
			p.res.reject(p.l, line, "the event is not complete JSON (the array ends inside it)")
			return nil
		}
		p.event(data[i:end], line)
		line += lines
		i = end
	}
}

// valueEnd finds the end of the JSON value at data[i] and the newlines inside it. It keeps no
// state but a depth counter, so any nesting costs nothing here; the event check bounds it.
func valueEnd(data []byte, i int) (end, lines int, ok bool) {
	depth := 0
	for ; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			lines++
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth <= 0 {
				return i + 1, lines, depth == 0
			}
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				} else if data[i] == '\n' {
					lines++
				}
			}
		case ',':
			if depth == 0 {
				return i, lines, true
			}
		}
	}
	return i, lines, depth == 0
}

// eveEvent holds the fields of an EVE event that Værn reads; the rest is skipped by the decoder
// without being built. The nested objects other than alert are values, not pointers: an absent
// object and an empty one mean the same here, and a value costs no allocation per line. alert
// stays a pointer because its absence has its own message.
type eveEvent struct {
	Timestamp string `json:"timestamp"`
	EventType string `json:"event_type"`
	SrcIP     string `json:"src_ip"`
	SrcPort   int    `json:"src_port"`
	DestIP    string `json:"dest_ip"`
	DestPort  int    `json:"dest_port"`
	Proto     string `json:"proto"`
	Alert     *eveAl `json:"alert"`
	HTTP      eveHTT `json:"http"`
	TLS       eveTLS `json:"tls"`
	DNS       eveDNS `json:"dns"`
	Payload   string `json:"payload"`
}

type eveAl struct {
	SignatureID int64  `json:"signature_id"`
	Signature   string `json:"signature"`
	Category    string `json:"category"`
	Severity    int    `json:"severity"`
}

type eveHTT struct {
	Hostname     string `json:"hostname"`
	URL          string `json:"url"`
	RequestBody  string `json:"http_request_body"`
	ResponseBody string `json:"http_response_body"`
}

type eveTLS struct {
	SNI string `json:"sni"`
	JA3 struct {
		Hash string `json:"hash"`
	} `json:"ja3"`
	JA4 string `json:"ja4"`
}

type eveDNS struct {
	RRName  string `json:"rrname"`
	Queries []struct {
		RRName string `json:"rrname"`
	} `json:"queries"`
}

// event checks and reads one event.
func (p *parser) event(b []byte, line int) {
	if len(b) > p.l.MaxLine {
		p.res.reject(p.l, line, fmt.Sprintf("the event is longer than %d bytes", p.l.MaxLine))
		return
	}
	if b[0] != '{' {
		p.res.reject(p.l, line, "not a JSON object")
		return
	}
	// Depth and values are bounded before the decoder allocates: a line with no more brackets
	// than MaxDepth cannot nest deeper, and one shorter than MaxTokens cannot hold more values;
	// any other line is scanned by inputguard.
	if bytes.Count(b, []byte{'{'})+bytes.Count(b, []byte{'['}) <= p.l.MaxDepth && len(b) <= p.l.MaxTokens {
		// within the bounds
	} else if err := p.guard.CheckJSON(b); err != nil {
		var ge *inputguard.Error
		if errors.As(err, &ge) {
			ge.Line = 0
		}
		p.res.reject(p.l, line, err.Error())
		return
	}
	if p.goccy {
		if !p.decodeGoccy(b, line) {
			return
		}
	} else if !p.dec.decode(b, &p.ev, &p.alert) {
		p.res.reject(p.l, line, "not valid JSON: "+p.invalidMessage(b))
		return
	}
	ev := &p.ev
	if ev.EventType == "" {
		p.res.reject(p.l, line, "event_type is missing")
		return
	}
	if ev.EventType != "alert" {
		if p.res.Other == nil {
			p.res.Other = map[string]int{}
		}
		name := eventTypeName(ev.EventType, len(p.res.Other))
		if _, ok := p.res.Other[name]; !ok {
			name = strings.Clone(name) // a view into the line
		}
		p.res.Other[name]++
		return
	}
	p.res.Alerts = append(p.res.Alerts, vaern.SensorAlert{})
	if p.texts == nil {
		p.texts = new(strings.Builder)
		p.texts.Grow(96 * cap(p.res.Alerts)) // a pseudonym, the signature, category and the like
	}
	a := &p.res.Alerts[len(p.res.Alerts)-1]
	if err := fillAlert(a, ev, p.opt, p.texts); err != nil {
		p.res.Alerts = p.res.Alerts[:len(p.res.Alerts)-1]
		p.res.reject(p.l, line, err.Error())
		return
	}
	p.own(a, b)
}

// decodeGoccy is the decode Parse used before Værn's own decoder: goccy/go-json into eveEvent.
// It stays as the reference the differential tests compare with (parser.goccy), and its
// messages name what is wrong in a refused line (invalidMessage).
func (p *parser) decodeGoccy(b []byte, line int) bool {
	p.ev = eveEvent{}
	p.alert = eveAl{SignatureID: noSignature}
	p.ev.Alert = &p.alert // the decoder fills an object it is given
	if err := json.Unmarshal(b, &p.ev); err != nil {
		p.res.reject(p.l, line, "not valid JSON: "+jsonMessage(err))
		return false
	}
	ev := &p.ev
	if ev.Alert != nil && ev.Alert.SignatureID == noSignature && ev.EventType == "alert" {
		// Either no alert object or one without a signature id: decode the object alone to
		// tell which (a broken line, so the second decode costs nothing that matters).
		var only struct {
			Alert *eveAl `json:"alert"`
		}
		if json.Unmarshal(b, &only) == nil {
			ev.Alert = only.Alert
		}
	}
	return true
}

// invalidMessage says why a line Værn's decoder refused is not valid JSON: in goccy/go-json's
// words, as before the decoder was Værn's own (a refused line is rare, so the second decode
// costs nothing that matters), or in the decoder's own where goccy took the line.
func (p *parser) invalidMessage(b []byte) string {
	var ev eveEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		return jsonMessage(err)
	}
	return fmt.Sprintf("%s at byte %d", p.dec.err, p.dec.errAt+1)
}

// own copies the texts of a into the batch's buffer where they are views into the line or the
// decoder's scratch buffer (both are reused: the line's body by the HTTP handler, the scratch
// buffer by the next line). Texts made anew (pseudonyms, lower-cased names) are kept as they are.
func (p *parser) own(a *vaern.SensorAlert, line []byte) {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(line)))
	hi := lo + uintptr(len(line))
	slo := uintptr(unsafe.Pointer(unsafe.SliceData(p.dec.scratch)))
	shi := slo + uintptr(cap(p.dec.scratch))
	for _, s := range [...]*string{&a.Signature, &a.Category, &a.Proto, &a.SrcIP, &a.DestIP, &a.Domain, &a.URL, &a.JA3, &a.JA4, &a.Payload} {
		if len(*s) == 0 {
			continue
		}
		if at := uintptr(unsafe.Pointer(unsafe.StringData(*s))); at >= lo && at < hi || at >= slo && at < shi {
			start := p.texts.Len()
			p.texts.WriteString(*s)
			*s = p.texts.String()[start:]
		}
	}
}

func jsonMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

// eventTypeName keeps other event types' names tidy and their number bounded.
func eventTypeName(s string, known int) string {
	if len(s) > 32 || known >= 64 {
		return "other"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "other"
		}
	}
	return s
}

var timeLayouts = []string{"2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}
