package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// frameworkCache keeps parsed frameworks by id. A stored framework only changes while it is a
// draft, and then its updated_at changes with it, which is part of the cache key.
type frameworkCache struct {
	mu sync.RWMutex
	// parse is held while a framework is parsed, so that the requests that arrive together after a
	// start (64 of them in the focus-area benchmark) parse it once instead of each on its own; it
	// is never held across a query.
	parse sync.Mutex
	m     map[[2]int64]*framework.Framework
	// final holds finished frameworks by id: they never change again, so they need no lookup.
	final map[int64]finalFramework
}

type finalFramework struct {
	info vaern.FrameworkInfo
	fw   *framework.Framework
}

func newFrameworkCache() *frameworkCache {
	return &frameworkCache{m: map[[2]int64]*framework.Framework{}, final: map[int64]finalFramework{}}
}

const frameworkCols = `id, fid, version, title, questions, builtin, draft, kind, created_at, updated_at`

func scanFrameworkInfo(r scanner) (vaern.FrameworkInfo, error) {
	var f vaern.FrameworkInfo
	var c, u int64
	err := r.Scan(&f.ID, &f.FID, &f.Version, &f.Title, &f.Questions, &f.Builtin, &f.Draft, &f.Kind, &c, &u)
	f.CreatedAt, f.UpdatedAt = fromMS(c), fromMS(u)
	return f, mapErr(err)
}

// SaveFramework stores a validated framework for the centre. A new version is added; an existing
// draft of the same id and version is replaced; a finished framework is never changed. A
// framework that supersedes a version the centre has must map every question of that version
// (framework.CheckMapping), checked inside the transaction; the problems come back as a
// *framework.ValidationError.
func (s *Store) SaveFramework(ctx context.Context, a vaern.Actor, centreID int64, fw *framework.Framework, builtin, draft bool) (vaern.FrameworkInfo, error) {
	src, err := framework.Marshal(fw, "yaml")
	if err != nil {
		return vaern.FrameworkInfo{}, fmt.Errorf("save framework: %w", err)
	}
	info := vaern.FrameworkInfo{FID: fw.ID, Version: fw.Version, Title: fw.Title.Get("en"), Questions: len(fw.Questions()),
		Builtin: builtin, Draft: draft, Kind: string(framework.KindBaseline)}
	if fw.IsMapping() {
		info.Kind = string(framework.KindMapping)
	}
	err = s.Write(ctx, func(tx *Tx) error {
		if err := tx.checkSupersedes(ctx, centreID, fw); err != nil {
			return err
		}
		now := tx.s.now()
		var id int64
		var wasDraft bool
		err := tx.queryRow(ctx, "SELECT id, draft FROM frameworks WHERE centre_id = ? AND fid = ? AND version = ?", centreID, fw.ID, fw.Version).Scan(&id, &wasDraft)
		switch {
		case err == nil && !wasDraft:
			return vaern.Invalid("version", "framework %s version %s already exists; give the new one another version", fw.ID, fw.Version)
		case err == nil:
			if _, err := tx.exec(ctx, `UPDATE frameworks SET title = ?, questions = ?, source = ?, draft = ?, kind = ?, updated_at = ? WHERE id = ?`,
				info.Title, info.Questions, string(src), draft, info.Kind, ms(now), id); err != nil {
				return err
			}
		case mapErr(err) == vaern.ErrNotFound:
			id, err = tx.insert(ctx, `INSERT INTO frameworks (centre_id, fid, version, title, questions, source, builtin, draft, kind, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, centreID, fw.ID, fw.Version, info.Title, info.Questions, string(src),
				builtin, draft, info.Kind, a.UserID, ms(now), ms(now))
			if err != nil {
				return err
			}
		default:
			return err
		}
		info.ID, info.CreatedAt, info.UpdatedAt = id, now, now
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "framework.save", ObjectType: "framework", ObjectID: id,
			Detail: map[string]any{"fid": fw.ID, "version": fw.Version, "questions": info.Questions, "draft": draft}})
	})
	return info, err
}

// Frameworks lists the centre's frameworks, newest first within each id.
func (s *Store) Frameworks(ctx context.Context, centreID int64) ([]vaern.FrameworkInfo, error) {
	rows, err := s.query(ctx, "SELECT "+frameworkCols+" FROM frameworks WHERE centre_id = ? ORDER BY fid, version DESC", centreID)
	return collect(rows, err, scanFrameworkInfo)
}

// FrameworkInfo returns one framework's description.
func (s *Store) FrameworkInfo(ctx context.Context, centreID, id int64) (vaern.FrameworkInfo, error) {
	return scanFrameworkInfo(s.queryRow(ctx, "SELECT "+frameworkCols+" FROM frameworks WHERE centre_id = ? AND id = ?", centreID, id))
}

// FrameworkByVersion finds a framework by its own id and version.
func (s *Store) FrameworkByVersion(ctx context.Context, centreID int64, fid, version string) (vaern.FrameworkInfo, error) {
	return scanFrameworkInfo(s.queryRow(ctx, "SELECT "+frameworkCols+" FROM frameworks WHERE centre_id = ? AND fid = ? AND version = ?", centreID, fid, version))
}

// Framework returns the parsed questions of stored framework id. Frameworks are shared reference
// data: the centre writes them and every member reads the ones its rounds use. Parsed frameworks
// are cached, so pages do not parse YAML per request.
func (s *Store) Framework(ctx context.Context, id int64) (vaern.FrameworkInfo, *framework.Framework, error) {
	return s.frameworkVia(ctx, s.queryRow, id)
}

// framework is Framework read through the transaction: a write that needs a framework must not
// wait for a second connection while it holds one (on PostgreSQL the pool could run dry).
func (t *Tx) framework(ctx context.Context, id int64) (vaern.FrameworkInfo, *framework.Framework, error) {
	return t.s.frameworkVia(ctx, t.queryRow, id)
}

func (s *Store) frameworkVia(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, id int64) (vaern.FrameworkInfo, *framework.Framework, error) {
	s.fwCache.mu.RLock()
	f, ok := s.fwCache.final[id]
	s.fwCache.mu.RUnlock()
	if ok && f.info.ID == id {
		return f.info, f.fw, nil
	}
	info, err := scanFrameworkInfo(queryRow(ctx, "SELECT "+frameworkCols+" FROM frameworks WHERE id = ?", id))
	if err != nil {
		return info, nil, err
	}
	key := [2]int64{id, info.UpdatedAt.UnixMilli()}
	s.fwCache.mu.RLock()
	fw := s.fwCache.m[key]
	s.fwCache.mu.RUnlock()
	if fw != nil {
		return info, fw, nil
	}
	var src string
	if err := queryRow(ctx, "SELECT source FROM frameworks WHERE id = ?", id).Scan(&src); err != nil {
		return info, nil, mapErr(err)
	}
	s.fwCache.parse.Lock()
	defer s.fwCache.parse.Unlock()
	s.fwCache.mu.RLock()
	fw = s.fwCache.m[key]
	s.fwCache.mu.RUnlock()
	if fw != nil {
		return info, fw, nil
	}
	fw, err = framework.ParseStored(fmt.Sprintf("framework %d", id), []byte(src))
	if err != nil {
		return info, nil, fmt.Errorf("stored framework %d no longer parses: %w", id, err)
	}
	s.fwCache.mu.Lock()
	s.fwCache.m[key] = fw
	if !info.Draft {
		s.fwCache.final[id] = finalFramework{info, fw}
	}
	s.fwCache.mu.Unlock()
	return info, fw, nil
}

// InstallBuiltinFrameworks stores the built-in frameworks the centre does not have yet.
func (s *Store) InstallBuiltinFrameworks(ctx context.Context, centreID int64) ([]vaern.FrameworkInfo, error) {
	fws, err := framework.Builtin()
	if err != nil {
		return nil, err
	}
	var added []vaern.FrameworkInfo
	for _, fw := range fws {
		if _, err := s.FrameworkByVersion(ctx, centreID, fw.ID, fw.Version); err == nil {
			continue
		}
		info, err := s.SaveFramework(ctx, vaern.System("builtin"), centreID, fw, true, false)
		if err != nil {
			return added, fmt.Errorf("install %s %s: %w", fw.ID, fw.Version, err)
		}
		added = append(added, info)
	}
	return added, nil
}

// checkSupersedes checks fw's supersedes mapping against the previous version when the centre has
// it; a previous version the centre does not have cannot be checked and is not required.
func (t *Tx) checkSupersedes(ctx context.Context, centreID int64, fw *framework.Framework) error {
	if fw.Supersedes == nil {
		return nil
	}
	var prevID int64
	err := t.queryRow(ctx, "SELECT id FROM frameworks WHERE centre_id = ? AND fid = ? AND version = ?", centreID, fw.ID, fw.Supersedes.Version).Scan(&prevID)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return nil
	} else if err != nil {
		return err
	}
	_, prev, err := t.framework(ctx, prevID)
	if err != nil {
		return err
	}
	if problems := framework.CheckMapping(prev, fw); len(problems) > 0 {
		return &framework.ValidationError{Problems: problems}
	}
	return nil
}
