// The file is not named version_windows.go: that suffix would build it for GOOS=windows only.

package warnings

import (
	"strconv"
	"strings"
)

// windowsScheme compares Windows versions as major.minor.build.revision (10.0.14393.6897), the
// form Microsoft's CVE records use. What municipalities write is read as well:
//   - a Server release by its name: "Windows Server 2016", "Server 2019", "2012 R2" (the
//     release's build, table windowsReleases);
//   - a client feature update: "Windows 10 21H2", "Windows 11 23H2", "1809";
//   - a build without its revision: "10.0.17763".
//
// A release named without its revision (patch level) is every revision of that build: it is in
// a range that holds the whole build, outside one that holds none of it, and not comparable
// where the range's bound falls inside the build ("Windows Server 2016" against "< 10.0.14393.6897").
type windowsScheme struct{}

func (windowsScheme) name() string { return "windows" }

type wver struct {
	n       [4]uint64
	precise bool // all four numbers were given
}

// windowsReleases maps release names to their build (major.minor.build).
var windowsReleases = map[string][3]uint64{
	"server 2008":    {6, 0, 6003},
	"server 2008 r2": {6, 1, 7601},
	"server 2012":    {6, 2, 9200},
	"server 2012 r2": {6, 3, 9600},
	"server 2016":    {10, 0, 14393},
	"server 2019":    {10, 0, 17763},
	"server 2022":    {10, 0, 20348},
	"server 2025":    {10, 0, 26100},
	"10 1507":        {10, 0, 10240},
	"10 1511":        {10, 0, 10586},
	"10 1607":        {10, 0, 14393},
	"10 1703":        {10, 0, 15063},
	"10 1709":        {10, 0, 16299},
	"10 1803":        {10, 0, 17134},
	"10 1809":        {10, 0, 17763},
	"10 1903":        {10, 0, 18362},
	"10 1909":        {10, 0, 18363},
	"10 2004":        {10, 0, 19041},
	"10 20h2":        {10, 0, 19042},
	"10 21h1":        {10, 0, 19043},
	"10 21h2":        {10, 0, 19044},
	"10 22h2":        {10, 0, 19045},
	"11 21h2":        {10, 0, 22000},
	"11 22h2":        {10, 0, 22621},
	"11 23h2":        {10, 0, 22631},
	"11 24h2":        {10, 0, 26100},
	"11 25h2":        {10, 0, 26200},
}

func (windowsScheme) parse(s string) (ver, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return nil, false
	}
	if isDigitByte(t[0]) && strings.Count(t, ".") >= 1 && strings.Trim(t, "0123456789.") == "" {
		parts := strings.Split(t, ".")
		if len(parts) > 4 {
			return nil, false
		}
		var w wver
		for i, p := range parts {
			n, err := strconv.ParseUint(p, 10, 64)
			if err != nil {
				return nil, false
			}
			w.n[i] = n
		}
		w.precise = len(parts) == 4
		return w, true
	}
	ws := words(t)
	if len(ws) > 0 && ws[0] == "microsoft" {
		ws = ws[1:]
	}
	if len(ws) > 0 && ws[0] == "windows" {
		ws = ws[1:]
	}
	// drop edition words anywhere after the release ("Server 2019 Datacenter")
	var keep []string
	for _, w := range ws {
		if !editionWords[w] && w != "version" {
			keep = append(keep, w)
		}
	}
	key := strings.Join(keep, " ")
	if len(keep) > 0 && keep[0] != "server" && keep[0] != "10" && keep[0] != "11" {
		switch keep[0] {
		case "2008", "2012", "2016", "2019", "2022", "2025":
			key = "server " + key // a Server release by its year
		default:
			key = "10 " + key // a Windows 10 feature update ("21h2", "1809", "2004")
		}
	}
	if b, ok := windowsReleases[key]; ok {
		return wver{n: [4]uint64{b[0], b[1], b[2], 0}}, true
	}
	return nil, false
}

func (windowsScheme) compare(a, b ver) (int, int, bool) {
	x, y := a.(wver), b.(wver)
	lo := cmpNums(x.n[:], y.n[:])
	if x.precise {
		return lo, lo, true
	}
	hiV := x.n
	hiV[3] = ^uint64(0)
	// an imprecise bound counts from its first revision
	return lo, cmpNums(hiV[:], y.n[:]), true
}
