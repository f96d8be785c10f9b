// Package results holds the pure logic of Værn's results module: summary statistics for box
// plots, the groups a member is benchmarked in, k-anonymity suppression with complementary
// suppression, percentile bands, and the mapping of earlier rounds' questions onto the current
// framework version for trends. It touches neither database nor HTTP; the rules are documented in
// docs/anonymity.md and docs/scoring.md ("Trends across framework versions").
package results
