// Package sensor is the ingest half of the sensors module: it reads Suricata EVE events (NDJSON or
// a JSON array, each event checked on its own), pseudonymises members' internal addresses with a
// prefix-preserving keyed pseudonym (CryptoPAn), drops payloads unless the member opted in, and
// derives the hourly sightings that correlation reads. It holds no storage and no HTTP code.
package sensor

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
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

// ReadBody reads a batch body, gunzipping it when gz is set, and refuses one larger than max bytes
// (after decompression) with an *inputguard.Error of kind TooLarge before reading further.
func ReadBody(r io.Reader, gz bool, max int64) ([]byte, error) {
	data, release, err := ReadBodyPooled(r, gz, max)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(data)
	release()
	return out, nil
}

// Batch bodies and gzip readers are reused across requests: a body is megabytes, and growing a
// fresh one for every batch cost as much as inflating it. Reuse is safe because nothing Parse
// returns points into the body (parser.own copies the texts an alert keeps).
var (
	bodyPool sync.Pool // *bytes.Buffer
	gzipPool sync.Pool // *gzip.Reader
)

// ReadBodyPooled is ReadBody into a reused buffer: data is valid until release is called, which
// the caller does once it no longer needs the body (after Parse).
func ReadBodyPooled(r io.Reader, gz bool, max int64) (data []byte, release func(), err error) {
	if gz {
		z, _ := gzipPool.Get().(*gzip.Reader)
		if z == nil {
			z, err = gzip.NewReader(r)
		} else {
			err = z.Reset(r)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the body is not valid gzip: %w", err)
		}
		defer func() { z.Close(); gzipPool.Put(z) }()
		r = z
	}
	buf, _ := bodyPool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	release = func() {
		if buf.Cap() <= 64<<20 {
			bodyPool.Put(buf)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		release()
		if gz {
			return nil, nil, fmt.Errorf("the body could not be read (is it valid gzip?): %w", err)
		}
		return nil, nil, err
	}
	if int64(buf.Len()) > max {
		release()
		return nil, nil, &inputguard.Error{Kind: inputguard.TooLarge, Limit: max}
	}
	return buf.Bytes(), release, nil
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

// Alert checks one alert event and turns it into the alert Værn keeps.
func Alert(ev *eveEvent, opt Options) (vaern.SensorAlert, error) {
	var a vaern.SensorAlert
	err := fillAlert(&a, ev, opt, nil)
	return a, err
}

func fillAlert(a *vaern.SensorAlert, ev *eveEvent, opt Options, arena *strings.Builder) error {
	t, err := ParseTime(ev.Timestamp)
	if err != nil {
		return err
	}
	a.Time = t
	if ev.Alert == nil {
		return errors.New("alert: the alert object is missing")
	}
	if ev.Alert.SignatureID <= 0 || ev.Alert.SignatureID > 1<<40 {
		return errors.New("alert.signature_id: must be a positive number")
	}
	a.SignatureID = ev.Alert.SignatureID
	if a.Signature, err = text("alert.signature", ev.Alert.Signature, 512); err != nil {
		return err
	}
	if a.Category, err = text("alert.category", ev.Alert.Category, 256); err != nil {
		return err
	}
	if ev.Alert.Severity < 0 || ev.Alert.Severity > 255 {
		return errors.New("alert.severity: must be between 0 and 255")
	}
	a.Severity = ev.Alert.Severity
	if a.Proto, err = text("proto", ev.Proto, 16); err != nil {
		return err
	}
	if ev.SrcPort < 0 || ev.SrcPort > 65535 {
		return errors.New("src_port: must be between 0 and 65535")
	}
	if ev.DestPort < 0 || ev.DestPort > 65535 {
		return errors.New("dest_port: must be between 0 and 65535")
	}
	a.SrcPort, a.DestPort = ev.SrcPort, ev.DestPort
	if ev.SrcIP == "" {
		return errors.New("src_ip is missing")
	}
	if ev.DestIP == "" {
		return errors.New("dest_ip is missing")
	}
	if a.SrcIP, a.SrcInternal, err = opt.Pseudo.address(ev.SrcIP, arena); err != nil {
		return errors.New("src_ip: " + err.Error())
	}
	if a.DestIP, a.DstInternal, err = opt.Pseudo.address(ev.DestIP, arena); err != nil {
		return errors.New("dest_ip: " + err.Error())
	}
	a.Domain = ev.HTTP.Hostname
	if a.URL, err = text("http.url", ev.HTTP.URL, 2048); err != nil {
		return err
	}
	if s := &ev.TLS; a.Domain == "" {
		a.Domain = s.SNI
	}
	if h := ev.TLS.JA3.Hash; h != "" {
		if !isHex(h, 32) {
			return errors.New("tls.ja3.hash: must be 32 hexadecimal digits")
		}
		a.JA3 = lowerASCII(h)
	}
	if a.JA4, err = text("tls.ja4", ev.TLS.JA4, 64); err != nil {
		return err
	}
	if d := &ev.DNS; a.Domain == "" {
		a.Domain = d.RRName
		if a.Domain == "" && len(d.Queries) > 0 {
			a.Domain = d.Queries[0].RRName
		}
	}
	if a.Domain != "" {
		d, ok := domainName(a.Domain)
		if !ok {
			return errors.New("the host name (http.hostname, tls.sni or dns.rrname) is not a domain name")
		}
		a.Domain = d
	}
	if opt.KeepPayload {
		pl := ev.Payload
		if pl == "" {
			pl = ev.HTTP.RequestBody + ev.HTTP.ResponseBody
		}
		a.Payload = pl
	}
	return nil
}

// domainName lower-cases a host name and drops a trailing dot, in one pass that also refuses
// what no domain name holds; it allocates only for a name that has upper-case letters (or that
// is not ASCII, which strings.ToLower handles).
func domainName(s string) (string, bool) {
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 0x80:
			s = strings.ToLower(s)
			upper = false
			i = len(s)
		}
	}
	if upper {
		s = lowerASCII(s)
	}
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 || strings.ContainsAny(s, " /\\\"<>") {
		return "", false
	}
	return s, true
}

// lowerASCII is strings.ToLower for a string known to be ASCII.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func text(field, s string, max int) (string, error) {
	if len(s) > max {
		return "", fmt.Errorf("%s: longer than %d characters", field, max)
	}
	return s, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ParseTime reads an EVE timestamp: RFC 3339 with or without the colon in the offset
// ("2011-08-12T14:52:57.716360+0200"), or without an offset (taken as UTC).
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("timestamp is missing")
	}
	if t, ok := fastTime(s); ok {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2200 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp: %s is not a time such as 2026-12-02T10:15:00.123456+0100", strconv.Quote(trunc(s, 40)))
}

var timeLayouts = []string{"2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// fastTime reads the timestamps EVE files have without time.Parse: "2006-01-02T15:04:05", an
// optional fraction of 1-9 digits, then nothing (UTC), "Z", "+0100" or "+01:00". It accepts a
// subset of what the layouts of ParseTime accept, with the same result; anything else (and any
// value out of range) is left to time.Parse, which has the final word and the error message.
func fastTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y := digits(s[0:4])
	mo, d, h, mi, se := digits(s[5:7]), digits(s[8:10]), digits(s[11:13]), digits(s[14:16]), digits(s[17:19])
	if y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n := j - i - 1
		if n < 1 || n > 9 {
			return time.Time{}, false
		}
		ns = digits(s[i+1 : j])
		for ; n < 9; n++ {
			ns *= 10
		}
		i = j
	}
	off := 0
	switch rest := s[i:]; {
	case rest == "" || rest == "Z":
	case len(rest) == 5 || len(rest) == 6 && rest[3] == ':':
		if rest[0] != '+' && rest[0] != '-' {
			return time.Time{}, false
		}
		oh, om := digits(rest[1:3]), digits(rest[len(rest)-2:])
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return time.Time{}, false
		}
		off = oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return time.Time{}, false
	}
	sec := daysSinceEpoch(y, mo, d)*86400 + int64(h*3600+mi*60+se-off)
	return time.Unix(sec, int64(ns)).UTC(), true
}

// digits reads a run of decimal digits (at most 9), or -1 if there is anything else.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch counts the days from 1970-01-01 to a date of the proleptic Gregorian calendar
// (years from 1 on), in the era arithmetic of the civil-from-days algorithms.
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}
