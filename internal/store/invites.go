package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Who may bring a person into an organisation (docs/anonymity.md, "Who the centre can reach"):
// a member's own coordinators; the centre only for a member's first coordinator, while the member
// has nobody, or through a recovery; the operator (vaern user create) only for a member's first
// coordinator. One person is either the centre's staff or a member's, never both, so no centre
// user ever holds a role in a member.

// Invitation origins (vaern.LinkToken.Origin).
const (
	OriginOrg      = ""
	OriginCentre   = "centre"
	OriginRecovery = "recovery"
)

// RecoveryWait is how long a recovery is announced to the member's coordinators before the
// centre can send its invitation; any coordinator of the member can cancel it meanwhile.
const RecoveryWait = 14 * 24 * time.Hour

// orgKindParent returns an organisation's kind and parent.
func (t *Tx) orgKindParent(ctx context.Context, orgID int64) (vaern.OrgKind, int64, error) {
	var kind string
	var parent int64
	err := t.queryRow(ctx, "SELECT kind, COALESCE(parent_id, 0) FROM orgs WHERE id = ?", orgID).Scan(&kind, &parent)
	return vaern.OrgKind(kind), parent, mapErr(err)
}

func (t *Tx) orgPeople(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := t.queryRow(ctx, "SELECT COUNT(*) FROM memberships WHERE org_id = ?", orgID).Scan(&n)
	return n, err
}

// otherSide refuses to place a user who belongs to the other kind of organisation: centre staff
// in a member, or a member's people in the centre.
func (t *Tx) otherSide(ctx context.Context, userID int64, kind vaern.OrgKind) error {
	if userID == 0 {
		return nil
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? AND o.kind <> ?`,
		userID, string(kind)).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		if kind == vaern.OrgMember {
			return vaern.Invalid("email", "belongs to the centre's staff, who never get a role in a member")
		}
		return vaern.Invalid("email", "belongs to a member's people, who do not get a role in the centre")
	}
	return nil
}

func (t *Tx) userIDByEmail(ctx context.Context, email string) (int64, error) {
	var id int64
	err := t.queryRow(ctx, "SELECT id FROM users WHERE email = ?", email).Scan(&id)
	if err != nil && mapErr(err) == vaern.ErrNotFound {
		return 0, nil
	}
	return id, err
}

// mayGrant checks that actor still holds, in orgID, a role that may give role.
func (t *Tx) mayGrant(ctx context.Context, orgID, actorID int64, kind vaern.OrgKind, role vaern.Role) error {
	var r string
	if err := t.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", orgID, actorID).Scan(&r); err != nil {
		return vaern.Invalid("role", "is not one you can give")
	}
	if !vaern.CanGrant(vaern.Role(r), kind, role) {
		return vaern.Invalid("role", "is not one you can give")
	}
	return nil
}

// CreateInvite stores an invitation and queues its e-mail after checking, in the transaction, who
// may invite: the organisation's own coordinator (or the centre's admin for its staff); the
// centre's admin (Origin "centre") only for a member of that centre without any people, and only
// as coordinator.
func (s *Store) CreateInvite(ctx context.Context, a vaern.Actor, lt vaern.LinkToken, hash string, m vaern.Mail) (vaern.LinkToken, error) {
	lt.Kind = "invite"
	err := s.Write(ctx, func(tx *Tx) error {
		kind, parent, err := tx.orgKindParent(ctx, lt.OrgID)
		if err != nil {
			return err
		}
		switch lt.Origin {
		case OriginOrg:
			if err := tx.mayGrant(ctx, lt.OrgID, a.UserID, kind, lt.Role); err != nil {
				return err
			}
		case OriginCentre:
			if kind != vaern.OrgMember || lt.Role != vaern.RoleCoordinator {
				return vaern.Invalid("role", "is not one you can give")
			}
			if err := tx.mayGrant(ctx, parent, a.UserID, kind, lt.Role); err != nil {
				return vaern.ErrNotFound
			}
			if n, err := tx.orgPeople(ctx, lt.OrgID); err != nil {
				return err
			} else if n > 0 {
				return vaern.Invalid("email", "the member already has people: only its own coordinators invite more; a member that lost every coordinator needs a recovery")
			}
		default:
			return vaern.Invalid("origin", "is not known")
		}
		uid, err := tx.userIDByEmail(ctx, lt.Email)
		if err != nil {
			return err
		}
		if err := tx.otherSide(ctx, uid, kind); err != nil {
			return err
		}
		return tx.createLinkToken(ctx, a, &lt, hash, m)
	})
	return lt, err
}

// AcceptInvite applies a used invitation inside UseLinkToken's transaction: userID is the existing
// account accepting it (0: nu is created). The rules of CreateInvite are checked again, since
// things may have changed since the link was sent: the inviting coordinator may have been
// removed, the member may have got its first coordinator, the recovery may have been cancelled.
func (t *Tx) AcceptInvite(ctx context.Context, a vaern.Actor, lt vaern.LinkToken, userID int64, nu NewUser) error {
	kind, _, err := t.orgKindParent(ctx, lt.OrgID)
	if err != nil {
		return err
	}
	switch lt.Origin {
	case OriginOrg:
		if err := t.mayGrant(ctx, lt.OrgID, lt.CreatedBy, kind, lt.Role); err != nil {
			return vaern.Invalid("email", "the invitation is no longer valid: the person who sent it can no longer invite here")
		}
	case OriginCentre:
		if n, err := t.orgPeople(ctx, lt.OrgID); err != nil {
			return err
		} else if n > 0 {
			return vaern.Invalid("email", "the invitation is no longer valid: the member has people now, and they invite their colleagues")
		}
	case OriginRecovery:
		res, err := t.exec(ctx, `UPDATE member_recoveries SET status = 'completed', closed_at = ?, closed_by = ?
			WHERE org_id = ? AND email = ? AND status = 'invited'`, ms(t.s.now()), lt.Email, lt.OrgID, lt.Email)
		if err := affected(res, err); err != nil {
			return vaern.Invalid("email", "the invitation is no longer valid: the recovery was cancelled")
		}
	default:
		return vaern.Invalid("origin", "is not known")
	}
	if userID != 0 {
		if err := t.AddMembership(ctx, a, vaern.Membership{UserID: userID, OrgID: lt.OrgID, Role: lt.Role, UnitID: lt.UnitID}); err != nil {
			return err
		}
	} else {
		nu.Email, nu.OrgID, nu.Role, nu.UnitID = lt.Email, lt.OrgID, lt.Role, lt.UnitID
		u, err := t.CreateUser(ctx, a, nu)
		if err != nil {
			return err
		}
		userID = u.ID
	}
	// A contact invited by its e-mail becomes this user: its systems are now the user's.
	if err := t.claimContacts(ctx, a, lt.OrgID, userID, lt.Email); err != nil {
		return err
	}
	if lt.Origin != OriginOrg {
		return t.markCentreJoined(ctx, a, lt.OrgID, lt.Origin)
	}
	return nil
}

// markCentreJoined records that a person entered the member through the centre or the operator:
// the member does not count toward k for a while (results.Independent).
func (t *Tx) markCentreJoined(ctx context.Context, a vaern.Actor, orgID int64, via string) error {
	if _, err := t.exec(ctx, "UPDATE orgs SET centre_joined_at = ? WHERE id = ?", ms(t.s.now()), orgID); err != nil {
		return err
	}
	return t.Audit(ctx, a, Change{OrgID: orgID, Action: "org.centre_joined", ObjectType: "org", ObjectID: orgID, Detail: map[string]any{"via": via}})
}

// Recovery is a member recovery: the centre invites a new coordinator named by the member out of
// band, after announcing it to the member's coordinators and waiting RecoveryWait.
type Recovery struct {
	ID          int64
	CentreID    int64
	OrgID       int64
	Email       string
	RequestedBy string
	Reason      string
	Status      string // pending, invited, completed, cancelled
	CreatedAt   time.Time
	NotBefore   time.Time
	InvitedAt   time.Time
	ClosedAt    time.Time
	ClosedBy    string
}

const recoveryCols = `id, centre_id, org_id, email, requested_by, reason, status, created_at, not_before, invited_at, closed_at, closed_by`

func scanRecovery(r scanner) (Recovery, error) {
	var x Recovery
	var c, nb, inv, cl int64
	err := r.Scan(&x.ID, &x.CentreID, &x.OrgID, &x.Email, &x.RequestedBy, &x.Reason, &x.Status, &c, &nb, &inv, &cl, &x.ClosedBy)
	x.CreatedAt, x.NotBefore, x.InvitedAt, x.ClosedAt = fromMS(c), fromMS(nb), fromMS(inv), fromMS(cl)
	return x, mapErr(err)
}

// Recoveries lists a member's recoveries, newest first. Both the centre (for its member) and the
// member itself read them.
func (s *Store) Recoveries(ctx context.Context, orgID int64) ([]Recovery, error) {
	rows, err := s.query(ctx, "SELECT "+recoveryCols+" FROM member_recoveries WHERE org_id = ? ORDER BY id DESC", orgID)
	return collect(rows, err, scanRecovery)
}

// CoordinatorContacts returns everyone who is or was a coordinator of the member (from its
// memberships and its audit chain), to announce a recovery to.
func (t *Tx) CoordinatorContacts(ctx context.Context, orgID int64) ([]vaern.User, error) {
	rows, err := t.query(ctx, `SELECT object_id FROM audit_log WHERE chain = ? AND object_type = 'user'
		AND action IN ('user.create', 'membership.add', 'membership.role') AND detail LIKE ?`, orgID, `%"coordinator"%`)
	ids, err := collect(rows, err, func(r scanner) (string, error) { var s string; return s, r.Scan(&s) })
	if err != nil {
		return nil, err
	}
	rows, err = t.query(ctx, "SELECT user_id FROM memberships WHERE org_id = ? AND role = ?", orgID, string(vaern.RoleCoordinator))
	cur, err := collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, s := range ids {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			seen[id] = true
		}
	}
	for _, id := range cur {
		seen[id] = true
	}
	var out []vaern.User
	for id := range seen {
		u, err := scanUser(t.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = ?", id))
		if err == vaern.ErrNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// StartRecovery records a recovery of one of the centre's members and, in the same transaction,
// queues announce(u) to every present and former coordinator of the member. The new address must
// not be centre staff; a member has one open recovery at a time.
func (s *Store) StartRecovery(ctx context.Context, a vaern.Actor, centreID int64, r Recovery, announce func(vaern.User) vaern.Mail) (Recovery, error) {
	r.RequestedBy, r.Reason = strings.TrimSpace(r.RequestedBy), strings.TrimSpace(r.Reason)
	email, err := NormalizeEmail(r.Email)
	if err != nil {
		return r, err
	}
	r.Email = email
	if r.RequestedBy == "" {
		return r, vaern.Invalid("requested_by", "is required: who at the member asked for the recovery, and how it was confirmed")
	}
	if len([]rune(r.RequestedBy)) > 300 || len([]rune(r.Reason)) > 2000 {
		return r, vaern.Invalid("reason", "is too long")
	}
	err = s.Write(ctx, func(tx *Tx) error {
		kind, parent, err := tx.orgKindParent(ctx, r.OrgID)
		if err != nil || kind != vaern.OrgMember || parent != centreID {
			return vaern.ErrNotFound
		}
		var open int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM member_recoveries WHERE org_id = ? AND status IN ('pending', 'invited')", r.OrgID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return vaern.Invalid("email", "a recovery of this member is already under way")
		}
		uid, err := tx.userIDByEmail(ctx, r.Email)
		if err != nil {
			return err
		}
		if err := tx.otherSide(ctx, uid, vaern.OrgMember); err != nil {
			return err
		}
		now := tx.s.now()
		r.CentreID, r.Status, r.CreatedAt, r.NotBefore = centreID, "pending", now, now.Add(RecoveryWait)
		id, err := tx.insert(ctx, `INSERT INTO member_recoveries (centre_id, org_id, email, requested_by, reason, status, created_by, created_at, not_before)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, centreID, r.OrgID, r.Email, r.RequestedBy, r.Reason, r.Status, nullID(a.UserID), ms(now), ms(r.NotBefore))
		if err != nil {
			return err
		}
		r.ID = id
		contacts, err := tx.CoordinatorContacts(ctx, r.OrgID)
		if err != nil {
			return err
		}
		for _, u := range contacts {
			if err := tx.EnqueueMail(ctx, announce(u)); err != nil {
				return err
			}
		}
		detail := map[string]any{"email": r.Email, "requested_by": r.RequestedBy, "not_before": r.NotBefore.Format(time.RFC3339), "announced_to": len(contacts)}
		// In both chains: the centre's, and the member's own, which its coordinators read.
		for _, chain := range []int64{centreID, r.OrgID} {
			if err := tx.Audit(ctx, a, Change{OrgID: chain, Action: "recovery.start", ObjectType: "recovery", ObjectID: id, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// SendRecoveryInvite creates the recovery's invitation (invite(lt) gives its mail) once the
// waiting time is over, as coordinator of the member.
func (s *Store) SendRecoveryInvite(ctx context.Context, a vaern.Actor, centreID, orgID int64, lt vaern.LinkToken, hash string, m vaern.Mail) error {
	return s.Write(ctx, func(tx *Tx) error {
		r, err := scanRecovery(tx.queryRow(ctx, "SELECT "+recoveryCols+" FROM member_recoveries WHERE centre_id = ? AND org_id = ? AND status = 'pending'", centreID, orgID))
		if err != nil {
			return vaern.Invalid("email", "no recovery of this member is waiting")
		}
		now := tx.s.now()
		if now.Before(r.NotBefore) {
			return vaern.Invalid("email", "the recovery can be sent from %s, after its announcement to the member's coordinators", r.NotBefore.Format("2006-01-02 15:04"))
		}
		uid, err := tx.userIDByEmail(ctx, r.Email)
		if err != nil {
			return err
		}
		if err := tx.otherSide(ctx, uid, vaern.OrgMember); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE member_recoveries SET status = 'invited', invited_at = ? WHERE id = ?", ms(now), r.ID); err != nil {
			return err
		}
		lt.Kind, lt.Origin, lt.Email, lt.OrgID, lt.Role, lt.UnitID = "invite", OriginRecovery, r.Email, orgID, vaern.RoleCoordinator, 0
		m.To = r.Email
		if err := tx.createLinkToken(ctx, a, &lt, hash, m); err != nil {
			return err
		}
		for _, chain := range []int64{centreID, orgID} {
			if err := tx.Audit(ctx, a, Change{OrgID: chain, Action: "recovery.invite", ObjectType: "recovery", ObjectID: r.ID,
				Detail: map[string]any{"email": r.Email}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// CancelRecovery stops a member's open recovery: orgID is the member, tenant the organisation of
// the actor (the member's coordinator, or its centre). Its invitation, if sent, stops working.
func (s *Store) CancelRecovery(ctx context.Context, a vaern.Actor, tenant, orgID int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		r, err := scanRecovery(tx.queryRow(ctx, "SELECT "+recoveryCols+` FROM member_recoveries WHERE org_id = ? AND (org_id = ? OR centre_id = ?)
			AND status IN ('pending', 'invited')`, orgID, tenant, tenant))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE member_recoveries SET status = 'cancelled', closed_at = ?, closed_by = ? WHERE id = ?",
			ms(tx.s.now()), a.Email, r.ID); err != nil {
			return err
		}
		for _, chain := range []int64{r.CentreID, orgID} {
			if err := tx.Audit(ctx, a, Change{OrgID: chain, Action: "recovery.cancel", ObjectType: "recovery", ObjectID: r.ID}); err != nil {
				return err
			}
		}
		return nil
	})
}
