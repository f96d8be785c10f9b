// Package baseline holds the baseline module's logic that is more than
// storage, such as scoring of the annual maturity measurement and progress
// (completeness) of an assessment. Everything here is pure — no database, no
// clock, no I/O — and unit-tested.
//
// Compute turns a framework, the answers of one member and the units taking
// part into a Result: scores, targets and gaps per question, per area, per
// unit and overall, the "don't know" answers to follow up, and how complete
// the assessment is. Recommendations turns a Result into a ranked action
// plan. The formulas, with a worked example, are in docs/scoring.md; the
// tests check that example number by number.
package baseline
