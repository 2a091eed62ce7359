//go:build sqlite_fts5

package knowledge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSearchScoresCommonWordsOnlyWhereTheyCount checks that scoring the
// articles of common words only where they could lift an article into the
// pool finds the same passages, with the same scores, as scoring all of
// them — with and without an as-of time that leaves articles out — and
// that it does leave articles unscored.
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
		wantPool, _ := articlePoolOf(t, st, query, opts, 0)
		gotPool, missed := articlePoolOf(t, st, query, opts, costlyFrom)
		if len(gotPool) != len(wantPool) {
			t.Errorf("%q: pool of %d articles, want %d", query, len(gotPool), len(wantPool))
		}
		for pk, w := range wantPool {
			if g, ok := gotPool[pk]; !ok || math.Abs(g-w) > 1e-9*w {
				t.Errorf("%q: article %d scores %v in the pool (held: %v), want %v", query, pk, g, ok, w)
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

// articlePoolOf returns the scores of the articles in the pool that ranking
// articles for query, with costlyFrom, finds, and whether it left some
// article that holds one of its words without a score.
func articlePoolOf(t *testing.T, st *Store, query string, opts SearchOptions, costlyFrom int) (map[int64]float64, bool) {
	t.Helper()
	ctx := t.Context()
	conn, err := st.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var version int64
	var total int
	if err := conn.QueryRowContext(ctx, `SELECT n, articles FROM article_changes`).Scan(&version, &total); err != nil {
		t.Fatal(err)
	}
	p, err := plan(ctx, conn, &st.stats, version, Terms(query))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newArticleReader(ctx, conn, &st.scores, version, total, costlyFrom)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := bestArticles(ctx, conn, r, p, opts, opts.AsOf, timeFocus{}); err != nil {
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
	floor := poolFloor(r.scores, articlePool)
	pool := map[int64]float64{}
	for pk, sc := range r.scores {
		if sc >= floor {
			pool[pk] = sc
		}
	}
	return pool, missed
}
