//go:build sqlite_fts5

package knowledge_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"newsbot/knowledge"
)

// TestBackup copies a store while another connection holds a write
// transaction: the copy opens, holds the articles and finds them; a second
// backup to the same path is refused.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	st, err := knowledge.Open(t.Context(), filepath.Join(dir, "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustPut(t, st, knowledge.Article{ID: "quay", Title: "Quay repairs", Body: "Divers inspected the quay walls. Repairs cost four million."})
	tx, err := st.DB().BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `DELETE FROM articles`); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "copy.db")
	if err := st.Backup(t.Context(), path); err != nil {
		t.Fatalf("backup beside a write: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "kb.db" && e.Name() != "copy.db" && e.Name() != "kb.db-wal" && e.Name() != "kb.db-shm" {
			t.Errorf("backup left %s behind", e.Name())
		}
	}
	cp, err := knowledge.OpenExisting(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if a, s := mustCount(t, cp); a != 1 || s != 2 {
		t.Errorf("the copy holds %d articles, %d sentences; want 1 and 2", a, s)
	}
	if ps, err := cp.Search(t.Context(), "quay repairs", knowledge.SearchOptions{}); err != nil || len(ps) == 0 {
		t.Errorf("search the copy: %d passages, %v", len(ps), err)
	}
	if err := st.Backup(t.Context(), path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("backup onto an existing file: %v; want fs.ErrExist", err)
	}
}
