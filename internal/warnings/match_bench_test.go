package warnings

// Benchmarks of the matcher on a synthetic sector (figures in docs/BENCHMARKS.md, "Warnings
// matching"). Run:
//
//	go test ./internal/warnings/ -run XXX -bench . -benchtime 3x -benchmem
//
// The sector is made here, never read from a file: 357 members × 300 systems × 50 SBOM
// components (5,355,000 components and 107,100 systems); a KEV-shaped catalogue of 1,400
// advisories (vendor and product names, no versions) and 100 CSAF-shaped documents (purls and
// CPEs with ranges, fixed and not-affected statements, a platform).

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

const (
	benchMembers    = 357
	benchSystems    = 300 // per member
	benchComponents = 50  // per system
)

// sysProduct is a product municipalities run, with the versions they write.
type sysProduct struct {
	vendor, product string
	versions        []string
	cpe             string // CPE 2.3 without version, for the systems that carry one ("" none)
	weight          float64
}

// municipal products, by how often a register holds them; the rest of the register is the long
// tail of domain systems (vendorN / "Fagsystem N").
var benchSysProducts = []sysProduct{
	{"Microsoft", "Windows Server 2019", []string{"10.0.17763.5329", "10.0.17763.4974", "10.0.17763.6054", ""}, "cpe:2.3:o:microsoft:windows_server_2019", 40},
	{"Microsoft Corporation", "Windows Server 2016", []string{"10.0.14393.6897", "10.0.14393.6452", "Windows Server 2016", ""}, "", 25},
	{"Microsoft", "Windows Server 2022", []string{"10.0.20348.2227", "10.0.20348.2322", ""}, "cpe:2.3:o:microsoft:windows_server_2022", 25},
	{"Microsoft", "Exchange Server", []string{"2019 CU12", "2019 CU13", "2016 CU23", "15.2.1118.7", ""}, "cpe:2.3:a:microsoft:exchange_server", 8},
	{"Microsoft", "SharePoint Server", []string{"2019", "Subscription Edition", "16.0.10337.12109"}, "", 6},
	{"Microsoft", "SQL Server", []string{"2019", "2022", "15.0.4345.5"}, "", 15},
	{"Cisco Systems, Inc.", "IOS", []string{"15.2(4)E1", "15.2(7)E3", "15.2(7)E8", "15.9(3)M7a"}, "cpe:2.3:o:cisco:ios", 10},
	{"Cisco", "IOS XE", []string{"17.3.4a", "17.6.5", "16.12.4"}, "cpe:2.3:o:cisco:ios_xe", 8},
	{"Fortinet", "FortiOS", []string{"7.2.4", "7.0.12", "7.4.1", "6.4.13"}, "cpe:2.3:o:fortinet:fortios", 8},
	{"Citrix", "NetScaler ADC", []string{"13.1-49.13", "14.1-8.50", "13.0-92.19"}, "", 4},
	{"VMware", "ESXi", []string{"7.0 U3", "8.0 U1", "7.0.3"}, "cpe:2.3:o:vmware:esxi", 10},
	{"VMware", "vCenter Server", []string{"8.0 U1", "7.0 U3o", "8.0.2"}, "cpe:2.3:a:vmware:vcenter_server", 5},
	{"Ivanti", "Connect Secure", []string{"22.3R1", "9.1R18", "22.5R2.1"}, "", 3},
	{"Atlassian", "Confluence Server", []string{"8.5.3", "7.19.16", "8.1.4"}, "cpe:2.3:a:atlassian:confluence_server", 3},
	{"Apache Software Foundation", "HTTP Server", []string{"2.4.57", "2.4.58", "2.4.54"}, "cpe:2.3:a:apache:http_server", 6},
	{"Oracle", "WebLogic Server", []string{"12.2.1.4.0", "14.1.1.0.0"}, "cpe:2.3:a:oracle:weblogic_server", 2},
	{"Progress", "MOVEit Transfer", []string{"2023.0.1", "2022.1.5", "2023.0.6"}, "", 1},
	{"Veeam", "Backup & Replication", []string{"12.0.0.1420", "11.0.1.1261", "12.1.2.172"}, "", 4},
	{"Zoho Corp", "ManageEngine ServiceDesk Plus", []string{"14.1", "13.0"}, "", 1},
	{"Adobe", "Acrobat Reader", []string{"23.008.20470", "2020.005.30539"}, "", 10},
	{"Google", "Chrome", []string{"120.0.6099.130", "121.0.6167.85"}, "", 8},
}

// benchPackage is one SBOM package with its versions, purls prebuilt (no allocation per asset).
type benchPackage struct {
	name     string
	purls    []string // one per version
	versions []string
	cpe      string
}

type benchSector struct {
	assets  []Asset
	kev     []vaern.Advisory
	csaf    []vaern.Advisory
	pkgs    []benchPackage
	systems [][2]int // per system: start and end index in assets
}

var (
	sectorOnce sync.Once
	sector     *benchSector
)

// zipf draws 0..n-1 with a long tail: a few products are everywhere.
type zipf struct{ cum []float64 }

func newZipf(ws []float64) zipf {
	z := zipf{cum: make([]float64, len(ws))}
	s := 0.0
	for i, w := range ws {
		s += w
		z.cum[i] = s
	}
	return z
}

func (z zipf) draw(r *rand.Rand) int {
	x := r.Float64() * z.cum[len(z.cum)-1]
	lo, hi := 0, len(z.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if z.cum[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func benchPackages(r *rand.Rand) []benchPackage {
	var out []benchPackage
	add := func(typ, ns, name, cpe string, n int) {
		p := benchPackage{name: name, cpe: cpe}
		major := 1 + r.IntN(5)
		for v := 0; v < n; v++ {
			ver := fmt.Sprintf("%d.%d.%d", major, v/3, v%3*2)
			p.versions = append(p.versions, ver)
			base := "pkg:" + typ + "/" + name
			if ns != "" {
				base = "pkg:" + typ + "/" + ns + "/" + name
			}
			p.purls = append(p.purls, base+"@"+ver)
		}
		out = append(out, p)
	}
	// libraries with CPEs too (NVD names them)
	add("maven", "org.apache.logging.log4j", "log4j-core", "cpe:2.3:a:apache:log4j", 8)
	add("maven", "org.springframework", "spring-core", "cpe:2.3:a:vmware:spring_framework", 8)
	add("maven", "com.fasterxml.jackson.core", "jackson-databind", "cpe:2.3:a:fasterxml:jackson-databind", 8)
	add("npm", "", "lodash", "cpe:2.3:a:lodash:lodash", 8)
	add("pypi", "", "django", "cpe:2.3:a:djangoproject:django", 8)
	for i := 0; i < 2000; i++ {
		add("npm", "", fmt.Sprintf("npm-pkg-%d", i), "", 8)
	}
	for i := 0; i < 1200; i++ {
		add("maven", fmt.Sprintf("org.example%d", i%60), fmt.Sprintf("lib-%d", i), "", 8)
	}
	for i := 0; i < 500; i++ {
		add("pypi", "", fmt.Sprintf("py-pkg-%d", i), "", 8)
	}
	for i := 0; i < 300; i++ {
		add("nuget", "", fmt.Sprintf("Nu.Package%d", i), "", 8)
	}
	return out
}

func makeSector() *benchSector {
	r := rand.New(rand.NewPCG(2026, 12))
	s := &benchSector{pkgs: benchPackages(r)}
	// system products: the municipal list, then a long tail of domain systems
	prods := append([]sysProduct(nil), benchSysProducts...)
	for i := 0; i < 600; i++ {
		prods = append(prods, sysProduct{
			vendor: fmt.Sprintf("Leverandør %d A/S", i%150), product: fmt.Sprintf("Fagsystem %d", i),
			versions: []string{"1.0", "2.3", fmt.Sprintf("%d.%d", 2020+i%5, 1+i%12)}, weight: 200.0 / float64(i+1),
		})
	}
	ws := make([]float64, len(prods))
	for i, p := range prods {
		ws[i] = p.weight
	}
	sysZ := newZipf(ws)
	pws := make([]float64, len(s.pkgs))
	for i := range pws {
		pws[i] = 1 / math.Pow(float64(i+1), 0.6)
	}
	pkgZ := newZipf(pws)
	// prebuilt CPE strings per system product and version
	cpes := map[[2]int]string{}
	categories := []string{"Mail", "Økonomi", "Sag", "Firewall", "Web", "Backup", "Skole", "Løn", "Borger", "Net"}
	s.assets = make([]Asset, 0, benchMembers*benchSystems*(benchComponents+1))
	for m := 0; m < benchMembers; m++ {
		for sy := 0; sy < benchSystems; sy++ {
			sysID := int64(m*benchSystems + sy + 1)
			start := len(s.assets)
			pi := sysZ.draw(r)
			p := &prods[pi]
			vi := r.IntN(len(p.versions))
			a := Asset{OrgID: int64(m + 1), SystemID: sysID, Vendor: p.vendor, Product: p.product, Version: p.versions[vi],
				Name: categories[sy%len(categories)] + " " + fmt.Sprint(sy)}
			if p.cpe != "" && r.IntN(3) == 0 {
				k := [2]int{pi, vi}
				c, ok := cpes[k]
				if !ok {
					v := p.versions[vi]
					if v == "" || !isDigitByte(v[0]) {
						v = "*"
					}
					c = p.cpe + ":" + quoteCPE(v) + ":*:*:*:*:*:*:*"
					cpes[k] = c
				}
				a.CPE = c
			}
			s.assets = append(s.assets, a)
			for c := 0; c < benchComponents; c++ {
				k := pkgZ.draw(r)
				pk := &s.pkgs[k]
				v := r.IntN(len(pk.versions))
				ca := Asset{OrgID: a.OrgID, SystemID: sysID, ComponentID: sysID*100 + int64(c+1), Name: pk.name,
					Version: pk.versions[v], PURL: pk.purls[v]}
				if pk.cpe != "" && r.IntN(2) == 0 {
					ca.CPE = pk.cpe + ":" + pk.versions[v] + ":*:*:*:*:*:*:*"
				}
				s.assets = append(s.assets, ca)
			}
			s.systems = append(s.systems, [2]int{start, len(s.assets)})
		}
	}
	s.kev = benchKEV(r)
	s.csaf = benchCSAF(r, s.pkgs, 100, 1)
	return s
}

func quoteCPE(v string) string {
	out := make([]byte, 0, len(v)+4)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			out = append(out, '\\')
		}
		out = append(out, c)
	}
	return string(out)
}

// benchKEV is a catalogue of the KEV's shape: one product by name per entry, the same
// products many times over (Windows alone about 150 times), and many products no municipality
// runs.
func benchKEV(r *rand.Rand) []vaern.Advisory {
	type vp struct {
		v, p string
		n    int
	}
	list := []vp{
		{"Microsoft", "Windows", 150}, {"Microsoft", "Win32k", 40}, {"Microsoft", "Internet Explorer", 30},
		{"Microsoft", "Exchange Server", 20}, {"Microsoft", "Office", 30}, {"Microsoft", "SharePoint", 8},
		{"Microsoft", "SQL Server", 3}, {"Cisco", "IOS", 25}, {"Cisco", "IOS XE", 10}, {"Fortinet", "FortiOS", 15},
		{"Citrix", "NetScaler ADC", 8}, {"VMware", "ESXi", 5}, {"VMware", "vCenter Server", 8},
		{"Ivanti", "Connect Secure", 10}, {"Atlassian", "Confluence Server", 6}, {"Apache", "HTTP Server", 5},
		{"Apache", "Log4j2", 2}, {"Google", "Chromium V8", 40}, {"Apple", "iOS", 60}, {"Adobe", "Flash Player", 30},
		{"Adobe", "Acrobat and Reader", 20}, {"Oracle", "WebLogic Server", 12}, {"Oracle", "Java SE", 10},
		{"Progress", "MOVEit Transfer", 2}, {"Zoho", "ManageEngine", 12}, {"Veeam", "Backup & Replication", 3},
	}
	var out []vaern.Advisory
	id := int64(1)
	add := func(v, p string) {
		out = append(out, vaern.Advisory{
			ID: id, Source: vaern.SourceKEV, SourceID: fmt.Sprintf("CVE-20%02d-%05d", 10+r.IntN(15), id), State: vaern.AdvisoryPublished,
			CVEs: []string{fmt.Sprintf("CVE-2024-%05d", id)}, KnownExploited: true,
			Products: []vaern.AdvisoryProduct{{Key: "kev", Vendor: v, Product: p, Status: vaern.StatusAffected}},
		})
		id++
	}
	for _, e := range list {
		for i := 0; i < e.n; i++ {
			add(e.v, e.p)
		}
	}
	for len(out) < 1400 {
		n := len(out)
		add(fmt.Sprintf("Vendor %d", n%300), fmt.Sprintf("Device %d", n))
	}
	return out
}

// benchCSAF makes n CSAF-shaped documents: purls of packages the sector uses with npm/maven/pypi
// ranges and a fixed statement, CPE ranges for system products, a not-affected (VEX-like)
// statement and a "running on" platform.
func benchCSAF(r *rand.Rand, pkgs []benchPackage, n int, firstID int64) []vaern.Advisory {
	var out []vaern.Advisory
	for d := 0; d < n; d++ {
		a := vaern.Advisory{ID: 100000 + firstID + int64(d), Source: vaern.SourceCSAF, SourceID: fmt.Sprintf("BENCH-SA-%04d", d),
			State: vaern.AdvisoryPublished, CVEs: []string{fmt.Sprintf("CVE-2025-%05d", d)}}
		k := 0
		key := func() string { k++; return fmt.Sprintf("CSAFPID-%04d", k) }
		for i := 0; i < 4; i++ {
			p := &pkgs[r.IntN(len(pkgs))]
			typ := "generic"
			switch {
			case len(p.purls[0]) > 8 && p.purls[0][:8] == "pkg:npm/":
				typ = "npm"
			case len(p.purls[0]) > 10 && p.purls[0][:10] == "pkg:maven/":
				typ = "maven"
			case len(p.purls[0]) > 9 && p.purls[0][:9] == "pkg:pypi/":
				typ = "pypi"
			case len(p.purls[0]) > 10 && p.purls[0][:10] == "pkg:nuget/":
				typ = "nuget"
			}
			base := p.purls[0][:len(p.purls[0])-len(p.versions[0])-1]
			fix := p.versions[3+r.IntN(4)]
			a.Products = append(a.Products,
				vaern.AdvisoryProduct{Key: key(), Product: p.name, PURL: base, Status: vaern.StatusAffected,
					Versions: []vaern.VersionRange{{Scheme: typ, Introduced: p.versions[1], Fixed: fix, Expr: "vers:" + typ + "/>=" + p.versions[1] + "|<" + fix}}},
				vaern.AdvisoryProduct{Key: key(), Product: p.name, PURL: base + "@" + fix, Status: vaern.StatusFixed})
		}
		sp := &benchSysProducts[r.IntN(len(benchSysProducts))]
		if sp.cpe != "" {
			a.Products = append(a.Products, vaern.AdvisoryProduct{Key: key(), Vendor: sp.vendor, Product: sp.product,
				CPE: sp.cpe + ":*:*:*:*:*:*:*:*", Status: vaern.StatusAffected,
				Versions: []vaern.VersionRange{{LastAffected: sp.versions[0], Expr: "<= " + sp.versions[0]}}})
		} else {
			a.Products = append(a.Products, vaern.AdvisoryProduct{Key: key(), Vendor: sp.vendor, Product: sp.product,
				Status: vaern.StatusAffected, Versions: []vaern.VersionRange{{LastAffected: sp.versions[0]}}})
		}
		a.Products = append(a.Products,
			vaern.AdvisoryProduct{Key: key(), Vendor: sp.vendor, Product: sp.product, Status: vaern.StatusNotAffected,
				Justification: "vulnerable_code_not_present", Versions: []vaern.VersionRange{{Exact: sp.versions[len(sp.versions)-1]}}},
			vaern.AdvisoryProduct{Key: key(), CPE: "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*", Platform: true, Status: vaern.StatusAffected})
		out = append(out, a)
	}
	return out
}

// cpuTime is the process's user and system CPU time: on a shared machine the wall clock says
// more about the neighbours than about the code, so benchmarks report both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func getSector(b *testing.B) *benchSector {
	sectorOnce.Do(func() { sector = makeSector() })
	b.Logf("sector: %d assets (%d systems), %d KEV-shaped + %d CSAF-shaped advisories",
		len(sector.assets), len(sector.systems), len(sector.kev), len(sector.csaf))
	return sector
}

func allAdvisories(s *benchSector) []vaern.Advisory {
	return append(append([]vaern.Advisory(nil), s.kev...), s.csaf...)
}

// BenchmarkFullMatch: index the KEV catalogue and 100 CSAF documents, match every asset of the
// sector on every core; "each" streams the matches to a counter (as the orchestration writes
// them in batches), "all" gathers them into one slice.
func BenchmarkFullMatch(b *testing.B) {
	s := getSector(b)
	advs := allAdvisories(s)
	for _, mode := range []string{"each", "all"} {
		b.Run(mode, func(b *testing.B) {
			runtime.GC()
			b.ResetTimer()
			var n int
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				ix := NewIndex(advs)
				if mode == "all" {
					n = len(MatchAll(ix, s.assets, runtime.GOMAXPROCS(0)))
					continue
				}
				var cnt atomic.Int64
				MatchEach(ix, s.assets, runtime.GOMAXPROCS(0), func(ms []Match) { cnt.Add(int64(len(ms))) })
				n = int(cnt.Load())
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-c0)/1e9/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(len(s.assets)), "assets")
		})
	}
}

// BenchmarkNewAdvisory: one new CSAF document against the prepared sector (AssetIndex).
func BenchmarkNewAdvisory(b *testing.B) {
	s := getSector(b)
	ax := NewAssetIndex(s.assets)
	b.Logf("asset index: %d distinct assets", ax.Groups())
	docs := benchCSAF(rand.New(rand.NewPCG(7, 7)), s.pkgs, 50, 5000)
	kev := benchKEV(rand.New(rand.NewPCG(8, 8)))
	runtime.GC()
	b.Run("csaf", func(b *testing.B) {
		n := 0
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			n += len(ax.Match(docs[i%len(docs)]))
		}
		b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(n)/float64(b.N), "matches/op")
	})
	// the worst a KEV entry can be: Microsoft Windows, on every Windows server in the sector
	b.Run("kev-windows", func(b *testing.B) {
		n := 0
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			n = len(ax.Match(kev[0]))
		}
		b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(n), "matches")
	})
}

// BenchmarkAssetIndexBuild: preparing the whole register for AssetIndex.Match, once.
func BenchmarkAssetIndexBuild(b *testing.B) {
	s := getSector(b)
	runtime.GC()
	b.ResetTimer()
	c0 := cpuTime()
	g := 0
	for i := 0; i < b.N; i++ {
		g = NewAssetIndex(s.assets).Groups()
	}
	b.ReportMetric(float64(cpuTime()-c0)/1e9/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(g), "groups")
}

// BenchmarkSystemChange: one system's version changed; match it and its 50 components against
// the full index.
func BenchmarkSystemChange(b *testing.B) {
	s := getSector(b)
	ix := NewIndex(allAdvisories(s))
	runtime.GC()
	b.ResetTimer()
	n := 0
	c0 := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-c0)/1e6/float64(b.N), "cpu-ms/op") }()
	for i := 0; i < b.N; i++ {
		sys := s.systems[(i*7919)%len(s.systems)]
		n = 0
		for k := sys[0]; k < sys[1]; k++ {
			a := s.assets[k]
			if k == sys[0] {
				a.Version = "10.0.17763.9999"
			}
			n += len(ix.Match(a))
		}
	}
	b.ReportMetric(float64(n), "matches")
}
