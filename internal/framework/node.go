package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// node is a format-neutral document tree with source lines. YAML and JSON
// input are both turned into nodes so that one decoder validates both, and the
// canonical writers emit nodes.
type node struct {
	kind nodeKind
	line int

	str   string  // kString: the value; other scalars: the source text
	plain bool    // a YAML plain scalar, which may be read as a string
	num   float64 // kNumber
	isInt bool    // kNumber written as a whole number
	b     bool    // kBool

	entries []entry // kMap, in source order
	items   []*node // kSeq

	flow bool // output hint: write a YAML collection in flow style
}

type nodeKind int

const (
	kNull nodeKind = iota
	kString
	kNumber
	kBool
	kMap
	kSeq
)

type entry struct {
	key  string
	line int
	val  *node
}

func (k nodeKind) String() string {
	switch k {
	case kString:
		return "a string"
	case kNumber:
		return "a number"
	case kBool:
		return "true or false"
	case kMap:
		return "a mapping"
	case kSeq:
		return "a list"
	}
	return "empty"
}

// keyLine finds an existing key of a mapping being built. Mappings in a
// framework are small; a linear scan is cheaper than an index except for
// hostile input, which the size limit in Parse keeps bounded.
func (n *node) keyLine(key string) (int, bool) {
	for _, e := range n.entries {
		if e.key == key {
			return e.line, true
		}
	}
	return 0, false
}

// maxDepth bounds nesting; a valid framework needs far less, and the limit
// keeps hostile input from exhausting the stack.
const maxDepth = 64

// syntaxError is a problem that stops parsing before validation can start.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// isJSON reports whether data looks like a JSON document: its first non-space
// character is '{'.
func isJSON(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// ---- YAML ----

func parseYAMLNodes(data []byte) (*node, error) {
	if !utf8.Valid(data) {
		return nil, &syntaxError{line: invalidUTF8Line(data), msg: "the file is not valid UTF-8"}
	}
	file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			return nil, &syntaxError{line: max(se.Token.Position.Line, 1), msg: "YAML syntax: " + se.Message}
		}
		return nil, &syntaxError{line: 1, msg: "YAML syntax: " + firstLine(err.Error())}
	}
	var body ast.Node
	count := 0
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, ok := doc.Body.(*ast.CommentGroupNode); ok {
			continue
		}
		if _, ok := doc.Body.(*ast.CommentNode); ok {
			continue
		}
		count++
		if count == 1 {
			body = doc.Body
		} else {
			return nil, &syntaxError{line: astLine(doc.Body), msg: "only one YAML document is allowed in a framework file"}
		}
	}
	if body == nil {
		return nil, &syntaxError{line: 1, msg: "the file is empty"}
	}
	return fromYAML(body, 0)
}

func astLine(n ast.Node) int {
	if n == nil {
		return 1
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return 1
	}
	return tk.Position.Line
}

func fromYAML(n ast.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &syntaxError{line: astLine(n), msg: "the document is nested too deeply"}
	}
	if n == nil {
		return &node{kind: kNull, line: 1}, nil
	}
	line := astLine(n)
	switch v := n.(type) {
	case *ast.MappingNode:
		out := &node{kind: kMap, line: line}
		for _, mv := range v.Values {
			if err := addYAMLEntry(out, mv, depth); err != nil {
				return nil, err
			}
		}
		if len(v.Values) > 0 {
			out.line = astLine(v.Values[0].Key)
		}
		return out, nil
	case *ast.MappingValueNode:
		out := &node{kind: kMap, line: astLine(v.Key)}
		if err := addYAMLEntry(out, v, depth); err != nil {
			return nil, err
		}
		return out, nil
	case *ast.SequenceNode:
		out := &node{kind: kSeq, line: line}
		for _, item := range v.Values {
			c, err := fromYAML(item, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, c)
		}
		return out, nil
	case *ast.StringNode:
		return &node{kind: kString, line: line, str: v.Value}, nil
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: kString, line: line, str: s}, nil
	case *ast.IntegerNode:
		var f float64
		switch iv := v.Value.(type) {
		case int64:
			f = float64(iv)
		case uint64:
			f = float64(iv)
		default:
			f = math.NaN()
		}
		return &node{kind: kNumber, line: line, str: v.Token.Value, plain: true, num: f, isInt: true}, nil
	case *ast.FloatNode:
		return &node{kind: kNumber, line: line, str: v.Token.Value, plain: true, num: v.Value}, nil
	case *ast.InfinityNode:
		return &node{kind: kNumber, line: line, str: v.Token.Value, plain: true, num: v.Value}, nil
	case *ast.NanNode:
		return &node{kind: kNumber, line: line, str: v.Token.Value, plain: true, num: math.NaN()}, nil
	case *ast.BoolNode:
		return &node{kind: kBool, line: line, str: v.Token.Value, plain: true, b: v.Value}, nil
	case *ast.NullNode:
		return &node{kind: kNull, line: line, str: v.Token.Value, plain: true}, nil
	case *ast.AnchorNode:
		return fromYAML(v.Value, depth+1)
	case *ast.AliasNode:
		return nil, &syntaxError{line: line, msg: "YAML aliases (*name) are not supported in framework files"}
	case *ast.TagNode:
		return nil, &syntaxError{line: line, msg: "YAML tags (!tag) are not supported in framework files"}
	}
	return nil, &syntaxError{line: line, msg: fmt.Sprintf("unsupported YAML construct (%s)", n.Type())}
}

func addYAMLEntry(m *node, mv *ast.MappingValueNode, depth int) error {
	key, line, err := astKey(mv.Key)
	if err != nil {
		return err
	}
	if first, dup := m.keyLine(key); dup {
		return &syntaxError{line: line, msg: fmt.Sprintf("key %q appears twice in the same mapping (first on line %d)", key, first)}
	}
	val, err := fromYAML(mv.Value, depth+1)
	if err != nil {
		return err
	}
	if mv.Value == nil || val.kind == kNull && val.str == "" || val.kind == kMap || val.kind == kSeq {
		// A collection is reported at its key ("recommendations:"), like an
		// empty value, which has no token of its own.
		val.line = line
	}
	m.entries = append(m.entries, entry{key: key, line: line, val: val})
	return nil
}

func astKey(k ast.MapKeyNode) (string, int, error) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	line := astLine(n)
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, line, nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		tk := v.GetToken()
		if tk == nil {
			break
		}
		return tk.Value, line, nil
	case *ast.MergeKeyNode:
		return "", line, &syntaxError{line: line, msg: "YAML merge keys (<<) are not supported in framework files"}
	}
	return "", line, &syntaxError{line: line, msg: "mapping keys must be simple words"}
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// ---- JSON ----

// jsonReader turns a JSON document into nodes. encoding/json reports byte
// offsets; lineStarts maps them to lines.
type jsonReader struct {
	data       []byte
	dec        *json.Decoder
	lineStarts []int
}

func parseJSONNodes(data []byte) (*node, error) {
	if !utf8.Valid(data) {
		return nil, &syntaxError{line: invalidUTF8Line(data), msg: "the file is not valid UTF-8"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := &jsonReader{data: data, lineStarts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	r.dec = json.NewDecoder(bytes.NewReader(data))
	r.dec.UseNumber()
	n, err := r.value(0)
	if err != nil {
		return nil, r.wrap(err)
	}
	line := r.nextLine()
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, &syntaxError{line: line, msg: "JSON syntax: unexpected data after the top-level object"}
	}
	return n, nil
}

func (r *jsonReader) lineAt(off int) int {
	return sort.Search(len(r.lineStarts), func(i int) bool { return r.lineStarts[i] > off })
}

// nextLine is the line on which the next token starts.
func (r *jsonReader) nextLine() int {
	off := int(r.dec.InputOffset())
	for off < len(r.data) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return r.lineAt(off)
}

func (r *jsonReader) wrap(err error) error {
	var se *syntaxError
	if errors.As(err, &se) {
		return se
	}
	var jse *json.SyntaxError
	if errors.As(err, &jse) {
		return &syntaxError{line: r.lineAt(int(jse.Offset)), msg: "JSON syntax: " + jse.Error()}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &syntaxError{line: r.lineAt(len(r.data)), msg: "JSON syntax: unexpected end of file"}
	}
	return &syntaxError{line: r.lineAt(int(r.dec.InputOffset())), msg: "JSON syntax: " + err.Error()}
}

func (r *jsonReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &syntaxError{line: r.nextLine(), msg: "the document is nested too deeply"}
	}
	line := r.nextLine()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &node{kind: kMap, line: line}
			for r.dec.More() {
				kline := r.nextLine()
				kt, err := r.dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, &syntaxError{line: kline, msg: "JSON syntax: object key must be a string"}
				}
				if first, dup := m.keyLine(key); dup {
					return nil, &syntaxError{line: kline, msg: fmt.Sprintf("key %q appears twice in the same object (first on line %d)", key, first)}
				}
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				m.entries = append(m.entries, entry{key: key, line: kline, val: v})
			}
			if _, err := r.dec.Token(); err != nil {
				return nil, err
			}
			return m, nil
		case '[':
			s := &node{kind: kSeq, line: line}
			for r.dec.More() {
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				s.items = append(s.items, v)
			}
			if _, err := r.dec.Token(); err != nil {
				return nil, err
			}
			return s, nil
		}
		return nil, &syntaxError{line: line, msg: "JSON syntax: unexpected " + t.String()}
	case string:
		return &node{kind: kString, line: line, str: t}, nil
	case json.Number:
		s := string(t)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f = math.Inf(1)
		}
		return &node{kind: kNumber, line: line, str: s, num: f, isInt: !strings.ContainsAny(s, ".eE")}, nil
	case bool:
		return &node{kind: kBool, line: line, b: t, str: strconv.FormatBool(t)}, nil
	case nil:
		return &node{kind: kNull, line: line, str: "null"}, nil
	}
	return nil, &syntaxError{line: line, msg: "JSON syntax: unexpected token"}
}
