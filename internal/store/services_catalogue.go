package store

import (
	"context"

	"github.com/vaern/vaern"
)

// The centre's service catalogue and the members' subscriptions. A service belongs to one centre
// (services.centre_id); a subscription to one member and is reached either by that member
// (org_id) or by the centre whose service it is, never by another member or centre.

const serviceCols = `v.id, v.centre_id, v.name_da, v.name_nb, v.name_en, v.desc_da, v.desc_nb, v.desc_en, v.service_level,
	v.price_model, v.contact, v.status, v.created_at, v.updated_at`

func scanService(r scanner) (vaern.Service, error) {
	var v vaern.Service
	var c, u int64
	err := r.Scan(&v.ID, &v.CentreID, &v.Name.Da, &v.Name.Nb, &v.Name.En, &v.Description.Da, &v.Description.Nb, &v.Description.En,
		&v.ServiceLevel, &v.PriceModel, &v.Contact, &v.Status, &c, &u)
	v.CreatedAt, v.UpdatedAt = fromMS(c), fromMS(u)
	return v, mapErr(err)
}

// SaveService adds a service to the centre's catalogue (v.ID 0) or changes one of its own.
func (s *Store) SaveService(ctx context.Context, a vaern.Actor, centreID int64, v vaern.Service) (vaern.Service, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		v, err = tx.SaveService(ctx, a, centreID, v)
		return err
	})
	return v, err
}

// SaveService is SaveService inside a transaction (the demo's seed).
func (t *Tx) SaveService(ctx context.Context, a vaern.Actor, centreID int64, v vaern.Service) (vaern.Service, error) {
	if v.ID != 0 { // another centre's service is not found, whatever the form says
		if _, err := scanService(t.queryRow(ctx, "SELECT "+serviceCols+" FROM services v WHERE v.centre_id = ? AND v.id = ?", centreID, v.ID)); err != nil {
			return v, err
		}
	}
	if err := t.s.rules.Services.CleanService(&v); err != nil {
		return v, err
	}
	if err := t.centreOnly(ctx, centreID); err != nil {
		return v, err
	}
	now := ms(t.s.now())
	action := "service.update"
	if v.ID == 0 {
		id, err := t.insert(ctx, `INSERT INTO services (centre_id, name_da, name_nb, name_en, desc_da, desc_nb, desc_en, service_level,
			price_model, contact, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			centreID, v.Name.Da, v.Name.Nb, v.Name.En, v.Description.Da, v.Description.Nb, v.Description.En, v.ServiceLevel,
			v.PriceModel, v.Contact, v.Status, now, now)
		if err != nil {
			return v, err
		}
		v.ID, action = id, "service.create"
	} else {
		res, err := t.exec(ctx, `UPDATE services SET name_da = ?, name_nb = ?, name_en = ?, desc_da = ?, desc_nb = ?, desc_en = ?,
			service_level = ?, price_model = ?, contact = ?, status = ?, updated_at = ? WHERE id = ? AND centre_id = ?`,
			v.Name.Da, v.Name.Nb, v.Name.En, v.Description.Da, v.Description.Nb, v.Description.En, v.ServiceLevel,
			v.PriceModel, v.Contact, v.Status, now, v.ID, centreID)
		if err != nil {
			return v, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return v, vaern.ErrNotFound
		}
	}
	v.CentreID = centreID
	return v, t.Audit(ctx, a, Change{OrgID: centreID, Action: action, ObjectType: "service", ObjectID: v.ID,
		Detail: map[string]any{"name": v.Name.En, "status": v.Status}})
}

// Services lists the catalogue of centre centreID with each service's active and pending
// subscriptions; offeredOnly leaves out retired services.
func (s *Store) Services(ctx context.Context, centreID int64, offeredOnly bool) ([]vaern.Service, error) {
	q := `SELECT ` + serviceCols + `,
		(SELECT COUNT(*) FROM service_subscriptions x WHERE x.service_id = v.id AND x.status IN ('active', 'ending')),
		(SELECT COUNT(*) FROM service_subscriptions x WHERE x.service_id = v.id AND x.status IN ('requested', 'ending'))
		FROM services v WHERE v.centre_id = ?`
	args := []any{centreID}
	if offeredOnly {
		q += " AND v.status = ?"
		args = append(args, vaern.ServiceOffered)
	}
	rows, err := s.query(ctx, q+" ORDER BY v.name_en, v.id", args...)
	return collect(rows, err, func(r scanner) (vaern.Service, error) {
		var v vaern.Service
		var c, u int64
		err := r.Scan(&v.ID, &v.CentreID, &v.Name.Da, &v.Name.Nb, &v.Name.En, &v.Description.Da, &v.Description.Nb, &v.Description.En,
			&v.ServiceLevel, &v.PriceModel, &v.Contact, &v.Status, &c, &u, &v.Active, &v.Pending)
		v.CreatedAt, v.UpdatedAt = fromMS(c), fromMS(u)
		return v, err
	})
}

// Service is one service of centre centreID's catalogue.
func (s *Store) Service(ctx context.Context, centreID, id int64) (vaern.Service, error) {
	return scanService(s.queryRow(ctx, "SELECT "+serviceCols+" FROM services v WHERE v.centre_id = ? AND v.id = ?", centreID, id))
}

const subCols = `x.id, x.service_id, v.name_da, v.name_nb, v.name_en, x.org_id, o.name, x.status, x.request_note, x.requested_by,
	x.requested_at, x.decision_note, x.decided_by, x.decided_at, x.since, x.ended_at`

const subFrom = ` FROM service_subscriptions x JOIN services v ON v.id = x.service_id JOIN orgs o ON o.id = x.org_id`

func scanSub(r scanner) (vaern.Subscription, error) {
	var x vaern.Subscription
	var req, dec, since, ended int64
	err := r.Scan(&x.ID, &x.ServiceID, &x.Service.Da, &x.Service.Nb, &x.Service.En, &x.OrgID, &x.OrgName, &x.Status, &x.RequestNote,
		&x.RequestedBy, &req, &x.DecisionNote, &x.DecidedBy, &dec, &since, &ended)
	x.RequestedAt, x.DecidedAt, x.Since, x.EndedAt = fromMS(req), fromMS(dec), fromMS(since), fromMS(ended)
	return x, mapErr(err)
}

// RequestSubscription asks the member's centre for one of its offered services. A member has at
// most one live subscription per service.
func (s *Store) RequestSubscription(ctx context.Context, a vaern.Actor, orgID, serviceID int64, note string) (vaern.Subscription, error) {
	var out vaern.Subscription
	err := s.Write(ctx, func(tx *Tx) error {
		id, err := tx.RequestSubscription(ctx, a, orgID, serviceID, note)
		if err != nil {
			return err
		}
		out, err = scanSub(tx.queryRow(ctx, "SELECT "+subCols+subFrom+" WHERE x.id = ?", id))
		return err
	})
	return out, err
}

// RequestSubscription is RequestSubscription inside a transaction (the demo's seed).
func (t *Tx) RequestSubscription(ctx context.Context, a vaern.Actor, orgID, serviceID int64, note string) (int64, error) {
	note, err := t.s.rules.Services.CleanNote(note)
	if err != nil {
		return 0, err
	}
	var status string
	// The service must be the member's own centre's: another centre's is not found.
	err = t.queryRow(ctx, `SELECT v.status FROM services v JOIN orgs o ON o.parent_id = v.centre_id
		WHERE v.id = ? AND o.id = ? AND o.kind = 'member'`, serviceID, orgID).Scan(&status)
	if err != nil {
		return 0, mapErr(err)
	}
	if status != vaern.ServiceOffered {
		return 0, vaern.Invalid("service", "is no longer offered")
	}
	var live int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM service_subscriptions WHERE service_id = ? AND org_id = ?
		AND status IN ('requested', 'active', 'ending')`, serviceID, orgID).Scan(&live); err != nil {
		return 0, err
	}
	if live > 0 {
		return 0, vaern.Invalid("service", "is already requested or subscribed")
	}
	now := ms(t.s.now())
	id, err := t.insert(ctx, `INSERT INTO service_subscriptions (service_id, org_id, status, request_note, requested_by, requested_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, serviceID, orgID, vaern.SubRequested, note, a.UserID, now, now)
	if err != nil {
		return 0, err
	}
	return id, t.Audit(ctx, a, Change{OrgID: orgID, Action: "subscription.request", ObjectType: "subscription", ObjectID: id,
		Detail: map[string]any{"service_id": serviceID}})
}

// EndSubscription is the member's end of a subscription: an active one waits for the centre to
// confirm the end, a request not yet answered is withdrawn.
func (s *Store) EndSubscription(ctx context.Context, a vaern.Actor, orgID, subID int64, note string) error {
	return s.Write(ctx, func(tx *Tx) error {
		x, err := scanSub(tx.queryRow(ctx, "SELECT "+subCols+subFrom+" WHERE x.id = ? AND x.org_id = ?", subID, orgID))
		if err != nil {
			return err
		}
		next, err := tx.s.rules.Services.NextSubscription(x.Status, "end")
		if err != nil {
			return err
		}
		if note, err = tx.s.rules.Services.CleanNote(note); err != nil {
			return err
		}
		now := ms(tx.s.now())
		ended := int64(0)
		if next == vaern.SubEnded {
			ended = now
		}
		if _, err := tx.exec(ctx, `UPDATE service_subscriptions SET status = ?, request_note = ?, requested_by = ?, requested_at = ?,
			ended_at = ?, updated_at = ? WHERE id = ?`, next, note, a.UserID, now, ended, now, subID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "subscription.end", ObjectType: "subscription", ObjectID: subID,
			Detail: map[string]any{"service_id": x.ServiceID, "status": next}})
	})
}

// DecideSubscription is the centre's answer to a request or an end: act is "approve" or
// "decline", with a note the member sees. The subscription must be to one of the centre's services.
func (s *Store) DecideSubscription(ctx context.Context, a vaern.Actor, centreID, subID int64, act, note string) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.DecideSubscription(ctx, a, centreID, subID, act, note)
	})
}

// DecideSubscription is DecideSubscription inside a transaction (the demo's seed).
func (t *Tx) DecideSubscription(ctx context.Context, a vaern.Actor, centreID, subID int64, act, note string) error {
	x, err := scanSub(t.queryRow(ctx, "SELECT "+subCols+subFrom+" WHERE x.id = ? AND v.centre_id = ?", subID, centreID))
	if err != nil {
		return err
	}
	if act != "approve" && act != "decline" {
		return vaern.Invalid("action", "must be approve or decline")
	}
	next, err := t.s.rules.Services.NextSubscription(x.Status, act)
	if err != nil {
		return err
	}
	if note, err = t.s.rules.Services.CleanNote(note); err != nil {
		return err
	}
	now := ms(t.s.now())
	since, ended := ms(x.Since), ms(x.EndedAt)
	switch {
	case next == vaern.SubActive && x.Status == vaern.SubRequested:
		since = now
	case next == vaern.SubEnded:
		ended = now
	}
	if _, err := t.exec(ctx, `UPDATE service_subscriptions SET status = ?, decision_note = ?, decided_by = ?, decided_at = ?, since = ?,
		ended_at = ?, updated_at = ? WHERE id = ?`, next, note, a.UserID, now, since, ended, now, subID); err != nil {
		return err
	}
	return t.Audit(ctx, a, Change{OrgID: centreID, Action: "subscription." + act, ObjectType: "subscription", ObjectID: subID,
		Detail: map[string]any{"service_id": x.ServiceID, "member": x.OrgID, "status": next}})
}

// Subscriptions lists a member's subscriptions, live ones first, newest first.
func (s *Store) Subscriptions(ctx context.Context, orgID int64) ([]vaern.Subscription, error) {
	rows, err := s.query(ctx, "SELECT "+subCols+subFrom+` WHERE x.org_id = ?
		ORDER BY CASE WHEN x.status IN ('requested', 'active', 'ending') THEN 0 ELSE 1 END, x.requested_at DESC, x.id DESC`, orgID)
	return collect(rows, err, scanSub)
}

// SubscriptionFilter narrows the centre's list of subscriptions.
type SubscriptionFilter struct {
	ServiceID int64    // 0: every service
	Statuses  []string // empty: every status
}

// CentreSubscriptions lists the subscriptions to centre centreID's services, oldest request first.
func (s *Store) CentreSubscriptions(ctx context.Context, centreID int64, f SubscriptionFilter) ([]vaern.Subscription, error) {
	q := "SELECT " + subCols + subFrom + " WHERE v.centre_id = ?"
	args := []any{centreID}
	if f.ServiceID != 0 {
		q += " AND x.service_id = ?"
		args = append(args, f.ServiceID)
	}
	if len(f.Statuses) > 0 {
		q += " AND x.status IN (" + placeholders(len(f.Statuses)) + ")"
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	rows, err := s.query(ctx, q+" ORDER BY x.requested_at, x.id", args...)
	return collect(rows, err, scanSub)
}

// SubscriptionForNotice reads a subscription with its centre inside the transaction that changed
// it, for the notice that tells the other side.
func (t *Tx) SubscriptionForNotice(ctx context.Context, id int64) (vaern.Subscription, int64, error) {
	x, err := scanSub(t.queryRow(ctx, "SELECT "+subCols+subFrom+" WHERE x.id = ?", id))
	if err != nil {
		return x, 0, err
	}
	var centre int64
	err = t.queryRow(ctx, "SELECT centre_id FROM services WHERE id = ?", x.ServiceID).Scan(&centre)
	return x, centre, err
}
