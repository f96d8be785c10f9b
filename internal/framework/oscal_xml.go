package framework

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readOSCALXML reads an OSCAL catalogue in its XML form (NIST publishes every catalogue in XML as
// well as JSON) into the same structure the JSON form decodes to. Prose in XML is markup (<p>,
// <ol>, <em>, <insert type="param"/>); it is flattened to the text the JSON form carries, with
// insertions written as {{ insert: param, id }} so that one code path renders both.
func readOSCALXML(filename string, data []byte) (*oscalCatalog, error) {
	if err := OSCALLimits.CheckXML(data); err != nil {
		return nil, fmt.Errorf("import OSCAL %s: %w", filename, err)
	}
	x := &xmlReader{d: xml.NewDecoder(bytes.NewReader(data))}
	for {
		tok, err := x.d.Token()
		if err != nil {
			return nil, x.fail(filename, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "catalog" {
			return nil, fmt.Errorf("import OSCAL %s: not an OSCAL catalogue (the root element is <%s>, not <catalog>)", filename, se.Name.Local)
		}
		c, err := x.catalog()
		if err != nil {
			return nil, x.fail(filename, err)
		}
		return c, nil
	}
}

type xmlReader struct{ d *xml.Decoder }

func (x *xmlReader) fail(filename string, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("import OSCAL %s:%d: XML syntax: %s", filename, se.Line, se.Msg)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("import OSCAL %s: the file holds no XML element", filename)
	}
	return fmt.Errorf("import OSCAL %s: %w", filename, err)
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// children calls fn for each child element of the element just started, until its end; fn must
// consume the child entirely (read it or skip it).
func (x *xmlReader) children(fn func(se xml.StartElement) error) error {
	for {
		tok, err := x.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

func (x *xmlReader) catalog() (*oscalCatalog, error) {
	c := &oscalCatalog{}
	err := x.children(func(se xml.StartElement) error {
		switch se.Name.Local {
		case "metadata":
			return x.children(func(se xml.StartElement) error {
				var err error
				switch se.Name.Local {
				case "title":
					c.Metadata.Title, err = x.text()
				case "version":
					c.Metadata.Version, err = x.text()
				default:
					err = x.d.Skip()
				}
				return err
			})
		case "param":
			p, err := x.param(se)
			c.Params = append(c.Params, p)
			return err
		case "group":
			g, err := x.group(se)
			c.Groups = append(c.Groups, g)
			return err
		case "control":
			ctl, err := x.control(se)
			c.Controls = append(c.Controls, ctl)
			return err
		}
		return x.d.Skip()
	})
	return c, err
}

func (x *xmlReader) group(start xml.StartElement) (oscalGroup, error) {
	g := oscalGroup{ID: attr(start, "id")}
	err := x.children(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "title":
			g.Title, err = x.text()
		case "param":
			var p oscalParam
			p, err = x.param(se)
			g.Params = append(g.Params, p)
		case "group":
			var sub oscalGroup
			sub, err = x.group(se)
			g.Groups = append(g.Groups, sub)
		case "control":
			var c oscalControl
			c, err = x.control(se)
			g.Controls = append(g.Controls, c)
		default:
			err = x.d.Skip()
		}
		return err
	})
	return g, err
}

func (x *xmlReader) control(start xml.StartElement) (oscalControl, error) {
	c := oscalControl{ID: attr(start, "id")}
	err := x.children(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "title":
			c.Title, err = x.text()
		case "param":
			var p oscalParam
			p, err = x.param(se)
			c.Params = append(c.Params, p)
		case "part":
			var p oscalPart
			p, err = x.part(se)
			c.Parts = append(c.Parts, p)
		case "control":
			var sub oscalControl
			sub, err = x.control(se)
			c.Controls = append(c.Controls, sub)
		default:
			err = x.d.Skip()
		}
		return err
	})
	return c, err
}

func (x *xmlReader) part(start xml.StartElement) (oscalPart, error) {
	p := oscalPart{Name: attr(start, "name")}
	var prose []string
	err := x.children(func(se xml.StartElement) error {
		switch se.Name.Local {
		case "prop":
			p.Props = append(p.Props, oscalProp{Name: attr(se, "name"), Value: attr(se, "value")})
			return x.d.Skip()
		case "part":
			sub, err := x.part(se)
			p.Parts = append(p.Parts, sub)
			return err
		case "title", "link":
			return x.d.Skip()
		}
		// Everything else in a part is its prose: <p>, <ol>, <ul>, <table>, headings.
		s, err := x.markup(se)
		if s = strings.TrimSpace(s); s != "" {
			prose = append(prose, s)
		}
		return err
	})
	p.Prose = strings.Join(prose, "\n")
	return p, err
}

func (x *xmlReader) param(start xml.StartElement) (oscalParam, error) {
	p := oscalParam{ID: attr(start, "id")}
	err := x.children(func(se xml.StartElement) error {
		var err error
		switch se.Name.Local {
		case "label":
			p.Label, err = x.text()
		case "select":
			p.Select = &oscalSelect{HowMany: attr(se, "how-many")}
			err = x.children(func(se xml.StartElement) error {
				if se.Name.Local != "choice" {
					return x.d.Skip()
				}
				s, err := x.text()
				p.Select.Choice = append(p.Select.Choice, s)
				return err
			})
		default:
			err = x.d.Skip()
		}
		return err
	})
	return p, err
}

// text reads the content of the element just started as plain text.
func (x *xmlReader) text() (string, error) {
	var b strings.Builder
	err := x.inline(&b)
	return strings.TrimSpace(b.String()), err
}

// markup reads an element of prose, starting with its own start tag, as plain text.
func (x *xmlReader) markup(se xml.StartElement) (string, error) {
	var b strings.Builder
	if se.Name.Local == "insert" {
		writeInsert(&b, se)
		return b.String(), x.d.Skip()
	}
	err := x.inline(&b)
	return b.String(), err
}

// inline writes the character data of the current element and its descendants to b, up to the
// element's end: block elements (<p>, <li>, <tr>) end with a line break, and parameter
// insertions become {{ insert: param, id }}.
func (x *xmlReader) inline(b *strings.Builder) error {
	for {
		tok, err := x.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			// Whitespace in XML prose is layout: runs of it become one space.
			words := strings.Fields(string(t))
			if len(t) > 0 && isSpace(t[0]) || len(words) == 0 && len(t) > 0 {
				writeSpace(b)
			}
			b.WriteString(strings.Join(words, " "))
			if len(words) > 0 && isSpace(t[len(t)-1]) {
				writeSpace(b)
			}
		case xml.StartElement:
			if t.Name.Local == "insert" {
				writeInsert(b, t)
				if err := x.d.Skip(); err != nil {
					return err
				}
				continue
			}
			if err := x.inline(b); err != nil {
				return err
			}
			switch t.Name.Local {
			case "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6":
				trimTrailingSpace(b)
				b.WriteByte('\n')
			}
		case xml.EndElement:
			return nil
		}
	}
}

func writeInsert(b *strings.Builder, se xml.StartElement) {
	if id := attr(se, "id-ref"); id != "" && attr(se, "type") != "choice" {
		b.WriteString("{{ insert: param, " + id + " }}")
	}
}

func writeSpace(b *strings.Builder) {
	if s := b.String(); s != "" && !isSpace(s[len(s)-1]) {
		b.WriteByte(' ')
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimTrailingSpace(b *strings.Builder) {
	s := strings.TrimRight(b.String(), " \t")
	b.Reset()
	b.WriteString(s)
}
