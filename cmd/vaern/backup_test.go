package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

var verifiedLine = regexp.MustCompile(`(?m)^(backup|restore|migrate-data) verified: .*, \d+ tables, [1-9]\d* rows`)

// TestBackupRestoreCommands backs up each engine with the command line and restores the file into
// both, checking the contents table by table.
func TestBackupRestoreCommands(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		dsn, st, org, _ := seeded(t, e)
		if _, err := st.CreateUnit(ctx, vaern.System("test"), org.ID, 0, "Økonomi og løn"); err != nil {
			t.Fatal(err)
		}
		kn := knowledgeSeed(t, st, org)
		want, err := st.Checksums(ctx)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "backups", "vaern-1.backup")
		code, out, errs := vaernRun(t, nil, "backup", "--to", file, "--database", dsn)
		wantExit(t, code, 0, out, errs, "backup")
		if !verifiedLine.MatchString(out) || !strings.Contains(out, "units") {
			t.Fatalf("backup printed:\n%s", out)
		}
		if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
			t.Fatalf("no backup file: %v", err)
		}
		if entries, _ := os.ReadDir(filepath.Dir(file)); len(entries) != 1 {
			t.Fatalf("the backup left other files: %v", entries)
		}
		code, out, errs = vaernRun(t, nil, "backup", "--to", file, "--database", dsn)
		wantExit(t, code, 1, out, errs, "backup")
		if !strings.Contains(errs, "already exists") {
			t.Fatalf("backup over a file: %s", errs)
		}
		code, out, errs = vaernRun(t, nil, "backup", "--database", dsn)
		wantExit(t, code, 2, out, errs, "backup")

		for _, to := range []store.Engine{store.SQLite, store.Postgres} {
			t.Run("into "+string(to), func(t *testing.T) {
				target := storetest.DSN(t, to)
				code, out, errs := vaernRun(t, nil, "restore", "--from", file, "--database", target)
				wantExit(t, code, 0, out, errs, "restore")
				if !verifiedLine.MatchString(out) {
					t.Fatalf("restore printed:\n%s", out)
				}
				if !strings.Contains(errs, "tables verified") {
					t.Fatalf("no progress lines:\n%s", errs)
				}
				rs, err := store.Open(ctx, target, wire.StoreOptions(store.Options{}))
				if err != nil {
					t.Fatal(err)
				}
				defer rs.Close()
				got, err := rs.Checksums(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%d tables restored, want %d", len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("table %s: restored %+v, want %+v", want[i].Table, got[i], want[i])
					}
				}
				kn.found(t, rs, "restored into "+string(to))
				code, out, errs = vaernRun(t, nil, "restore", "--from", file, "--database", target)
				wantExit(t, code, 1, out, errs, "restore")
				if !strings.Contains(errs, "not empty") || !strings.Contains(errs, "--force") {
					t.Fatalf("restore over data: %s", errs)
				}
				code, out, errs = vaernRun(t, nil, "restore", "--from", file, "--database", target, "--force")
				wantExit(t, code, 0, out, errs, "restore --force")
				kn.found(t, rs, "restored again with --force into "+string(to))
				code, out, errs = vaernRun(t, nil, "audit", "verify", "--database", target)
				wantExit(t, code, 0, out, errs, "audit verify")
			})
		}
		code, out, errs = vaernRun(t, nil, "restore", "--from", filepath.Join(t.TempDir(), "nothing"), "--database", storetest.DSN(t, store.SQLite))
		wantExit(t, code, 1, out, errs, "restore")
	})
}

// TestMigrateDataCommand moves a database from SQLite to PostgreSQL and back with the command line;
// an interrupted move leaves a target that every command refuses.
func TestMigrateDataCommand(t *testing.T) {
	ctx := context.Background()
	dsn, st, org, _ := seeded(t, store.SQLite)
	kn := knowledgeSeed(t, st, org)
	want, err := st.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pg := storetest.DSN(t, store.Postgres)
	code, out, errs := vaernRun(t, nil, "migrate-data", "--from", filepath.Dir(dsn), "--to", pg)
	wantExit(t, code, 0, out, errs, "migrate-data")
	if !verifiedLine.MatchString(out) || !strings.Contains(out, "sqlite") || !strings.Contains(out, "postgres") {
		t.Fatalf("migrate-data printed:\n%s", out)
	}
	code, out, errs = vaernRun(t, nil, "migrate-data", "--from", dsn, "--to", pg)
	wantExit(t, code, 1, out, errs, "migrate-data again")
	if !strings.Contains(errs, "--force") {
		t.Fatalf("a second move into data: %s", errs)
	}
	back := storetest.DSN(t, store.SQLite)
	code, out, errs = vaernRun(t, nil, "migrate-data", "--from", pg, "--to", back)
	wantExit(t, code, 0, out, errs, "migrate-data back")
	bs, err := store.Open(ctx, back, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	got, err := bs.Checksums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("table %s after the round trip: %+v, want %+v", want[i].Table, got[i], want[i])
		}
	}
	kn.found(t, bs, "moved to PostgreSQL and back")
	ps, err := store.Open(ctx, pg, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	kn.found(t, ps, "moved to PostgreSQL")
	ps.Close()
	code, out, errs = vaernRun(t, nil, "user", "list", "--org", "751", "--database", pg)
	wantExit(t, code, 0, out, errs, "user list on the moved database")

	// A target marked incomplete is refused by every command, the server included.
	db, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO data_move (id, source, started_at) VALUES (1, 'sqlite /tmp/x.db', 0)"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"user", "list", "--org", "751"}, {"serve", "--addr", "127.0.0.1:0"}, {"backup", "--to", filepath.Join(t.TempDir(), "b")}} {
		args = append(args, "--database", pg)
		code, out, errs := vaernRun(t, nil, args...)
		wantExit(t, code, 1, out, errs, args...)
		if !strings.Contains(errs, "did not finish") || !strings.Contains(errs, "sqlite /tmp/x.db") {
			t.Fatalf("vaern %s on an incomplete database: %s", args[0], errs)
		}
	}
	code, out, errs = vaernRun(t, nil, "migrate-data", "--from", dsn, "--to", dsn)
	wantExit(t, code, 2, out, errs, "migrate-data to itself")
	code, out, errs = vaernRun(t, nil, "migrate-data", "--to", dsn)
	wantExit(t, code, 2, out, errs, "migrate-data without --from")
}

// knSeeded is what knowledgeSeed wrote: a post the member finds by search and one the centre hid.
type knSeeded struct {
	member          vaern.Org
	centre          int64
	visible, hidden int64
}

// knowledgeSeed publishes two posts of the member's centre with the same rare word and hides one.
// A copy (backup, restore, migrate-data) leaves out the search indexes and SQLite's
// knowledge_search and rebuilds them: found checks that search answers on the copy as it did.
func knowledgeSeed(t *testing.T, st *store.Store, member vaern.Org) knSeeded {
	t.Helper()
	ctx := context.Background()
	k := knSeeded{member: member, centre: vaern.CommunityOf(member)}
	centre, err := st.Org(ctx, k.centre, k.centre)
	if err != nil {
		t.Fatal(err)
	}
	a := vaern.Actor{Email: "analytiker@test", OrgID: centre.ID, Role: vaern.RoleCentreAnalyst}
	v := access.ForOrg(centre)
	for i, id := range []*int64{&k.visible, &k.hidden} {
		p := vaern.Post{Kind: vaern.PostArticle, Lang: "da", TLP: "GREEN", Audience: "members",
			Texts: map[string]vaern.PostText{"da": {Title: "Gendannelsesøvelse " + string(rune('A'+i)), Body: "Kommunens gendannelsesøvelser efter et ransomwareangreb."}}}
		if *id, err = st.CreatePost(ctx, a, v, centre.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.ModeratePost(ctx, a, v, centre.ID, k.hidden, store.ModHide, "Forældet"); err != nil {
		t.Fatal(err)
	}
	k.found(t, st, "the source")
	return k
}

func (k knSeeded) found(t *testing.T, st *store.Store, where string) {
	t.Helper()
	l, err := st.Posts(context.Background(), access.ForOrg(k.member), k.centre,
		vaern.PostFilter{Terms: knowledge.Terms("gendannelsesøvelse"), Lang: "da"})
	if err != nil {
		t.Fatalf("%s: search: %v", where, err)
	}
	if l.Total != 1 || len(l.Posts) != 1 || l.Posts[0].ID != k.visible {
		t.Fatalf("%s: the member's search finds %+v (total %d), want post %d only", where, l.Posts, l.Total, k.visible)
	}
}
