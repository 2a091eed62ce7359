package knowledge_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
)

// clock is a settable time for Store.Now.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// testTime is when the tests pretend to run.
var testTime = time.Date(2025, 4, 24, 12, 0, 0, 0, time.UTC)

// mustPut stores articles and fails the test on error.
func mustPut(tb testing.TB, st *knowledge.Store, articles ...knowledge.Article) []knowledge.PutStatus {
	tb.Helper()
	got, err := st.Put(context.Background(), articles)
	if err != nil {
		tb.Fatalf("put: %v", err)
	}
	return got
}

// mustCount returns the numbers of stored articles and sentences.
func mustCount(tb testing.TB, st *knowledge.Store) (articles, sentences int) {
	tb.Helper()
	a, s, err := st.Count(context.Background())
	if err != nil {
		tb.Fatalf("count: %v", err)
	}
	return a, s
}

// mustSearch searches and fails the test on error; the passages must hold
// the invariants of checkPassages.
func mustSearch(tb testing.TB, st *knowledge.Store, query string, opts knowledge.SearchOptions) []knowledge.Passage {
	tb.Helper()
	ps, err := st.Search(context.Background(), query, opts)
	if err != nil {
		tb.Fatalf("search %q: %v", query, err)
	}
	checkPassages(tb, ps, opts)
	return ps
}

// checkPassages checks what every search result must hold: at most Limit
// passages and PerArticle from one article, scores non-increasing, each
// passage a contiguous run of its article's sentences in order, and its
// matched sentences among them.
func checkPassages(tb testing.TB, ps []knowledge.Passage, opts knowledge.SearchOptions) {
	tb.Helper()
	limit, perArticle := opts.Limit, opts.PerArticle
	if limit <= 0 {
		limit = 5
	}
	if perArticle <= 0 {
		perArticle = 2
	}
	if len(ps) > limit {
		tb.Errorf("%d passages, want at most %d", len(ps), limit)
	}
	count := map[string]int{}
	shown := map[string]bool{} // sentence IDs
	overShare := -1            // the first passage past its article's share
	for i, p := range ps {
		count[p.Article.ID]++
		switch {
		case count[p.Article.ID] > perArticle && overShare < 0:
			overShare = i
		case count[p.Article.ID] <= perArticle && overShare >= 0:
			tb.Errorf("passage %d is within its article's share but follows passage %d, past its article's", i, overShare)
		}
		for _, sn := range p.Sentences {
			if shown[sn.ID] {
				tb.Errorf("passage %d: sentence %s is in an earlier passage too", i, sn.ID)
			}
			shown[sn.ID] = true
		}
		if math.IsNaN(p.Score) || math.IsInf(p.Score, 0) {
			tb.Errorf("passage %d: score %v", i, p.Score)
		}
		if i > 0 && p.Score > ps[i-1].Score {
			tb.Errorf("passage %d: score %v after %v, want non-increasing", i, p.Score, ps[i-1].Score)
		}
		if p.Article.ID == "" || p.Article.Title == "" {
			tb.Errorf("passage %d: article without ID or title: %+v", i, p.Article)
		}
		if len(p.Sentences) == 0 {
			tb.Errorf("passage %d: no sentences", i)
		}
		ids := map[string]bool{}
		for j, sn := range p.Sentences {
			ids[sn.ID] = true
			if sn.ArticleID != p.Article.ID {
				tb.Errorf("passage %d sentence %d: article %q, want %q", i, j, sn.ArticleID, p.Article.ID)
			}
			if j > 0 && sn.Position != p.Sentences[j-1].Position+1 {
				tb.Errorf("passage %d: positions %d then %d, want contiguous", i, p.Sentences[j-1].Position, sn.Position)
			}
		}
		if len(p.Matched) == 0 {
			tb.Errorf("passage %d: no matched sentences", i)
		}
		for _, id := range p.Matched {
			if !ids[id] {
				tb.Errorf("passage %d: matched sentence %s is not in the passage", i, id)
			}
		}
	}
}

// sampleArticles are a few short news articles on distinct subjects.
func sampleArticles() []knowledge.Article {
	return []knowledge.Article{
		{
			ID: "harbour", Title: "Storm closes the harbour", Source: "sample",
			KeyPoints: []string{"A winter storm closed the harbour on Monday."},
			Body: "The harbour master ordered all ferries to stay in port. Waves reached six metres near the breakwater. " +
				"Fishermen said the storm was the worst in a decade. The harbour is expected to reopen on Wednesday.",
		},
		{
			ID: "budget", Title: "City council passes budget", Source: "sample",
			Body: "The city council passed the budget by seven votes to four. The budget raises spending on schools. " +
				"It also cuts the parks department. The mayor said the budget protects jobs. Critics said the parks cuts go too far.",
		},
		{
			ID: "vaccine", Title: "New vaccine approved", Source: "sample",
			KeyPoints: []string{"Regulators approved a new vaccine for children.", "The first doses ship next month."},
			Body: "The vaccine was tested on twelve thousand children. Side effects were mild. " +
				"Doctors welcomed the approval. Parents can book appointments from Friday.",
		},
		{
			ID: "election", Title: "Election date set", Source: "sample",
			KeyPoints: []string{"The electoral commission set the election for June 5."},
			Body: "The election will take place on June 5. Both parties began campaigning at once. " +
				"Polls show a close race. The storm of criticism over the date has not died down.",
		},
	}
}

// vocabulary is the words generated articles are made of.
var vocabulary = strings.Fields(`market river council harbour storm vaccine election budget school
	minister police court bridge train airport farmer price energy water forest
	strike union factory museum festival bank tax border army ship`)

// generatedArticle returns the n-th of a deterministic series of articles
// built from vocabulary.
func generatedArticle(n int) knowledge.Article {
	word := func(i int) string { return vocabulary[(n*7+i*13)%len(vocabulary)] }
	var body strings.Builder
	for i := range 8 {
		fmt.Fprintf(&body, "The %s met the %s near the %s on day %d. ", word(i), word(i+1), word(i+2), n)
	}
	return knowledge.Article{
		ID:     fmt.Sprintf("gen-%05d", n),
		Title:  fmt.Sprintf("Report %d on the %s", n, word(0)),
		Source: "generated",
		Body:   strings.TrimSpace(body.String()),
	}
}

// passageIDs returns the article ID and the first matched sentence of each
// passage, to compare rankings.
func passageIDs(ps []knowledge.Passage) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Article.ID + "/" + strings.Join(p.Matched, ",")
	}
	return out
}

// ftsCount returns how many rows of an FTS5 index match an FTS5 query.
func ftsCount(tb testing.TB, st *knowledge.Store, table, query string) int {
	tb.Helper()
	var n int
	err := st.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM `+table+` WHERE `+table+` MATCH ?`, query).Scan(&n)
	if err != nil {
		tb.Fatalf("count %s matching %q: %v", table, query, err)
	}
	return n
}

// checkIndexes runs FTS5's integrity check on both full-text indexes,
// comparing them with their content tables.
func checkIndexes(tb testing.TB, st *knowledge.Store) {
	tb.Helper()
	for _, table := range []string{"sentences_fts", "article_text"} {
		_, err := st.DB().ExecContext(context.Background(), `INSERT INTO `+table+`(`+table+`, rank) VALUES ('integrity-check', 1)`)
		if err != nil {
			tb.Errorf("%s integrity check: %v", table, err)
		}
	}
	// The article index holds no text of its own: it must hold one row for
	// each stored article, and no other.
	var missing, extra int
	err := st.DB().QueryRowContext(context.Background(), `SELECT
		(SELECT count(*) FROM articles WHERE pk NOT IN (SELECT rowid FROM article_text)),
		(SELECT count(*) FROM article_text WHERE rowid NOT IN (SELECT pk FROM articles))`).Scan(&missing, &extra)
	if err != nil {
		tb.Fatalf("compare article_text with articles: %v", err)
	}
	if missing != 0 || extra != 0 {
		tb.Errorf("article_text misses %d stored articles and holds %d removed ones", missing, extra)
	}
}
