package store_test

import (
	"testing"

	"github.com/vaern/vaern/internal/store"
)

func TestPrefixCols(t *testing.T) {
	got := store.PrefixColsForTest("id, kind, COALESCE(parent_id, 0), code", "o.")
	want := "o.id, o.kind, COALESCE(o.parent_id, 0), o.code"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
