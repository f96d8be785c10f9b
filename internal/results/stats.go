package results

import (
	"math"
	"sort"
)

// Summary describes a distribution of scores: what a box plot draws. It holds no minimum or
// maximum and no order statistic of its own: every figure is a mean of at least three members'
// scores (see Smoothed), so that no published number is one member's score.
type Summary struct {
	N      int     `json:"n"`
	P10    float64 `json:"p10"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	P90    float64 `json:"p90"`
	Mean   float64 `json:"mean"`
}

// Summarize returns the summary of xs (which it sorts). The percentiles are smoothed (Smoothed);
// the whiskers are the 10th and 90th percentiles, not the extremes.
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
	return Summary{N: n, P10: Smoothed(xs, 0.10), Q1: Smoothed(xs, 0.25), Median: Smoothed(xs, 0.5), Q3: Smoothed(xs, 0.75),
		P90: Smoothed(xs, 0.90), Mean: sum / float64(n)}
}

// Smoothed returns the p-percentile (0 ≤ p ≤ 1) of sorted xs as the mean of the ordinary
// percentiles (Quantile) at three neighbouring ranks: p·(n−1) − 1, p·(n−1) and p·(n−1) + 1, the
// three shifted inwards at the ends so that they stay within the scores. Each published
// percentile is then a weighted mean of three or four members' scores in which no member weighs
// more than a third: never one member's score, not even where the ordinary percentile would be
// (an odd n's median, the extremes). On evenly spread scores it equals the ordinary percentile.
// With three scores or fewer, it is their mean.
func Smoothed(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if n <= 3 {
		s := 0.0
		for _, x := range sorted {
			s += x
		}
		return s / float64(n)
	}
	c := min(max(p*float64(n-1), 1), float64(n-2))
	at := func(pos float64) float64 { return Quantile(sorted, pos/float64(n-1)) }
	return (at(c-1) + at(c) + at(c+1)) / 3
}

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of sorted xs by linear interpolation. It is for a
// member's own figures; published aggregates use Smoothed.
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
