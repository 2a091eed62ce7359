//go:build sqlite_fts5

package knowledge

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrateFromPreviousSchema writes a database the way the schema before
// the article index did, then opens it: the index is built from the stored
// text, nothing is lost, and search finds the articles.
func TestMigrateFromPreviousSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := newOldDatabase(t, path, "0001_articles.sql", "0002_feeds.sql", "0003_feed_item_failures.sql", "0004_sentence_vocabulary.sql")
	old.put(1, Article{ID: "quay", Title: "Quay repairs", KeyPoints: []string{"The quay reopens in May."},
		Body: "Divers inspected the quay walls. Repairs cost four million. The harbour master approved the plan. Work starts on Monday."}, "old")
	old.put(2, Article{ID: "fair", Title: "Autumn fair", Body: "The autumn fair drew record crowds. Pumpkins sold out by noon."}, "old")
	old.close()

	type report struct {
		task        string
		done, total int
	}
	var reports []report
	st, err := Open(ctx, path, WithProgress(func(task string, done, total int) {
		reports = append(reports, report{task, done, total})
	}))
	if err != nil {
		t.Fatalf("open the old database: %v", err)
	}
	defer st.Close()
	if len(reports) == 0 || reports[len(reports)-1] != (report{"building the article index", 2, 2}) {
		t.Errorf("progress reports %+v, want the last to say 2 of 2 articles indexed", reports)
	}
	// Opened again, it is current: no rebuild, no progress.
	reports = nil
	again, err := OpenExisting(ctx, path, WithProgress(func(task string, done, total int) {
		reports = append(reports, report{task, done, total})
	}))
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if len(reports) != 0 {
		t.Errorf("a current database reported progress %+v", reports)
	}
	articles, sentences, err := st.Count(ctx)
	if err != nil || articles != 2 || sentences != 7 {
		t.Fatalf("after migrating: %d articles, %d sentences, %v; want 2 and 7", articles, sentences, err)
	}
	// The lead (the key point and the first three sentences) and the rest
	// are indexed apart.
	for q, want := range map[string]int{"lead:quay": 1, "rest:monday": 1, "lead:monday": 0, "title:pumpkins": 0, "lead:pumpkins": 1} {
		var n int
		if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM article_text WHERE article_text MATCH ?`, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("article_text MATCH %q: %d rows, want %d", q, n, want)
		}
	}
	ps, err := st.Search(ctx, "When does the quay reopen?", SearchOptions{})
	if err != nil || len(ps) == 0 || ps[0].Article.ID != "quay" {
		t.Fatalf("search after migrating: %v, %v; want the quay article", ps, err)
	}
	if err := st.Remove(ctx, "fair"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM article_text WHERE article_text MATCH 'pumpkins'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("removed article still indexed: %d rows, %v", n, err)
	}
}
