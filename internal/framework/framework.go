// Package framework defines Værn's question frameworks: the versioned sets of
// questions a maturity round asks. A framework is data, written as YAML (or
// the same structure in JSON) and described in docs/frameworks.md. The
// package parses and validates framework files with line-accurate problems,
// writes them back in one canonical form, imports OSCAL catalogues as draft
// frameworks and carries the frameworks built into the binary.
package framework

import (
	"sort"
	"strconv"
	"strings"
)

// FormatVersion is the value of the required top-level key "format".
const FormatVersion = "vaern-framework/1"

// The languages a text may carry, in canonical order.
var knownLanguages = []string{"da", "nb", "en"}

// Text is one text in several languages, keyed by language code (da, nb, en).
type Text map[string]string

// Get returns the text in lang. When that language is missing it falls back
// to English, then Danish, then Norwegian, so a caller always gets something
// readable if the text exists in any language.
func (t Text) Get(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	for _, l := range []string{"en", "da", "nb"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Audience says who in a member organisation is expected to answer a question.
type Audience string

// The audiences a question can have.
const (
	AudienceManagement  Audience = "management"
	AudienceIT          Audience = "it"
	AudienceDepartment  Audience = "department"
	AudienceSystemOwner Audience = "system-owner"
)

// Scope says whether a question is answered once per member or by every unit.
type Scope string

// The scopes a question can have.
const (
	ScopeOrganisation Scope = "organisation"
	ScopeUnit         Scope = "unit"
)

// AnswerType is the kind of answer a question takes.
type AnswerType string

// The answer types.
const (
	// AnswerMaturity is a level 0..5 on the framework's (or the question's) scale.
	AnswerMaturity AnswerType = "maturity"
	// AnswerYesPartlyNo is yes, partly or no; the target is always yes.
	AnswerYesPartlyNo AnswerType = "yes-partly-no"
)

// The answer types of a mapping framework (Kind mapping): facts, not maturity, so never scored.
const (
	AnswerText   AnswerType = "text"   // free text, at most MaxTextAnswer characters
	AnswerChoice AnswerType = "choice" // one of the question's choices, by id
	AnswerNumber AnswerType = "number" // a decimal number
)

// MaxTextAnswer bounds a text answer of a mapping question (characters).
const MaxTextAnswer = 2000

// Kind says what a framework is for.
type Kind string

// The kinds of framework. A file without a kind is a baseline framework.
const (
	// KindBaseline is the scored maturity measurement that rounds ask.
	KindBaseline Kind = "baseline"
	// KindMapping is an unscored questionnaire about a member's IT structure (the "kartlegging"):
	// no scale, no weights, targets or recommendations; answers are text, a choice or a number.
	KindMapping Kind = "mapping"
)

// Choice is one option of a choice question.
type Choice struct {
	ID    string // lower-case letters, digits and '-', unique within the question
	Label Text
}

// ChangeKind describes how a question of the previous framework version
// relates to one of this version.
type ChangeKind string

// The change kinds of a supersedes mapping.
const (
	ChangeSame    ChangeKind = "same"    // from and to; answers stay comparable
	ChangeChanged ChangeKind = "changed" // from and to; comparable with care
	ChangeRemoved ChangeKind = "removed" // from only
	ChangeNew     ChangeKind = "new"     // to only
)

// Scoring values of the answers, used by results and documented in
// docs/frameworks.md. A maturity answer scores its level.
const (
	ScoreYes     = 5
	ScorePartly  = 2
	ScoreNo      = 0
	ScoreUnknown = 0 // "don't know": scores 0 and is flagged for follow-up
)

// Recommendation keys of yes-partly-no questions.
const (
	RecommendNo     = "no"
	RecommendPartly = "partly"
)

// Framework is one version of a question framework.
type Framework struct {
	ID          string
	Version     string
	Kind        Kind // "" or KindBaseline: a baseline framework
	Languages   []string
	Title       Text
	Description Text // optional
	// NotRelevant is the default for questions: may they be answered
	// "not relevant"?
	NotRelevant bool
	Scale       []ScaleLevel // levels 0..5, in order
	Supersedes  *Supersedes  // optional
	Areas       []*Area

	file string // the file the framework was parsed from, for CheckMapping
}

// ScaleLevel is one level of the shared maturity scale.
type ScaleLevel struct {
	Level       int
	Label       Text
	Description Text
}

// Supersedes names the previous version of the same framework and maps its
// questions onto this version's.
type Supersedes struct {
	Version string
	Mapping []Mapping
}

// Mapping is one entry of a supersedes mapping. From is empty for new
// questions, To is empty for removed ones.
type Mapping struct {
	From   string
	To     string
	Change ChangeKind

	line int // source line, for CheckMapping
}

// Area is a focus area: a titled group of questions.
type Area struct {
	ID          string
	Title       Text
	Description Text // optional
	Questions   []*Question
}

// Question is one question of a framework.
type Question struct {
	ID       string
	Text     Text
	Help     Text // optional
	Audience Audience
	Scope    Scope
	Answer   AnswerType
	// NotRelevant overrides the framework default when not nil.
	NotRelevant *bool
	Weight      float64
	// Target is the target level 1..5 of a maturity question; 0 for
	// yes-partly-no questions, whose target is always yes.
	Target int
	// Levels are question-specific texts for the levels 0..5 (maturity only).
	Levels map[int]Text
	// Recommendations are keyed by the level below the target ("0", "1",
	// ...) for maturity questions, by "no" and "partly" for yes-partly-no.
	Recommendations map[string]Text
	// Choices are the options of a choice question (mapping frameworks only).
	Choices []Choice
	Refs    []Ref

	scale []ScaleLevel // the shared scale of the framework, for LevelText
}

// Ref is a reference to a control or clause of an external catalogue.
type Ref struct {
	Scheme string
	ID     string
}

// String returns the reference as written in a framework file: scheme:id.
func (r Ref) String() string { return r.Scheme + ":" + r.ID }

// ParseRef splits "scheme:id". It does not check the scheme or the id; the
// framework validation does.
func ParseRef(s string) (Ref, bool) {
	scheme, id, ok := strings.Cut(s, ":")
	if !ok || scheme == "" || id == "" {
		return Ref{}, false
	}
	return Ref{Scheme: scheme, ID: id}, true
}

// IsMapping reports whether f is an unscored mapping questionnaire.
func (f *Framework) IsMapping() bool { return f != nil && f.Kind == KindMapping }

// Choice returns the choice of q with the given id.
func (q *Question) Choice(id string) (Choice, bool) {
	for _, c := range q.Choices {
		if c.ID == id {
			return c, true
		}
	}
	return Choice{}, false
}

// link gives every question access to the shared scale (for LevelText). Parsing links a
// framework before it is shared; later calls only read, so a cached framework can be used by many
// goroutines at once (a question already linked is not written again).
func (f *Framework) link() {
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		for _, q := range a.Questions {
			if q != nil && !sameScale(q.scale, f.Scale) {
				q.scale = f.Scale
			}
		}
	}
}

// sameScale reports whether a and b are the same slice (not merely equal).
func sameScale(a, b []ScaleLevel) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Question returns the question with the given id.
func (f *Framework) Question(id string) (*Question, bool) {
	f.link()
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		for _, q := range a.Questions {
			if q != nil && q.ID == id {
				return q, true
			}
		}
	}
	return nil, false
}

// Questions returns all questions in display order (area by area).
func (f *Framework) Questions() []*Question {
	f.link()
	var qs []*Question
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		for _, q := range a.Questions {
			if q != nil {
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// Area returns the area with the given id.
func (f *Framework) Area(id string) (*Area, bool) {
	for _, a := range f.Areas {
		if a != nil && a.ID == id {
			return a, true
		}
	}
	return nil, false
}

// AreaOf returns the area that holds the question with the given id.
func (f *Framework) AreaOf(questionID string) (*Area, bool) {
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		for _, q := range a.Questions {
			if q != nil && q.ID == questionID {
				return a, true
			}
		}
	}
	return nil, false
}

// LevelText returns the text describing a maturity level of this question:
// the question's own level text when it has one, otherwise the description of
// the level on the framework's shared scale. The shared scale is known to
// questions obtained from Parse, ImportOSCAL, Builtin or the Framework's
// Question and Questions methods. It returns "" for an unknown level.
func (q *Question) LevelText(level int, lang string) string {
	if t, ok := q.Levels[level]; ok {
		return t.Get(lang)
	}
	for _, s := range q.scale {
		if s.Level == level {
			if d := s.Description.Get(lang); d != "" {
				return d
			}
			return s.Label.Get(lang)
		}
	}
	return ""
}

// Recommendation returns the recommendation for an answer: the level as a
// decimal ("0", "1", ...) for maturity questions, "no" or "partly" for
// yes-partly-no. It returns "" when there is none (the answer meets the target).
func (q *Question) Recommendation(key string, lang string) string {
	return q.Recommendations[key].Get(lang)
}

// RecommendationForLevel is Recommendation for a maturity level.
func (q *Question) RecommendationForLevel(level int, lang string) string {
	return q.Recommendation(strconv.Itoa(level), lang)
}

// AllowsNotRelevant reports whether the question may be answered "not
// relevant": the question's own setting, else the framework default.
func (q *Question) AllowsNotRelevant(f *Framework) bool {
	if q.NotRelevant != nil {
		return *q.NotRelevant
	}
	return f != nil && f.NotRelevant
}

// recommendationKeyRank orders recommendation keys canonically: levels first
// in numeric order, then "no", then "partly", then anything else.
func recommendationKeyRank(k string) (int, string) {
	if n, err := strconv.Atoi(k); err == nil && n >= 0 && n <= 9 && len(k) == 1 {
		return n, ""
	}
	switch k {
	case RecommendNo:
		return 10, ""
	case RecommendPartly:
		return 11, ""
	}
	return 12, k
}

func sortedRecommendationKeys(m map[string]Text) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, si := recommendationKeyRank(keys[i])
		rj, sj := recommendationKeyRank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return si < sj
	})
	return keys
}

// textLanguages returns the languages of t in canonical order, then any
// unknown ones sorted, so that output never depends on map order.
func textLanguages(t Text) []string {
	var out []string
	for _, l := range knownLanguages {
		if _, ok := t[l]; ok {
			out = append(out, l)
		}
	}
	var rest []string
	for l := range t {
		if !isKnownLanguage(l) {
			rest = append(rest, l)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func isKnownLanguage(l string) bool {
	for _, k := range knownLanguages {
		if k == l {
			return true
		}
	}
	return false
}
