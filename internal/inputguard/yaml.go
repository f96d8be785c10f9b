package inputguard

// CheckYAML scans a YAML document (JSON is YAML too) for its size, nesting and number of values
// without building anything. Nesting counts both kinds YAML has: block collections, one level per
// deeper indentation or per "- " / "? " on a line, and flow collections, one level per "[" or "{"
// where a value may start. Quoted scalars, block scalars (| and >) and comments are skipped the
// way a YAML parser skips them, so text in them never counts. It does not check the syntax; the
// parser that runs next reports that with a line.
func (l Limits) CheckYAML(data []byte) error {
	if err := l.CheckSize(len(data)); err != nil {
		return err
	}
	s := yamlScanner{data: data, line: 1, c: counter{l: l}}
	return s.run()
}

type yamlScanner struct {
	data []byte
	i    int
	line int
	c    counter
	// block holds the indentation columns of the open block collections; its length is the
	// block nesting, added to the flow nesting counted in c.depth.
	block     []int
	flow      int
	closers   []byte // the bracket that closes each open flow collection; at most MaxDepth long
	lineBegin int    // offset of the current line's first byte
}

func (s *yamlScanner) depthErr() error {
	if s.c.l.MaxDepth > 0 && len(s.block)+s.flow > s.c.l.MaxDepth {
		return &Error{Kind: TooDeep, Line: s.line, Limit: int64(s.c.l.MaxDepth)}
	}
	return nil
}

func (s *yamlScanner) at(i int) byte {
	if i < len(s.data) {
		return s.data[i]
	}
	return 0
}

// blankAt reports whether position i ends a token: a space, a line break or the end.
func (s *yamlScanner) blankAt(i int) bool {
	switch s.at(i) {
	case 0, ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func (s *yamlScanner) run() error {
	for s.i < len(s.data) {
		if err := s.lineStart(); err != nil {
			return err
		}
	}
	return nil
}

// lineStart handles one line from its first byte.
func (s *yamlScanner) lineStart() error {
	start := s.i
	for s.at(s.i) == ' ' || s.at(s.i) == '\t' {
		s.i++
	}
	indent := s.i - start
	if s.i >= len(s.data) {
		return nil
	}
	switch s.data[s.i] {
	case '\r', '\n':
		s.newline()
		return nil
	case '#':
		s.skipLine()
		return nil
	}
	s.lineBegin = start
	indCol := indent // the column of the last "- " on the line, or the indentation
	if s.flow == 0 {
		for len(s.block) > 0 && s.block[len(s.block)-1] > indent {
			s.block = s.block[:len(s.block)-1]
		}
		if len(s.block) == 0 || s.block[len(s.block)-1] < indent {
			s.block = append(s.block, indent)
		}
		// "- ", "? " and ": " at the start open one more block level each ("- - - x").
		for {
			b := s.at(s.i)
			if (b == '-' || b == '?' || b == ':') && s.blankAt(s.i+1) {
				indCol = s.i - start
				s.i++
				for s.at(s.i) == ' ' || s.at(s.i) == '\t' {
					s.i++
				}
				col := s.i - start
				if s.blankAt(s.i) {
					break // the indicator ends the line: the content is on the next lines
				}
				s.block = append(s.block, col)
				if err := s.c.token(s.line); err != nil {
					return err
				}
				continue
			}
			break
		}
		if err := s.depthErr(); err != nil {
			return err
		}
	}
	return s.rest(indCol, s.i-start)
}

func (s *yamlScanner) newline() {
	if s.at(s.i) == '\r' {
		s.i++
	}
	if s.at(s.i) == '\n' {
		s.i++
	}
	s.line++
}

func (s *yamlScanner) skipLine() {
	for s.i < len(s.data) && s.data[s.i] != '\n' {
		s.i++
	}
	if s.i < len(s.data) {
		s.i++
		s.line++
	}
}

// rest scans the remainder of a line (and of any quoted scalar that runs past it). A block scalar
// belongs to the key the line's content starts with (contentCol), or, when it is itself that
// content ("- |"), to the collection of the last indicator (indCol).
func (s *yamlScanner) rest(indCol, contentCol int) error {
	valueStart := true // a quote, "[", "{", "|" or ">" here starts a token, not plain text
	prevBlank := true
	for s.i < len(s.data) {
		b := s.data[s.i]
		switch {
		case b == '\n' || b == '\r':
			s.newline()
			return nil
		case b == ' ' || b == '\t':
			s.i++
			prevBlank = true
			continue
		case b == '#' && prevBlank:
			s.skipLine()
			return nil
		case valueStart && (b == '"' || b == '\''):
			if err := s.c.token(s.line); err != nil {
				return err
			}
			s.quoted(b)
			valueStart = false
		case valueStart && s.flow == 0 && (b == '|' || b == '>'):
			if err := s.c.token(s.line); err != nil {
				return err
			}
			owner := contentCol
			if s.i-s.lineBegin == contentCol {
				owner = indCol
			}
			s.blockScalar(owner)
			return nil
		case b == '[' || b == '{':
			if s.flow == 0 && !valueStart {
				break // plain text such as "see [1]"
			}
			s.flow++
			s.closers = append(s.closers, b+2) // ']' is '['+2, '}' is '{'+2
			if err := s.c.token(s.line); err != nil {
				return err
			}
			if err := s.depthErr(); err != nil {
				return err
			}
			valueStart = true
			s.i++
			prevBlank = false
			continue
		case (b == ']' || b == '}') && s.flow > 0:
			// Only the matching bracket closes: a parser that reads a stray one as text would
			// otherwise nest deeper than counted.
			if s.closers[len(s.closers)-1] == b {
				s.closers = s.closers[:len(s.closers)-1]
				s.flow--
			}
			valueStart = false
		case b == ',' && s.flow > 0:
			valueStart = true
			s.i++
			prevBlank = false
			continue
		case b == ':' && (s.blankAt(s.i+1) || s.flow > 0 && isFlowIndicator(s.at(s.i+1))):
			valueStart = true
			s.i++
			prevBlank = false
			continue
		case valueStart && (b == '&' || b == '!'):
			// An anchor or tag comes before the value it names.
			if err := s.c.token(s.line); err != nil {
				return err
			}
			for s.i < len(s.data) && !s.blankAt(s.i) && !(s.flow > 0 && isFlowIndicator(s.data[s.i])) {
				s.i++
			}
			prevBlank = false
			continue
		default:
			if valueStart {
				if err := s.c.token(s.line); err != nil {
					return err
				}
			}
			valueStart = false
		}
		s.i++
		prevBlank = false
	}
	return nil
}

func isFlowIndicator(b byte) bool {
	return b == ',' || b == '[' || b == ']' || b == '{' || b == '}'
}

// quoted skips a quoted scalar that starts at s.i; it may run over several lines.
func (s *yamlScanner) quoted(q byte) {
	for s.i++; s.i < len(s.data); s.i++ {
		b := s.data[s.i]
		switch {
		case b == '\n':
			s.line++
		case q == '"' && b == '\\':
			if s.at(s.i+1) == '\n' {
				s.line++
			}
			s.i++
		case b == q:
			if q == '\'' && s.at(s.i+1) == '\'' {
				s.i++ // '' is an escaped quote
				continue
			}
			return
		}
	}
}

// blockScalar skips the header line of a | or > scalar and every following line that is blank or
// indented deeper than the node it belongs to (owner).
func (s *yamlScanner) blockScalar(owner int) {
	s.skipLine()
	for s.i < len(s.data) {
		j := s.i
		for s.at(j) == ' ' {
			j++
		}
		b := s.at(j)
		if j-s.i <= owner && b != '\n' && b != '\r' && b != 0 {
			return
		}
		s.skipLine()
	}
}
