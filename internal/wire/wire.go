// Package wire plugs the modules into the layers below them: it is the one place that knows
// which module implements which check. The store imports no module package; it runs the checks it
// is given here inside its transactions (see docs/architecture.md).
package wire

import (
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/incident"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/services"
	"github.com/vaern/vaern/internal/store"
)

// StoreRules is the set of module checks every store is opened with.
func StoreRules() store.Rules {
	return store.Rules{Baseline: baseline.Rules{}, Register: register.Rules{}, Incident: incident.Rules{}, Services: services.Rules{}, Knowledge: knowledge.Rules{}}
}

// StoreOptions returns opt with the module checks set.
func StoreOptions(opt store.Options) store.Options {
	opt.Rules = StoreRules()
	return opt
}
