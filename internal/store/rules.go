package store

import (
	"errors"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/framework"
)

// Rules are the module checks that guard writes. The store runs each one inside the transaction
// that writes, over what that transaction reads, so no caller can skip a rule or race it. The
// store imports no module package: the modules hand their checks in when the store is opened
// (Options.Rules; internal/wire.StoreRules puts the set together). The interfaces are defined
// here, where they are used, and speak only domain types and the framework document type.
type Rules struct {
	Baseline  BaselineRules
	Register  RegisterRules
	Incident  IncidentRules
	Knowledge KnowledgeRules
	Services  ServicesRules
}

// ServicesRules are the services module's write guards (internal/services.Rules).
type ServicesRules interface {
	// CleanService trims and validates a service of the catalogue.
	CleanService(s *vaern.Service) error
	// NextSubscription is the status a subscription in status from moves to by act.
	NextSubscription(from, act string) (string, error)
	// CleanNote bounds a request's or decision's note.
	CleanNote(s string) (string, error)
	// CleanItem trims and validates an onboarding checklist item.
	CleanItem(it *vaern.OnboardingItem) error
	// DefaultChecklist is the checklist a centre starts with.
	DefaultChecklist() []vaern.OnboardingItem
	// MappingValue validates and normalises an answer to a mapping question.
	MappingValue(q *framework.Question, v string) (string, error)
}

// BaselineRules are the baseline module's write guards (internal/baseline.Rules).
type BaselineRules interface {
	// MayAnswer reports whether principal p, given the delegations that reach p, may answer q for
	// unit (0: the organisation).
	MayAnswer(p *vaern.Principal, mine []vaern.Delegation, f *framework.Framework, q *framework.Question, unit int64) bool
	// ValidValue reports whether v may be stored as the answer to q.
	ValidValue(q *framework.Question, f *framework.Framework, v string) error
	// Submittable reports why assessment a, with its delegations and answers, may not be
	// submitted yet, or nil.
	Submittable(f *framework.Framework, a vaern.Assessment, dels []vaern.Delegation, answers []vaern.Answer) error
	// MayBeDelegated reports whether a person with role r can be given questions to answer.
	MayBeDelegated(r vaern.Role) bool
}

// RegisterRules are the register module's write guards (internal/register.Rules).
type RegisterRules interface {
	// NameKey is a system name's identity: two systems of one organisation may not share a key,
	// and an import updates the system whose key a row's name has.
	NameKey(name string) string
	// CleanSystem trims and validates a system's fields, naming the first one that is wrong.
	CleanSystem(s *vaern.ITSystem) error
	// MakePlan is what an import of recs does to the existing systems: which it creates, updates
	// (with the fields) and leaves unchanged.
	MakePlan(existing []vaern.ITSystem, recs []vaern.SystemRecord) vaern.ImportPlan
	// Diff lists the fields in which two versions of a system differ, as audit key → [old, new].
	Diff(a, b vaern.ITSystem) map[string][2]any
	// CleanThreat trims and validates an own threat's title and description.
	CleanThreat(title, desc string) (string, string, error)
	// KnownThreat reports whether key names a built-in threat.
	KnownThreat(key string) bool
	// CheckRisk validates a risk assessment against the matrix it is assessed on.
	CheckRisk(m vaern.RiskMatrix, ra *vaern.RiskAssessment) error
	// CleanAcceptance trims and validates who accepts a risk and why.
	CleanAcceptance(name, reason string) (string, string, error)
	// DefaultMatrix is the reference matrix until the centre sets one.
	DefaultMatrix() vaern.RiskMatrix
	// Apply copies the fields an import record sets onto dst.
	Apply(dst *vaern.ITSystem, rec vaern.SystemRecord)
	// ValidateMatrix validates m, and for a member's own matrix (ref not nil) its mapping onto ref.
	ValidateMatrix(m *vaern.RiskMatrix, ref *vaern.RiskMatrix) error
}

// IncidentRules are the incident module's write guards (internal/incident.Rules). settings is
// the centre's stored incident settings (JSON; empty: the defaults).
type IncidentRules interface {
	// CleanIncident trims and validates a case's fields, naming the first wrong one.
	CleanIncident(c *vaern.Incident) error
	// CleanObservables parses and normalises a case's observables.
	CleanObservables(in []string) ([]vaern.Observable, error)
	// Fitting lists the regimes that apply to c by their conditions.
	Fitting(c vaern.Incident, settings []byte) ([]string, error)
	// KnownRegime and KnownStep report whether a regime (and its step) exist.
	KnownRegime(key string, settings []byte) bool
	KnownStep(key, step string, settings []byte) bool
	// Deadlines computes every deadline of a case, with its status at now.
	Deadlines(c vaern.Incident, regimes []vaern.AppliedRegime, reports []vaern.IncidentReport, settings []byte, now time.Time) []vaern.Deadline
	// CleanSettings validates the centre's settings before they are stored.
	CleanSettings(settings []byte) error
	// CleanClassification checks a cause and an RSIT classification.
	CleanClassification(cause, class string) error
}

func (r Rules) check() error {
	if r.Baseline == nil || r.Register == nil || r.Incident == nil || r.Services == nil || r.Knowledge == nil {
		return errors.New("open store: the module rules are missing (Options.Rules; see internal/wire.StoreRules)")
	}
	return nil
}

// KnowledgeRules are the knowledge module's write guards (internal/knowledge.Rules).
type KnowledgeRules interface {
	// MayAuthor reports whether a person with role may write a post of kind, given whether they
	// act for the centre and whether the centre allows their member to author.
	MayAuthor(role vaern.Role, centre, allowed bool, kind vaern.PostKind) bool
	// CleanPost trims and validates a post with its audience, naming the first wrong field.
	CleanPost(p *vaern.Post, aud access.Audience) error
	// CleanComment trims and validates a comment or a forum reply.
	CleanComment(body string) (string, error)
	// CleanTopic trims and validates a topic's names per language.
	CleanTopic(names map[string]string) (map[string]string, error)
	// SniffAttachment finds an attachment's content type from its content, or refuses it.
	SniffAttachment(name string, data []byte) (string, error)
	// MayModerate reports whether a person with role, acting for the community's centre or not,
	// may hide and delete posts and comments; CleanReason validates the reason given.
	MayModerate(role vaern.Role, centreOrg bool) bool
	CleanReason(reason string) (string, error)
}
