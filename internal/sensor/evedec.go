package sensor

import (
	"unicode"
	"unicode/utf8"
)

// eveDecoder is Værn's own decoder of one EVE event into eveEvent: one pass over the line that
// reads the fields Værn keeps and checks and skips everything else, without allocating.
//
// It accepts exactly what encoding/json's Unmarshal into eveEvent accepts, and reads the same
// values: the JSON grammar in full (strings without control characters, every escape, numbers
// as the grammar has them, true/false/null, nothing after the object), nesting up to
// encoding/json's 10,000 levels, keys matched exactly or case-folded as encoding/json folds them
// (escapes in keys decoded first), duplicate keys (the last wins; a nested object given twice is
// merged, as encoding/json does), null leaving a field as it is (and unsetting alert and
// dns.queries), \u escapes with surrogate pairs, lone surrogates and invalid UTF-8 read as
// U+FFFD, integers refused when they have a fraction or exponent or do not fit 64 bits, and a
// value of the wrong type refusing the line. FuzzEVEDecoderMatchesEncodingJSON holds it to that.
//
// The strings it returns are views: into the line when they hold no escape and no invalid
// UTF-8, else into the decoder's scratch buffer. They are valid until the next line is decoded;
// the parser copies what it keeps (parser.own).
type eveDecoder struct {
	b       []byte
	scratch []byte // unescaped strings of the current line; never grown within a line
	query0  eveQuery
	queries [1]eveQuery // what ev.DNS.Queries points at: only the first query is read
	err     string      // why the last line was refused
	errAt   int
}

type eveQuery = struct {
	RRName string `json:"rrname"`
}

const maxJSONDepth = 10000 // encoding/json's limit

// decode reads b (one event) into ev, using al for its alert object. It reports whether b is
// valid JSON of the right shape; if not, d.err says why.
func (d *eveDecoder) decode(b []byte, ev *eveEvent, al *eveAl) bool {
	d.b = b
	d.err = ""
	// An unescaped string is never longer than three times its escaped form (an invalid byte
	// becomes the three bytes of U+FFFD): with this capacity the buffer never moves within a
	// line, which parser.own relies on.
	if need := 3*len(b) + 16; cap(d.scratch) < need {
		d.scratch = make([]byte, 0, max(need, 64<<10))
	}
	d.scratch = d.scratch[:0]
	*ev = eveEvent{}
	d.query0 = eveQuery{}
	i := d.ws(0)
	if i >= len(b) || b[i] != '{' {
		return d.fail(i, "expected an object")
	}
	i = d.top(i, ev, al)
	if i < 0 {
		return false
	}
	if i = d.ws(i); i != len(b) {
		return d.fail(i, "text after the end of the object")
	}
	return true
}

func (d *eveDecoder) fail(i int, why string) bool {
	if d.err == "" {
		d.err, d.errAt = why, i
	}
	return false
}

// failAt records why and returns -1, the index every step returns on failure.
func (d *eveDecoder) failAt(i int, why string) int {
	d.fail(i, why)
	return -1
}

func (d *eveDecoder) ws(i int) int {
	for i < len(d.b) {
		switch d.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Field numbers of the objects Værn reads; 0 is a key it skips.
const (
	fNone = iota
	fTimestamp
	fEventType
	fSrcIP
	fSrcPort
	fDestIP
	fDestPort
	fProto
	fAlert
	fHTTP
	fTLS
	fDNS
	fPayload
	fSignatureID
	fSignature
	fCategory
	fSeverity
	fHostname
	fURL
	fRequestBody
	fResponseBody
	fSNI
	fJA3
	fJA4
	fHash
	fRRName
	fQueries
)

type objectKind int

const (
	objTop objectKind = iota
	objAlert
	objHTTP
	objTLS
	objJA3
	objDNS
	objQuery
)

// fieldNames are each object's keys, for the case-folded match.
var fieldNames = [...][]struct {
	name string
	f    int
}{
	objTop: {{"timestamp", fTimestamp}, {"event_type", fEventType}, {"src_ip", fSrcIP}, {"src_port", fSrcPort}, {"dest_ip", fDestIP},
		{"dest_port", fDestPort}, {"proto", fProto}, {"alert", fAlert}, {"http", fHTTP}, {"tls", fTLS}, {"dns", fDNS}, {"payload", fPayload}},
	objAlert: {{"signature_id", fSignatureID}, {"signature", fSignature}, {"category", fCategory}, {"severity", fSeverity}},
	objHTTP:  {{"hostname", fHostname}, {"url", fURL}, {"http_request_body", fRequestBody}, {"http_response_body", fResponseBody}},
	objTLS:   {{"sni", fSNI}, {"ja3", fJA3}, {"ja4", fJA4}},
	objJA3:   {{"hash", fHash}},
	objDNS:   {{"rrname", fRRName}, {"queries", fQueries}},
	objQuery: {{"rrname", fRRName}},
}

// field finds key among the object's fields: exactly (the usual case, a switch the compiler
// turns into a few comparisons), else as encoding/json folds names.
func field(kind objectKind, key string) int {
	switch kind {
	case objTop:
		switch key {
		case "timestamp":
			return fTimestamp
		case "event_type":
			return fEventType
		case "src_ip":
			return fSrcIP
		case "src_port":
			return fSrcPort
		case "dest_ip":
			return fDestIP
		case "dest_port":
			return fDestPort
		case "proto":
			return fProto
		case "alert":
			return fAlert
		case "http":
			return fHTTP
		case "tls":
			return fTLS
		case "dns":
			return fDNS
		case "payload":
			return fPayload
		}
	case objAlert:
		switch key {
		case "signature_id":
			return fSignatureID
		case "signature":
			return fSignature
		case "category":
			return fCategory
		case "severity":
			return fSeverity
		}
	case objHTTP:
		switch key {
		case "hostname":
			return fHostname
		case "url":
			return fURL
		case "http_request_body":
			return fRequestBody
		case "http_response_body":
			return fResponseBody
		}
	case objTLS:
		switch key {
		case "sni":
			return fSNI
		case "ja3":
			return fJA3
		case "ja4":
			return fJA4
		}
	case objJA3:
		if key == "hash" {
			return fHash
		}
	case objDNS, objQuery:
		switch key {
		case "rrname":
			return fRRName
		case "queries":
			if kind == objDNS {
				return fQueries
			}
		}
	}
	// A key that differs only in case (or in Unicode folding: "ſ" is "s", "K" the Kelvin sign is
	// "k") is the same key to encoding/json. Keys in lower-case ASCII cannot match that way.
	foldable := false
	for i := 0; i < len(key); i++ {
		if c := key[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			foldable = true
			break
		}
	}
	if !foldable {
		return fNone
	}
	for _, fn := range fieldNames[kind] {
		if foldEqual(key, fn.name) {
			return fn.f
		}
	}
	return fNone
}

// foldEqual reports whether key folds to the same name as name (lower-case ASCII), with
// encoding/json's folding: ASCII letters by case, other runes to the smallest rune of their
// Unicode fold orbit.
func foldEqual(key, name string) bool {
	j := 0
	for i := 0; i < len(key); {
		r, n := rune(key[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(key[i:])
			r = foldRune(r)
		} else if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		i += n
		if j >= len(name) {
			return false
		}
		c := rune(name[j])
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if r != c {
			return false
		}
		j++
	}
	return j == len(name)
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// object walks the object at d.b[i] == '{', calling set for each key Værn reads (with the index
// of its value; set returns the index after it) and skipping the others.
func (d *eveDecoder) object(i int, kind objectKind, depth int, set func(f, i int) int) int {
	if depth > maxJSONDepth {
		return d.failAt(i, "nested too deeply")
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(d.b) || d.b[i] != '"' {
			return d.failAt(i, "expected a key")
		}
		key, j := d.str(i)
		if j < 0 {
			return -1
		}
		j = d.ws(j)
		if j >= len(d.b) || d.b[j] != ':' {
			return d.failAt(j, "expected a colon after the key")
		}
		j = d.ws(j + 1)
		f := fNone
		if set != nil {
			f = field(kind, key)
		}
		if f != fNone {
			j = set(f, j)
		} else {
			j = d.skip(j, depth)
		}
		if j < 0 {
			return -1
		}
		j = d.ws(j)
		if j >= len(d.b) {
			return d.failAt(j, "the object is not closed")
		}
		switch d.b[j] {
		case ',':
			i = d.ws(j + 1)
		case '}':
			return j + 1
		default:
			return d.failAt(j, "expected a comma or the end of the object")
		}
	}
}

// top reads the event object. The nested objects get their own loops rather than closures per
// call: this runs once a line.
func (d *eveDecoder) top(i int, ev *eveEvent, al *eveAl) int {
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(d.b) || d.b[i] != '"' {
			return d.failAt(i, "expected a key")
		}
		key, j := d.str(i)
		if j < 0 {
			return -1
		}
		j = d.ws(j)
		if j >= len(d.b) || d.b[j] != ':' {
			return d.failAt(j, "expected a colon after the key")
		}
		j = d.ws(j + 1)
		switch field(objTop, key) {
		case fTimestamp:
			j = d.strField(j, &ev.Timestamp)
		case fEventType:
			j = d.strField(j, &ev.EventType)
		case fSrcIP:
			j = d.strField(j, &ev.SrcIP)
		case fSrcPort:
			j = d.intField(j, &ev.SrcPort)
		case fDestIP:
			j = d.strField(j, &ev.DestIP)
		case fDestPort:
			j = d.intField(j, &ev.DestPort)
		case fProto:
			j = d.strField(j, &ev.Proto)
		case fPayload:
			j = d.strField(j, &ev.Payload)
		case fAlert:
			j = d.alert(j, ev, al)
		case fHTTP:
			j = d.http(j, &ev.HTTP)
		case fTLS:
			j = d.tls(j, &ev.TLS)
		case fDNS:
			j = d.dns(j, &ev.DNS)
		default:
			j = d.skip(j, 1)
		}
		if j < 0 {
			return -1
		}
		j = d.ws(j)
		if j >= len(d.b) {
			return d.failAt(j, "the object is not closed")
		}
		switch d.b[j] {
		case ',':
			i = d.ws(j + 1)
		case '}':
			return j + 1
		default:
			return d.failAt(j, "expected a comma or the end of the object")
		}
	}
}

// null reports whether d.b[i:] starts with the literal null (and checks it if it starts with n).
func (d *eveDecoder) null(i int) (bool, int) {
	if i < len(d.b) && d.b[i] == 'n' {
		if len(d.b)-i >= 4 && string(d.b[i:i+4]) == "null" {
			return true, i + 4
		}
		return true, d.failAt(i, "invalid literal")
	}
	return false, i
}

func (d *eveDecoder) wantObject(i int) int {
	if i >= len(d.b) {
		return d.failAt(i, "expected a value")
	}
	if d.b[i] != '{' {
		return d.wrongType(i, "an object")
	}
	return i
}

// wrongType refuses a value of the wrong type, after checking that it is a value at all (so
// that the message says what is wrong first).
func (d *eveDecoder) wrongType(i int, want string) int {
	if d.skip(i, 1) < 0 {
		return -1
	}
	return d.failAt(i, "the value must be "+want)
}

func (d *eveDecoder) alert(i int, ev *eveEvent, al *eveAl) int {
	if isNull, j := d.null(i); isNull {
		ev.Alert = nil
		return j
	}
	if i = d.wantObject(i); i < 0 {
		return -1
	}
	if ev.Alert == nil { // a second alert object merges into the first, as in encoding/json
		*al = eveAl{}
		ev.Alert = al
	}
	return d.object(i, objAlert, 2, func(f, j int) int {
		switch f {
		case fSignatureID:
			return d.int64Field(j, &al.SignatureID)
		case fSignature:
			return d.strField(j, &al.Signature)
		case fCategory:
			return d.strField(j, &al.Category)
		case fSeverity:
			return d.intField(j, &al.Severity)
		}
		return d.skip(j, 2)
	})
}

func (d *eveDecoder) http(i int, h *eveHTT) int {
	if isNull, j := d.null(i); isNull {
		return j
	}
	if i = d.wantObject(i); i < 0 {
		return -1
	}
	return d.object(i, objHTTP, 2, func(f, j int) int {
		switch f {
		case fHostname:
			return d.strField(j, &h.Hostname)
		case fURL:
			return d.strField(j, &h.URL)
		case fRequestBody:
			return d.strField(j, &h.RequestBody)
		case fResponseBody:
			return d.strField(j, &h.ResponseBody)
		}
		return d.skip(j, 2)
	})
}

func (d *eveDecoder) tls(i int, t *eveTLS) int {
	if isNull, j := d.null(i); isNull {
		return j
	}
	if i = d.wantObject(i); i < 0 {
		return -1
	}
	return d.object(i, objTLS, 2, func(f, j int) int {
		switch f {
		case fSNI:
			return d.strField(j, &t.SNI)
		case fJA4:
			return d.strField(j, &t.JA4)
		case fJA3:
			if isNull, k := d.null(j); isNull {
				return k
			}
			if j = d.wantObject(j); j < 0 {
				return -1
			}
			return d.object(j, objJA3, 3, func(f, k int) int {
				if f == fHash {
					return d.strField(k, &t.JA3.Hash)
				}
				return d.skip(k, 3)
			})
		}
		return d.skip(j, 2)
	})
}

func (d *eveDecoder) dns(i int, n *eveDNS) int {
	if isNull, j := d.null(i); isNull {
		return j
	}
	if i = d.wantObject(i); i < 0 {
		return -1
	}
	return d.object(i, objDNS, 2, func(f, j int) int {
		switch f {
		case fRRName:
			return d.strField(j, &n.RRName)
		case fQueries:
			return d.queriesField(j, n)
		}
		return d.skip(j, 2)
	})
}

// queriesField reads dns.queries, keeping the first query's rrname. encoding/json reuses a
// slice's elements when the key comes again, so a first element without rrname keeps the
// earlier one; null and [] start afresh.
func (d *eveDecoder) queriesField(i int, n *eveDNS) int {
	if isNull, j := d.null(i); isNull {
		n.Queries = nil
		d.query0 = eveQuery{}
		return j
	}
	if i >= len(d.b) {
		return d.failAt(i, "expected a value")
	}
	if d.b[i] != '[' {
		return d.wrongType(i, "an array")
	}
	count := 0
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		n.Queries = d.queries[:0]
		d.query0 = eveQuery{}
		return i + 1
	}
	for {
		if isNull, j := d.null(i); isNull {
			i = j
		} else {
			if i = d.wantObject(i); i < 0 {
				return -1
			}
			first := count == 0
			i = d.object(i, objQuery, 4, func(f, k int) int {
				if f == fRRName && first {
					return d.strField(k, &d.query0.RRName)
				}
				return d.skip(k, 4)
			})
		}
		if i < 0 {
			return -1
		}
		count++
		i = d.ws(i)
		if i >= len(d.b) {
			return d.failAt(i, "the array is not closed")
		}
		switch d.b[i] {
		case ',':
			i = d.ws(i + 1)
		case ']':
			d.queries[0] = d.query0
			n.Queries = d.queries[:1]
			return i + 1
		default:
			return d.failAt(i, "expected a comma or the end of the array")
		}
	}
}

// strField reads a string (or null, which leaves it) into *s.
func (d *eveDecoder) strField(i int, s *string) int {
	if i < len(d.b) && d.b[i] == '"' {
		v, j := d.str(i)
		if j >= 0 {
			*s = v
		}
		return j
	}
	if isNull, j := d.null(i); isNull {
		return j
	}
	if i >= len(d.b) {
		return d.failAt(i, "expected a value")
	}
	return d.wrongType(i, "a string")
}

func (d *eveDecoder) intField(i int, v *int) int {
	x := int64(*v) // null leaves it
	j := d.int64Field(i, &x)
	if j >= 0 {
		*v = int(x)
	}
	return j
}

// int64Field reads an integer (or null, which leaves it) into *v: a JSON number without
// fraction or exponent that fits 64 bits.
func (d *eveDecoder) int64Field(i int, v *int64) int {
	if isNull, j := d.null(i); isNull {
		return j
	}
	start := i
	end := d.number(i)
	if end < 0 {
		if i < len(d.b) && d.b[i] != '-' && (d.b[i] < '0' || d.b[i] > '9') {
			d.err = ""
			return d.wrongType(i, "a number")
		}
		return -1
	}
	neg := d.b[i] == '-'
	if neg {
		i++
	}
	var u uint64
	for ; i < end; i++ {
		c := d.b[i]
		if c < '0' || c > '9' {
			return d.failAt(start, "the number must be an integer")
		}
		if u > (1<<63)/10 {
			return d.failAt(start, "the number is too large")
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return d.failAt(start, "the number is too large")
		}
	}
	if !neg && u == 1<<63 {
		return d.failAt(start, "the number is too large")
	}
	x := int64(u)
	if neg {
		x = -x
	}
	*v = x
	return end
}
