package services

import (
	"strings"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

// Field limits of a service (characters).
const (
	maxName  = 200
	maxDesc  = 5000
	maxShort = 500
	maxNote  = 2000
)

// CleanService trims a service's fields and checks them: a name in every language, the status
// one of the two, and nothing longer than its limit.
func CleanService(s *vaern.Service) error {
	for _, f := range []*string{&s.Name.Da, &s.Name.Nb, &s.Name.En, &s.Description.Da, &s.Description.Nb, &s.Description.En,
		&s.ServiceLevel, &s.PriceModel, &s.Contact} {
		*f = strings.TrimSpace(*f)
	}
	for _, n := range []struct {
		field, v string
		max      int
		required bool
	}{
		{"name_da", s.Name.Da, maxName, true}, {"name_nb", s.Name.Nb, maxName, true}, {"name_en", s.Name.En, maxName, true},
		{"desc_da", s.Description.Da, maxDesc, false}, {"desc_nb", s.Description.Nb, maxDesc, false}, {"desc_en", s.Description.En, maxDesc, false},
		{"service_level", s.ServiceLevel, maxShort, false}, {"price_model", s.PriceModel, maxShort, false}, {"contact", s.Contact, maxShort, false},
	} {
		if n.required && n.v == "" {
			return vaern.Invalid(n.field, "is required")
		}
		if utf8.RuneCountInString(n.v) > n.max {
			return vaern.Invalid(n.field, "is too long")
		}
	}
	switch s.Status {
	case "":
		s.Status = vaern.ServiceOffered
	case vaern.ServiceOffered, vaern.ServiceRetired:
	default:
		return vaern.Invalid("status", "must be offered or retired")
	}
	return nil
}

// Subscription actions.
const (
	ActApprove = "approve" // the centre: a request becomes active, an end becomes ended
	ActDecline = "decline" // the centre: a request is declined, an end is refused (stays active)
	ActEnd     = "end"     // the member: ends an active subscription (asks the centre), withdraws a request
)

// Next is the status a subscription in status from moves to by act, or an error naming the
// action when act does not apply to it.
func Next(from, act string) (string, error) {
	switch {
	case act == ActApprove && from == vaern.SubRequested:
		return vaern.SubActive, nil
	case act == ActApprove && from == vaern.SubEnding:
		return vaern.SubEnded, nil
	case act == ActDecline && from == vaern.SubRequested:
		return vaern.SubDeclined, nil
	case act == ActDecline && from == vaern.SubEnding:
		return vaern.SubActive, nil
	case act == ActEnd && from == vaern.SubActive:
		return vaern.SubEnding, nil
	case act == ActEnd && from == vaern.SubRequested:
		return vaern.SubEnded, nil // a request withdrawn before the centre answered
	}
	return "", vaern.Invalid("action", "does not apply to the subscription as it stands")
}

// CleanNote trims a request's or decision's note and bounds it.
func CleanNote(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxNote {
		return s, vaern.Invalid("note", "is too long")
	}
	return s, nil
}
