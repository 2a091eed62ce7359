package knowledge_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name    string
		path    string
		wantErr error // nil: any error when wantFail
		wantOK  bool
	}{
		{name: "OK", path: filepath.Join(dir, "ok.db"), wantOK: true},
		{name: "ErrEmptyPath", path: "", wantErr: knowledge.ErrInvalid},
		{name: "ErrMissingDirectory", path: filepath.Join(dir, "missing", "x.db")},
		{name: "ErrDirectory", path: dir},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := knowledge.Open(context.Background(), tt.path)
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				st.Close()
				return
			}
			if err == nil {
				st.Close()
				t.Fatal("Open: no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Open: %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestOpenPathIsAFileName checks that the database path is taken as a file
// name, not as a URI with its own escapes and parameters.
func TestOpenPathIsAFileName(t *testing.T) {
	for i, name := range []string{"plain.db", "with space.db", "percent%41.db", "hash#1.db", "question?.db", "amp&_foreign_keys=off.db"} {
		// The subtest is named by number so that only the file name, inside
		// the temporary directory, holds the characters under test.
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			st, err := knowledge.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer st.Close()
			mustPut(t, st, sampleArticles()[0])
			if _, err := os.Stat(path); err != nil {
				entries, _ := os.ReadDir(filepath.Dir(path))
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("database not at %s: %v; directory holds %q", path, err, names)
			}
			var mode string
			if err := st.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" {
				t.Errorf("journal_mode %q, want wal (the connection settings were lost)", mode)
			}
		})
	}
}

func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	var want []string
	for _, f := range files {
		want = append(want, "migrations/"+filepath.Base(f))
	}

	type snapshot struct {
		migrations []string
		schema     []string
	}
	open := func() snapshot {
		t.Helper()
		st, err := knowledge.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer st.Close()
		var s snapshot
		s.migrations = queryStrings(t, st, `SELECT name || ' ' || applied_at FROM migrations ORDER BY name`)
		s.schema = queryStrings(t, st, `SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name`)
		return s
	}
	first := open()
	if len(first.migrations) != len(want) {
		t.Fatalf("migrations table %q, want one row for each of %q", first.migrations, want)
	}
	for i, row := range first.migrations {
		if name, _, _ := strings.Cut(row, " "); name != want[i] {
			t.Errorf("migration %d is %q, want %q", i, name, want[i])
		}
	}
	second := open()
	if !reflect.DeepEqual(first, second) {
		t.Errorf("second Open changed the database:\nfirst  %q\nsecond %q", first, second)
	}
}

func TestOpenConnectionSettings(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	// Hold several connections at once so that settings are checked on
	// more than the first one.
	var conns []interface{ Close() error }
	for i := range 3 {
		conn, err := st.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		for _, tt := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"foreign_keys", "1"},
			{"busy_timeout", "10000"},
		} {
			var got string
			if err := conn.QueryRowContext(ctx, `PRAGMA `+tt.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("connection %d: %s = %s, want %s", i, tt.pragma, got, tt.want)
			}
		}
	}
	for _, c := range conns {
		c.Close()
	}
	// Foreign keys are enforced: a sentence needs its article.
	_, err := st.DB().ExecContext(ctx, `INSERT INTO sentences (id, article, position, text) VALUES ('x', 12345, 0, 'orphan')`)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("insert orphan sentence: %v, want a FOREIGN KEY error", err)
	}
}

func queryStrings(tb testing.TB, st *knowledge.Store, query string) []string {
	tb.Helper()
	rows, err := st.DB().Query(query)
	if err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestPut(t *testing.T) {
	ctx := context.Background()
	stored := knowledge.Article{
		ID: "kept", Title: "Ferry service resumes", Source: "a.txt",
		Body: "The ferry service resumed after the storm. Passengers queued from dawn.",
	}
	byURL := knowledge.Article{
		URL: "https://news.example/ferries/resume", Title: "Ferries sail again", Source: "feed",
		Body: "Ferries sailed again on Tuesday. The operator apologised for the delays.",
	}
	noURL := knowledge.Article{
		Title: "Bridge reopens", Source: "one.txt",
		Body: "The old bridge reopened after repairs. Traffic flowed freely.",
	}
	edited := func(a knowledge.Article, body string) knowledge.Article {
		a.Body = body
		return a
	}
	withSource := func(a knowledge.Article, source string) knowledge.Article {
		a.Source = source
		return a
	}
	withURL := func(a knowledge.Article, url string) knowledge.Article {
		a.URL = url
		return a
	}
	fresh := knowledge.Article{Title: "Museum opens", Body: "The new museum opened its doors to the public."}

	for _, tt := range []struct {
		name    string
		before  []knowledge.Article
		put     []knowledge.Article
		want    []knowledge.PutStatus
		wantIDs []string // the IDs Put fills in; "" skips the check
		wantN   int      // articles stored afterwards
		wantErr error
	}{
		{name: "New", put: []knowledge.Article{stored}, want: []knowledge.PutStatus{knowledge.Loaded}, wantIDs: []string{"kept"}, wantN: 1},
		{name: "NewDerivesIDFromURL", put: []knowledge.Article{byURL}, want: []knowledge.PutStatus{knowledge.Loaded}, wantIDs: []string{knowledge.DeriveID(byURL)}, wantN: 1},
		{name: "NewDerivesIDFromContent", put: []knowledge.Article{noURL}, want: []knowledge.PutStatus{knowledge.Loaded}, wantIDs: []string{knowledge.DeriveID(noURL)}, wantN: 1},
		{name: "SameAgain", before: []knowledge.Article{stored, byURL, noURL}, put: []knowledge.Article{stored, byURL, noURL},
			want: []knowledge.PutStatus{knowledge.Unchanged, knowledge.Unchanged, knowledge.Unchanged}, wantN: 3},
		{name: "SameTwiceInOneBatch", put: []knowledge.Article{noURL, noURL},
			want: []knowledge.PutStatus{knowledge.Loaded, knowledge.Unchanged}, wantN: 1},
		{name: "SameIDChangedBody", before: []knowledge.Article{stored},
			put:  []knowledge.Article{edited(stored, "The ferry service was suspended again.")},
			want: []knowledge.PutStatus{knowledge.Updated}, wantIDs: []string{"kept"}, wantN: 1},
		{name: "SameURLWithoutIDChangedBody", before: []knowledge.Article{byURL},
			put:  []knowledge.Article{edited(byURL, "Ferries sailed again on Wednesday.")},
			want: []knowledge.PutStatus{knowledge.Updated}, wantIDs: []string{knowledge.DeriveID(byURL)}, wantN: 1},
		{name: "SameURLNormalizedChangedBody", before: []knowledge.Article{byURL},
			put:  []knowledge.Article{withURL(edited(byURL, "Ferries sailed again on Thursday."), "https://NEWS.example/ferries/resume/")},
			want: []knowledge.PutStatus{knowledge.Updated}, wantIDs: []string{knowledge.DeriveID(byURL)}, wantN: 1},
		{name: "SameContentOtherSource", before: []knowledge.Article{noURL},
			put:  []knowledge.Article{withSource(noURL, "copy-of-one.txt")},
			want: []knowledge.PutStatus{knowledge.Updated}, wantIDs: []string{knowledge.DeriveID(noURL)}, wantN: 1},
		{name: "SameContentGivenURLLater", before: []knowledge.Article{noURL},
			put:  []knowledge.Article{withURL(noURL, "https://news.example/bridge")},
			want: []knowledge.PutStatus{knowledge.Updated}, wantIDs: []string{knowledge.DeriveID(noURL)}, wantN: 1},
		{name: "SameContentOtherURL", before: []knowledge.Article{byURL},
			put:  []knowledge.Article{withURL(byURL, "https://mirror.example/ferries")},
			want: []knowledge.PutStatus{knowledge.Duplicate}, wantIDs: []string{knowledge.DeriveID(byURL)}, wantN: 1},
		{name: "ErrURLOfAnotherArticle", before: []knowledge.Article{stored, byURL},
			put:   []knowledge.Article{withURL(edited(stored, "The ferry service was cut."), byURL.URL)},
			wantN: 2, wantErr: knowledge.ErrInvalid},
		{name: "ErrURLOfAnotherArticleSameText", before: []knowledge.Article{stored, byURL},
			put:   []knowledge.Article{withURL(stored, byURL.URL)},
			wantN: 2, wantErr: knowledge.ErrInvalid},
		{name: "ErrNoTitle", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Body: "Text without a title."}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrBlankTitle", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: " \t\n", Body: "Text."}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrNoText", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Empty"}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrBlankText", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Blank", Body: " \n\t "}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrBlankKeyPoints", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Blank", KeyPoints: []string{"", "  "}}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrInvalidUTF8Title", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Bad \xff title", Body: "Text."}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrInvalidUTF8Body", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Bad body", Body: "Text \xc3\x28 here."}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrInvalidUTF8KeyPoint", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Bad point", KeyPoints: []string{"Fine.", "\xed\xa0\x80 surrogate"}}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrInvalidUTF8Source", before: []knowledge.Article{stored}, put: []knowledge.Article{fresh, {Title: "Bad source", Source: "\xff", Body: "Text."}}, wantN: 1, wantErr: knowledge.ErrInvalid},
		{name: "ErrInvalidAfterAnUpdate", before: []knowledge.Article{stored},
			put:   []knowledge.Article{edited(stored, "The ferry service was cancelled."), {Title: "No text"}},
			wantN: 1, wantErr: knowledge.ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			st.Now = (&clock{testTime}).Now
			if len(tt.before) > 0 {
				mustPut(t, st, slices.Clone(tt.before)...)
			}
			beforeArticles, beforeSentences := snapshotStore(t, st)

			in := slices.Clone(tt.put)
			got, err := st.Put(ctx, in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Put: %v, want %v", err, tt.wantErr)
				}
				// Nothing of the batch is stored, and what was stored is intact.
				afterArticles, afterSentences := snapshotStore(t, st)
				if !reflect.DeepEqual(afterArticles, beforeArticles) || !reflect.DeepEqual(afterSentences, beforeSentences) {
					t.Errorf("a rejected batch changed the store:\nbefore %v\n       %v\nafter  %v\n       %v", beforeArticles, beforeSentences, afterArticles, afterSentences)
				}
				if ps := mustSearch(t, st, "museum", knowledge.SearchOptions{}); len(ps) != 0 {
					t.Errorf("search for a word of the rejected batch found %d passages", len(ps))
				}
				checkIndexes(t, st)
				return
			}
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Put = %v, want %v", got, tt.want)
			}
			for i, id := range tt.wantIDs {
				if id != "" && in[i].ID != id {
					t.Errorf("article %d: ID %q, want %q", i, in[i].ID, id)
				}
			}
			if n, _ := mustCount(t, st); n != tt.wantN {
				t.Errorf("%d articles stored, want %d", n, tt.wantN)
			}
			// The stored text is what was put last.
			last := in[len(in)-1]
			a, sents, err := st.Article(ctx, last.ID)
			if err != nil {
				t.Fatalf("Article(%q): %v", last.ID, err)
			}
			if a.Body != last.Body || a.Title != last.Title {
				t.Errorf("stored %q / %q, want %q / %q", a.Title, a.Body, last.Title, last.Body)
			}
			if want := knowledge.Split(last); !sameSentences(sents, want) {
				t.Errorf("stored sentences %v, want %v", sents, want)
			}
			checkIndexes(t, st)
		})
	}
}

// snapshotStore returns every stored article with its sentences.
func snapshotStore(tb testing.TB, st *knowledge.Store) ([]knowledge.Article, [][]knowledge.Sentence) {
	tb.Helper()
	list, err := st.Articles(context.Background(), knowledge.ListOptions{Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	var arts []knowledge.Article
	var sents [][]knowledge.Sentence
	for _, l := range list {
		a, s, err := st.Article(context.Background(), l.ID)
		if err != nil {
			tb.Fatal(err)
		}
		arts = append(arts, a)
		sents = append(sents, s)
	}
	return arts, sents
}

func sameSentences(a, b []knowledge.Sentence) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPutReplacesText checks that an updated article's old sentences and
// index entries are gone and its new ones are found, whichever way the
// article is recognised.
func TestPutReplacesText(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		old, new knowledge.Article
	}{
		{
			name: "SameID",
			old:  knowledge.Article{ID: "zoo", Title: "Zoo news", KeyPoints: []string{"The zebra escaped."}, Body: "Keepers found the zebra by the river."},
			new:  knowledge.Article{ID: "zoo", Title: "Zoo update", KeyPoints: []string{"The giraffe escaped."}, Body: "Keepers found the giraffe by the lake."},
		},
		{
			name: "SameURL",
			old:  knowledge.Article{URL: "https://zoo.example/news", Title: "Zoo news", Body: "The zebra escaped. Keepers found the zebra by the river."},
			new:  knowledge.Article{URL: "https://zoo.example/news", Title: "Zoo update", Body: "The giraffe escaped. Keepers found the giraffe by the lake."},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			mustPut(t, st, sampleArticles()...)
			batch := []knowledge.Article{tt.old}
			mustPut(t, st, batch...)
			old := batch[0] // with the ID Put gave it
			oldIDs := sentenceIDs(t, st, old.ID)
			if ps := mustSearch(t, st, "zebra", knowledge.SearchOptions{}); len(ps) == 0 || ps[0].Article.ID != old.ID {
				t.Fatalf("search zebra before the update: %v", passageIDs(ps))
			}

			if got := mustPut(t, st, tt.new); got[0] != knowledge.Updated {
				t.Fatalf("Put = %v, want updated", got)
			}
			if ps := mustSearch(t, st, "zebra river", knowledge.SearchOptions{}); len(ps) != 0 {
				t.Errorf("search for words only in the old text found %v", passageIDs(ps))
			}
			ps := mustSearch(t, st, "giraffe lake", knowledge.SearchOptions{})
			if len(ps) == 0 || ps[0].Article.ID != old.ID {
				t.Fatalf("search for words of the new text: %v, want article %s", passageIDs(ps), old.ID)
			}
			if ps[0].Article.Title != "Zoo update" {
				t.Errorf("passage title %q, want the new one", ps[0].Article.Title)
			}
			// The old sentences are gone, from the table and both indexes.
			if got, _ := st.Sentences(ctx, oldIDs); len(got) != 0 {
				t.Errorf("old sentences still stored: %v", got)
			}
			for _, table := range []string{"sentences_fts", "article_text"} {
				if n := ftsCount(t, st, table, "zebra"); n != 0 {
					t.Errorf("%s still has %d rows for zebra", table, n)
				}
				if n := ftsCount(t, st, table, "giraffe"); n == 0 {
					t.Errorf("%s has no row for giraffe", table)
				}
			}
			if n := ftsCount(t, st, "article_text", "update"); n != 1 {
				t.Errorf("article_text has %d rows with the new title's word, want 1", n)
			}
			if _, sents := mustCount(t, st); sents != totalSentences(append(sampleArticles(), withID(tt.new, old.ID))...) {
				t.Errorf("%d sentences stored, want only the current ones", sents)
			}
			checkIndexes(t, st)
		})
	}
}

// TestPutKeepsWhatANewCopyLeavesOut reloads an article from a copy that
// lacks its published time, URL and source: the stored ones stay, whether
// the text changed or not, and the indexes stay in step.
func TestPutKeepsWhatANewCopyLeavesOut(t *testing.T) {
	ctx := context.Background()
	published := time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC)
	full := knowledge.Article{ID: "tram", Title: "Tram line opens", URL: "https://city.example/tram", Source: "City Times",
		Published: published, Body: "The new tram line opened on Monday. Riders praised it."}
	bare := func(body string) knowledge.Article {
		return knowledge.Article{ID: "tram", Title: full.Title, Body: body}
	}
	for _, tt := range []struct {
		name string
		put  knowledge.Article
		want knowledge.PutStatus
	}{
		{name: "SameText", put: bare(full.Body), want: knowledge.Unchanged},
		{name: "NewText", put: bare("The new tram line opened on Tuesday. Riders cheered."), want: knowledge.Updated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			mustPut(t, st, full)
			if got := mustPut(t, st, tt.put); got[0] != tt.want {
				t.Errorf("Put = %v, want %v", got, tt.want)
			}
			a, _, err := st.Article(ctx, "tram")
			if err != nil {
				t.Fatal(err)
			}
			if !a.Published.Equal(published) || a.URL != full.URL || a.Source != full.Source {
				t.Errorf("stored published %v, url %q, source %q; want %v, %q, %q", a.Published, a.URL, a.Source, published, full.URL, full.Source)
			}
			if ps := mustSearch(t, st, "tram riders", knowledge.SearchOptions{}); len(ps) == 0 {
				t.Error("search finds nothing after the reload")
			}
			checkIndexes(t, st)
		})
	}
}

// TestPutURLOfAnotherArticle gives an article the URL another one has: the
// error names the URL and the article that has it.
func TestPutURLOfAnotherArticle(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st,
		knowledge.Article{ID: "one", Title: "One", URL: "https://news.example/one", Body: "The first story."},
		knowledge.Article{ID: "two", Title: "Two", Body: "The second story."})
	_, err := st.Put(context.Background(), []knowledge.Article{{ID: "two", Title: "Two", URL: "https://news.example/one", Body: "The second story, revised."}})
	if !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("Put: %v, want ErrInvalid", err)
	}
	for _, want := range []string{`"two"`, "https://news.example/one", `"one"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func withID(a knowledge.Article, id string) knowledge.Article {
	a.ID = id
	return a
}

func totalSentences(articles ...knowledge.Article) int {
	n := 0
	for _, a := range articles {
		n += len(knowledge.Split(a))
	}
	return n
}

func sentenceIDs(tb testing.TB, st *knowledge.Store, articleID string) []string {
	tb.Helper()
	_, sents, err := st.Article(context.Background(), articleID)
	if err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, len(sents))
	for i, s := range sents {
		ids[i] = s.ID
	}
	return ids
}

func TestSentenceIDsStable(t *testing.T) {
	ctx := context.Background()
	a := knowledge.Article{
		ID: "stable", Title: "Stable IDs",
		KeyPoints: []string{"Prices rose."},
		Body:      "Prices rose. Prices rose. The bank held rates. Prices rose.",
	}
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, a)
	first := sentenceIDs(t, st, "stable")
	if len(first) != 5 {
		t.Fatalf("%d sentences, want 5", len(first))
	}
	if len(slices.Compact(slices.Sorted(slices.Values(first)))) != len(first) {
		t.Errorf("repeated sentences share IDs: %v", first)
	}

	// Removed and loaded again, and loaded into another database.
	if err := st.Remove(ctx, "stable"); err != nil {
		t.Fatal(err)
	}
	mustPut(t, st, a)
	if again := sentenceIDs(t, st, "stable"); !slices.Equal(again, first) {
		t.Errorf("after reloading: %v, want %v", again, first)
	}
	other := knowledgetest.MustOpenDB(t)
	mustPut(t, other, a)
	if again := sentenceIDs(t, other, "stable"); !slices.Equal(again, first) {
		t.Errorf("in another database: %v, want %v", again, first)
	}

	// An edit keeps the IDs of the sentences before it.
	a.Body += " Markets fell."
	mustPut(t, st, a)
	edited := sentenceIDs(t, st, "stable")
	if !slices.Equal(edited[:len(first)], first) {
		t.Errorf("after appending a sentence: %v, want it to start with %v", edited, first)
	}
}

func TestPutKeyPointsBeforeBody(t *testing.T) {
	a := knowledge.Article{
		ID: "order", Title: "Order",
		KeyPoints: []string{"First point.", "Second point. With two sentences."},
		Body:      "Body one. Body two.",
	}
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, a)
	_, sents, err := st.Article(context.Background(), "order")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text     string
		keyPoint bool
	}{
		{"First point.", true}, {"Second point.", true}, {"With two sentences.", true},
		{"Body one.", false}, {"Body two.", false},
	}
	if len(sents) != len(want) {
		t.Fatalf("sentences %v, want %d", sents, len(want))
	}
	for i, w := range want {
		s := sents[i]
		if s.Position != i || s.Text != w.text || s.KeyPoint != w.keyPoint || s.ArticleID != "order" {
			t.Errorf("sentence %d = %+v, want position %d %q key point %v", i, s, i, w.text, w.keyPoint)
		}
	}
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		id      string
		wantErr error
	}{
		{name: "OK", id: "harbour"},
		{name: "ErrNotFound", id: "no-such-article", wantErr: knowledge.ErrNotFound},
		{name: "ErrNotFoundEmpty", id: "", wantErr: knowledge.ErrNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			mustPut(t, st, sampleArticles()...)
			ids := sentenceIDs(t, st, "harbour")
			if ps := mustSearch(t, st, "harbour ferries", knowledge.SearchOptions{}); len(ps) == 0 {
				t.Fatal("search found nothing before Remove")
			}

			err := st.Remove(ctx, tt.id)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Remove(%q): %v, want %v", tt.id, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if n, _ := mustCount(t, st); n != len(sampleArticles()) {
					t.Errorf("%d articles after a failed Remove, want %d", n, len(sampleArticles()))
				}
				return
			}
			if _, _, err := st.Article(ctx, tt.id); !errors.Is(err, knowledge.ErrNotFound) {
				t.Errorf("Article after Remove: %v, want ErrNotFound", err)
			}
			if got, _ := st.Sentences(ctx, ids); len(got) != 0 {
				t.Errorf("sentences after Remove: %v", got)
			}
			for _, p := range mustSearch(t, st, "harbour ferries storm", knowledge.SearchOptions{Limit: 10}) {
				if p.Article.ID == tt.id {
					t.Errorf("search still returns the removed article: %v", p.Matched)
				}
			}
			for _, table := range []string{"sentences_fts", "article_text"} {
				if n := ftsCount(t, st, table, "ferries"); n != 0 {
					t.Errorf("%s still has %d rows for a word only in the removed article", table, n)
				}
			}
			arts, sents := mustCount(t, st)
			if arts != len(sampleArticles())-1 || sents != totalSentences(sampleArticles()[1:]...) {
				t.Errorf("count %d articles, %d sentences after Remove", arts, sents)
			}
			checkIndexes(t, st)
			if err := st.Remove(ctx, tt.id); !errors.Is(err, knowledge.ErrNotFound) {
				t.Errorf("second Remove: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestRemoveOlderThan(t *testing.T) {
	ctx := context.Background()
	cutoff := testTime.Add(-30 * 24 * time.Hour)
	article := func(id string, published time.Time) knowledge.Article {
		return knowledge.Article{ID: id, Title: id, Published: published, Body: "The " + id + " story."}
	}
	st := knowledgetest.MustOpenDB(t)
	c := &clock{testTime.Add(-60 * 24 * time.Hour)}
	st.Now = c.Now
	// Loaded long ago: kept only when published recently.
	mustPut(t, st,
		article("old-published-old", cutoff.Add(-time.Hour)),
		article("old-published-new", cutoff.Add(time.Hour)),
		article("old-unpublished", time.Time{}),
	)
	c.now = testTime
	mustPut(t, st,
		article("new-published-old", cutoff.Add(-24*time.Hour)),
		article("new-published-new", testTime),
		article("new-unpublished", time.Time{}),
	)

	n, err := st.RemoveOlderThan(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("RemoveOlderThan = %d, want 3", n)
	}
	list, err := st.Articles(ctx, knowledge.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		got = append(got, a.ID)
	}
	slices.Sort(got)
	want := []string{"new-published-new", "new-unpublished", "old-published-new"}
	if !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
	if ps := mustSearch(t, st, "story", knowledge.SearchOptions{Limit: 10}); len(ps) != 3 {
		t.Errorf("search finds %d articles, want the 3 left", len(ps))
	}
	checkIndexes(t, st)
	if n, err := st.RemoveOlderThan(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second RemoveOlderThan = %d, %v; want 0", n, err)
	}
}

func TestSentences(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, sampleArticles()...)
	harbour := sentenceIDs(t, st, "harbour")
	budget := sentenceIDs(t, st, "budget")
	for _, tt := range []struct {
		name string
		ids  []string
		want []string
	}{
		{name: "None", ids: nil, want: nil},
		{name: "AskedOrder", ids: []string{budget[2], harbour[0], harbour[3]}, want: []string{budget[2], harbour[0], harbour[3]}},
		{name: "SkipsUnknown", ids: []string{"nope", harbour[1], "", budget[0], "'; DROP TABLE sentences; --"}, want: []string{harbour[1], budget[0]}},
		{name: "OnlyUnknown", ids: []string{"nope"}, want: nil},
		{name: "Repeated", ids: []string{harbour[1], harbour[1]}, want: []string{harbour[1]}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Sentences(ctx, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
				if s.Text == "" || s.ArticleID == "" {
					t.Errorf("sentence %s without text or article", s.ID)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Sentences = %v, want %v", ids, tt.want)
			}
		})
	}
	// Every field is filled in as Article reports it.
	_, want, _ := st.Article(ctx, "vaccine")
	got, err := st.Sentences(ctx, []string{want[1].ID})
	if err != nil || len(got) != 1 || got[0] != want[1] {
		t.Errorf("Sentences = %+v, %v; want %+v", got, err, want[1])
	}
}

func TestArticles(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	c := &clock{testTime}
	st.Now = c.Now
	var loaded []string // newest first
	for i := range 7 {
		a := generatedArticle(i)
		mustPut(t, st, a)
		loaded = append([]string{a.ID}, loaded...)
		c.now = c.now.Add(time.Minute)
	}
	for _, tt := range []struct {
		name string
		opts knowledge.ListOptions
		want []string
	}{
		{name: "Default", want: loaded},
		{name: "FirstPage", opts: knowledge.ListOptions{Limit: 3}, want: loaded[:3]},
		{name: "SecondPage", opts: knowledge.ListOptions{Limit: 3, Offset: 3}, want: loaded[3:6]},
		{name: "LastPage", opts: knowledge.ListOptions{Limit: 3, Offset: 6}, want: loaded[6:]},
		{name: "PastTheEnd", opts: knowledge.ListOptions{Limit: 3, Offset: 7}, want: nil},
		{name: "NegativeOffset", opts: knowledge.ListOptions{Limit: 2, Offset: -4}, want: loaded[:2]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, err := st.Articles(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range list {
				ids = append(ids, a.ID)
				if a.Body != "" || a.KeyPoints != nil {
					t.Errorf("listing of %s carries its text", a.ID)
				}
				if a.Title == "" || a.LoadedAt.IsZero() {
					t.Errorf("listing of %s lacks title or load time: %+v", a.ID, a)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Articles = %v, want %v", ids, tt.want)
			}
		})
	}
	// A listing reports when each article was loaded.
	list, _ := st.Articles(ctx, knowledge.ListOptions{Limit: 1})
	if want := testTime.Add(6 * time.Minute); !list[0].LoadedAt.Equal(want) {
		t.Errorf("LoadedAt = %v, want %v", list[0].LoadedAt, want)
	}
}

func TestArticle(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	st.Now = (&clock{testTime}).Now
	in := knowledge.Article{
		ID: "full", Title: "Full article", URL: "https://news.example/full", Source: "Example News",
		Published: time.Date(2025, 4, 23, 9, 30, 0, 0, time.UTC),
		KeyPoints: []string{"One point.", "Another point."},
		Body:      "The body says this. And then that.",
	}
	mustPut(t, st, in)
	for _, tt := range []struct {
		name    string
		id      string
		wantErr error
	}{
		{name: "OK", id: "full"},
		{name: "ErrNotFound", id: "missing", wantErr: knowledge.ErrNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, sents, err := st.Article(ctx, tt.id)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Article(%q): %v, want %v", tt.id, err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			want := in
			want.LoadedAt = testTime
			if !reflect.DeepEqual(a, want) {
				t.Errorf("Article =\n%+v\nwant\n%+v", a, want)
			}
			if !sameSentences(sents, knowledge.Split(in)) {
				t.Errorf("sentences %v, want %v", sents, knowledge.Split(in))
			}
		})
	}
}
