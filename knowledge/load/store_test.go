package load

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"newsbot/knowledge/knowledgetest"
)

// TestLoadIntoStore loads a directory into a real SQLite store twice: the
// second load changes nothing, and a bad file never stops the good ones.
func TestLoadIntoStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"london-talks-2025-04-23.txt": "Kellogg to represent US at London talks\n" +
			"- General Keith Kellogg will represent the US at the discussions.\n" +
			"Secretary of State Marco Rubio will not attend the talks in London. Gen. Kellogg will go instead.",
		"storm.md":   "---\ntitle: Storm hits coast\nurl: https://news.example/storm\n---\nWinds reached 150 km/h on Tuesday. Ferries stopped.",
		"feed.jsonl": jsonLines(3, 2),
		"broken.txt": "Title\n\x00\x01binary",
	})
	st := knowledgetest.MustOpenDB(t)
	l := &Loader{Store: st, BatchSize: 2}

	first, err := l.Load(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary(); s != "4 loaded, 0 updated, 0 unchanged, 0 duplicates, 2 rejected, 0 skipped" {
		t.Fatalf("first load: %s\n%+v", s, first.Results)
	}
	second, err := l.Load(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if s := second.Summary(); s != "0 loaded, 0 updated, 4 unchanged, 0 duplicates, 2 rejected, 0 skipped" {
		t.Fatalf("second load: %s\n%+v", s, second.Results)
	}
	for i, r := range second.Results {
		if r.ArticleID != first.Results[i].ArticleID || r.Origin != first.Results[i].Origin {
			t.Errorf("reload changed result %d: %+v, was %+v", i, r, first.Results[i])
		}
	}
	if articles, _, err := st.Count(ctx); err != nil || articles != 4 {
		t.Fatalf("store holds %d articles (err %v), want 4", articles, err)
	}

	var talksID string
	for _, r := range first.Results {
		if strings.HasSuffix(r.Origin, "london-talks-2025-04-23.txt") {
			talksID = r.ArticleID
		}
	}
	a, sents, err := st.Article(ctx, talksID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Kellogg to represent US at London talks" || a.Published.Format("2006-01-02") != "2025-04-23" || a.Source != "" {
		t.Errorf("stored %+v", a)
	}
	var texts []string
	for _, s := range sents {
		texts = append(texts, s.Text)
	}
	want := []string{
		"General Keith Kellogg will represent the US at the discussions.",
		"Secretary of State Marco Rubio will not attend the talks in London.",
		"Gen. Kellogg will go instead.",
	}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("sentences %q, want %q", texts, want)
	}

	// The file changes: the same article is updated, not duplicated.
	writeFiles(t, dir, map[string]string{"storm.md": "---\ntitle: Storm hits coast\nurl: https://news.example/storm\n---\nWinds reached 160 km/h on Tuesday."})
	third, err := l.Load(ctx, []string{filepath.Join(dir, "storm.md")})
	if err != nil {
		t.Fatal(err)
	}
	if s := third.Summary(); s != "0 loaded, 1 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Errorf("after an edit: %s", s)
	}
}

// TestLoadStoreRefusesOne puts a batch holding an article the store refuses:
// only that one is rejected, the rest of its batch is stored.
func TestLoadStoreRefusesOne(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	fetcher := fakeFetcher{
		"https://a.example/1": {URL: "https://a.example/1", Title: "One", Body: "First article."},
		"https://a.example/2": {URL: "https://a.example/2", Title: "", Body: "An article without a title."},
		"https://a.example/3": {URL: "https://a.example/3", Title: "Three", Body: "Third article."},
	}
	l := &Loader{Store: st, Fetcher: fetcher}
	report, err := l.Load(ctx, []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"})
	if err != nil {
		t.Fatal(err)
	}
	if s := report.Summary(); s != "2 loaded, 0 updated, 0 unchanged, 0 duplicates, 1 rejected, 0 skipped" {
		t.Fatalf("%s: %+v", s, report.Results)
	}
	if r := report.Results[1]; r.Status != StatusRejected || !strings.Contains(r.Reason, "no title") || r.Origin != "https://a.example/2" {
		t.Errorf("refused article: %+v", r)
	}
	if articles, _, err := st.Count(ctx); err != nil || articles != 2 {
		t.Errorf("store holds %d articles (err %v), want 2", articles, err)
	}
}
