package results

import "sort"

// Suppress decides which groups must not be shown. counts holds each group's number of members
// (groups with 0 members may be left out); partitions say which groups add up to which. The rules,
// explained in docs/anonymity.md:
//
//  1. Primary: a group with fewer than k members (but at least one) is suppressed.
//  2. Complementary: in every partition, the suppressed non-empty children must together hold at
//     least k members and be at least two, or else the parent minus the shown children would give
//     away a small group. While that is not so, the smallest shown non-empty child is suppressed
//     too; when no child is left to suppress, the parent is suppressed.
//  3. Suppressing a group can break another partition, so the rules repeat until nothing changes.
//
// It returns the set of suppressed groups. k below 1 counts as 1.
func Suppress(counts map[string]int, partitions []Partition, k int) map[string]bool {
	if k < 1 {
		k = 1
	}
	out := map[string]bool{}
	for g, n := range counts {
		if n > 0 && n < k {
			out[g] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, p := range partitions {
			if counts[p.Parent] == 0 {
				continue
			}
			var hiddenN, hidden int
			var shown []string
			for _, c := range p.Children {
				n := counts[c]
				if n == 0 {
					continue
				}
				if out[c] {
					hidden++
					hiddenN += n
				} else {
					shown = append(shown, c)
				}
			}
			sort.Slice(shown, func(i, j int) bool {
				if counts[shown[i]] != counts[shown[j]] {
					return counts[shown[i]] < counts[shown[j]]
				}
				return shown[i] < shown[j]
			})
			if out[p.Parent] {
				// The parent is hidden: its children must not add up to it. One hidden child is
				// enough, because without the parent that child cannot be computed either.
				if hidden == 0 && len(shown) > 0 {
					out[shown[0]] = true
					changed = true
				}
				continue
			}
			if hidden == 0 {
				continue
			}
			if hidden >= 2 && hiddenN >= k {
				continue
			}
			if len(shown) == 0 {
				// Everything under the parent is hidden and still too small: the parent itself
				// would give them away.
				out[p.Parent] = true
				changed = true
				continue
			}
			out[shown[0]] = true
			changed = true
		}
	}
	return out
}
