package warnings

import (
	"runtime"
	"slices"
	"sync"

	"github.com/vaern/vaern"
)

// assetKey is everything of an asset the matcher reads, ids aside: two assets with one key get
// the same answers.
type assetKey struct {
	name, vendor, product, version, cpe, purl string
	component                                 bool // a component's name is a product name
}

func keyOf(a *Asset) assetKey {
	return assetKey{a.Name, a.Vendor, a.Product, a.Version, a.CPE, a.PURL, a.ComponentID != 0}
}

// withIDs appends the template matches (answers for an asset of the same key) with a's ids.
func withIDs(out []Match, tmpl []Match, a *Asset) []Match {
	for _, m := range tmpl {
		m.OrgID, m.SystemID, m.ComponentID = a.OrgID, a.SystemID, a.ComponentID
		out = append(out, m)
	}
	return out
}

func clampWorkers(workers, n int) int {
	if workers < 1 {
		workers = 1
	}
	if workers > runtime.GOMAXPROCS(0)*4 {
		workers = runtime.GOMAXPROCS(0) * 4
	}
	if workers > n {
		workers = max(1, n)
	}
	return workers
}

// batchSize is how many matches a worker gathers before it hands them on.
const batchSize = 4096

// eachWorker runs fn over contiguous slices of assets, one per worker.
func eachWorker(assets []Asset, workers int, fn func(w int, part []Asset)) {
	workers = clampWorkers(workers, len(assets))
	chunk := (len(assets) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(assets))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, assets[lo:hi])
		}()
	}
	wg.Wait()
}

func matchAll(ix *Index, assets []Asset, workers int) []Match {
	workers = clampWorkers(workers, len(assets))
	parts := make([][][]Match, workers)
	eachWorker(assets, workers, func(w int, part []Asset) {
		ix.matchRange(part, func(batch []Match) {
			parts[w] = append(parts[w], slices.Clone(batch))
		})
	})
	n := 0
	for _, p := range parts {
		for _, b := range p {
			n += len(b)
		}
	}
	out := make([]Match, 0, n)
	for _, p := range parts {
		for _, b := range p {
			out = append(out, b...)
		}
	}
	return out
}

// MatchEach matches assets on workers goroutines and hands the matches to fn in batches (up to
// a few thousand, each from consecutive assets, in the assets' order within a worker's share).
// fn is called from the workers concurrently and must not keep the batch: it is reused. This
// is the way to match a whole sector without holding every match in memory at once.
func MatchEach(ix *Index, assets []Asset, workers int, fn func(batch []Match)) {
	eachWorker(assets, workers, func(_ int, part []Asset) { ix.matchRange(part, fn) })
}

// tmplRef is a remembered answer: a run of matches in a worker's template arena.
type tmplRef struct{ off, n int32 }

// matchRange matches a run of assets on one goroutine, remembering each distinct key's answer
// and handing the matches on in batches.
func (ix *Index) matchRange(assets []Asset, emit func([]Match)) {
	var sc scratch
	memo := make(map[assetKey]tmplRef, 4096)
	nameMemo := make(map[string]bool, 256)
	var arena []Match
	batch := make([]Match, 0, batchSize)
	for i := range assets {
		a := &assets[i]
		k := keyOf(a)
		// a system's free-text name that shares no word with any advisory product cannot change
		// the answer: leave it out of the key, so that "Mail 12" in every member is one answer
		if k.name != "" && !blankName(a.Product) {
			used, ok := nameMemo[k.name]
			if !ok {
				used = ix.nameMatters(k.name)
				nameMemo[k.name] = used
			}
			if !used {
				k.name = ""
			}
		}
		t, ok := memo[k]
		if !ok {
			p := prepare(*a)
			start := len(arena)
			arena = ix.matchPrepared(&sc, &p, arena)
			t = tmplRef{off: int32(start), n: int32(len(arena) - start)}
			memo[k] = t
		}
		if t.n == 0 {
			continue
		}
		if len(batch)+int(t.n) > batchSize && len(batch) > 0 {
			emit(batch)
			batch = batch[:0]
		}
		batch = withIDs(batch, arena[t.off:t.off+t.n], a)
	}
	if len(batch) > 0 {
		emit(batch)
	}
}

// AssetIndex holds the register's assets prepared for matching one advisory at a time: assets
// that share every field but their ids are one group, prepared once; groups are indexed by the
// same keys as Index indexes advisories by. Read-only after NewAssetIndex; safe for concurrent
// use.
type AssetIndex struct {
	assets  []Asset
	groups  []agroup
	members []int32
	byPURL  map[string][]int32
	byCPE   map[string][]int32
	byName  map[string][]int32
	// byToken: groups by each distinctive word, apart by whether the asset has a purl (bit 1)
	// and a CPE (bit 2), as Index.byToken
	byToken [4]map[string][]int32
}

// assetShare is the least number of assets worth a core of its own in NewAssetIndex (a
// variable so that the tests can make small registers take the parallel path).
var assetShare = 50000

type agroup struct {
	p prepared
	// members are ax.members[from:to]: indexes into assets, ascending
	from, to int32
}

// NewAssetIndex prepares assets for AssetIndex.Match. The work is shared by the cores: each
// finds the distinct assets of its share, the shares are merged in order (so group numbers are
// those a single pass would give), and the distinct assets are prepared in parallel.
func NewAssetIndex(assets []Asset) *AssetIndex {
	ax := &AssetIndex{
		assets: assets, byPURL: map[string][]int32{}, byCPE: map[string][]int32{},
		byName: map[string][]int32{}, byToken: [4]map[string][]int32{{}, {}, {}, {}},
	}
	workers := clampWorkers(runtime.GOMAXPROCS(0), len(assets)/assetShare+1)
	type share struct {
		lo      int
		groupOf []int32 // local group per asset of the share
		first   []int32 // first asset (global index) per local group
	}
	shares := make([]share, workers)
	chunk := (len(assets) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range shares {
		lo, hi := w*chunk, min((w+1)*chunk, len(assets))
		shares[w].lo = lo
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(sh *share, lo, hi int) {
			defer wg.Done()
			seen := make(map[assetKey]int32, (hi-lo)/16+1)
			sh.groupOf = make([]int32, hi-lo)
			for i := lo; i < hi; i++ {
				k := keyOf(&assets[i])
				g, ok := seen[k]
				if !ok {
					g = int32(len(sh.first))
					seen[k] = g
					sh.first = append(sh.first, int32(i))
				}
				sh.groupOf[i-lo] = g
			}
		}(&shares[w], lo, hi)
	}
	wg.Wait()
	// merge the shares in order
	global := make(map[assetKey]int32)
	var firsts []int32
	groupOf := make([]int32, len(assets))
	for w := range shares {
		sh := &shares[w]
		local := make([]int32, len(sh.first))
		for lg, fi := range sh.first {
			k := keyOf(&assets[fi])
			g, ok := global[k]
			if !ok {
				g = int32(len(firsts))
				global[k] = g
				firsts = append(firsts, fi)
			}
			local[lg] = g
		}
		for j, lg := range sh.groupOf {
			groupOf[sh.lo+j] = local[lg]
		}
	}
	// prepare the distinct assets on every core
	ax.groups = make([]agroup, len(firsts))
	pw := clampWorkers(runtime.GOMAXPROCS(0), len(firsts)/1000+1)
	for w := 0; w < pw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := w; g < len(firsts); g += pw {
				ax.groups[g].p = prepare(assets[firsts[g]])
			}
		}()
	}
	wg.Wait()
	for g := range ax.groups {
		p := &ax.groups[g].p
		gi := int32(g)
		if p.purl.ok {
			ax.byPURL[p.purl.key] = append(ax.byPURL[p.purl.key], gi)
		}
		if p.cpe.ok {
			ax.byCPE[p.cpe.key] = append(ax.byCPE[p.cpe.key], gi)
		}
		if p.name.product != "" {
			ax.byName[p.name.product] = append(ax.byName[p.name.product], gi)
		}
		c := idClass(p.purl.ok, p.cpe.ok)
		for _, t := range p.tokens {
			ax.byToken[c][t] = append(ax.byToken[c][t], gi)
		}
	}
	// members by group: a counting sort keeps each group's assets ascending
	counts := make([]int32, len(ax.groups)+1)
	for _, g := range groupOf {
		counts[g+1]++
	}
	for g := range ax.groups {
		counts[g+1] += counts[g]
		ax.groups[g].from, ax.groups[g].to = counts[g], counts[g]
	}
	ax.members = make([]int32, len(assets))
	for i, g := range groupOf {
		grp := &ax.groups[g]
		ax.members[grp.to] = int32(i)
		grp.to++
	}
	return ax
}

// Len is the number of assets; Groups the number of distinct ones.
func (ax *AssetIndex) Len() int    { return len(ax.assets) }
func (ax *AssetIndex) Groups() int { return len(ax.groups) }

// Match returns the assets one advisory concerns, with the same answers Index.Match gives for
// each asset (a property test holds the two directions to it), in SortMatches order.
func (ax *AssetIndex) Match(adv vaern.Advisory) []Match {
	ix := NewIndex([]vaern.Advisory{adv})
	var gs []int32
	for i := range ix.rules {
		r := &ix.rules[i]
		if r.purl.ok {
			gs = append(gs, ax.byPURL[r.purl.key]...)
		}
		if r.cpe.ok {
			gs = append(gs, ax.byCPE[r.cpe.key]...)
		}
		if r.name.product != "" {
			gs = append(gs, ax.byName[r.name.product]...)
			if r.name.anchor != "" {
				skip := idClass(r.purl.ok, r.cpe.ok)
				for c := range ax.byToken {
					if c&skip == 0 {
						gs = append(gs, ax.byToken[c][r.name.anchor]...)
					}
				}
			}
		}
	}
	slices.Sort(gs)
	gs = slices.Compact(gs)
	var sc scratch
	var out, tmpl []Match
	for _, g := range gs {
		grp := &ax.groups[g]
		tmpl = ix.matchPrepared(&sc, &grp.p, tmpl[:0])
		if len(tmpl) == 0 {
			continue
		}
		for _, m := range ax.members[grp.from:grp.to] {
			out = withIDs(out, tmpl, &ax.assets[m])
		}
	}
	SortMatches(out)
	return out
}
