package store

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// EarlyAdvisoryNotice is what the members are told when the centre publishes an advisory drafted
// from an early warning. Such an advisory names no product, so the register matcher warns nobody:
// the notifier tells the members it is addressed to instead.
type EarlyAdvisoryNotice struct {
	AdvisoryID int64
	WarningID  int64
	CentreID   int64
	Value      string // the warning's indicator
	Advisory   vaern.Advisory
	// Members are the centre's members the advisory is addressed to by its TLP and audience; for
	// a RED advisory, People are the only persons it is for.
	Members []int64
	People  []int64
}

// EarlyAdvisoryForNotice returns the notice of advisory id, and false when the advisory was not
// drafted from an early warning.
func (t *Tx) EarlyAdvisoryForNotice(ctx context.Context, id int64) (EarlyAdvisoryNotice, bool, error) {
	n := EarlyAdvisoryNotice{AdvisoryID: id}
	err := t.queryRow(ctx, `SELECT e.id, e.centre_id, e.value FROM early_warnings e
		JOIN advisories a ON a.id = e.advisory_id AND a.owner_org_id = e.centre_id
		WHERE e.advisory_id = ? ORDER BY e.id LIMIT 1`, id).Scan(&n.WarningID, &n.CentreID, &n.Value)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return n, false, nil
	} else if err != nil {
		return n, false, err
	}
	adv, err := t.advisoryFull(ctx, id)
	if err != nil {
		return n, false, err
	}
	n.Advisory = adv
	obj := access.Object{Owner: n.CentreID, Creator: adv.CreatedBy, TLP: access.TLP(adv.TLP), Audience: ParseAudience(adv.Audience)}
	if obj.TLP == access.Red {
		n.People = obj.Audience.People
	}
	rows, err := t.query(ctx, "SELECT id, country, region, size_class FROM orgs WHERE parent_id = ? AND kind = 'member' ORDER BY id", n.CentreID)
	members, err := collect(rows, err, func(r scanner) (access.Principal, error) {
		p := access.Principal{SignedIn: true}
		return p, r.Scan(&p.Org, &p.Country, &p.Region, &p.SizeClass)
	})
	if err != nil {
		return n, false, err
	}
	for _, m := range members {
		// A RED advisory's named people may be in any member: the notifier picks them out.
		if obj.TLP == access.Red || access.May(m, obj) {
			n.Members = append(n.Members, m.Org)
		}
	}
	return n, true, nil
}
