package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// ChangeHook is told of every audited change inside the change's own transaction, after its audit
// row. The notifications module uses it to tell people about what happened, so that a committed
// change always has its notifications, e-mails and webhook deliveries and a rolled-back one has none.
// An error from the hook rolls the change back.
type ChangeHook func(ctx context.Context, tx *Tx, a vaern.Actor, c Change) error

// SetChangeHook installs h (nil removes it). Call it before the store is used by requests.
func (s *Store) SetChangeHook(h ChangeHook) { s.hook = h }

// Now is the store's clock, for work done inside a transaction.
func (t *Tx) Now() time.Time { return t.s.now() }

// NotifyEvent records that an event of kind happened in the organisation. An event with a dedupe
// key happens once: a second call with the same key reports fresh == false and writes nothing, so
// two app nodes running the same reminder never tell anyone twice.
func (t *Tx) NotifyEvent(ctx context.Context, orgID int64, kind, dedupe string) (id int64, fresh bool, err error) {
	var key any
	if dedupe != "" {
		key = dedupe
	}
	err = t.queryRow(ctx, `INSERT INTO notify_events (org_id, kind, dedupe, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dedupe) DO NOTHING RETURNING id`, orgID, kind, key, ms(t.s.now())).Scan(&id)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return 0, false, nil
	} else if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// Recipients lists the organisation's people as the notification rules see them, each with the
// language their texts are written in: their own choice, else the member's country's.
func (t *Tx) Recipients(ctx context.Context, orgID int64) ([]vaern.Recipient, error) {
	rows, err := t.query(ctx, `SELECT u.id, u.email, u.name, CASE WHEN u.lang <> '' THEN u.lang WHEN o.country = 'NO' THEN 'nb' ELSE 'da' END,
		m.role, COALESCE(m.unit_id, 0), u.disabled
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id WHERE m.org_id = ? ORDER BY u.id`, orgID)
	return collect(rows, err, func(r scanner) (vaern.Recipient, error) {
		var x vaern.Recipient
		var role string
		err := r.Scan(&x.UserID, &x.Email, &x.Name, &x.Lang, &role, &x.UnitID, &x.Disabled)
		x.Role = vaern.Role(role)
		return x, err
	})
}

// NotifyMode is the person's e-mail mode for kind; "" when they never chose (the kind's default applies).
func (t *Tx) NotifyMode(ctx context.Context, userID int64, kind string) (string, error) {
	var mode string
	err := t.queryRow(ctx, "SELECT mode FROM notify_prefs WHERE user_id = ? AND kind = ?", userID, kind).Scan(&mode)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return "", nil // not chosen: the kind's default (notify.Mode)
	} else if err != nil {
		return "", err
	}
	return mode, nil
}

// AddNotification tells one person of the event, and queues m in the outbox when it is not nil.
// n.Mail says how the e-mail goes ("sent" with m, "digest" or "none"). A person who is not in the
// organisation is not found: nobody is ever told about another member's business.
func (t *Tx) AddNotification(ctx context.Context, n vaern.Notification, m *vaern.Mail) (int64, error) {
	if n.Mail == "" {
		n.Mail = "none"
	}
	if (m != nil) != (n.Mail == "sent") {
		return 0, vaern.Invalid("mail", "an e-mail goes with mode sent and only then")
	}
	id, err := t.insert(ctx, `INSERT INTO notifications (event_id, org_id, user_id, kind, title, body, url, lang, created_at, mail)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?)`,
		n.EventID, n.OrgID, n.UserID, n.Kind, n.Title, n.Body, n.URL, n.Lang, ms(t.s.now()), n.Mail, n.OrgID, n.UserID)
	if err != nil {
		return 0, err
	}
	if m != nil {
		if err := t.EnqueueMail(ctx, *m); err != nil {
			return 0, err
		}
	}
	return id, nil
}

const notificationCols = `id, event_id, org_id, user_id, kind, title, body, url, lang, created_at, read_at, mail`

func scanNotification(r scanner) (vaern.Notification, error) {
	var n vaern.Notification
	var c, rd int64
	err := r.Scan(&n.ID, &n.EventID, &n.OrgID, &n.UserID, &n.Kind, &n.Title, &n.Body, &n.URL, &n.Lang, &c, &rd, &n.Mail)
	n.CreatedAt, n.ReadAt = fromMS(c), fromMS(rd)
	return n, mapErr(err)
}

// Notifications lists the person's notifications in the organisation, newest first.
func (s *Store) Notifications(ctx context.Context, orgID, userID int64, limit int) ([]vaern.Notification, error) {
	rows, err := s.query(ctx, "SELECT "+notificationCols+` FROM notifications WHERE org_id = ? AND user_id = ?
		ORDER BY id DESC LIMIT ?`, orgID, userID, limit)
	return collect(rows, err, scanNotification)
}

// Notification returns one of the person's notifications; anyone else's is not found.
func (s *Store) Notification(ctx context.Context, orgID, userID, id int64) (vaern.Notification, error) {
	return scanNotification(s.queryRow(ctx, "SELECT "+notificationCols+" FROM notifications WHERE org_id = ? AND user_id = ? AND id = ?",
		orgID, userID, id))
}

// unreadCount counts a person's unread notifications in an organisation (the bell). Arguments:
// the user, the organisation.
const unreadCount = "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND org_id = ? AND read_at = 0"

// UnreadNotifications counts the person's unread notifications in the organisation (the bell).
func (s *Store) UnreadNotifications(ctx context.Context, orgID, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, unreadCount, userID, orgID).Scan(&n)
	return n, err
}

// MarkNotificationRead marks one of the person's notifications read; anyone else's is not found.
func (s *Store) MarkNotificationRead(ctx context.Context, orgID, userID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var x int64
		if err := tx.queryRow(ctx, "SELECT id FROM notifications WHERE org_id = ? AND user_id = ? AND id = ?", orgID, userID, id).Scan(&x); err != nil {
			return mapErr(err)
		}
		_, err := tx.exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at = 0", ms(tx.s.now()), id)
		return err
	})
}

// MarkAllNotificationsRead marks every notification of the person in the organisation read and
// returns how many were unread.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, orgID, userID int64) (int, error) {
	var n int
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE notifications SET read_at = ? WHERE org_id = ? AND user_id = ? AND read_at = 0", ms(tx.s.now()), orgID, userID)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return nil
	})
	return n, err
}

// NotifyPrefs returns the person's chosen modes by kind (kinds they never chose are missing).
func (s *Store) NotifyPrefs(ctx context.Context, userID int64) (map[string]string, error) {
	rows, err := s.query(ctx, "SELECT kind, mode FROM notify_prefs WHERE user_id = ?", userID)
	prefs, err := collect(rows, err, func(r scanner) (vaern.NotifyPref, error) {
		var p vaern.NotifyPref
		return p, r.Scan(&p.Kind, &p.Mode)
	})
	out := map[string]string{}
	for _, p := range prefs {
		out[p.Kind] = p.Mode
	}
	return out, err
}

// SetNotifyPrefs saves the person's modes. legal says which kinds are legal deadlines: those cannot
// be switched off, and the check is made here, in the transaction that writes the choice.
func (s *Store) SetNotifyPrefs(ctx context.Context, a vaern.Actor, orgID, userID int64, prefs []vaern.NotifyPref, legal func(kind string) bool) error {
	for _, p := range prefs {
		switch {
		case p.Kind == "" || len(p.Kind) > 100 || strings.ContainsAny(p.Kind, " \r\n"):
			return vaern.Invalid("kind", "is not a kind of notification")
		case p.Mode != vaern.NotifyImmediate && p.Mode != vaern.NotifyDigest && p.Mode != vaern.NotifyOff:
			return vaern.Invalid("pref."+p.Kind, "must be immediate, digest or off")
		}
	}
	return s.Write(ctx, func(tx *Tx) error {
		detail := map[string]any{}
		for _, p := range prefs {
			if p.Mode == vaern.NotifyOff && legal(p.Kind) {
				return vaern.Invalid("pref."+p.Kind, "is a legal deadline and cannot be switched off")
			}
			if _, err := tx.exec(ctx, `INSERT INTO notify_prefs (user_id, kind, mode) VALUES (?, ?, ?)
				ON CONFLICT (user_id, kind) DO UPDATE SET mode = excluded.mode`, userID, p.Kind, p.Mode); err != nil {
				return err
			}
			detail[p.Kind] = p.Mode
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "notify.prefs", ObjectType: "user", ObjectID: userID, Detail: detail})
	})
}

// DigestRecipients lists the people with notifications waiting for a digest that were made before
// cutoff.
func (s *Store) DigestRecipients(ctx context.Context, cutoff time.Time) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT user_id FROM notifications WHERE mail = 'digest' AND created_at < ? ORDER BY user_id", ms(cutoff))
	return collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
}

// SendDigest takes the person's notifications waiting for a digest made before cutoff, marks them
// digested and queues the one e-mail compose makes of them, in one transaction: two app nodes
// never send the same digest, and a crash never loses one. It reports whether a digest was queued.
func (s *Store) SendDigest(ctx context.Context, userID int64, cutoff time.Time, compose func(u vaern.User, ns []vaern.Notification) vaern.Mail) (bool, error) {
	sent := false
	err := s.Write(ctx, func(tx *Tx) error {
		var u vaern.User
		if err := tx.queryRow(ctx, "SELECT id, email, name, lang, disabled FROM users WHERE id = ?", userID).
			Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.Disabled); err != nil {
			return mapErr(err)
		}
		rows, err := tx.query(ctx, "SELECT "+notificationCols+` FROM notifications WHERE user_id = ? AND mail = 'digest' AND created_at < ?
			ORDER BY id`, userID, ms(cutoff))
		ns, err := collect(rows, err, scanNotification)
		if err != nil || len(ns) == 0 {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE notifications SET mail = 'digested' WHERE user_id = ? AND mail = 'digest' AND created_at < ?",
			userID, ms(cutoff)); err != nil {
			return err
		}
		if u.Disabled || u.Email == "" {
			return nil
		}
		sent = true
		return tx.EnqueueMail(ctx, compose(u, ns))
	})
	return sent, err
}
