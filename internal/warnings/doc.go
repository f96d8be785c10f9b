// Package warnings is Værn's CSAF asset matching engine: for each asset (a register system or an
// SBOM component) the advisories that concern it, and for each advisory the assets, each with
// a tier, an outcome and its evidence. It is pure: no store, no web, no clock.
//
// Two directions, one answer:
//
//   - NewIndex(advisories) prepares the advisories (identities indexed by purl
//     type/namespace/name, CPE vendor:product, normalised product name and its distinctive
//     words; ranges compiled once); Index.Match(asset) and MatchAll(index, assets, workers)
//     match assets against them: a full run, or one system after its version changed.
//   - NewAssetIndex(assets) prepares the register; AssetIndex.Match(advisory) matches one new or
//     revised advisory against it.
//
// Both give the same Match for the same asset and advisory (TestDirectionsAgree, FuzzMatch).
// MatchEach streams a full run in batches instead of gathering it; ApplyVEX lets one
// advisory's not_affected / fixed statement close another advisory's warning on the same asset
// and CVEs (a VEX document closing a KEV entry); NameKey is the name key the matcher compares,
// for a curated name → CPE / purl mapping.
//
// Tiers (docs/warnings-matching.md has every rule):
//
//   - exact: the same purl (type, namespace, name) or the same CPE part, vendor and product
//     (NISTIR 7696), and a version in range by the ecosystem's rules: the owner is warned;
//   - confirm: vendor and product equal by name (normalised, with aliases), or an exact
//     identity whose version is unknown or not comparable: the owner is asked to confirm;
//   - triage: a product name without a vendor on one side, a fuzzy name, a free-text system
//     name, or a statement still under investigation: the centre's triage queue only.
//
// Never: a CPE or name of "*" or "-" (no identity at all), a wildcard vendor (no CPE identity),
// a "running on / with" product (AdvisoryProduct.Platform), a same-named product of another
// vendor, a name match where both sides carry different purls or CPEs.
//
// Outcomes: affected opens or keeps an exposure; not_affected (a VEX or known_not_affected
// statement) and fixed (a fixed statement, or the asset at or above a range's fix) close or
// prevent one. No Match means the advisory does not concern the asset.
//
// The package owns the files match*.go, version*.go, cpe*.go, purl*.go and names*.go; the
// orchestration (store, jobs, exposures) lives beside them in run*.go, exposure*.go and
// jobs*.go.
package warnings
