//go:build sqlite_fts5

package knowledge

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSearchScoresCommonWordsOnlyWhereTheyCount checks that scoring common
// words only in the articles they could still lift among the best finds the
// same passages, with the same scores, as scoring them in all, and the same
// best articles as ranking every article's exact score — with and without
// an as-of time that leaves articles out, and with questions about now,
// where the time prior weighs most — and that it does leave articles
// unscored.
func TestSearchScoresCommonWordsOnlyWhereTheyCount(t *testing.T) {
	ctx := t.Context()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Words drawn with falling frequency, so that a few are held by most
	// articles, many by some, and most by a handful.
	rng := rand.New(rand.NewPCG(7, 11))
	vocab := make([]string, 400)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%c%c%c", 'a'+i%26, 'a'+i/26%26, 'k'+i%7)
	}
	word := func() string { return vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64()*rng.Float64())] }
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.ToUpper(ws[0][:1]) + strings.Join(ws, " ")[1:] + "."
	}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var arts []Article
	for i := range 400 {
		var body []string
		for range 3 + rng.IntN(12) {
			body = append(body, sentence(6+rng.IntN(10)))
		}
		arts = append(arts, Article{
			ID: fmt.Sprintf("a%03d", i), Title: sentence(5), Source: "Wire",
			Published: base.Add(time.Duration(i) * 6 * time.Hour),
			Body:      strings.Join(body, " "),
		})
	}
	// Now, for questions without an as-of time, is a day after the last.
	st.Now = func() time.Time { return base.Add(101 * 24 * time.Hour) }
	if _, err := st.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	const costlyFrom = 40
	pruned := 0
	for i := range 60 {
		var q []string
		for range 2 + i%9 {
			q = append(q, word())
		}
		query := strings.Join(q, " ") + "?"
		if i%3 == 0 {
			// The time prior weighs most when the question is about now.
			query = "What is the latest on " + query[:len(query)-1] + " this week?"
		}
		opts := SearchOptions{Limit: 20, Window: 1, PerArticle: 2}
		if i%2 == 1 {
			opts.AsOf = base.Add(time.Duration(40+i*30) * time.Hour)
		}
		st.costlyFrom = 0
		all, err := st.Search(ctx, query, opts)
		if err != nil {
			t.Fatal(err)
		}
		st.costlyFrom = costlyFrom
		some, err := st.Search(ctx, query, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 0 {
			t.Fatalf("%q found nothing", query)
		}
		if diff := passagesDiffer(some, all); diff != "" {
			t.Errorf("%q: scoring common words only where they count, %s", query, diff)
		}
		got, _, missed := bestArticlesOf(t, st, query, opts, costlyFrom)
		_, scores, _ := bestArticlesOf(t, st, query, opts, 0)
		want := rankAll(t, st, query, opts, scores)
		if len(got) != len(want) {
			t.Errorf("%q: %d articles, want %d", query, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			g, w := got[i], want[i]
			if g.pk != w.pk || math.Abs(g.bm25-w.bm25) > 1e-9*w.bm25 || math.Abs(g.score-w.score) > 1e-9*w.score {
				t.Errorf("%q: article %d is %+v, want %+v", query, i, *g, *w)
			}
		}
		if missed {
			pruned++
		}
	}
	if pruned == 0 {
		t.Error("no query left an article of a common word unscored")
	}
}

// passagesDiffer says how got differs from want beyond the last bits of
// their scores, which sums in another order may change, or returns "".
func passagesDiffer(got, want []Passage) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d passages, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if math.Abs(g.Score-w.Score) > 1e-9*math.Abs(w.Score) {
			return fmt.Sprintf("passage %d scores %v, want %v", i, g.Score, w.Score)
		}
		g.Score = w.Score
		if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("passage %d is\n%+v\nwant\n%+v", i, g, w)
		}
	}
	return ""
}

// rankAll ranks the articlePool best of scores, BM25 scores for query, with
// their time prior, as bestArticles does, and returns as many of the best
// as it would.
func rankAll(t *testing.T, st *Store, query string, opts SearchOptions, scores map[int64]float64) []*rankedArticle {
	t.Helper()
	opts = opts.withDefaults()
	now := searchTime(st, opts)
	var all []*rankedArticle
	best, floor := 0.0, kthBest(scores, articlePool)
	for pk, sc := range scores {
		if sc >= floor {
			all = append(all, &rankedArticle{pk: pk, bm25: sc})
		}
		best = max(best, sc)
	}
	if err := fillArticles(t.Context(), st.db, all); err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		r.score = timePrior(r.published, now, opts.RecencyHalfLife, readTimeFocus(query, now)) + r.bm25/best
	}
	slices.SortFunc(all, func(a, b *rankedArticle) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.id, b.id))
	})
	return all[:min(articlesFor(opts), len(all))]
}

// searchTime is the time a search with opts is as of.
func searchTime(st *Store, opts SearchOptions) time.Time {
	if opts.AsOf.IsZero() {
		return st.Now()
	}
	return opts.AsOf
}

// bestArticlesOf returns the best articles for query, ranked with
// costlyFrom, every article's score as ranking them left it, and whether it
// left some article that holds one of its words without a score.
func bestArticlesOf(t *testing.T, st *Store, query string, opts SearchOptions, costlyFrom int) ([]*rankedArticle, map[int64]float64, bool) {
	t.Helper()
	ctx := t.Context()
	conn, err := st.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st.costlyFrom = costlyFrom
	p, best, r, err := st.rankArticles(ctx, conn, query, Terms(query), opts.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	var forms []string
	for _, term := range p.terms {
		forms = append(forms, term.forms...)
	}
	rows, err := conn.QueryContext(ctx, `SELECT rowid FROM article_text WHERE article_text MATCH ?`, ftsQuery(forms))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	missed := false
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			t.Fatal(err)
		}
		if _, ok := r.scores[pk]; !ok && !r.left[pk] {
			missed = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return best, r.scores, missed
}
