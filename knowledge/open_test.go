//go:build sqlite_fts5

package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestOpenExistingNeverCreates: without a file there, OpenExisting fails
// naming the path and leaves no file behind.
func TestOpenExistingNeverCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	st, err := knowledge.OpenExisting(t.Context(), path)
	if err == nil {
		st.Close()
		t.Fatal("OpenExisting opened a database that does not exist")
	}
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v; want one wrapping os.ErrNotExist naming %s", err, path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists after OpenExisting (%v)", path, err)
	}
}

// TestOpenCurrentBesideWriter holds a write transaction in one connection
// and opens the same, current, database: the open takes no write lock, so
// it neither waits for the writer nor fails, and reads see the committed
// articles.
func TestOpenCurrentBesideWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.db")
	st, err := knowledge.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, st, knowledge.Article{ID: "quay", Title: "Quay repairs", Body: "Divers inspected the quay walls."})
	st.Close()

	knowledgetest.HoldWrite(t, path)

	for name, open := range map[string]func() (*knowledge.Store, error){
		"Open":         func() (*knowledge.Store, error) { return knowledge.Open(t.Context(), path) },
		"OpenExisting": func() (*knowledge.Store, error) { return knowledge.OpenExisting(t.Context(), path) },
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			st, err := open()
			if err != nil {
				t.Fatalf("open beside a writer: %v", err)
			}
			defer st.Close()
			if a, _ := mustCount(t, st); a != 1 {
				t.Errorf("%d articles, want 1", a)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("open and count took %s beside a writer; want no wait", d)
			}
		})
	}
}
