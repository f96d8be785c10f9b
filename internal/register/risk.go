package register

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
)

// DefaultMatrix is the 5 × 5 reference matrix a new centre starts with.
func DefaultMatrix() vaern.RiskMatrix {
	return vaern.RiskMatrix{
		Likelihood: []vaern.LevelLabel{
			{DA: "Meget usandsynlig", NB: "Svært lite sannsynlig", EN: "Very unlikely"},
			{DA: "Usandsynlig", NB: "Lite sannsynlig", EN: "Unlikely"},
			{DA: "Mulig", NB: "Mulig", EN: "Possible"},
			{DA: "Sandsynlig", NB: "Sannsynlig", EN: "Likely"},
			{DA: "Meget sandsynlig", NB: "Svært sannsynlig", EN: "Very likely"},
		},
		Consequence: []vaern.LevelLabel{
			{DA: "Ubetydelig", NB: "Ubetydelig", EN: "Insignificant"},
			{DA: "Mindre", NB: "Liten", EN: "Minor"},
			{DA: "Moderat", NB: "Moderat", EN: "Moderate"},
			{DA: "Alvorlig", NB: "Alvorlig", EN: "Serious"},
			{DA: "Kritisk", NB: "Kritisk", EN: "Critical"},
		},
		Medium: 5, High: 10, Critical: 16,
	}
}

// MatrixLevels bound a matrix's size.
const (
	MinLevels = 2
	MaxLevels = 10
)

// ValidateMatrix checks m; ref is the centre's reference matrix, or nil when m is the reference
// itself. A member's matrix must map each of its levels onto the reference scale, in order and from
// end to end, so that its risks can be placed on the centre's heat map.
func ValidateMatrix(m *vaern.RiskMatrix, ref *vaern.RiskMatrix) error {
	for _, axis := range []struct {
		name   string
		labels []vaern.LevelLabel
	}{{"likelihood", m.Likelihood}, {"consequence", m.Consequence}} {
		if len(axis.labels) < MinLevels || len(axis.labels) > MaxLevels {
			return vaern.Invalid(axis.name, "must have between 2 and 10 levels")
		}
		for i := range axis.labels {
			l := &axis.labels[i]
			l.DA, l.NB, l.EN = strings.TrimSpace(l.DA), strings.TrimSpace(l.NB), strings.TrimSpace(l.EN)
			first := l.EN
			if first == "" {
				first = l.DA
			}
			if first == "" {
				first = l.NB
			}
			if first == "" {
				return vaern.Invalid(fmt.Sprintf("%s_%d", axis.name, i+1), "needs a label")
			}
			if l.DA == "" {
				l.DA = first
			}
			if l.NB == "" {
				l.NB = first
			}
			if l.EN == "" {
				l.EN = first
			}
		}
	}
	top := len(m.Likelihood) * len(m.Consequence)
	if m.Medium < 2 || m.High <= m.Medium || m.Critical <= m.High || m.Critical > top {
		return vaern.Invalid("thresholds", "must rise: 1 < medium < high < critical ≤ the highest score")
	}
	if ref == nil {
		m.LikelihoodMap, m.ConsequenceMap = nil, nil
		return nil
	}
	if err := checkMap("likelihood_map", m.LikelihoodMap, len(m.Likelihood), len(ref.Likelihood)); err != nil {
		return err
	}
	return checkMap("consequence_map", m.ConsequenceMap, len(m.Consequence), len(ref.Consequence))
}

func checkMap(field string, mp []int, levels, refLevels int) error {
	if len(mp) != levels {
		return vaern.Invalid(field, "must give a reference level for each level")
	}
	for i, v := range mp {
		if v < 1 || v > refLevels {
			return vaern.Invalid(field, "must use the reference levels")
		}
		if i > 0 && v < mp[i-1] {
			return vaern.Invalid(field, "must keep the order of the levels")
		}
	}
	if mp[0] != 1 || mp[len(mp)-1] != refLevels {
		return vaern.Invalid(field, "must reach from the lowest to the highest reference level")
	}
	return nil
}

// DefaultMap spreads n own levels evenly over refLevels reference levels.
func DefaultMap(n, refLevels int) []int {
	out := make([]int, n)
	for i := range out {
		if n == 1 {
			out[i] = 1
			continue
		}
		out[i] = 1 + (i*(refLevels-1)+(n-1)/2)/(n-1)
	}
	return out
}

// ToReference places likelihood l and consequence c of matrix m on the reference scale.
func ToReference(m vaern.RiskMatrix, l, c int) (int, int) {
	if len(m.LikelihoodMap) > 0 && l >= 1 && l <= len(m.LikelihoodMap) {
		l = m.LikelihoodMap[l-1]
	}
	if len(m.ConsequenceMap) > 0 && c >= 1 && c <= len(m.ConsequenceMap) {
		c = m.ConsequenceMap[c-1]
	}
	return l, c
}

// MarshalMatrix and UnmarshalMatrix store a matrix as JSON.
func MarshalMatrix(m vaern.RiskMatrix) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func UnmarshalMatrix(s string) (vaern.RiskMatrix, error) {
	var m vaern.RiskMatrix
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// HeatMap counts risks per cell: Cells[l-1][c-1] for likelihood l and consequence c.
type HeatMap struct {
	Matrix vaern.RiskMatrix
	Cells  [][]int
	Total  int
}

// NewHeatMap returns an empty heat map over m.
func NewHeatMap(m vaern.RiskMatrix) *HeatMap {
	h := &HeatMap{Matrix: m, Cells: make([][]int, len(m.Likelihood))}
	for i := range h.Cells {
		h.Cells[i] = make([]int, len(m.Consequence))
	}
	return h
}

// HeatMapOf counts risks, given by likelihood and consequence, on matrix m.
func HeatMapOf(m vaern.RiskMatrix, levels [][2]int) *HeatMap {
	h := NewHeatMap(m)
	for _, lc := range levels {
		h.Add(lc[0], lc[1])
	}
	return h
}

// Add counts one risk; values outside the matrix are ignored.
func (h *HeatMap) Add(l, c int) {
	if l < 1 || c < 1 || l > len(h.Cells) || c > len(h.Cells[0]) {
		return
	}
	h.Cells[l-1][c-1]++
	h.Total++
}
