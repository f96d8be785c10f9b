package store

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// NameKeyOf is the key a product name is curated under: lower-cased, spaces collapsed.
func NameKeyOf(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// ProductMapping is a product name from the registers confirmed as a CPE or purl.
type ProductMapping struct {
	ID          int64
	NameKey     string
	Name        string
	CPE         string
	PURL        string
	ConfirmedBy int64
	ByName      string
	ConfirmedAt time.Time
}

// ProductMappings lists the confirmed mappings by name.
func (s *Store) ProductMappings(ctx context.Context) ([]ProductMapping, error) {
	rows, err := s.query(ctx, `SELECT m.id, m.name_key, m.name, m.cpe, m.purl, m.confirmed_by, COALESCE(u.name, u.email, ''), m.confirmed_at
		FROM product_mappings m LEFT JOIN users u ON u.id = m.confirmed_by ORDER BY m.name_key`)
	return collect(rows, err, scanMapping)
}

func scanMapping(r scanner) (ProductMapping, error) {
	var m ProductMapping
	var at int64
	err := r.Scan(&m.ID, &m.NameKey, &m.Name, &m.CPE, &m.PURL, &m.ConfirmedBy, &m.ByName, &at)
	m.ConfirmedAt = fromMS(at)
	return m, mapErr(err)
}

// ConfirmMapping records that a product name is the given CPE 2.3 name or purl, once for every
// member: systems of that name get it as a suggestion. A later confirmation replaces it.
func (s *Store) ConfirmMapping(ctx context.Context, a vaern.Actor, orgID int64, name, cpe, purl string) error {
	name = strings.Join(strings.Fields(name), " ")
	cpe, purl = strings.TrimSpace(cpe), strings.TrimSpace(purl)
	switch {
	case name == "":
		return vaern.Invalid("name", "is required")
	case cpe == "" && purl == "":
		return vaern.Invalid("cpe", "give a CPE 2.3 name or a purl")
	case cpe != "" && !strings.HasPrefix(cpe, "cpe:2.3:"):
		return vaern.Invalid("cpe", "is not a CPE 2.3 name (cpe:2.3:...)")
	case purl != "" && !strings.HasPrefix(purl, "pkg:"):
		return vaern.Invalid("purl", "is not a package URL (pkg:...)")
	}
	return s.Write(ctx, func(tx *Tx) error {
		now := ms(tx.s.now())
		if _, err := tx.exec(ctx, `INSERT INTO product_mappings (name_key, name, cpe, purl, confirmed_by, confirmed_org, confirmed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, cpe = excluded.cpe, purl = excluded.purl,
			confirmed_by = excluded.confirmed_by, confirmed_org = excluded.confirmed_org, confirmed_at = excluded.confirmed_at`,
			NameKeyOf(name), name, cpe, purl, a.UserID, orgID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "product_mapping.confirm", ObjectType: "product_mapping", ObjectID: NameKeyOf(name),
			Detail: map[string]any{"name": name, "cpe": cpe, "purl": purl}})
	})
}

// MappingSuggestion is a confirmed mapping for one of the member's systems that does not carry it yet.
type MappingSuggestion struct {
	SystemID   int64
	SystemName string
	Mapping    ProductMapping
}

// MappingSuggestions lists the confirmed mappings for the member's systems (one system when
// systemID is set) whose product or name has a mapping the system does not yet carry.
func (s *Store) MappingSuggestions(ctx context.Context, orgID, systemID int64) ([]MappingSuggestion, error) {
	maps, err := s.ProductMappings(ctx)
	if err != nil || len(maps) == 0 {
		return nil, err
	}
	byKey := map[string]ProductMapping{}
	for _, m := range maps {
		byKey[m.NameKey] = m
	}
	q, args := "SELECT id, name, product, cpe, purl FROM systems WHERE org_id = ?", []any{orgID}
	if systemID != 0 {
		q, args = q+" AND id = ?", append(args, systemID)
	}
	rows, err := s.query(ctx, q+" ORDER BY LOWER(name)", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MappingSuggestion
	for rows.Next() {
		var id int64
		var name, product, cpe, purl string
		if err := rows.Scan(&id, &name, &product, &cpe, &purl); err != nil {
			return nil, err
		}
		m, ok := byKey[NameKeyOf(product)]
		if !ok {
			m, ok = byKey[NameKeyOf(name)]
		}
		if !ok || (m.CPE == "" || m.CPE == cpe) && (m.PURL == "" || m.PURL == purl) {
			continue
		}
		out = append(out, MappingSuggestion{SystemID: id, SystemName: name, Mapping: m})
	}
	return out, rows.Err()
}

// WarningFeed is a configured source the warnings.feed job fetches.
type WarningFeed struct {
	ID          int64
	Kind        string // kev, csaf
	URL         string
	Enabled     bool
	Known       string // JSON: what the last fetch saw
	LastFetched time.Time
	LastResult  string
}

// WarningFeeds lists the configured feeds.
func (s *Store) WarningFeeds(ctx context.Context) ([]WarningFeed, error) {
	rows, err := s.query(ctx, "SELECT id, kind, url, enabled, known, last_fetched, last_result FROM warning_feeds ORDER BY id")
	return collect(rows, err, func(r scanner) (WarningFeed, error) {
		var f WarningFeed
		var en, at int64
		err := r.Scan(&f.ID, &f.Kind, &f.URL, &en, &f.Known, &at, &f.LastResult)
		f.Enabled, f.LastFetched = en != 0, fromMS(at)
		return f, err
	})
}

// AddWarningFeed configures a feed: the KEV catalogue's JSON address, or a CSAF provider's
// provider-metadata.json.
func (s *Store) AddWarningFeed(ctx context.Context, a vaern.Actor, centreID int64, kind, addr string) (int64, error) {
	addr = strings.TrimSpace(addr)
	if kind != "kev" && kind != "csaf" {
		return 0, vaern.Invalid("kind", "is not kev or csaf")
	}
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return 0, vaern.Invalid("url", "is not an http(s) address")
	}
	var id int64
	err = s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		var err error
		id, err = tx.insert(ctx, "INSERT INTO warning_feeds (kind, url, created_by, created_at) VALUES (?, ?, ?, ?)", kind, addr, a.UserID, ms(tx.s.now()))
		if isConflict(err) {
			return vaern.Invalid("url", "is already configured")
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "warning_feed.create", ObjectType: "warning_feed", ObjectID: id,
			Detail: map[string]any{"kind": kind, "url": addr}})
	})
	return id, err
}

// DeleteWarningFeed removes a configured feed.
func (s *Store) DeleteWarningFeed(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM warning_feeds WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vaern.ErrNotFound
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "warning_feed.delete", ObjectType: "warning_feed", ObjectID: id})
	})
}

// SetWarningFeedEnabled pauses a feed (the job skips it) or resumes it.
func (s *Store) SetWarningFeedEnabled(ctx context.Context, a vaern.Actor, centreID, id int64, enabled bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE warning_feeds SET enabled = ? WHERE id = ?", boolInt(enabled), id)
		if err := affected(res, err); err != nil {
			return err
		}
		action := "warning_feed.pause"
		if enabled {
			action = "warning_feed.resume"
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: action, ObjectType: "warning_feed", ObjectID: id})
	})
}

// FeedFetched records the outcome of a fetch and what it saw.
func (s *Store) FeedFetched(ctx context.Context, id int64, known, result string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE warning_feeds SET known = ?, last_fetched = ?, last_result = ? WHERE id = ?", known, ms(tx.s.now()), result, id)
		return err
	})
}

// PendingExposureEvent is an event waiting for its notifications, with what they say.
type PendingExposureEvent struct {
	ExposureEvent
	SystemName          string
	SystemOwnerID       int64
	DataOwnerID         int64
	OwnerContactEmail   string
	OwnerContactName    string
	AdvisorySourceID    string
	AdvisoryTitle       string
	Evidence            string
	EvidenceJSON        string
	Due                 time.Time
	ExposureTierNow     vaern.ExposureTier
	ExposureStatusNow   vaern.ExposureStatus
	AdvisoryKnownExpl   bool
	AdvisorySeverity    vaern.Severity
	AdvisoryTextsJSON   string
	AdvisoryCVEs        []string
	AdvisoryTLP         string
	AdvisoryPublishedAt time.Time
}

// NotifyExposureEvents hands up to limit events not yet told to tell, oldest first, and marks them
// told in the same transaction, so each is told once however many nodes run the job. It returns
// how many it handled.
func (s *Store) NotifyExposureEvents(ctx context.Context, limit int, tell func(tx *Tx, ev PendingExposureEvent) error) (int, error) {
	var n int
	err := s.Write(ctx, func(tx *Tx) error {
		n = 0
		rows, err := tx.query(ctx, `SELECT ev.id, ev.org_id, ev.exposure_id, ev.advisory_id, ev.system_id, ev.kind, ev.from_status, ev.to_status,
			ev.tier, ev.actor_id, '', ev.note, ev.at, s.name, COALESCE(s.system_owner_id, 0), COALESCE(s.data_owner_id, 0),
			COALESCE(co.email, ''), COALESCE(co.name, ''), a.source_id, a.title, e.evidence, e.evidence_json, e.due, e.tier, e.status,
			a.known_exploited, a.severity, a.texts, a.cves, a.tlp
			FROM exposure_events ev JOIN exposures e ON e.id = ev.exposure_id JOIN systems s ON s.id = ev.system_id
			JOIN advisories a ON a.id = ev.advisory_id LEFT JOIN contacts co ON co.id = s.system_owner_contact_id
			WHERE ev.notified = 0 ORDER BY ev.id LIMIT ?`, limit)
		list, err := collect(rows, err, func(r scanner) (PendingExposureEvent, error) {
			var p PendingExposureEvent
			var from, to, tier, tierNow, statusNow, sev, cves string
			var at, due, ke int64
			err := r.Scan(&p.ID, &p.OrgID, &p.ExposureID, &p.AdvisoryID, &p.SystemID, &p.Kind, &from, &to, &tier, &p.ActorID, &p.ActorName,
				&p.Note, &at, &p.SystemName, &p.SystemOwnerID, &p.DataOwnerID, &p.OwnerContactEmail, &p.OwnerContactName,
				&p.AdvisorySourceID, &p.AdvisoryTitle, &p.Evidence, &p.EvidenceJSON, &due, &tierNow, &statusNow, &ke, &sev,
				&p.AdvisoryTextsJSON, &cves, &p.AdvisoryTLP)
			p.From, p.To, p.Tier, p.At, p.Due = vaern.ExposureStatus(from), vaern.ExposureStatus(to), vaern.ExposureTier(tier), fromMS(at), fromMS(due)
			p.ExposureTierNow, p.ExposureStatusNow, p.AdvisoryKnownExpl, p.AdvisorySeverity = vaern.ExposureTier(tierNow), vaern.ExposureStatus(statusNow), ke != 0, vaern.Severity(sev)
			p.AdvisoryCVEs = splitTags(cves)
			return p, err
		})
		if err != nil {
			return err
		}
		for _, ev := range list {
			if err := tell(tx, ev); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE exposure_events SET notified = 1 WHERE id = ?", ev.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// EscalateOverdue marks the open exposures that warn and are past their due date as escalated,
// with an event each (the coordinators are told by warnings.notify). It returns how many.
func (s *Store) EscalateOverdue(ctx context.Context) (int, error) {
	var n int
	err := s.Write(ctx, func(tx *Tx) error {
		n = 0
		now := ms(tx.s.now())
		rows, err := tx.query(ctx, "SELECT "+exposureCols+` FROM exposures e JOIN advisories a ON a.id = e.advisory_id
			WHERE e.due > 0 AND e.due < ? AND e.escalated_at = 0 AND e.status IN ('new', 'acknowledged') AND e.tier <> 'triage'
			AND a.state = 'published' ORDER BY e.id LIMIT 5000`, now)
		list, err := collect(rows, err, func(r scanner) (ExposureRow, error) { return scanExposureRow(r) })
		if err != nil {
			return err
		}
		for _, x := range list {
			if _, err := tx.exec(ctx, "UPDATE exposures SET escalated_at = ? WHERE id = ?", now, x.ID); err != nil {
				return err
			}
			if err := tx.exposureEvent(ctx, x.ID, x.OrgID, x.AdvisoryID, x.SystemID, "escalated", x.Status, x.Status, x.Tier, 0, "", false); err != nil {
				return err
			}
			n++
		}
		if n > 0 {
			_, err := tx.EnqueueJob(ctx, WarningsNotifyKind, nil, JobOpts{UniqueKey: WarningsNotifyKind, MaxAttempts: 8})
			return err
		}
		return nil
	})
	return n, err
}
