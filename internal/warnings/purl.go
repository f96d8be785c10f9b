package warnings

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// purlID is a package URL reduced to what identifies the package: type, namespace and name
// (key), with the version apart. Qualifiers and subpath do not take part in the identity:
// "pkg:deb/debian/openssl@3.0.11?arch=amd64" is the same package as "pkg:deb/debian/openssl".
type purlID struct {
	ok      bool
	typ     string
	key     string // "npm//lodash", "maven/org.apache.logging.log4j/log4j-core"
	version string
	raw     string
}

// caseFoldTypes are purl types whose namespace and name compare without case (the purl spec's
// own list, plus npm and nuget, whose registries fold case).
var caseFoldTypes = map[string]bool{
	"npm": true, "nuget": true, "pypi": true, "deb": true, "rpm": true, "apk": true,
	"alpm": true, "golang": true, "github": true, "bitbucket": true, "composer": true,
	"gem": false, "hex": true, "cargo": false, "pub": true,
}

func parsePURL(s string) purlID {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 {
		return purlID{}
	}
	p, err := packageurl.FromString(s)
	if err != nil || p.Name == "" || p.Type == "" {
		return purlID{}
	}
	ns, name := p.Namespace, p.Name
	if caseFoldTypes[p.Type] {
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	}
	if p.Type == "pypi" {
		name = strings.NewReplacer("_", "-", ".", "-").Replace(name)
	}
	v := p.Version
	if v == "*" || v == "-" {
		v = ""
	}
	return purlID{ok: true, typ: p.Type, key: p.Type + "/" + ns + "/" + name, version: v, raw: s}
}

// ecosystems maps purl types (and the schemes CVE and vers name) to the osv-scalibr semantic
// ecosystem whose rules compare their versions.
var ecosystems = map[string]string{
	"npm":       "npm",
	"semver":    "npm", // semantic versioning 2.0 as npm applies it
	"maven":     "Maven",
	"pypi":      "PyPI",
	"nuget":     "NuGet",
	"deb":       "Debian",
	"debian":    "Debian",
	"rpm":       "Red Hat",
	"gem":       "RubyGems",
	"rubygems":  "RubyGems",
	"golang":    "Go",
	"go":        "Go",
	"cargo":     "crates.io",
	"composer":  "Packagist",
	"packagist": "Packagist",
	"pub":       "Pub",
	"hex":       "Hex",
	"apk":       "Alpine",
	"alpine":    "Alpine",
	"cran":      "CRAN",
	"hackage":   "Hackage",
	"swift":     "SwiftURL",
	"conan":     "ConanCenter",
}
