//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"strings"
)

// candidate is one sentence of a best article that matched the query.
type candidate struct {
	pk, article int64
	position    int
	keyPoint    bool
	inBody      int // sentences of its article's body before it
	id, text    string
	score       float64
}

// Search returns up to opts.Limit passages that best answer query, best
// first: a matching sentence with up to opts.Window tied neighbours on each
// side, at most opts.PerArticle passages from one article; the first also
// carries opts.Lead sentences after its match.
//
// Search first finds the best articles by BM25 over their title, lead and
// rest, with every word of the query that can tell articles apart, and
// weighs them by when they were published: articles published more than a
// day after opts.AsOf are left out, recent ones are favoured, more so when
// the question asks about now ("this week", "latest"), and those of the
// dates it names ("in March", "on April 23") too (see timePrior). Passages
// then come from the best articles: their sentences scored by BM25 with the
// whole store's statistics, smoothed with their neighbours, with a bonus for
// query words near each other, and fused with their article's score. A word
// matches its other forms too, irregular ones included ("lose" finds
// "lost"). Any text is a safe query; one with no words returns no passages.
func (s *Store) Search(ctx context.Context, query string, opts SearchOptions) ([]Passage, error) {
	opts = opts.withDefaults()
	terms := Terms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	conn, done, err := s.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	defer done()
	p, docs, _, err := s.rankArticles(ctx, conn, query, terms, opts)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	if len(docs) == 0 {
		return nil, nil
	}
	cands, held, err := scoreSentences(ctx, conn, docs, p)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	passages, err := passages(ctx, conn, cands, opts)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	weight := 0.0 // the query's informative weight
	for _, t := range p.terms {
		weight += t.sentenceIDF
	}
	for i := range passages {
		var bits uint64
		for _, sn := range passages[i].Sentences {
			bits |= held[sn.ID]
		}
		for j, t := range p.terms {
			if bits&(1<<j) != 0 && weight > 0 {
				passages[i].Coverage += t.sentenceIDF / weight
				passages[i].Specificity += t.sentenceIDF
			}
		}
		passages[i].Specificity /= math.Log(float64(p.sentences) + 1)
	}
	return passages, nil
}

// rankArticles plans terms, the words of query, and finds the best articles
// for them (see bestArticles), reading the store through conn, as of
// opts.AsOf or, when it is zero, now. It returns the plan, the articles and
// the closed reader that scored them.
func (s *Store) rankArticles(ctx context.Context, conn *sql.Conn, query string, terms []string, opts SearchOptions) (queryPlan, []*rankedArticle, *articleReader, error) {
	var version int64
	var total int
	if err := conn.QueryRowContext(ctx, `SELECT n, articles FROM article_changes`).Scan(&version, &total); err != nil {
		return queryPlan{}, nil, nil, err
	}
	p, err := plan(ctx, conn, &s.stats, version, terms)
	if err != nil {
		return queryPlan{}, nil, nil, err
	}
	now := opts.AsOf
	if now.IsZero() {
		now = s.Now()
	}
	r := newArticleReader(conn, &s.scores, version, total, s.costlyFrom)
	defer r.Close()
	docs, err := bestArticles(ctx, r, p, opts, now, readTimeFocus(query, now))
	return p, docs, r, err
}

// snapshot returns a connection in a read transaction, so that every query
// of a search sees the same articles even while a load or a removal commits,
// and the function that ends it. A plain BEGIN, not BeginTx: the store's
// transactions take the write lock at once, and a search must not wait for
// a load.
func (s *Store) snapshot(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); err != nil {
			// A connection that may still hold the read transaction must not
			// go back to the pool: it would pin the WAL and fail later writes.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
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
	o.Lead = max(o.Lead, 0)
	return o
}

// querier runs queries on the database or on one connection of it.
type querier interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// span is a run of positions [from, to] of one article, with its best candidate.
type span struct {
	article  int64
	from, to int
	best     *candidate
	matched  []string
}

// chooseSpans picks the runs of matching sentences that become passages,
// best first: at most opts.Limit, and at most opts.PerArticle from one
// article while other articles have matches to show. A candidate touching
// a run already chosen, in the same part of the article (key points or
// body), joins it when it scores at least joinShare of the run's best
// match (see joinShare); one that scores less waits with those past their
// article's share. The first run then takes its lead sentences (see
// leadOn), and when fewer than opts.Limit runs were found, more runs of
// the same articles fill the rest.
func chooseSpans(cands []*candidate, opts SearchOptions) []*span {
	var spans []*span
	perArticle := map[int64][]*span{}
	// A run holds key points or sentences of the body, not both.
	touching := func(c *candidate) *span {
		for _, sp := range perArticle[c.article] {
			if c.position >= sp.from-1 && c.position <= sp.to+1 && c.keyPoint == sp.best.keyPoint {
				return sp
			}
		}
		return nil
	}
	joins := func(sp *span, c *candidate) bool {
		return c.position >= sp.from && c.position <= sp.to || c.score >= joinShare*sp.best.score
	}
	join := func(sp *span, c *candidate) {
		sp.matched = append(sp.matched, c.id)
		sp.from, sp.to = min(sp.from, c.position), max(sp.to, c.position)
	}
	newSpan := func(c *candidate) {
		sp := &span{article: c.article, from: c.position, to: c.position, best: c, matched: []string{c.id}}
		spans = append(spans, sp)
		perArticle[c.article] = append(perArticle[c.article], sp)
	}
	var over []*candidate // candidates past their article's share
	for _, c := range cands {
		if len(spans) == opts.Limit {
			// No room for another passage, but a match right beside a
			// passage's own still joins it.
			if sp := touching(c); sp != nil && joins(sp, c) && c.position >= sp.best.position-1 && c.position <= sp.best.position+1 {
				join(sp, c)
			}
			continue
		}
		switch sp := touching(c); {
		case sp != nil && joins(sp, c):
			join(sp, c)
		case sp != nil, len(perArticle[c.article]) >= opts.PerArticle:
			over = append(over, c)
		default:
			newSpan(c)
		}
	}
	if len(spans) == 0 {
		return nil
	}
	leadOn(spans, opts.Lead)
	for _, c := range over {
		if len(spans) == opts.Limit {
			break
		}
		if sp := touching(c); sp != nil && joins(sp, c) {
			join(sp, c)
		} else {
			newSpan(c)
		}
	}
	return spans
}

// joinShare is the share of a passage's best match a matching sentence
// beside the passage must score to join it. News returns to its topic
// sentence after sentence, so most sentences around a match hold a word of
// the question; joining each of them would stretch a passage through the
// article, and the reader (or the model) would see one story at length
// where several were asked for. A weaker neighbour can still have a
// passage of its own when there is room (its tied neighbours, see linked,
// join any passage).
const joinShare = 0.8

// passages turns ranked candidates into passages with their neighbours.
func passages(ctx context.Context, q querier, cands []*candidate, opts SearchOptions) ([]Passage, error) {
	spans := chooseSpans(cands, opts)
	if len(spans) == 0 {
		return nil, nil
	}
	arts, err := articlesByPK(ctx, q, spans)
	if err != nil {
		return nil, err
	}
	sents, err := sentenceRanges(ctx, q, spans, opts.Window)
	if err != nil {
		return nil, err
	}
	out := make([]Passage, 0, len(spans))
	shown := map[int64]map[int]bool{} // positions each article's passages show
	for i, sp := range spans {
		a := arts[sp.article]
		if shown[sp.article] == nil {
			shown[sp.article] = map[int]bool{}
		}
		ss := unshown(linked(sents[i], sp.from, sp.to), sp.from, sp.to, shown[sp.article])
		if len(ss) == 0 {
			continue
		}
		for j := range ss {
			ss[j].ArticleID = a.ID
		}
		matched := slices.DeleteFunc(sp.matched, func(id string) bool { // those shown before
			return !slices.ContainsFunc(ss, func(sn Sentence) bool { return sn.ID == id })
		})
		// Passages past their article's share follow the others, whatever
		// their own scores.
		score := sp.best.score
		if len(out) > 0 {
			score = min(score, out[len(out)-1].Score)
		}
		out = append(out, Passage{Article: a, Score: score, Sentences: ss, Matched: matched})
	}
	return out, nil
}

// unshown returns the sentences of a passage whose match is the run [from,
// to] that no better passage of its article shows, and marks them shown.
// It returns none when the whole run is already shown: the passage would
// repeat what the reader has.
func unshown(sents []Sentence, from, to int, shown map[int]bool) []Sentence {
	runShown := true
	for _, sn := range sents {
		if sn.Position >= from && sn.Position <= to && !shown[sn.Position] {
			runShown = false
		}
	}
	if runShown {
		return nil
	}
	out := sents[:0:0]
	for _, sn := range sents {
		if !shown[sn.Position] {
			shown[sn.Position] = true
			out = append(out, sn)
		}
	}
	return out
}

// leadOn widens the first span by lead sentences after it, stopping short
// of another span of its article.
func leadOn(spans []*span, lead int) {
	to := spans[0].to + lead
	for _, sp := range spans[1:] {
		if sp.article == spans[0].article && sp.from > spans[0].to && sp.from <= to {
			to = sp.from - 1
		}
	}
	spans[0].to = to
}

// articlesByPK reads the articles of spans in one query.
func articlesByPK(ctx context.Context, q querier, spans []*span) (map[int64]Article, error) {
	args := make([]any, len(spans))
	for i, sp := range spans {
		args[i] = sp.article
	}
	rows, err := q.QueryContext(ctx, `SELECT `+articleSummaryColumns+`, a.pk FROM articles a WHERE a.pk IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]Article, len(spans))
	for rows.Next() {
		var pk int64
		a, err := scanArticle(rowWithPK{rows, &pk})
		if err != nil {
			return nil, fmt.Errorf("read articles: %w", err)
		}
		out[pk] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	for _, sp := range spans {
		if _, ok := out[sp.article]; !ok {
			return nil, fmt.Errorf("read articles: article %d vanished", sp.article)
		}
	}
	return out, nil
}

// rowWithPK scans an article row followed by its primary key.
type rowWithPK struct {
	rows *sql.Rows
	pk   *int64
}

func (r rowWithPK) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.pk)...) }

// sentenceRanges reads, in one query, the sentences of each span widened by
// window on each side, in article order; result i belongs to spans[i].
func sentenceRanges(ctx context.Context, q querier, spans []*span, window int) ([][]Sentence, error) {
	var where []string
	args := make([]any, 0, 3*len(spans))
	for _, sp := range spans {
		where = append(where, `(article = ? AND position BETWEEN ? AND ?)`)
		args = append(args, sp.article, max(sp.from-window, 0), sp.to+window)
	}
	rows, err := q.QueryContext(ctx, `SELECT article, id, position, key_point, text FROM sentences WHERE `+strings.Join(where, " OR ")+` ORDER BY article, position`, args...)
	if err != nil {
		return nil, fmt.Errorf("read passages: %w", err)
	}
	defer rows.Close()
	out := make([][]Sentence, len(spans))
	for rows.Next() {
		var article int64
		var sn Sentence
		if err := rows.Scan(&article, &sn.ID, &sn.Position, &sn.KeyPoint, &sn.Text); err != nil {
			return nil, fmt.Errorf("read passages: %w", err)
		}
		for i, sp := range spans {
			if sp.article == article && sn.Position >= sp.from-window && sn.Position <= sp.to+window {
				out[i] = append(out[i], sn)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read passages: %w", err)
	}
	return out, nil
}

// linked trims the neighbours around the matched run [from, to] of sents to
// those tied to it: a sentence after the run joins when it opens with a word
// that refers back ("He", "The company", "But"), and one before joins when
// the run's first sentence does, within the key points or within the body.
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
	// A key point and a sentence of the body never lean on each other.
	for first > 0 && refersBack(sents[first].Text) && sents[first-1].KeyPoint == sents[first].KeyPoint {
		first--
	}
	for last+1 < len(sents) && refersBack(sents[last+1].Text) && sents[last+1].KeyPoint == sents[last].KeyPoint {
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
	conn, done, err := s.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
	}
	defer done()
	rows, err := conn.QueryContext(ctx, `SELECT s.pk, s.article, s.position, s.key_point, s.id, s.text, f.rank
		FROM sentences_fts f JOIN sentences s ON s.pk = f.rowid
		WHERE sentences_fts MATCH ? ORDER BY f.rank LIMIT ?`, ftsQuery(terms), limit)
	if err != nil {
		return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
	}
	var cands []*candidate
	for rows.Next() {
		c := &candidate{}
		if err := rows.Scan(&c.pk, &c.article, &c.position, &c.keyPoint, &c.id, &c.text, &c.score); err != nil {
			rows.Close()
			return nil, fmt.Errorf("plain search %q: %w", truncate(query, 80), err)
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
		out = append(out, Passage{Article: a, Score: -c.score, Sentences: []Sentence{sn}, Matched: []string{c.id}})
	}
	return out, nil
}
