package warnings

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// Store is what the matching run reads and writes; *store.Store satisfies it.
type Store interface {
	PublishedAdvisories(ctx context.Context, ids []int64) ([]vaern.Advisory, error)
	AdvisoriesGeneration(ctx context.Context) (string, error)
	AssetsGeneration(ctx context.Context) (string, error)
	WarningAssets(ctx context.Context, orgID, systemID int64) ([]store.AssetRow, error)
	PendingSystems(ctx context.Context, orgID int64) (map[int64]int64, error)
	Centre(ctx context.Context) (vaern.Org, error)
	Members(ctx context.Context, centreID int64) ([]vaern.Org, error)
	ApplyExposures(ctx context.Context, scope store.ExposureScope, notify bool, diff func([]store.ExposureRow) []store.ExposureChange) (int, error)
}

// Runner matches advisories against the registers and hands the differences to the store. It
// keeps the index of every published advisory between runs (rebuilt when the store's generation
// of advisories moves), so that re-matching one changed system costs the system's own match.
// Safe for concurrent use.
type Runner struct {
	St Store
	// Notify queues the warnings.notify job with the events it writes (the server); the command
	// line and the demo seed tell nobody.
	Notify  bool
	Workers int

	mu   sync.Mutex
	gen  string
	ix   *Index
	advs map[int64]vaern.Advisory
	// every member's assets, indexed, kept while the registers do not change
	agen   string
	ax     *AssetIndex
	assets []Asset
	names  map[[2]int64]string
	// the audience's members, kept for a minute
	au   audience
	auAt time.Time
}

// Stats is what one run did.
type Stats struct {
	Advisories int
	Assets     int
	Matches    int
	Events     int
	Took       time.Duration
}

// NewRunner returns a runner over st.
func NewRunner(st Store, notify bool) *Runner {
	return &Runner{St: st, Notify: notify, Workers: runtime.GOMAXPROCS(0)}
}

func assetOf(a store.AssetRow) Asset {
	return Asset{OrgID: a.OrgID, SystemID: a.SystemID, ComponentID: a.ComponentID, Name: a.Name, Vendor: a.Vendor,
		Product: a.Product, Version: a.Version, CPE: a.CPE, PURL: a.PURL}
}

// audience tells whether an advisory is addressed to a member (its TLP and audience, as the
// member's people would see it).
type audience struct {
	centre  int64
	members map[int64]vaern.Org
}

// audience returns the members the advisories may be addressed to, kept for a minute; need is a
// member that must be among them (a new one is read at once).
func (r *Runner) audience(ctx context.Context, need int64) (audience, error) {
	r.mu.Lock()
	if _, ok := r.au.members[need]; r.au.members != nil && time.Since(r.auAt) < time.Minute && (need == 0 || ok) {
		defer r.mu.Unlock()
		return r.au, nil
	}
	r.mu.Unlock()
	c, err := r.St.Centre(ctx)
	if err != nil {
		return audience{}, err
	}
	ms, err := r.St.Members(ctx, c.ID)
	if err != nil {
		return audience{}, err
	}
	out := audience{centre: c.ID, members: make(map[int64]vaern.Org, len(ms))}
	for _, m := range ms {
		out.members[m.ID] = m
	}
	r.mu.Lock()
	r.au, r.auAt = out, time.Now()
	r.mu.Unlock()
	return out, nil
}

// allAssets returns every member's assets and their index, read again when the registers changed.
func (r *Runner) allAssets(ctx context.Context) (*AssetIndex, []Asset, map[[2]int64]string, error) {
	gen, err := r.St.AssetsGeneration(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	r.mu.Lock()
	if r.ax != nil && r.agen == gen {
		defer r.mu.Unlock()
		return r.ax, r.assets, r.names, nil
	}
	r.mu.Unlock()
	rows, err := r.St.WarningAssets(ctx, 0, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	assets := make([]Asset, len(rows))
	names := make(map[[2]int64]string)
	for i, a := range rows {
		assets[i] = assetOf(a)
		if a.ComponentID != 0 {
			names[[2]int64{a.SystemID, a.ComponentID}] = a.Name
		}
	}
	ax := NewAssetIndex(assets)
	r.mu.Lock()
	r.agen, r.ax, r.assets, r.names = gen, ax, assets, names
	r.mu.Unlock()
	return ax, assets, names, nil
}

func (au audience) reaches(a vaern.Advisory, orgID int64) bool {
	org, ok := au.members[orgID]
	if !ok {
		return false
	}
	tlp, _ := access.ParseTLP(a.TLP)
	return access.May(access.ForOrg(org), access.Object{Owner: au.centre, TLP: tlp, Audience: store.ParseAudience(a.Audience)})
}

// MatchAdvisories matches the advisories ids (every published one when empty) against every
// member's register, and writes the differences in one transaction.
func (r *Runner) MatchAdvisories(ctx context.Context, ids []int64) (Stats, error) {
	start := time.Now()
	var st Stats
	advs, err := r.St.PublishedAdvisories(ctx, ids)
	if err != nil {
		return st, err
	}
	if len(ids) > 0 {
		// An advisory's VEX statement (not affected, fixed) closes another advisory's warning of
		// the same asset and CVE, and withdrawing or narrowing it reopens that warning: so the run
		// takes in every published advisory that shares a CVE with the ones asked for.
		if advs, ids, err = r.withRelated(ctx, advs, ids); err != nil {
			return st, err
		}
	}
	au, err := r.audience(ctx, 0)
	if err != nil {
		return st, err
	}
	ax, assets, names, err := r.allAssets(ctx)
	if err != nil {
		return st, err
	}
	byID := make(map[int64]vaern.Advisory, len(advs))
	scope := store.ExposureScope{}
	var matches []Match
	if len(advs) > 0 {
		for _, a := range advs {
			byID[a.ID] = a
			scope.AdvisoryIDs = append(scope.AdvisoryIDs, a.ID)
			if a.State != vaern.AdvisoryPublished {
				continue
			}
			for _, m := range ax.Match(a) {
				if au.reaches(a, m.OrgID) {
					matches = append(matches, m)
				}
			}
		}
	}
	// One advisory's VEX statement closes another's warning of the same asset and CVE: within the
	// matches of this run (a full run, or a system's, sees them all).
	matches = ApplyVEX(matches)
	if len(ids) == 0 {
		scope.AdvisoryIDs = nil // every exposure: also those of advisories no longer published
	}
	st.Advisories, st.Assets, st.Matches = len(advs), len(assets), len(matches)
	st.Events, err = r.St.ApplyExposures(ctx, scope, r.Notify, func(existing []store.ExposureRow) []store.ExposureChange {
		return Diff(existing, matches, names, byID)
	})
	st.Took = time.Since(start)
	return st, err
}

// withRelated adds to advs (the advisories ids) every other published advisory that names one of
// their CVEs, and returns both lists widened.
func (r *Runner) withRelated(ctx context.Context, advs []vaern.Advisory, ids []int64) ([]vaern.Advisory, []int64, error) {
	cves := map[string]bool{}
	have := make(map[int64]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	for _, a := range advs {
		for _, c := range a.CVEs {
			cves[c] = true
		}
	}
	if len(cves) == 0 {
		return advs, ids, nil
	}
	_, all, err := r.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	var more []int64
	for id, a := range all {
		if have[id] {
			continue
		}
		for _, c := range a.CVEs {
			if cves[c] {
				more = append(more, id)
				break
			}
		}
	}
	if len(more) == 0 {
		return advs, ids, nil
	}
	slices.Sort(more)
	extra, err := r.St.PublishedAdvisories(ctx, more)
	if err != nil {
		return nil, nil, err
	}
	return append(advs, extra...), append(slices.Clone(ids), more...), nil
}

// index returns the index of every published advisory, rebuilt when they changed.
func (r *Runner) index(ctx context.Context) (*Index, map[int64]vaern.Advisory, error) {
	gen, err := r.St.AdvisoriesGeneration(ctx)
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ix != nil && r.gen == gen {
		return r.ix, r.advs, nil
	}
	advs, err := r.St.PublishedAdvisories(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]vaern.Advisory, len(advs))
	for _, a := range advs {
		byID[a.ID] = a
	}
	r.ix, r.advs, r.gen = NewIndex(advs), byID, gen
	return r.ix, r.advs, nil
}

// MatchPending matches one member's systems whose identity changed since they were last matched
// (the warnings.match-system job). A system changed again while this runs stays marked.
func (r *Runner) MatchPending(ctx context.Context, orgID int64) (Stats, error) {
	pending, err := r.St.PendingSystems(ctx, orgID)
	if err != nil || len(pending) == 0 {
		return Stats{}, err
	}
	ids := make([]int64, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	return r.matchSystems(ctx, orgID, ids, pending)
}

// MatchSystem matches one system against every published advisory.
func (r *Runner) MatchSystem(ctx context.Context, orgID, systemID int64) (Stats, error) {
	return r.matchSystems(ctx, orgID, []int64{systemID}, nil)
}

func (r *Runner) matchSystems(ctx context.Context, orgID int64, ids []int64, pending map[int64]int64) (Stats, error) {
	start := time.Now()
	var st Stats
	ix, advs, err := r.index(ctx)
	if err != nil {
		return st, err
	}
	au, err := r.audience(ctx, orgID)
	if err != nil {
		return st, err
	}
	var assets []Asset
	names := make(map[[2]int64]string)
	if len(ids) > 8 {
		rows, err := r.St.WarningAssets(ctx, orgID, 0)
		if err != nil {
			return st, err
		}
		want := make(map[int64]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
		for _, a := range rows {
			if want[a.SystemID] {
				assets = append(assets, assetOf(a))
				if a.ComponentID != 0 {
					names[[2]int64{a.SystemID, a.ComponentID}] = a.Name
				}
			}
		}
	} else {
		for _, id := range ids {
			rows, err := r.St.WarningAssets(ctx, orgID, id)
			if err != nil {
				return st, err
			}
			for _, a := range rows {
				assets = append(assets, assetOf(a))
				if a.ComponentID != 0 {
					names[[2]int64{a.SystemID, a.ComponentID}] = a.Name
				}
			}
		}
	}
	var matches []Match
	for _, m := range MatchAll(ix, assets, max(1, min(r.Workers, len(assets)/64+1))) {
		if au.reaches(advs[m.AdvisoryID], m.OrgID) {
			matches = append(matches, m)
		}
	}
	matches = ApplyVEX(matches)
	st.Advisories, st.Assets, st.Matches = len(advs), len(assets), len(matches)
	scope := store.ExposureScope{OrgID: orgID, SystemIDs: ids, Pending: pending}
	st.Events, err = r.St.ApplyExposures(ctx, scope, r.Notify, func(existing []store.ExposureRow) []store.ExposureChange {
		return Diff(existing, matches, names, advs)
	})
	st.Took = time.Since(start)
	return st, err
}
