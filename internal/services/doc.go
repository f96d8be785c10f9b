// Package services holds the rules of the services module (docs/services.md): what a service of
// the catalogue must carry, how a subscription moves from request to end, the onboarding
// checklist (the default one, and which items Værn checks by itself from what it sees), and what
// a mapping answer may be. Pure functions, table-tested; Rules hands the write guards to the store.
package services
