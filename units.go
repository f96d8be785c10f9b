package vaern

import "sort"

// UnitNode is a unit with its depth in the tree, for lists that show the hierarchy.
type UnitNode struct {
	Unit
	Depth    int
	Children int
	Path     []string // names from the top down to this unit's parent
}

// UnitTree orders units depth-first by name, each followed by its sub-units. Units whose parent
// is missing are treated as top-level, so a damaged tree still shows every unit.
func UnitTree(units []Unit) []UnitNode {
	byID := map[int64]bool{}
	for _, u := range units {
		byID[u.ID] = true
	}
	kids := map[int64][]Unit{}
	for _, u := range units {
		p := u.ParentID
		if !byID[p] {
			p = 0
		}
		kids[p] = append(kids[p], u)
	}
	for _, k := range kids {
		sort.Slice(k, func(i, j int) bool { return k[i].Name < k[j].Name })
	}
	var out []UnitNode
	seen := map[int64]bool{}
	var walk func(parent int64, depth int, path []string)
	walk = func(parent int64, depth int, path []string) {
		for _, u := range kids[parent] {
			if seen[u.ID] {
				continue
			}
			seen[u.ID] = true
			out = append(out, UnitNode{Unit: u, Depth: depth, Children: len(kids[u.ID]), Path: path})
			walk(u.ID, depth+1, append(append([]string(nil), path...), u.Name))
		}
	}
	walk(0, 0, nil)
	return out
}

// Subtree returns the ids of unit root and of every unit below it. A cycle in damaged data ends
// the walk instead of looping.
func Subtree(units []Unit, root int64) map[int64]bool {
	kids := map[int64][]int64{}
	for _, u := range units {
		kids[u.ParentID] = append(kids[u.ParentID], u.ID)
	}
	out := map[int64]bool{root: true}
	stack := []int64{root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, k := range kids[id] {
			if !out[k] {
				out[k] = true
				stack = append(stack, k)
			}
		}
	}
	return out
}
