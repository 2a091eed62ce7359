//go:build sqlite_fts5

package knowledge

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrateToOrigins writes a database as the schema before origins and
// authors, with articles whose sources were file names and an IP address,
// then opens it: those sources are cleared, a real one stays, and loading
// an old file again finds its article rather than adding a second.
func TestMigrateToOrigins(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := newOldDatabase(t, path, "0001_articles.sql", "0002_feeds.sql", "0003_feed_item_failures.sql", "0004_sentence_vocabulary.sql")
	old := []struct {
		a      Article
		source string
	}{
		{Article{Title: "Quay repairs", Body: "Divers inspected the quay walls. Repairs cost four million."}, "quay-2026-03-02.TXT"},
		{Article{Title: "Autumn fair", Body: "The autumn fair drew record crowds."}, "203.0.113.9"},
		{Article{Title: "Tram line", Body: "The tram line opens in June."}, "City Desk"},
	}
	for i, o := range old {
		a := o.a
		a.ID = ContentHash(a)[:12]
		db.put(i+1, a, o.source)
	}
	db.migrate("0005_article_text.sql") // the article index, as the previous version built it
	db.close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open the old database: %v", err)
	}
	defer st.Close()
	for i, want := range []string{"", "", "City Desk"} {
		a, _, err := st.Article(ctx, ContentHash(old[i].a)[:12])
		if err != nil {
			t.Fatal(err)
		}
		if a.Source != want {
			t.Errorf("article %d: source %q after migrating, want %q", i, a.Source, want)
		}
	}
	// The old file loaded again, then edited: still one article.
	again := old[0].a
	again.Origin = "/news/quay-2026-03-02.TXT"
	if got, err := st.Put(ctx, []Article{again}); err != nil || got[0] == Loaded || got[0] == Duplicate {
		t.Fatalf("Put the old file again = %v, %v", got, err)
	}
	again.Body = "Divers inspected the quay walls. Repairs cost five million."
	in := []Article{again}
	if got, err := st.Put(ctx, in); err != nil || got[0] != Updated || in[0].ID != ContentHash(old[0].a)[:12] {
		t.Fatalf("Put the edited file = %v (ID %q), %v; want updated", got, in[0].ID, err)
	}
	if n, _, err := st.Count(ctx); err != nil || n != 3 {
		t.Errorf("%d articles after reloading, %v; want 3", n, err)
	}
}
