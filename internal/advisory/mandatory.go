package advisory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"
)

// The mandatory tests of CSAF 2.0 section 6.1, in the standard's numbering. gocsaf v3.7.0
// validates the JSON schema only (it leaves the mandatory tests to a remote validation service),
// so the tests are implemented here, from the standard's definitions. Each failure names the
// test and the JSON pointer of the offending value.

// mandatoryTestIDs lists the 43 tests, in order; every failure's Test is one of them.
var mandatoryTestIDs = []string{
	"6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6", "6.1.7", "6.1.8", "6.1.9", "6.1.10",
	"6.1.11", "6.1.12", "6.1.13", "6.1.14", "6.1.15", "6.1.16", "6.1.17", "6.1.18", "6.1.19",
	"6.1.20", "6.1.21", "6.1.22", "6.1.23", "6.1.24", "6.1.25", "6.1.26",
	"6.1.27.1", "6.1.27.2", "6.1.27.3", "6.1.27.4", "6.1.27.5", "6.1.27.6", "6.1.27.7",
	"6.1.27.8", "6.1.27.9", "6.1.27.10", "6.1.27.11",
	"6.1.28", "6.1.29", "6.1.30", "6.1.31", "6.1.32", "6.1.33",
}

// checker collects failures while the tests walk one document.
type checker struct {
	doc   *csafDoc
	fails []TestFailure
	// defined maps each product id to the path of its (first) definition; groups likewise.
	defined map[string]string
	groups  map[string][]string // group id → its product ids
	refs    []idRef             // every product id reference, for 6.1.1
}

type idRef struct{ id, path string }

func (c *checker) fail(test, path, format string, args ...any) {
	c.fails = append(c.fails, TestFailure{Test: test, Path: path, Message: fmt.Sprintf(format, args...)})
}

// runMandatoryTests runs every test and returns the failures, ordered by test number and then
// by where they are in the document.
func runMandatoryTests(doc *csafDoc) []TestFailure {
	c := &checker{doc: doc, defined: map[string]string{}, groups: map[string][]string{}}
	c.productDefinitions()  // 6.1.2, 6.1.13, 6.1.25, 6.1.31
	c.groupDefinitions()    // 6.1.5
	c.collectReferences()   // gathers product id references
	c.missingDefinitions()  // 6.1.1, 6.1.4
	c.circularDefinitions() // 6.1.3
	c.vulnerabilityTests()  // 6.1.6, 6.1.7, 6.1.23, 6.1.24, 6.1.29, 6.1.32, 6.1.33, 6.1.11
	c.cvssTests()           // 6.1.8, 6.1.9, 6.1.10
	c.documentTests()       // 6.1.12, 6.1.14 to 6.1.22, 6.1.26, 6.1.28, 6.1.30
	c.profileTests()        // 6.1.27.1 to 6.1.27.11
	order := make(map[string]int, len(mandatoryTestIDs))
	for i, id := range mandatoryTestIDs {
		order[id] = i
	}
	slices.SortStableFunc(c.fails, func(a, b TestFailure) int { return order[a.Test] - order[b.Test] })
	return c.fails
}

// productDefinitions walks every place a product is defined.
func (c *checker) productDefinitions() {
	pt := c.doc.ProductTree
	if pt == nil {
		return
	}
	var walk func(bs []csafBranch, path string)
	walk = func(bs []csafBranch, path string) {
		for i := range bs {
			b := &bs[i]
			p := fmt.Sprintf("%s/%d", path, i)
			if b.Category == "product_version" && hasVersionRange(b.Name) {
				c.fail("6.1.31", p+"/name", "the product_version branch %q names a version range; use product_version_range", b.Name)
			}
			if b.Product != nil {
				c.define(b.Product, p+"/product")
			}
			walk(b.Branches, p+"/branches")
		}
	}
	walk(pt.Branches, "/product_tree/branches")
	for i := range pt.FullProductNames {
		c.define(&pt.FullProductNames[i], fmt.Sprintf("/product_tree/full_product_names/%d", i))
	}
	for i := range pt.Relationships {
		c.define(&pt.Relationships[i].FullProductName, fmt.Sprintf("/product_tree/relationships/%d/full_product_name", i))
	}
}

func (c *checker) define(p *csafProduct, path string) {
	if first, dup := c.defined[p.ProductID]; dup {
		c.fail("6.1.2", path+"/product_id", "product id %q is defined more than once (first at %s)", p.ProductID, first)
	} else {
		c.defined[p.ProductID] = path + "/product_id"
	}
	h := p.Helper
	if h == nil {
		return
	}
	if h.PURL != "" {
		if _, err := packageurl.FromString(h.PURL); err != nil {
			c.fail("6.1.13", path+"/product_identification_helper/purl", "%q is not a valid package URL: %v", h.PURL, err)
		}
	}
	for i, hs := range h.Hashes {
		seen := map[string]bool{}
		for j, fh := range hs.FileHashes {
			alg := strings.ToLower(fh.Algorithm)
			if seen[alg] {
				c.fail("6.1.25", fmt.Sprintf("%s/product_identification_helper/hashes/%d/file_hashes/%d/algorithm", path, i, j),
					"hash algorithm %q is used more than once for the same file", fh.Algorithm)
			}
			seen[alg] = true
		}
	}
}

// versionRangeWords are the words and operators that mark a version range (6.1.31).
var versionRangeWords = []string{"after", "all", "before", "earlier", "later", "prior", "versions"}

func hasVersionRange(name string) bool {
	if strings.ContainsAny(name, "<>") {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}) {
		if slices.Contains(versionRangeWords, w) {
			return true
		}
	}
	return false
}

func (c *checker) groupDefinitions() {
	pt := c.doc.ProductTree
	if pt == nil {
		return
	}
	first := map[string]string{}
	for i, g := range pt.ProductGroups {
		path := fmt.Sprintf("/product_tree/product_groups/%d/group_id", i)
		if p, dup := first[g.GroupID]; dup {
			c.fail("6.1.5", path, "group id %q is defined more than once (first at %s)", g.GroupID, p)
			continue
		}
		first[g.GroupID] = path
		c.groups[g.GroupID] = g.ProductIDs
	}
}

func (c *checker) ref(id, path string) { c.refs = append(c.refs, idRef{id, path}) }

func (c *checker) refList(ids []string, path string) {
	for i, id := range ids {
		c.ref(id, fmt.Sprintf("%s/%d", path, i))
	}
}

func (c *checker) collectReferences() {
	if pt := c.doc.ProductTree; pt != nil {
		for i, g := range pt.ProductGroups {
			c.refList(g.ProductIDs, fmt.Sprintf("/product_tree/product_groups/%d/product_ids", i))
		}
		for i, r := range pt.Relationships {
			p := fmt.Sprintf("/product_tree/relationships/%d", i)
			c.ref(r.ProductReference, p+"/product_reference")
			c.ref(r.RelatesToProductReference, p+"/relates_to_product_reference")
		}
	}
	for i := range c.doc.Vulnerabilities {
		v := &c.doc.Vulnerabilities[i]
		p := fmt.Sprintf("/vulnerabilities/%d", i)
		if v.ProductStatus != nil {
			for _, l := range v.ProductStatus.lists() {
				c.refList(l.ids, p+"/product_status/"+l.key)
			}
		}
		for j, r := range v.Remediations {
			c.refList(r.ProductIDs, fmt.Sprintf("%s/remediations/%d/product_ids", p, j))
		}
		for j, s := range v.Scores {
			c.refList(s.Products, fmt.Sprintf("%s/scores/%d/products", p, j))
		}
		for j, t := range v.Threats {
			c.refList(t.ProductIDs, fmt.Sprintf("%s/threats/%d/product_ids", p, j))
		}
		for j, f := range v.Flags {
			c.refList(f.ProductIDs, fmt.Sprintf("%s/flags/%d/product_ids", p, j))
		}
	}
}

func (c *checker) missingDefinitions() {
	for _, r := range c.refs {
		if _, ok := c.defined[r.id]; !ok {
			c.fail("6.1.1", r.path, "product id %q is not defined in the product tree", r.id)
		}
	}
	groupRef := func(ids []string, path string) {
		for i, g := range ids {
			if _, ok := c.groups[g]; !ok {
				c.fail("6.1.4", fmt.Sprintf("%s/%d", path, i), "group id %q is not defined in the product tree", g)
			}
		}
	}
	for i := range c.doc.Vulnerabilities {
		v := &c.doc.Vulnerabilities[i]
		p := fmt.Sprintf("/vulnerabilities/%d", i)
		for j, r := range v.Remediations {
			groupRef(r.GroupIDs, fmt.Sprintf("%s/remediations/%d/group_ids", p, j))
		}
		for j, t := range v.Threats {
			groupRef(t.GroupIDs, fmt.Sprintf("%s/threats/%d/group_ids", p, j))
		}
		for j, f := range v.Flags {
			groupRef(f.GroupIDs, fmt.Sprintf("%s/flags/%d/group_ids", p, j))
		}
	}
}

// circularDefinitions finds relationships whose product, followed through the relationships
// that define its references, comes back to itself (6.1.3). The relationships form a graph from
// each defined id to its two references; an id is circular when it lies on a cycle: in a strongly
// connected component of more than one id, or referring to itself. Tarjan's algorithm finds them
// in one pass, so a long chain of relationships costs linear time.
func (c *checker) circularDefinitions() {
	pt := c.doc.ProductTree
	if pt == nil || len(pt.Relationships) == 0 {
		return
	}
	deps := map[string][]string{}
	for _, r := range pt.Relationships {
		id := r.FullProductName.ProductID
		deps[id] = append(deps[id], r.ProductReference, r.RelatesToProductReference)
	}
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	circular := map[string]bool{}
	next := 0
	var visit func(id string)
	visit = func(id string) {
		index[id], low[id] = next, next
		next++
		stack = append(stack, id)
		onStack[id] = true
		for _, d := range deps[id] {
			if d == id {
				circular[id] = true
			}
			if _, seen := index[d]; !seen {
				visit(d)
				low[id] = min(low[id], low[d])
			} else if onStack[d] {
				low[id] = min(low[id], index[d])
			}
		}
		if low[id] == index[id] {
			var scc []string
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				scc = append(scc, top)
				if top == id {
					break
				}
			}
			if len(scc) > 1 {
				for _, x := range scc {
					circular[x] = true
				}
			}
		}
	}
	for _, r := range pt.Relationships {
		if _, seen := index[r.FullProductName.ProductID]; !seen {
			visit(r.FullProductName.ProductID)
		}
	}
	for i, r := range pt.Relationships {
		if id := r.FullProductName.ProductID; circular[id] {
			c.fail("6.1.3", fmt.Sprintf("/product_tree/relationships/%d/full_product_name/product_id", i),
				"product id %q is defined through relationships that refer back to itself", id)
		}
	}
}

// expand returns the product ids a list of product ids and group ids names.
func (c *checker) expand(productIDs, groupIDs []string) []string {
	out := slices.Clone(productIDs)
	for _, g := range groupIDs {
		out = append(out, c.groups[g]...)
	}
	return out
}

func (c *checker) vulnerabilityTests() {
	cves := map[string]string{}
	for i := range c.doc.Vulnerabilities {
		v := &c.doc.Vulnerabilities[i]
		p := fmt.Sprintf("/vulnerabilities/%d", i)
		if v.CVE != "" {
			if first, dup := cves[v.CVE]; dup {
				c.fail("6.1.23", p+"/cve", "%s is used by more than one vulnerability (first at %s)", v.CVE, first)
			} else {
				cves[v.CVE] = p + "/cve"
			}
		}
		if v.CWE != nil {
			c.checkCWE(v.CWE.ID, v.CWE.Name, p+"/cwe")
		}
		if v.ProductStatus != nil {
			c.contradictingStatus(v.ProductStatus, p+"/product_status")
		}
		type party struct{ party, date string }
		seenInv := map[party]bool{}
		for j, inv := range v.Involvements {
			k := party{inv.Party, inv.Date}
			if seenInv[k] {
				c.fail("6.1.24", fmt.Sprintf("%s/involvements/%d", p, j),
					"involvement of party %q with date %q is given more than once", inv.Party, inv.Date)
			}
			seenInv[k] = true
		}
		for j, r := range v.Remediations {
			if len(r.ProductIDs) == 0 && len(r.GroupIDs) == 0 {
				c.fail("6.1.29", fmt.Sprintf("%s/remediations/%d", p, j), "the remediation names no product_ids or group_ids")
			}
		}
		flagged := map[string]string{}
		for j, f := range v.Flags {
			fp := fmt.Sprintf("%s/flags/%d", p, j)
			if len(f.ProductIDs) == 0 && len(f.GroupIDs) == 0 {
				c.fail("6.1.32", fp, "the flag names no product_ids or group_ids")
			}
			for _, id := range uniq(c.expand(f.ProductIDs, f.GroupIDs)) {
				if first, dup := flagged[id]; dup {
					c.fail("6.1.33", fp, "product %q has more than one VEX justification flag (also at %s)", id, first)
				} else {
					flagged[id] = fp
				}
			}
		}
	}
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// contradictingStatus: a product is in at most one of the groups affected, not affected, fixed
// and under investigation (6.1.6); recommended belongs to none.
func (c *checker) contradictingStatus(ps *csafProductStatus, path string) {
	group := map[string]string{
		"first_affected": "affected", "known_affected": "affected", "last_affected": "affected",
		"known_not_affected": "not affected", "first_fixed": "fixed", "fixed": "fixed",
		"under_investigation": "under investigation",
	}
	seen := map[string]string{} // product id → its status group
	for _, l := range ps.lists() {
		g, ok := group[l.key]
		if !ok {
			continue
		}
		for i, id := range l.ids {
			if prev, had := seen[id]; had && prev != g {
				c.fail("6.1.6", fmt.Sprintf("%s/%s/%d", path, l.key, i),
					"product %q is both %s and %s", id, prev, g)
				continue
			}
			seen[id] = g
		}
	}
}
