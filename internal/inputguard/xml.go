package inputguard

import "bytes"

// CheckXML scans an XML document for its size, element nesting and number of elements and
// attributes without building anything. A document type declaration is refused: no format the
// importers read uses one, and its entities are how XML bombs expand.
func (l Limits) CheckXML(data []byte) error {
	if err := l.CheckSize(len(data)); err != nil {
		return err
	}
	x := newXMLScanner(l)
	if _, err := x.Write(data); err != nil {
		return err
	}
	return nil
}

// xmlScanner is a streaming XML nesting counter: Write may be called with any slices of the
// document, so that a zip entry can be checked while it is unpacked without holding it.
type xmlScanner struct {
	c     counter
	line  int
	state xmlState
	quote byte
	// tail holds the last bytes seen inside a comment, CDATA section, processing instruction or
	// just after "<", to recognise the markers that end or classify them across Write calls.
	tail []byte
	err  error
}

type xmlState int

const (
	xText     xmlState = iota
	xLT                // just after "<"
	xOpenTag           // inside a start tag, outside attribute values
	xAttr              // inside a quoted attribute value
	xCloseTag          // inside an end tag
	xBang              // after "<!", deciding between comment, CDATA and declaration
	xComment
	xCDATA
	xPI
	xSelfClose // after "/" inside a start tag
)

func newXMLScanner(l Limits) *xmlScanner { return &xmlScanner{c: counter{l: l}, line: 1} }

func (x *xmlScanner) Write(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	for i, b := range p {
		if b == '\n' {
			x.line++
		}
		if err := x.step(b); err != nil {
			x.err = err
			return i, err
		}
	}
	return len(p), nil
}

func (x *xmlScanner) step(b byte) error {
	switch x.state {
	case xText:
		if b == '<' {
			x.state = xLT
		}
	case xLT:
		switch b {
		case '/':
			x.state = xCloseTag
		case '?':
			x.state, x.tail = xPI, x.tail[:0]
		case '!':
			x.state, x.tail = xBang, x.tail[:0]
		default:
			x.state = xOpenTag
			return x.c.open(x.line)
		}
	case xOpenTag:
		switch b {
		case '"', '\'':
			x.state, x.quote = xAttr, b
		case '=':
			return x.c.token(x.line)
		case '/':
			x.state = xSelfClose
		case '>':
			x.state = xText
		}
	case xSelfClose:
		// "/>" ends an empty element; a stray "/" is left to the parser.
		if b == '>' {
			x.c.close()
			x.state = xText
		} else {
			x.state = xOpenTag
		}
	case xAttr:
		if b == x.quote {
			x.state = xOpenTag
		}
	case xCloseTag:
		if b == '>' {
			x.c.close()
			x.state = xText
		}
	case xBang:
		x.tail = append(x.tail, b)
		switch {
		case bytes.Equal(x.tail, []byte("--")):
			x.state, x.tail = xComment, x.tail[:0]
		case bytes.Equal(x.tail, []byte("[CDATA[")):
			x.state, x.tail = xCDATA, x.tail[:0]
		case bytes.HasPrefix([]byte("[CDATA["), x.tail) || bytes.HasPrefix([]byte("--"), x.tail):
			// still deciding
		case bytes.EqualFold(x.tail, []byte("DOCTYPE")):
			return &Error{Kind: Doctype, Line: x.line}
		case bytes.HasPrefix([]byte("DOCTYPE"), bytes.ToUpper(x.tail)):
		default:
			return &Error{Kind: Malformed, Line: x.line}
		}
	case xComment:
		if x.ends(b, "-->") {
			x.state = xText
		}
	case xCDATA:
		if x.ends(b, "]]>") {
			x.state = xText
		}
	case xPI:
		if x.ends(b, "?>") {
			x.state = xText
		}
	}
	return nil
}

// ends reports whether the bytes seen so far in this section end with marker.
func (x *xmlScanner) ends(b byte, marker string) bool {
	x.tail = append(x.tail, b)
	if len(x.tail) > len(marker) {
		x.tail = x.tail[len(x.tail)-len(marker):]
	}
	return string(x.tail) == marker
}
