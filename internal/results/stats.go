package results

import (
	"math"
	"sort"
)

// Summary describes a distribution of scores: what a box plot draws.
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// Summarize returns the summary of xs (which it sorts). Quartiles are linearly interpolated between
// order statistics (the "type 7" definition that spreadsheets and numpy use): the p-quantile of n
// sorted values lies at position p·(n−1), counted from 0. With an even n the median, and for most
// n the quartiles, are therefore not any single member's score.
func Summarize(xs []float64) Summary {
	n := len(xs)
	if n == 0 {
		return Summary{}
	}
	sort.Float64s(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return Summary{N: n, Min: xs[0], Q1: Quantile(xs, 0.25), Median: Quantile(xs, 0.5), Q3: Quantile(xs, 0.75),
		Max: xs[n-1], Mean: sum / float64(n)}
}

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of sorted xs by linear interpolation.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	pos := p * float64(n-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// Band is where a score lies in a distribution, by quartile.
type Band string

// The bands, from the lowest quarter to the highest.
const (
	BandBottom      Band = "bottom"       // below the first quartile
	BandLowerMiddle Band = "lower-middle" // from the first quartile to below the median
	BandUpperMiddle Band = "upper-middle" // from the median to the third quartile
	BandTop         Band = "top"          // above the third quartile
)

// Bands lists the bands in order.
var Bands = []Band{BandBottom, BandLowerMiddle, BandUpperMiddle, BandTop}

// BandOf places score in s: below Q1 is the bottom quarter, above Q3 the top quarter, and between
// them the half below or from the median. A score equal to a quartile goes to the band above it,
// except Q3 itself, which is still the upper middle.
func BandOf(score float64, s Summary) Band {
	const eps = 1e-9
	switch {
	case score < s.Q1-eps:
		return BandBottom
	case score < s.Median-eps:
		return BandLowerMiddle
	case score <= s.Q3+eps:
		return BandUpperMiddle
	}
	return BandTop
}
