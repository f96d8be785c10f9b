package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// The warnings module's job kinds. The store enqueues them in the transaction of what causes them.
const (
	WarningsMatchKind       = "warnings.match"        // re-match advisories against every register
	WarningsMatchSystemKind = "warnings.match-system" // re-match one system after a change of its identity
	WarningsNotifyKind      = "warnings.notify"       // tell people of new exposure events
	WarningsEscalateKind    = "warnings.escalate"     // periodic: overdue exposures to the coordinators
	WarningsFeedKind        = "warnings.feed"         // periodic: fetch the configured feeds
)

// MatchArgs are a warnings.match job's arguments: the advisories to match (all published ones
// when empty).
type MatchArgs struct {
	AdvisoryIDs []int64 `json:"advisory_ids,omitempty"`
}

// MatchSystemArgs are a warnings.match-system job's arguments.
type MatchSystemArgs struct {
	OrgID    int64 `json:"org_id"`
	SystemID int64 `json:"system_id"`
}

const advisoryCols = `a.id, a.source, a.source_id, a.source_version, a.revision, a.state, a.title, a.summary, a.texts,
	a.severity, a.cvss, a.cvss_vector, a.cves, a.actions, a.refs, a.known_exploited, a.ransomware, a.vex, a.override,
	a.source_published, a.source_updated, a.due, a.created_by, a.tlp,
	a.aud_kind, a.aud_orgs, a.aud_people, a.aud_country, a.aud_region, a.aud_size, a.created_at, a.updated_at`

func scanAdvisory(r scanner) (vaern.Advisory, error) {
	var a vaern.Advisory
	var texts, cves, actions, refs, override, source, state, sev string
	var pub, upd, due, c, m int64
	var ke, rw, vex int64
	var row access.Row
	err := r.Scan(&a.ID, &source, &a.SourceID, &a.SourceVersion, &a.Revision, &state, &a.Title, &a.Summary, &texts,
		&sev, &a.CVSS, &a.CVSSVec, &cves, &actions, &refs, &ke, &rw, &vex, &override,
		&pub, &upd, &due, &a.CreatedBy, &a.TLP,
		&row.Kind, &row.Orgs, &row.People, &row.Country, &row.Region, &row.Size, &c, &m)
	if err != nil {
		return a, mapErr(err)
	}
	a.Source, a.State, a.Severity = vaern.AdvisorySource(source), vaern.AdvisoryState(state), vaern.Severity(sev)
	a.KnownExploited, a.Ransomware, a.Vex = ke != 0, rw != 0, vex != 0
	a.CVEs, a.Override = splitTags(cves), splitTags(override)
	a.Published, a.Updated, a.Due, a.CreatedAt, a.UpdatedAt = fromMS(pub), fromMS(upd), fromMS(due), fromMS(c), fromMS(m)
	a.Audience = FormatAudience(row.Audience())
	if texts != "" && texts != "{}" {
		_ = json.Unmarshal([]byte(texts), &a.Texts)
	}
	if actions != "" && actions != "[]" {
		_ = json.Unmarshal([]byte(actions), &a.Actions)
	}
	if refs != "" && refs != "[]" {
		_ = json.Unmarshal([]byte(refs), &a.References)
	}
	return a, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// cleanAdvisory checks an advisory before it is stored and normalises its label.
func cleanAdvisory(a *vaern.Advisory) error {
	a.Title = strings.TrimSpace(a.Title)
	a.SourceID = strings.TrimSpace(a.SourceID)
	switch a.Source {
	case vaern.SourceKEV, vaern.SourceCVE, vaern.SourceCSAF, vaern.SourceCentre:
	default:
		return vaern.Invalid("source", "is not a known source")
	}
	if a.SourceID == "" {
		return vaern.Invalid("source_id", "is required")
	}
	if a.Title == "" {
		return vaern.Invalid("title", "is required")
	}
	if len(a.Title) > 500 {
		return vaern.Invalid("title", "is too long")
	}
	if a.TLP == "" {
		a.TLP = string(access.Clear)
	}
	tlp, ok := access.ParseTLP(a.TLP)
	if !ok {
		return vaern.Invalid("tlp", "is not a TLP 2.0 label")
	}
	a.TLP = string(tlp)
	aud := ParseAudience(a.Audience)
	if err := (access.Object{TLP: tlp, Audience: aud}).Validate(); err != nil {
		return err
	}
	a.Audience = FormatAudience(aud)
	for i, p := range a.Products {
		if p.Key == "" {
			return vaern.Invalid("products", "a product has no key")
		}
		if p.Status == "" {
			a.Products[i].Status = vaern.StatusAffected
		}
	}
	return nil
}

// AdvisorySaved says what saving an advisory did.
type AdvisorySaved struct {
	ID      int64
	Created bool // a new advisory
	Changed bool // an existing one whose content changed (a revision)
}

// ImportAdvisories stores advisories read from one file, published, in one transaction: a
// re-import of the same source and source id updates the advisory (a new revision when its
// content changed) and never duplicates it; a file that fails leaves nothing behind. With enqueue,
// a warnings.match job for the new and changed advisories is queued in the same transaction (the
// server); the command line matches itself before it returns.
func (s *Store) ImportAdvisories(ctx context.Context, a vaern.Actor, centreID int64, advs []vaern.Advisory, enqueue bool) ([]AdvisorySaved, error) {
	var out []AdvisorySaved
	err := s.Write(ctx, func(tx *Tx) error {
		out = out[:0]
		var toMatch []int64
		for i := range advs {
			adv := advs[i]
			adv.State = vaern.AdvisoryPublished
			saved, err := tx.saveAdvisory(ctx, a, centreID, adv)
			if err != nil {
				return fmt.Errorf("%s %s: %w", adv.Source, adv.SourceID, err)
			}
			out = append(out, saved)
			if saved.Created || saved.Changed {
				toMatch = append(toMatch, saved.ID)
			}
		}
		if len(toMatch) > 0 {
			if err := tx.Audit(ctx, a, Change{OrgID: centreID, Action: "advisory.import", ObjectType: "advisory", ObjectID: toMatch[0],
				Detail: map[string]any{"advisories": len(advs), "changed": len(toMatch)}}); err != nil {
				return err
			}
			if enqueue {
				return tx.EnqueueMatch(ctx, toMatch)
			}
		}
		return nil
	})
	return out, err
}

// EnqueueMatch queues a warnings.match job for the advisories.
func (t *Tx) EnqueueMatch(ctx context.Context, ids []int64) error {
	_, err := t.EnqueueJob(ctx, WarningsMatchKind, MatchArgs{AdvisoryIDs: ids}, JobOpts{MaxAttempts: 5})
	return err
}

// saveAdvisory inserts the advisory or updates the one with the same source and source id. A
// published advisory whose content changed gets the next revision.
func (t *Tx) saveAdvisory(ctx context.Context, a vaern.Actor, centreID int64, adv vaern.Advisory) (AdvisorySaved, error) {
	if err := cleanAdvisory(&adv); err != nil {
		return AdvisorySaved{}, err
	}
	texts, _ := json.Marshal(adv.Texts)
	if adv.Texts == nil {
		texts = []byte("{}")
	}
	actions, _ := json.Marshal(adv.Actions)
	if adv.Actions == nil {
		actions = []byte("[]")
	}
	refs, _ := json.Marshal(adv.References)
	if adv.References == nil {
		refs = []byte("[]")
	}
	row := ParseAudience(adv.Audience).Row()
	now := ms(t.s.now())
	var id int64
	var oldState string
	var oldRev int
	err := t.queryRow(ctx, "SELECT id, state, revision FROM advisories WHERE source = ? AND source_id = ?",
		string(adv.Source), adv.SourceID).Scan(&id, &oldState, &oldRev)
	if err := mapErr(err); err != nil && err != vaern.ErrNotFound {
		return AdvisorySaved{}, err
	}
	var raw any
	if adv.Raw != nil {
		raw = adv.Raw
	}
	if id == 0 {
		rev := 0
		pubAt := int64(0)
		if adv.State == vaern.AdvisoryPublished {
			rev, pubAt = 1, now
		}
		if adv.State == "" {
			adv.State = vaern.AdvisoryDraft
		}
		id, err = t.insert(ctx, `INSERT INTO advisories (owner_org_id, source, source_id, source_version, revision, state, title, summary,
			texts, severity, cvss, cvss_vector, cves, actions, refs, known_exploited, ransomware, vex, override, source_published,
			source_updated, due, raw, created_by, tlp, aud_kind, aud_orgs, aud_people, aud_country, aud_region, aud_size,
			created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			centreID, string(adv.Source), adv.SourceID, adv.SourceVersion, rev, string(adv.State), adv.Title, adv.Summary,
			string(texts), string(adv.Severity), adv.CVSS, adv.CVSSVec, joinTags(adv.CVEs), string(actions), string(refs), b2i(adv.KnownExploited),
			b2i(adv.Ransomware), b2i(adv.Vex), joinTags(adv.Override), ms(adv.Published), ms(adv.Updated), ms(adv.Due), raw,
			adv.CreatedBy, adv.TLP, row.Kind, row.Orgs, row.People, row.Country, row.Region, row.Size, now, now, pubAt)
		if isConflict(err) {
			return AdvisorySaved{}, vaern.Invalid("source_id", "is already another advisory's")
		}
		if err != nil {
			return AdvisorySaved{}, err
		}
		if err := t.saveProducts(ctx, id, adv.Products); err != nil {
			return AdvisorySaved{}, err
		}
		return AdvisorySaved{ID: id, Created: true}, nil
	}
	old, err := t.advisoryFull(ctx, id)
	if err != nil {
		return AdvisorySaved{}, err
	}
	state := adv.State
	if state == "" || oldState == string(vaern.AdvisoryPublished) && state == vaern.AdvisoryDraft {
		state = vaern.AdvisoryState(oldState)
	}
	changed := advisoryContentDiffers(old, adv) || oldState != string(state)
	if !changed {
		return AdvisorySaved{ID: id}, nil
	}
	rev := oldRev
	pubAt := ""
	if state == vaern.AdvisoryPublished {
		rev++
		if oldState != string(vaern.AdvisoryPublished) {
			pubAt = ", published_at = CASE WHEN published_at = 0 THEN ? ELSE published_at END, withdrawn_at = 0"
		}
	}
	args := []any{adv.SourceVersion, rev, string(state), adv.Title, adv.Summary, string(texts), string(adv.Severity), adv.CVSS,
		adv.CVSSVec, joinTags(adv.CVEs), string(actions), string(refs), b2i(adv.KnownExploited), b2i(adv.Ransomware), b2i(adv.Vex),
		joinTags(adv.Override), ms(adv.Published), ms(adv.Updated), ms(adv.Due), adv.TLP, row.Kind, row.Orgs, row.People,
		row.Country, row.Region, row.Size, now}
	if pubAt != "" {
		args = append(args, now)
	}
	rawSQL := ""
	if adv.Raw != nil {
		rawSQL = ", raw = ?"
		args = append(args, raw)
	}
	args = append(args, id)
	if _, err := t.exec(ctx, `UPDATE advisories SET source_version = ?, revision = ?, state = ?, title = ?, summary = ?, texts = ?,
		severity = ?, cvss = ?, cvss_vector = ?, cves = ?, actions = ?, refs = ?, known_exploited = ?, ransomware = ?, vex = ?, override = ?,
		source_published = ?, source_updated = ?, due = ?, tlp = ?, aud_kind = ?, aud_orgs = ?, aud_people = ?, aud_country = ?,
		aud_region = ?, aud_size = ?, updated_at = ?`+pubAt+rawSQL+` WHERE id = ?`, args...); err != nil {
		return AdvisorySaved{}, err
	}
	if _, err := t.exec(ctx, "DELETE FROM advisory_products WHERE advisory_id = ?", id); err != nil {
		return AdvisorySaved{}, err
	}
	if err := t.saveProducts(ctx, id, adv.Products); err != nil {
		return AdvisorySaved{}, err
	}
	return AdvisorySaved{ID: id, Changed: true}, nil
}

// advisoryContentDiffers reports whether saving b over a changes what the advisory says.
func advisoryContentDiffers(a, b vaern.Advisory) bool {
	norm := func(x vaern.Advisory) []byte {
		x.ID, x.Revision, x.State, x.CreatedAt, x.UpdatedAt, x.CreatedBy, x.Raw = 0, 0, "", time.Time{}, time.Time{}, 0, nil
		x.Published, x.Updated, x.Due = x.Published.Truncate(time.Millisecond).UTC(), x.Updated.Truncate(time.Millisecond).UTC(), x.Due.Truncate(time.Millisecond).UTC()
		if len(x.Texts) == 0 {
			x.Texts = nil
		}
		for i := range x.Products {
			if len(x.Products[i].Versions) == 0 {
				x.Products[i].Versions = nil
			}
			if len(x.Products[i].CVEs) == 0 {
				x.Products[i].CVEs = nil
			}
		}
		if len(x.Products) == 0 {
			x.Products = nil
		}
		if len(x.Actions) == 0 {
			x.Actions = nil
		}
		if len(x.CVEs) == 0 {
			x.CVEs = nil
		}
		if len(x.Override) == 0 {
			x.Override = nil
		}
		if len(x.References) == 0 {
			x.References = nil
		}
		b, _ := json.Marshal(x)
		return b
	}
	return !bytes.Equal(norm(a), norm(b))
}

func (t *Tx) saveProducts(ctx context.Context, id int64, ps []vaern.AdvisoryProduct) error {
	for i, p := range ps {
		vs, _ := json.Marshal(p.Versions)
		if p.Versions == nil {
			vs = []byte("[]")
		}
		status := p.Status
		if status == "" {
			status = vaern.StatusAffected
		}
		if _, err := t.exec(ctx, `INSERT INTO advisory_products (advisory_id, seq, product_key, vendor, product, cpe, purl, versions,
			status, justification, platform, cves) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i, p.Key, p.Vendor, p.Product, p.CPE, p.PURL, string(vs), string(status), p.Justification, b2i(p.Platform), joinTags(p.CVEs)); err != nil {
			return err
		}
	}
	return nil
}

func scanProduct(r scanner) (int64, vaern.AdvisoryProduct, error) {
	var p vaern.AdvisoryProduct
	var id, platform int64
	var vs, status, cves string
	err := r.Scan(&id, &p.Key, &p.Vendor, &p.Product, &p.CPE, &p.PURL, &vs, &status, &p.Justification, &platform, &cves)
	p.Status, p.Platform, p.CVEs = vaern.ProductStatus(status), platform != 0, splitTags(cves)
	if vs != "" && vs != "[]" {
		_ = json.Unmarshal([]byte(vs), &p.Versions)
	}
	return id, p, err
}

const productCols = `advisory_id, product_key, vendor, product, cpe, purl, versions, status, justification, platform, cves`

// advisoryFull reads one advisory with its products, whoever may see it (the store's own use).
func (t *Tx) advisoryFull(ctx context.Context, id int64) (vaern.Advisory, error) {
	a, err := scanAdvisory(t.queryRow(ctx, "SELECT "+advisoryCols+" FROM advisories a WHERE a.id = ?", id))
	if err != nil {
		return a, err
	}
	rows, err := t.query(ctx, "SELECT "+productCols+" FROM advisory_products WHERE advisory_id = ? ORDER BY seq", id)
	ps, err := collect(rows, err, func(r scanner) (vaern.AdvisoryProduct, error) {
		_, p, err := scanProduct(r)
		return p, err
	})
	a.Products = ps
	return a, err
}

// AdvisoryFilter narrows a list of advisories.
type AdvisoryFilter struct {
	State  vaern.AdvisoryState // "" any
	Source vaern.AdvisorySource
	Query  string // in the title or source id
	Limit  int
	Offset int
}

// Advisories lists the advisories the viewer may see (by TLP and audience), newest first, with
// how many there are in all. Members see published and withdrawn ones only.
func (s *Store) Advisories(ctx context.Context, viewer access.Principal, f AdvisoryFilter) ([]vaern.Advisory, int, error) {
	w := access.Where(viewer, advisoryRule)
	if !viewer.Centre {
		w = w.And("a.state <> 'draft'")
	}
	if f.State != "" {
		w = w.And("a.state = ?", string(f.State))
	}
	if f.Source != "" {
		w = w.And("a.source = ?", string(f.Source))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		w = w.And("(LOWER(a.title) LIKE ? OR LOWER(a.source_id) LIKE ? OR a.cves LIKE ?)", like, like, "%,"+strings.ToUpper(q)+",%")
	}
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM advisories a WHERE "+w.SQL, w.Args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args := append(append([]any{}, w.Args...), f.Limit, f.Offset)
	rows, err := s.query(ctx, "SELECT "+advisoryCols+" FROM advisories a WHERE "+w.SQL+
		" ORDER BY CASE WHEN a.published_at = 0 THEN a.created_at ELSE a.published_at END DESC, a.id DESC LIMIT ? OFFSET ?", args...)
	list, err := collect(rows, err, scanAdvisory)
	return list, total, err
}

// Advisory returns one advisory with its products, if the viewer may see it; otherwise
// ErrNotFound. A member never sees a draft.
func (s *Store) Advisory(ctx context.Context, viewer access.Principal, id int64) (vaern.Advisory, error) {
	w := access.Where(viewer, advisoryRule).And("a.id = ?", id)
	if !viewer.Centre {
		w = w.And("a.state <> 'draft'")
	}
	a, err := scanAdvisory(s.queryRow(ctx, "SELECT "+advisoryCols+" FROM advisories a WHERE "+w.SQL, w.Args...))
	if err != nil {
		return a, err
	}
	rows, err := s.query(ctx, "SELECT "+productCols+" FROM advisory_products WHERE advisory_id = ? ORDER BY seq", id)
	a.Products, err = collect(rows, err, func(r scanner) (vaern.AdvisoryProduct, error) {
		_, p, err := scanProduct(r)
		return p, err
	})
	return a, err
}

// AdvisoryRaw returns the document an advisory was imported from (nil for the centre's own), if
// the viewer may see the advisory.
func (s *Store) AdvisoryRaw(ctx context.Context, viewer access.Principal, id int64) ([]byte, error) {
	if _, err := s.Advisory(ctx, viewer, id); err != nil {
		return nil, err
	}
	var raw []byte
	err := s.queryRow(ctx, "SELECT raw FROM advisories WHERE id = ?", id).Scan(&raw)
	return raw, mapErr(err)
}

// PublishedAdvisories returns the advisories the matcher reads: every published one with its
// products, or those of ids (also withdrawn ones, so that their exposures are closed).
func (s *Store) PublishedAdvisories(ctx context.Context, ids []int64) ([]vaern.Advisory, error) {
	where := "a.state = 'published'"
	var args []any
	if len(ids) > 0 {
		where = "a.id IN (" + placeholders(len(ids)) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := s.query(ctx, "SELECT "+advisoryCols+" FROM advisories a WHERE "+where+" ORDER BY a.id", args...)
	list, err := collect(rows, err, scanAdvisory)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := make(map[int64]int, len(list))
	for i, a := range list {
		byID[a.ID] = i
	}
	pw := "advisory_id IN (SELECT id FROM advisories WHERE state = 'published')"
	if len(ids) > 0 {
		pw = "advisory_id IN (" + placeholders(len(ids)) + ")"
	}
	prow, err := s.query(ctx, "SELECT "+productCols+" FROM advisory_products WHERE "+pw+" ORDER BY advisory_id, seq", args...)
	if err != nil {
		return nil, err
	}
	defer prow.Close()
	for prow.Next() {
		id, p, err := scanProduct(prow)
		if err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			list[i].Products = append(list[i].Products, p)
		}
	}
	return list, prow.Err()
}

// AdvisoriesGeneration is a number that changes whenever a published advisory does (the matcher's
// cached index is rebuilt when it moves).
func (s *Store) AdvisoriesGeneration(ctx context.Context) (string, error) {
	var n, m, r int64
	err := s.queryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(SUM(revision), 0) FROM advisories WHERE state = 'published'").Scan(&n, &m, &r)
	return fmt.Sprintf("%d:%d:%d", n, m, r), err
}

// AssetsGeneration is a number that changes whenever a system or its components do (the
// matcher's cached assets are read again when it moves): a change of a system's fields or its
// components bumps its updated_at, and a removal its count.
func (s *Store) AssetsGeneration(ctx context.Context) (string, error) {
	var n, m, c int64
	err := s.queryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(SUM(components), 0) FROM systems").Scan(&n, &m, &c)
	return fmt.Sprintf("%d:%d:%d", n, m, c), err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// CreateAdvisory stores an analyst's new advisory as a draft. Its source is the centre and its
// source id is made from its id unless the analyst gave one.
func (s *Store) CreateAdvisory(ctx context.Context, a vaern.Actor, centreID int64, adv vaern.Advisory) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		adv.Source, adv.State, adv.CreatedBy = vaern.SourceCentre, vaern.AdvisoryDraft, a.UserID
		if adv.SourceID == "" {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM advisories WHERE source = 'centre'").Scan(&n); err != nil {
				return err
			}
			adv.SourceID = fmt.Sprintf("VAERN-%d-%04d", tx.s.now().Year(), n+1)
		}
		saved, err := tx.saveAdvisory(ctx, a, centreID, adv)
		if err != nil {
			return err
		}
		id = saved.ID
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "advisory.create", ObjectType: "advisory", ObjectID: id,
			Detail: map[string]any{"title": adv.Title, "tlp": adv.TLP}})
	})
	return id, err
}

// centreOnly refuses an organisation that is not the centre.
func (t *Tx) centreOnly(ctx context.Context, orgID int64) error {
	var kind string
	if err := t.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", orgID).Scan(&kind); err != nil {
		return mapErr(err)
	}
	if kind != string(vaern.OrgCentre) {
		return vaern.ErrNotFound
	}
	return nil
}

// UpdateAdvisory saves an analyst's edit. Editing a published advisory is a revision: it is
// matched again and only those whose exposure changed are told.
func (s *Store) UpdateAdvisory(ctx context.Context, a vaern.Actor, centreID int64, adv vaern.Advisory) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		old, err := tx.advisoryFull(ctx, adv.ID)
		if err != nil {
			return err
		}
		if old.State == vaern.AdvisoryWithdrawn {
			return vaern.Invalid("state", "a withdrawn advisory cannot be changed")
		}
		adv.Source, adv.SourceID, adv.State, adv.CreatedBy = old.Source, old.SourceID, old.State, old.CreatedBy
		saved, err := tx.saveAdvisory(ctx, a, centreID, adv)
		if err != nil || !saved.Changed {
			return err
		}
		action := "advisory.update"
		if old.State == vaern.AdvisoryPublished {
			action = "advisory.revise"
			if err := tx.EnqueueMatch(ctx, []int64{adv.ID}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: action, ObjectType: "advisory", ObjectID: adv.ID,
			Detail: map[string]any{"title": adv.Title}})
	})
}

// PublishAdvisory publishes a draft: it is matched against every member's register.
func (s *Store) PublishAdvisory(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		old, err := tx.advisoryFull(ctx, id)
		if err != nil {
			return err
		}
		if old.State != vaern.AdvisoryDraft {
			return vaern.Invalid("state", "only a draft can be published")
		}
		now := ms(tx.s.now())
		if _, err := tx.exec(ctx, `UPDATE advisories SET state = 'published', revision = revision + 1, updated_at = ?,
			published_at = CASE WHEN published_at = 0 THEN ? ELSE published_at END WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		if err := tx.EnqueueMatch(ctx, []int64{id}); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "advisory.publish", ObjectType: "advisory", ObjectID: id,
			Detail: map[string]any{"title": old.Title}})
	})
}

// WithdrawAdvisory withdraws an advisory: it no longer warns, and every open exposure of it is
// closed (with an event, so that those concerned are told).
func (s *Store) WithdrawAdvisory(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		old, err := tx.advisoryFull(ctx, id)
		if err != nil {
			return err
		}
		if old.State == vaern.AdvisoryWithdrawn {
			return nil
		}
		now := ms(tx.s.now())
		if _, err := tx.exec(ctx, "UPDATE advisories SET state = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ?", now, now, id); err != nil {
			return err
		}
		if err := tx.closeExposures(ctx, "advisory_id = ?", id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "advisory.withdraw", ObjectType: "advisory", ObjectID: id,
			Detail: map[string]any{"title": old.Title}})
	})
}
