package web

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

// TestLayoutCacheSameOutput renders pages for several people, roles, languages, paths, bells and
// the demo banner through the kept layouts (twice, the second from the cache) and checks each is
// byte for byte what executing the whole layout gives; pages that differ in anything the layout
// shows must not share a kept layout.
func TestLayoutCacheSameOutput(t *testing.T) {
	v, err := loadViews()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{views: v}
	var pages []*Page
	for _, lang := range i18n.Langs {
		for _, role := range []vaern.Role{vaern.RoleCoordinator, vaern.RoleRespondent, vaern.RoleCentreAdmin} {
			for _, path := range []string{"/", "/baseline", "/notifications"} {
				for _, unread := range []int{0, 3} {
					for _, demo := range []bool{false, true} {
						p := &vaern.Principal{User: vaern.User{ID: 7, Name: "Anne Holm", Email: "anne@example.org"}, Org: vaern.Org{ID: 2, Name: "Aarhus"}, Role: role}
						pg := &Page{L: cat.For(lang), P: p, Title: "error.title", Nav: nav(p, path), Path: path, Demo: demo, Unread: unread,
							Data: map[string]any{"Status": 404, "Message": ""}}
						for _, l := range i18n.Langs {
							pg.Langs = append(pg.Langs, LangOption{Code: l, Name: i18n.Names[l], Current: l == lang})
						}
						pages = append(pages, pg)
					}
				}
			}
		}
	}
	// A person who renames themselves, and one without a name.
	renamed := *pages[0]
	renamed.P = &vaern.Principal{User: vaern.User{ID: 7, Name: "Anne Holm-Berg", Email: "anne@example.org"}, Org: vaern.Org{ID: 2, Name: "Aarhus"}, Role: vaern.RoleCoordinator}
	unnamed := *pages[0]
	unnamed.P = &vaern.Principal{User: vaern.User{ID: 8, Email: "bo@example.org"}, Org: vaern.Org{ID: 2, Name: "Aarhus"}, Role: vaern.RoleCoordinator}
	flash := *pages[0]
	flash.Flash = "error.title"
	pages = append(pages, &renamed, &unnamed, &flash)
	seen := map[string]bool{}
	for round := 0; round < 2; round++ {
		for i, pg := range pages {
			var want bytes.Buffer
			if err := v.pages["error"].ExecuteTemplate(&want, "layout", pg); err != nil {
				t.Fatal(err)
			}
			var main bytes.Buffer
			if err := v.pages["error"].ExecuteTemplate(&main, "main", pg); err != nil {
				t.Fatal(err)
			}
			fr, err := s.frame(pg)
			if err != nil {
				t.Fatal(err)
			}
			got := string(fr.head) + main.String() + string(fr.foot)
			if got != want.String() {
				t.Fatalf("round %d, page %d (%s, %s, %s, unread %d, demo %v): the kept layout gives\n%s\nwant\n%s",
					round, i, pg.L.Lang, pg.P.Role, pg.Path, pg.Unread, pg.Demo, got, want.String())
			}
			seen[got] = true
		}
	}
	if len(seen) != len(pages) {
		t.Errorf("%d different pages for %d different page data", len(seen), len(pages))
	}
}

// TestLayoutCacheKeyCoversLayout lists the fields layout.html reads and fails on one that
// layoutKey does not hold (so a kept layout could show another request's value): add it to
// layoutKey and keyOf, or to the fields a kept layout is never used for (keyOf's refusals).
func TestLayoutCacheKeyCoversLayout(t *testing.T) {
	v, err := loadViews()
	if err != nil {
		t.Fatal(err)
	}
	covered := []string{
		"L.Lang", "L.T", "Title", "Path", "Demo", "Unread", "Flash", "FlashText", "Error",
		"P", "P.Org.Name", "P.User.Name", "P.User.Email", "P.Role",
		"Langs", "Code", "Current", "Name", // the language switch, from the language
		"Nav", "Href", "Key", // the navigation and its items (Current as above)
		"NavGroups", "Items", // the navigation's groups, derived from Nav alone (nav.go)
		"$.L.T",
	}
	var fields []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			if n.Name != "main" {
				t.Errorf("layout.html calls template %q: the layout cache only knows it calls main", n.Name)
			}
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			fields = append(fields, strings.Join(n.Ident, "."))
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.VariableNode:
			if len(n.Ident) > 1 {
				fields = append(fields, strings.Join(n.Ident, "."))
			}
		}
	}
	walk(v.frame.Lookup("layout").Tree.Root)
	if len(fields) < 10 {
		t.Fatalf("found only %v in layout.html", fields)
	}
	for _, f := range fields {
		if !slices.Contains(covered, f) {
			t.Errorf("layout.html reads .%s, which the layout cache's key does not cover (layout_cache.go)", f)
		}
	}
}
