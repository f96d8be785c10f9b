package notify

import "github.com/vaern/vaern"

// Who gets what. Every rule starts from the people of the organisation the event belongs to (the
// store lists them, scoped by the organisation), so nobody in another member is ever told; it then
// keeps those who may act on the kind, are not disabled, and are not the person who caused the
// event (nobody is told what they just did themselves).

// pick keeps the people in all for whom match holds and who may receive kind k.
func pick(k Kind, all []vaern.Recipient, actorID int64, match func(vaern.Recipient) bool) []vaern.Recipient {
	var out []vaern.Recipient
	for _, r := range all {
		if r.Disabled || r.UserID == actorID || !vaern.Can(r.Role, k.Perm) || !match(r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// People are the given persons, as far as they may receive k.
func People(k Kind, all []vaern.Recipient, actorID int64, ids ...int64) []vaern.Recipient {
	want := map[int64]bool{}
	for _, id := range ids {
		if id != 0 {
			want[id] = true
		}
	}
	return pick(k, all, actorID, func(r vaern.Recipient) bool { return want[r.UserID] })
}

// Unit is everyone placed in the unit who may receive k.
func Unit(k Kind, all []vaern.Recipient, actorID, unitID int64) []vaern.Recipient {
	return pick(k, all, actorID, func(r vaern.Recipient) bool { return unitID != 0 && r.UnitID == unitID })
}

// Coordinators are the member's coordinators (who may receive k).
func Coordinators(k Kind, all []vaern.Recipient, actorID int64) []vaern.Recipient {
	return pick(k, all, actorID, func(r vaern.Recipient) bool { return r.Role == vaern.RoleCoordinator })
}

// Delegates are who a delegation tells: the person it names, or everyone of the unit it names
// who can answer.
func Delegates(all []vaern.Recipient, actorID, personID, unitID int64) []vaern.Recipient {
	k, _ := Lookup(Delegated)
	if personID != 0 {
		return People(k, all, actorID, personID)
	}
	return Unit(k, all, actorID, unitID)
}

// Owners are who a system's reminder (risk review, data-processing agreement) tells: its system
// owner, else its data owner, as far as they may edit the register; when neither can, the member's
// coordinators, so that the reminder reaches someone who can act.
func Owners(k Kind, all []vaern.Recipient, systemOwner, dataOwner int64) []vaern.Recipient {
	for _, id := range []int64{systemOwner, dataOwner} {
		if got := People(k, all, 0, id); len(got) > 0 {
			return got
		}
	}
	return Coordinators(k, all, 0)
}

// Everyone is everyone of the organisation who may receive k.
func Everyone(k Kind, all []vaern.Recipient) []vaern.Recipient {
	return pick(k, all, 0, func(vaern.Recipient) bool { return true })
}
