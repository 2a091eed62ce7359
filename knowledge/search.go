//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// candidateLimit is how many best-matching sentences the index hands to
// ranking; ranking then weighs them with the evidence of their articles.
const candidateLimit = 200

// candidate is one sentence that matched the query.
type candidate struct {
	pk, article int64
	position    int
	keyPoint    bool
	id, text    string
	bm25        float64 // FTS5's bm25(): more negative is better
	matched     map[string]bool
	score       float64
}

// articleEvidence sums up what an article's candidates say about it.
type articleEvidence struct {
	best     []float64 // its candidates' sentence scores, best first
	terms    map[string]bool
	document document
	score    float64
}

// Search returns up to opts.Limit passages that best answer query, best
// first. Each passage is a matching sentence with opts.Window neighbours on
// each side, at most opts.PerArticle from one article. Sentences are ranked
// by BM25 together with evidence from their article: its BM25 as a whole
// document (title, key points, body), several matching sentences, how many of the query's words the article covers, and
// optionally recency. Any text is a safe query; one with no words returns
// no passages.
func (s *Store) Search(ctx context.Context, query string, opts SearchOptions) ([]Passage, error) {
	opts = opts.withDefaults()
	terms := Terms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	defer conn.Close()
	// One read transaction, so that every query sees the same articles even
	// while a load or a removal commits.
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	sentenceTerms, articleTerms := terms, terms
	stats, err := termStats(ctx, conn, terms)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	if stats != nil {
		sentenceTerms = pickTerms(stats, func(t termStat) int { return t.sentences })
		articleTerms = pickTerms(stats, func(t termStat) int { return t.articles })
	}
	if len(sentenceTerms) == 0 {
		return nil, nil
	}
	cands, err := candidates(ctx, conn, sentenceTerms, candidateLimit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	documents, err := documentMatches(ctx, conn, articleTerms)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	rank(cands, documents, terms, opts, s.Now())
	passages, err := passages(ctx, conn, cands, opts)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	return passages, nil
}

func (o SearchOptions) withDefaults() SearchOptions {
	if o.Limit <= 0 {
		o.Limit = 5
	}
	if o.Window < 0 {
		o.Window = 0
	}
	if o.PerArticle <= 0 {
		o.PerArticle = 2
	}
	return o
}

// querier runs queries on the database or on one connection of it.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// candidates returns the limit sentences that best match any of terms by BM25.
func candidates(ctx context.Context, q querier, terms []string, limit int) ([]*candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.pk, s.article, s.position, s.key_point, s.id, s.text, f.rank
		FROM sentences_fts f JOIN sentences s ON s.pk = f.rowid
		WHERE sentences_fts MATCH ? ORDER BY f.rank LIMIT ?`, ftsQuery(terms), limit)
	if err != nil {
		return nil, fmt.Errorf("match sentences: %w", err)
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{}
		if err := rows.Scan(&c.pk, &c.article, &c.position, &c.keyPoint, &c.id, &c.text, &c.bm25); err != nil {
			return nil, fmt.Errorf("match sentences: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match sentences: %w", err)
	}
	return out, nil
}

// documentMatches returns, for the articles that best match any of terms as
// whole documents, a score in (0, 1].
func documentMatches(ctx context.Context, q querier, terms []string) (map[int64]document, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT f.rowid, bm25(articles_fts, 3.0, 1.5, 1.0) AS r, coalesce(a.published, a.loaded_at / 1000000000)
		FROM articles_fts f JOIN articles a ON a.pk = f.rowid
		WHERE articles_fts MATCH ? ORDER BY r LIMIT 50`, ftsQuery(terms))
	if err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	defer rows.Close()
	out := map[int64]document{}
	best := 0.0
	for rows.Next() {
		var pk, published int64
		var r float64
		if err := rows.Scan(&pk, &r, &published); err != nil {
			return nil, fmt.Errorf("match articles: %w", err)
		}
		out[pk] = document{score: -r, published: time.Unix(published, 0)}
		best = math.Max(best, -r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	for pk, d := range out {
		d.score /= best
		out[pk] = d
	}
	return out, nil
}

// document is an article's match as a whole.
type document struct {
	score     float64 // BM25, scaled so the best article has 1
	published time.Time
}

// Ranking weights. A sentence's score is its own BM25 (scaled so the best
// candidate has 1) plus its article's evidence: the article's BM25 as a whole
// document (title weighted over key points over body) dominates, because
// the question is usually about one article and its other sentences say so.
const (
	weightArticle  = 4.0  // the whole article's BM25, scaled so the best has 1
	weightBest     = 0.3  // the article's best matching sentences together
	weightCoverage = 0.2  // share of the query's words found in the article's matches
	weightOwnTerms = 0.3  // share of the query's words in the sentence itself
	weightKeyPoint = 0.05 // summary bullets state the main facts
	weightRecency  = 0.5  // new articles, when asked for
)

// rank scores candidates in place and sorts them best first.
func rank(cands []*candidate, documents map[int64]document, terms []string, opts SearchOptions, now time.Time) {
	stems := make([]string, len(terms))
	for i, t := range terms {
		stems[i] = stem(t)
	}
	best := 0.0
	for _, c := range cands {
		best = math.Max(best, -c.bm25)
	}
	if best == 0 {
		best = 1
	}
	articles := map[int64]*articleEvidence{}
	for _, c := range cands {
		c.score = -c.bm25 / best
		c.matched = matchedTerms(c.text, stems)
		ev := articles[c.article]
		if ev == nil {
			ev = &articleEvidence{terms: map[string]bool{}, document: documents[c.article]}
			articles[c.article] = ev
		}
		ev.best = append(ev.best, c.score)
		for t := range c.matched {
			ev.terms[t] = true
		}
	}
	for _, ev := range articles {
		sort.Sort(sort.Reverse(sort.Float64Slice(ev.best)))
		// Diminishing returns: the second and third matching sentences add
		// evidence that the article is about the question.
		agg := 0.0
		for i, v := range ev.best[:min(3, len(ev.best))] {
			agg += v / float64(int(1)<<i)
		}
		ev.score = weightBest*agg/1.75 +
			weightCoverage*float64(len(ev.terms))/float64(len(stems)) +
			weightArticle*ev.document.score
		if opts.RecencyHalfLife > 0 && !ev.document.published.IsZero() {
			age := now.Sub(ev.document.published)
			ev.score += weightRecency * math.Exp2(-math.Max(age.Hours(), 0)/opts.RecencyHalfLife.Hours())
		}
	}
	for _, c := range cands {
		ev := articles[c.article]
		c.score += ev.score + weightOwnTerms*float64(len(c.matched))/float64(len(stems))
		if c.keyPoint {
			c.score += weightKeyPoint
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
}

// matchedTerms returns which of the query's stems occur in text.
func matchedTerms(text string, stems []string) map[string]bool {
	got := map[string]bool{}
	for _, w := range words(text) {
		sw := stem(w)
		for _, st := range stems {
			if sw == st {
				got[st] = true
			}
		}
	}
	return got
}

// span is a run of positions [from, to] of one article, with its best candidate.
type span struct {
	article  int64
	from, to int
	best     *candidate
	matched  []string
}

// passages turns ranked candidates into passages with their neighbours.
func passages(ctx context.Context, q querier, cands []*candidate, opts SearchOptions) ([]Passage, error) {
	var spans []*span
	perArticle := map[int64][]*span{}
	for _, c := range cands {
		if len(spans) == opts.Limit {
			break
		}
		from, to := c.position, c.position
		merged := false
		for _, sp := range perArticle[c.article] {
			if c.position >= sp.from-1 && c.position <= sp.to+1 {
				// Inside or touching a passage already chosen: it adds to it.
				sp.matched = append(sp.matched, c.id)
				if c.position < sp.from {
					sp.from = c.position
				}
				if c.position > sp.to {
					sp.to = c.position
				}
				merged = true
				break
			}
		}
		if merged || len(perArticle[c.article]) >= opts.PerArticle {
			continue
		}
		sp := &span{article: c.article, from: from, to: to, best: c, matched: []string{c.id}}
		spans = append(spans, sp)
		perArticle[c.article] = append(perArticle[c.article], sp)
	}
	out := make([]Passage, 0, len(spans))
	arts := map[int64]Article{}
	for _, sp := range spans {
		a, ok := arts[sp.article]
		if !ok {
			var err error
			if a, err = articleByPK(ctx, q, sp.article); err != nil {
				return nil, err
			}
			arts[sp.article] = a
		}
		sents, err := sentenceRange(ctx, q, sp.article, a.ID, max(sp.from-opts.Window, 0), sp.to+opts.Window)
		if err != nil {
			return nil, err
		}
		sents = linked(sents, sp.from, sp.to)
		out = append(out, Passage{Article: a, Score: sp.best.score, Sentences: sents, Matched: sp.matched})
	}
	return out, nil
}

// linked trims the neighbours around the matched run [from, to] of sents to
// those tied to it: a sentence after the run joins when it opens with a word
// that refers back ("He", "The company", "But"), and one before joins when
// the run's first sentence does.
func linked(sents []Sentence, from, to int) []Sentence {
	first, last := -1, -1
	for i, sn := range sents {
		if sn.Position >= from && sn.Position <= to {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return sents
	}
	for first > 0 && refersBack(sents[first].Text) {
		first--
	}
	for last+1 < len(sents) && refersBack(sents[last+1].Text) {
		last++
	}
	return sents[first : last+1]
}

// refersBack reports whether a sentence opens with a word that leans on the
// sentence before it.
func refersBack(text string) bool {
	w := words(text)
	if len(w) == 0 {
		return false
	}
	return anaphora[w[0]]
}

var anaphora = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`he she it they his her its their him them this that these those
		there then but however also yet still so thus meanwhile instead such both the`) {
		m[w] = true
	}
	return m
}()

func articleByPK(ctx context.Context, q querier, pk int64) (Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, `SELECT `+articleSummaryColumns+` FROM articles a WHERE a.pk = ?`, pk))
	if err != nil {
		return Article{}, fmt.Errorf("read article: %w", err)
	}
	return a, nil
}

func sentenceRange(ctx context.Context, q querier, pk int64, articleID string, from, to int) ([]Sentence, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, position, key_point, text FROM sentences WHERE article = ? AND position BETWEEN ? AND ? ORDER BY position`, pk, from, to)
	if err != nil {
		return nil, fmt.Errorf("read passage: %w", err)
	}
	defer rows.Close()
	var out []Sentence
	for rows.Next() {
		sn := Sentence{ArticleID: articleID}
		if err := rows.Scan(&sn.ID, &sn.Position, &sn.KeyPoint, &sn.Text); err != nil {
			return nil, fmt.Errorf("read passage: %w", err)
		}
		out = append(out, sn)
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// SearchPlain is the reference ranking that Search is measured against: a
// plain FTS5 BM25 over single sentences, the query's words minus stop words
// joined by OR, ordered by bm25(). Each passage is one sentence.
func (s *Store) SearchPlain(ctx context.Context, query string, limit int) ([]Passage, error) {
	terms := Terms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	cands, err := candidates(ctx, conn, terms, limit)
	if err != nil {
		return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
	}
	out := make([]Passage, 0, len(cands))
	arts := map[int64]Article{}
	for _, c := range cands {
		a, ok := arts[c.article]
		if !ok {
			if a, err = articleByPK(ctx, conn, c.article); err != nil {
				return nil, fmt.Errorf("plain search: %w", err)
			}
			arts[c.article] = a
		}
		sn := Sentence{ID: c.id, ArticleID: a.ID, Position: c.position, KeyPoint: c.keyPoint, Text: c.text}
		out = append(out, Passage{Article: a, Score: -c.bm25, Sentences: []Sentence{sn}, Matched: []string{c.id}})
	}
	return out, nil
}
