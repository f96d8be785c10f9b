package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// An import of a STIX bundle or a MISP event runs in two steps: the parsed file is kept as a
// preview (what will be created, updated and refused, under the label and audience the analyst
// chose), and a confirmation writes exactly that in one transaction, or nothing.

// ImportItem is one indicator an import writes.
type ImportItem struct {
	Type        string    `json:"type"`
	Value       string    `json:"value"`
	Description string    `json:"description,omitempty"`
	Category    string    `json:"category,omitempty"`
	ExternalID  string    `json:"external_id,omitempty"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidUntil  time.Time `json:"valid_until"`
	Confidence  int       `json:"confidence"` // -1: the import's default
	Object      string    `json:"object"`
	Update      bool      `json:"update,omitempty"` // the organisation has it already (set by the preview)
}

// ImportRefusal is an object of the file that is not imported, and why.
type ImportRefusal struct {
	Object string `json:"object"`
	Reason string `json:"reason"`
}

// ImportInput is a parsed file and how to label what it brings.
type ImportInput struct {
	Format     string
	FileName   string
	Items      []ImportItem
	Refused    []ImportRefusal
	Object     access.Object
	Confidence int // for items whose file gives none
}

// ImportBatch is a kept import: its preview, and after confirmation what it did.
type ImportBatch struct {
	ID                        int64
	OrgID                     int64
	Format, FileName, Status  string
	Items                     []ImportItem
	Refused                   []ImportRefusal
	TLP                       string
	Audience                  access.Audience
	Created, Updated, Refuses int
	CreatedBy                 int64
	CreatedAt, DoneAt         time.Time
}

// MaxImportItems is the most indicators one import writes.
const MaxImportItems = 50_000

// PreviewImport keeps a parsed file as a preview for v's organisation.
func (s *Store) PreviewImport(ctx context.Context, a vaern.Actor, v access.Principal, in ImportInput) (ImportBatch, error) {
	var b ImportBatch
	if in.Format != "stix" && in.Format != "misp" {
		return b, vaern.Invalid("format", "must be stix or misp")
	}
	if len(in.Items) > MaxImportItems {
		return b, vaern.Invalid("file", "holds more indicators than one import takes (50,000)")
	}
	if in.Confidence < 0 || in.Confidence > 100 {
		return b, vaern.Invalid("confidence", "must be 0-100")
	}
	if in.Object.TLP == "" {
		return b, vaern.Invalid("tlp", "choose a TLP label")
	}
	in.Object.Owner, in.Object.Creator = v.Org, a.UserID
	if err := in.Object.Validate(); err != nil {
		return b, err
	}
	for i := range in.Items {
		if in.Items[i].Confidence < 0 || in.Items[i].Confidence > 100 {
			in.Items[i].Confidence = in.Confidence
		}
	}
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.markUpdates(ctx, v.Org, in.Items); err != nil {
			return err
		}
		items, _ := json.Marshal(in.Items)
		refused, _ := json.Marshal(nonNilRefusals(in.Refused))
		au := in.Object.Audience.Row()
		up := 0
		for _, it := range in.Items {
			if it.Update {
				up++
			}
		}
		now := tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO indicator_imports (org_id, format, file_name, status, items, refused, tlp, audience_kind,
			audience_orgs, audience_people, audience_country, audience_region, audience_size, created_count, updated_count, refused_count,
			created_by, created_at) VALUES (?, ?, ?, 'preview', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.Org, in.Format, clipText(in.FileName, 200), string(items), string(refused), string(in.Object.TLP), au.Kind, au.Orgs, au.People,
			au.Country, au.Region, au.Size, len(in.Items)-up, up, len(in.Refused), nullID(a.UserID), ms(now))
		if err != nil {
			return err
		}
		b = ImportBatch{ID: id, OrgID: v.Org, Format: in.Format, FileName: in.FileName, Status: "preview", Items: in.Items,
			Refused: nonNilRefusals(in.Refused), TLP: string(in.Object.TLP), Audience: in.Object.Audience,
			Created: len(in.Items) - up, Updated: up, Refuses: len(in.Refused), CreatedBy: a.UserID, CreatedAt: now}
		return nil
	})
	return b, err
}

func nonNilRefusals(r []ImportRefusal) []ImportRefusal {
	if r == nil {
		return []ImportRefusal{}
	}
	return r
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// markUpdates sets Update on the items the organisation already has.
func (t *Tx) markUpdates(ctx context.Context, org int64, items []ImportItem) error {
	have := map[string]bool{}
	for start := 0; start < len(items); start += 500 {
		end := min(start+500, len(items))
		args := []any{org}
		var conds []string
		for _, it := range items[start:end] {
			conds = append(conds, "(type = ? AND value = ?)")
			args = append(args, it.Type, it.Value)
		}
		rows, err := t.query(ctx, "SELECT type, value FROM indicators WHERE org_id = ? AND ("+strings.Join(conds, " OR ")+")", args...)
		keys, err := collect(rows, err, func(r scanner) (string, error) {
			var typ, val string
			err := r.Scan(&typ, &val)
			return typ + "\x00" + val, err
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			have[k] = true
		}
	}
	for i := range items {
		items[i].Update = have[items[i].Type+"\x00"+items[i].Value]
	}
	return nil
}

const importCols = `id, org_id, format, file_name, status, items, refused, tlp, audience_kind, audience_orgs, audience_people,
	audience_country, audience_region, audience_size, created_count, updated_count, refused_count, COALESCE(created_by, 0), created_at, done_at`

func scanImport(r scanner) (ImportBatch, error) {
	var b ImportBatch
	var items, refused string
	var row access.Row
	var c, d int64
	err := r.Scan(&b.ID, &b.OrgID, &b.Format, &b.FileName, &b.Status, &items, &refused, &b.TLP, &row.Kind, &row.Orgs, &row.People,
		&row.Country, &row.Region, &row.Size, &b.Created, &b.Updated, &b.Refuses, &b.CreatedBy, &c, &d)
	if err != nil {
		return b, mapErr(err)
	}
	b.Audience = row.Audience()
	b.CreatedAt, b.DoneAt = fromMS(c), fromMS(d)
	if err := json.Unmarshal([]byte(items), &b.Items); err != nil {
		return b, err
	}
	return b, json.Unmarshal([]byte(refused), &b.Refused)
}

// IndicatorImport is one of v's organisation's imports.
func (s *Store) IndicatorImport(ctx context.Context, v access.Principal, id int64) (ImportBatch, error) {
	return scanImport(s.queryRow(ctx, "SELECT "+importCols+" FROM indicator_imports WHERE id = ? AND org_id = ?", id, v.Org))
}

// IndicatorImports are v's organisation's latest imports, without their items.
func (s *Store) IndicatorImports(ctx context.Context, v access.Principal, limit int) ([]ImportBatch, error) {
	rows, err := s.query(ctx, "SELECT "+strings.NewReplacer("items,", "'[]',", "refused,", "'[]',").Replace(importCols)+
		" FROM indicator_imports WHERE org_id = ? ORDER BY id DESC LIMIT ?", v.Org, max(limit, 1))
	return collect(rows, err, scanImport)
}

// ConfirmImport writes a previewed import: new indicators are created with the import's label
// and audience, ones the organisation has are seen again and take the label, all in one
// transaction.
func (s *Store) ConfirmImport(ctx context.Context, a vaern.Actor, v access.Principal, id int64) (ImportBatch, error) {
	var b ImportBatch
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		b, err = scanImport(tx.queryRow(ctx, "SELECT "+importCols+" FROM indicator_imports WHERE id = ? AND org_id = ?", id, v.Org))
		if err != nil {
			return err
		}
		if b.Status != "preview" {
			return vaern.Invalid("import", "has been confirmed or cancelled already")
		}
		// What the organisation has may have changed since the preview: count again.
		if err := tx.markUpdates(ctx, v.Org, b.Items); err != nil {
			return err
		}
		now := tx.s.now()
		au := b.Audience.Row()
		b.Created, b.Updated = 0, 0
		for _, it := range b.Items {
			first := it.ValidFrom
			if first.IsZero() || first.After(now) {
				first = now
			}
			_, err := tx.exec(ctx, `INSERT INTO indicators (org_id, type, value, source, confidence, first_seen, last_seen, expires_at, tlp,
				audience_kind, audience_orgs, audience_people, audience_country, audience_region, audience_size, created_by, created_at, updated_at,
				description, category, external_id, import_id)
				VALUES (?, ?, ?, 'feed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, type, value) DO UPDATE SET last_seen = excluded.last_seen, tlp = excluded.tlp,
				audience_kind = excluded.audience_kind, audience_orgs = excluded.audience_orgs, audience_people = excluded.audience_people,
				audience_country = excluded.audience_country, audience_region = excluded.audience_region, audience_size = excluded.audience_size,
				expires_at = excluded.expires_at, confidence = excluded.confidence, import_id = excluded.import_id, updated_at = excluded.updated_at`,
				v.Org, it.Type, it.Value, it.Confidence, ms(first), ms(now), ms(it.ValidUntil), b.TLP, au.Kind, au.Orgs, au.People, au.Country,
				au.Region, au.Size, nullID(a.UserID), ms(now), ms(now), clipText(it.Description, 2000), it.Category, it.ExternalID, id)
			if err != nil {
				return err
			}
			if it.Update {
				b.Updated++
			} else {
				b.Created++
			}
		}
		b.Status, b.DoneAt = "done", now
		if _, err := tx.exec(ctx, "UPDATE indicator_imports SET status = 'done', created_count = ?, updated_count = ?, done_at = ? WHERE id = ?",
			b.Created, b.Updated, ms(now), id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "indicator.import", ObjectType: "indicator_import", ObjectID: id,
			Detail: map[string]any{"format": b.Format, "file": b.FileName, "created": b.Created, "updated": b.Updated, "refused": b.Refuses, "tlp": b.TLP}})
	})
	return b, err
}

// CancelImport throws a preview away.
func (s *Store) CancelImport(ctx context.Context, v access.Principal, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE indicator_imports SET status = 'cancelled', items = '[]', done_at = ? WHERE id = ? AND org_id = ? AND status = 'preview'",
			ms(tx.s.now()), id, v.Org)
		return affected(res, err)
	})
}
