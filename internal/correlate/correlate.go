// Package correlate finds indicators that several members' sensors saw within a short window and
// turns them into early warnings for the centre. It is pure: the input is the hourly sightings
// (vaern.Sighting) that ingest stores, the output the early warnings to upsert.
//
// Per indicator it keeps a bitset of members (one bit per member, github.com/bits-and-blooms/bitset)
// over a sliding window of length W: when the window holds k or more members, the indicator is
// correlated. It never stores pairs of members or pairs of alerts, so its memory is one bitset per
// indicator in the input, whatever the number of members.
package correlate

import (
	"sort"
	"strconv"
	"time"

	"github.com/bits-and-blooms/bitset"
	"github.com/vaern/vaern"
)

// Defaults: three members within one hour.
const (
	DefaultK      = 3
	DefaultWindow = time.Hour
	// DefaultSignatureK is for signature ids: scanning signatures fire at many members every
	// hour, so a signature needs more members than an address or a domain does.
	DefaultSignatureK = 10
	// MinWindow and MaxWindow bound the centre's window setting.
	MinWindow = 5 * time.Minute
	MaxWindow = 7 * 24 * time.Hour
	// MaxK bounds the centre's k setting.
	MaxK = 1000
)

// Settings are the centre's correlation settings.
type Settings struct {
	K          int           // members that must see an indicator (address, domain, fingerprint)
	SignatureK int           // members that must see a signature id
	Window     time.Duration // within this long
}

// Default returns the default settings.
func Default() Settings {
	return Settings{K: DefaultK, SignatureK: DefaultSignatureK, Window: DefaultWindow}
}

// Check names the wrong setting.
func (s Settings) Check() error {
	if s.K < 2 || s.K > MaxK {
		return vaern.Invalid("k", "must be between 2 and %d members", MaxK)
	}
	if s.SignatureK < 2 || s.SignatureK > MaxK {
		return vaern.Invalid("signature_k", "must be between 2 and %d members", MaxK)
	}
	if s.Window < MinWindow || s.Window > MaxWindow {
		return vaern.Invalid("window", "must be between %s and %s", MinWindow, MaxWindow)
	}
	return nil
}

// Warning is one correlated indicator: k or more members saw it within the window. An indicator
// whose sightings form several separate bursts gives one Warning per burst.
type Warning struct {
	Kind        string
	Value       string
	SignatureID int64
	Signature   string
	FirstSeen   time.Time // the first sighting of the burst
	LastSeen    time.Time // the last sighting of the burst
	Members     []int64   // the members that saw it within a qualifying window, ascending
	Alerts      int64     // alerts in the burst's sightings
	// SuppressedBy names the warninglist that lists the indicator as benign ("" if none).
	SuppressedBy string
}

// obs is one observation: a member saw the indicator at t.
type obs struct {
	t   int64 // Unix ms
	m   uint  // the member's dense index
	sig int   // index of the sighting it came from
}

// Engine correlates sightings. Its buffers are reused from one Run to the next; an Engine is not
// safe for concurrent use.
type Engine struct {
	Settings Settings
	Lists    *Lists // nil: nothing is suppressed

	index   map[int64]uint // member id → bit
	members []int64        // bit → member id
	obs     []obs
	counts  []int32
	mark    []int32 // per sighting: the burst its alerts were counted in
	bursts  int32
	win     *bitset.BitSet
	burst   *bitset.BitSet
}

// New returns an engine with the settings (zero fields take the defaults).
func New(s Settings, lists *Lists) *Engine {
	if s.K == 0 {
		s.K = DefaultK
	}
	if s.SignatureK == 0 {
		s.SignatureK = DefaultSignatureK
	}
	if s.Window == 0 {
		s.Window = DefaultWindow
	}
	return &Engine{Settings: s, Lists: lists, index: map[int64]uint{}, win: bitset.New(0), burst: bitset.New(0)}
}

func (e *Engine) bit(org int64) uint {
	if b, ok := e.index[org]; ok {
		return b
	}
	b := uint(len(e.members))
	e.index[org] = b
	e.members = append(e.members, org)
	e.counts = append(e.counts, 0)
	return b
}

// Run correlates the sightings, in any order, and returns the warnings ordered by kind, value and
// first seen. Each sighting is two observations at its first and its last seen (both are times an
// alert arrived); a member seen many times within the window still counts once.
func (e *Engine) Run(sightings []vaern.Sighting) []Warning {
	// Group by indicator with one hash lookup per sighting and a counting sort, then correlate
	// each group in the order of the indicators.
	type key struct{ kind, value string }
	groups := make(map[key]int32, len(sightings)/4+1)
	gid := make([]int32, len(sightings))
	var sizes []int32
	for i := range sightings {
		g := &sightings[i]
		id, ok := groups[key{g.Kind, g.Value}]
		if !ok {
			id = int32(len(sizes))
			groups[key{g.Kind, g.Value}] = id
			sizes = append(sizes, 0)
		}
		gid[i] = id
		sizes[id]++
	}
	starts := make([]int32, len(sizes)+1)
	for i, n := range sizes {
		starts[i+1] = starts[i] + n
	}
	idx := make([]int, len(sightings))
	fill := append([]int32(nil), starts[:len(sizes)]...)
	for i, g := range gid {
		idx[fill[g]] = i
		fill[g]++
	}
	order := make([]int32, len(sizes))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := &sightings[idx[starts[order[a]]]], &sightings[idx[starts[order[b]]]]
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.Value < y.Value
	})
	if cap(e.mark) < len(sightings) {
		e.mark = make([]int32, len(sightings))
	}
	e.mark = e.mark[:len(sightings)]
	clear(e.mark)
	e.bursts = 0
	var out []Warning
	for _, g := range order {
		if int(sizes[g]) < min(e.Settings.K, e.Settings.SignatureK) {
			continue // fewer sightings than k: fewer members than k
		}
		out = e.indicator(sightings, idx[starts[g]:starts[g+1]], out)
	}
	return out
}

// indicator correlates the sightings of one indicator (idx into all).
func (e *Engine) indicator(all []vaern.Sighting, idx []int, out []Warning) []Warning {
	k := e.Settings.K
	if all[idx[0]].Kind == vaern.IndicatorSignature {
		k = e.Settings.SignatureK
	}
	e.obs = e.obs[:0]
	for _, i := range idx {
		g := &all[i]
		m := e.bit(g.OrgID)
		f, l := g.FirstSeen.UnixMilli(), g.LastSeen.UnixMilli()
		if l < f {
			f, l = l, f
		}
		e.obs = append(e.obs, obs{t: f, m: m, sig: i})
		if l != f {
			e.obs = append(e.obs, obs{t: l, m: m, sig: i})
		}
	}
	// Fewer members than k in the whole input: nothing can qualify.
	if distinct(e.obs, e.win) < k {
		return out
	}
	sort.Slice(e.obs, func(a, b int) bool { return e.obs[a].t < e.obs[b].t })
	w := e.Settings.Window.Milliseconds()
	e.win.ClearAll()
	e.burst.ClearAll()
	present := 0
	lo := 0
	var cur *Warning
	var curEnd int64 // last observation of the current burst's qualifying windows
	counted := 0
	for hi := range e.obs {
		o := e.obs[hi]
		for e.obs[lo].t < o.t-w {
			p := e.obs[lo]
			e.counts[p.m]--
			if e.counts[p.m] == 0 {
				e.win.Clear(p.m)
				present--
			}
			lo++
		}
		if e.counts[o.m] == 0 {
			e.win.Set(o.m)
			present++
		}
		e.counts[o.m]++
		if present < k {
			continue
		}
		// The window [obs[lo], o] qualifies.
		if cur != nil && e.obs[lo].t > curEnd {
			out = e.finish(all, cur, out)
			cur = nil
		}
		if cur == nil {
			cur = &Warning{FirstSeen: time.UnixMilli(e.obs[lo].t).UTC()}
			e.burst.ClearAll()
			e.bursts++
		}
		e.burst.InPlaceUnion(e.win)
		for j := max(lo, counted); j <= hi; j++ {
			if s := e.obs[j].sig; e.mark[s] != e.bursts {
				e.mark[s] = e.bursts
				cur.Alerts += max(all[s].Count, 1)
				if cur.SignatureID == 0 && cur.Signature == "" {
					cur.SignatureID, cur.Signature = all[s].SignatureID, all[s].Signature
				}
			}
		}
		counted = hi + 1
		if t := time.UnixMilli(e.obs[lo].t).UTC(); t.Before(cur.FirstSeen) {
			cur.FirstSeen = t
		}
		cur.LastSeen = time.UnixMilli(o.t).UTC()
		curEnd = o.t
	}
	if cur != nil {
		out = e.finish(all, cur, out)
	}
	// Reset the counts for the next indicator.
	for j := lo; j < len(e.obs); j++ {
		e.counts[e.obs[j].m] = 0
	}
	return out
}

// distinct counts the distinct members of list, using scratch.
func distinct(list []obs, scratch *bitset.BitSet) int {
	scratch.ClearAll()
	for _, o := range list {
		scratch.Set(o.m)
	}
	return int(scratch.Count())
}

func (e *Engine) finish(all []vaern.Sighting, w *Warning, out []Warning) []Warning {
	g := &all[e.obs[0].sig]
	w.Kind, w.Value = g.Kind, g.Value
	if w.Kind == vaern.IndicatorSignature && w.SignatureID == 0 {
		w.SignatureID, _ = strconv.ParseInt(w.Value, 10, 64)
	}
	for b, ok := e.burst.NextSet(0); ok; b, ok = e.burst.NextSet(b + 1) {
		w.Members = append(w.Members, e.members[b])
	}
	sort.Slice(w.Members, func(a, b int) bool { return w.Members[a] < w.Members[b] })
	if e.Lists != nil {
		w.SuppressedBy = e.Lists.Match(w.Kind, w.Value)
	}
	return append(out, *w)
}
