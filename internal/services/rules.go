package services

import (
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// Rules are the services module's write guards, handed to the store (store.ServicesRules).
type Rules struct{}

// CleanService validates a service of the catalogue.
func (Rules) CleanService(s *vaern.Service) error { return CleanService(s) }

// NextSubscription is the status a subscription moves to by an action.
func (Rules) NextSubscription(from, act string) (string, error) { return Next(from, act) }

// CleanNote bounds a request's or decision's note.
func (Rules) CleanNote(s string) (string, error) { return CleanNote(s) }

// CleanItem validates a checklist item.
func (Rules) CleanItem(it *vaern.OnboardingItem) error { return CleanItem(it) }

// DefaultChecklist is the checklist a centre starts with.
func (Rules) DefaultChecklist() []vaern.OnboardingItem { return DefaultChecklist() }

// MappingValue validates an answer to a mapping question.
func (Rules) MappingValue(q *framework.Question, v string) (string, error) { return MappingValue(q, v) }
