package inputguard

// CheckJSON scans a JSON document for its size, nesting and number of values without building
// anything. It does not check the syntax; the parser that runs next reports that with a line.
func (l Limits) CheckJSON(data []byte) error {
	if err := l.CheckSize(len(data)); err != nil {
		return err
	}
	c := counter{l: l}
	line := 1
	inScalar := false
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch b {
		case '\n':
			line++
			inScalar = false
		case '{', '[':
			inScalar = false
			if err := c.open(line); err != nil {
				return err
			}
		case '}', ']':
			inScalar = false
			c.close()
		case '"':
			inScalar = false
			if err := c.token(line); err != nil {
				return err
			}
			// Skip the string; a backslash escapes the next byte. A string cannot hold a raw
			// newline in valid JSON, but lines are still counted so that errors point right.
			for i++; i < len(data) && data[i] != '"'; i++ {
				switch data[i] {
				case '\\':
					i++
				case '\n':
					line++
				}
			}
		case ' ', '\t', '\r', ',', ':':
			inScalar = false
		default:
			// Numbers, true, false, null and any junk: one token per run of such bytes.
			if !inScalar {
				inScalar = true
				if err := c.token(line); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
