package knowledge

import "strings"

// DiffLine is one line of a comparison of two versions.
type DiffLine struct {
	Op   string // " " the same, "-" only in the older, "+" only in the newer
	Text string
}

// maxDiffLines bounds the comparison (the table is lines × lines); longer texts are compared as
// one block each.
const maxDiffLines = 2000

// Diff compares two texts line by line (the longest common subsequence), the way a reader
// compares two versions of a policy.
func Diff(older, newer string) []DiffLine {
	a, b := splitLines(older), splitLines(newer)
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		if older == newer {
			return []DiffLine{{" ", newer}}
		}
		return []DiffLine{{"-", older}, {"+", newer}}
	}
	// lcs[i][j] is the common length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{" ", a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", a[i]})
			i++
		default:
			out = append(out, DiffLine{"+", b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{"-", a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{"+", b[j]})
	}
	return out
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
