//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// candidateLimit is how many best-matching sentences the index hands to
// ranking; ranking then weighs them with the evidence of their articles.
const candidateLimit = 100

// candidate is one sentence that matched the query.
type candidate struct {
	pk, article int64
	position    int
	keyPoint    bool
	id, text    string
	bits        int64   // which query terms it holds, by queryTerm.bit
	idfShare    float64 // share of the query's weight it holds
	score       float64
}

// articleEvidence sums up what an article's candidates say about it.
type articleEvidence struct {
	best     []float64 // its candidates' sentence scores, best first
	bits     int64     // the query terms its candidates hold
	document document
	score    float64
}

// Search returns up to opts.Limit passages that best answer query, best
// first: a matching sentence with up to opts.Window tied neighbours on each
// side, at most opts.PerArticle passages from one article; the first also
// carries opts.Lead sentences after its match. Sentences are
// ranked by BM25 together with evidence from their article: how well the
// article as a whole matches, several matching sentences, how many of the
// query's words the article covers, and optionally recency. A word matches
// its other forms too, irregular ones included ("lose" finds "lost"). Any
// text is a safe query; one with no words returns no passages.
//
// Scoring reads only the index's posting lists, never per-row statistics, and
// the commonest words of a query are left to ranking (see plan), so a search
// costs about the same over a million sentences as over a thousand.
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
	p, err := plan(ctx, conn, terms)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	if len(p.sentenceTerms) == 0 {
		return nil, nil
	}
	cands, err := candidates(ctx, conn, p, candidateLimit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	documents, err := documentMatches(ctx, conn, p)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	rank(cands, documents, p, opts, s.Now())
	passages, err := passages(ctx, conn, cands, opts)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(query, 80), err)
	}
	return passages, nil
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
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// postingsQuery returns SQL that reads the posting list of each of terms
// from table and sums, per row, the terms' weights and bits, best first.
// Arguments come in pairs per term: weight, bit, then the term's FTS5 query.
//
// A term's posting list is read newest first and at most perTerm entries
// of it, so even a query of only common words costs a bounded amount.
func postingsQuery(table string, terms []plannedTerm, perTerm, limit int) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 3*len(terms)+1)
	b.WriteString(`SELECT rowid AS pk, sum(w) AS w, sum(bit) AS bits FROM (`)
	for i, t := range terms {
		if i > 0 {
			b.WriteString(` UNION ALL `)
		}
		fmt.Fprintf(&b, `SELECT rowid, ? AS w, ? AS bit FROM (SELECT rowid FROM %s WHERE %s MATCH ? ORDER BY rowid DESC LIMIT ?)`, table, table)
		args = append(args, t.weight, int64(1)<<t.bit, ftsQuery(t.forms), perTerm)
	}
	b.WriteString(`) GROUP BY rowid ORDER BY sum(w) DESC, rowid DESC LIMIT ?`)
	args = append(args, limit)
	return b.String(), args
}

// candidates returns the limit sentences whose words weigh most, by the
// inverse document frequency of the query's rarer terms.
func candidates(ctx context.Context, q querier, p queryPlan, limit int) ([]*candidate, error) {
	inner, args := postingsQuery("sentences_fts", p.sentenceTerms, sentencePostingBudget, limit)
	rows, err := q.QueryContext(ctx, `SELECT s.pk, s.article, s.position, s.key_point, s.id, s.text, m.bits
		FROM (`+inner+`) AS m JOIN sentences s ON s.pk = m.pk`, args...)
	if err != nil {
		return nil, fmt.Errorf("match sentences: %w", err)
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{}
		if err := rows.Scan(&c.pk, &c.article, &c.position, &c.keyPoint, &c.id, &c.text, &c.bits); err != nil {
			return nil, fmt.Errorf("match sentences: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match sentences: %w", err)
	}
	return out, nil
}

// documentMatches returns, for the articles that best match the query as
// whole documents, a score in (0, 1], scaled so the best article has 1: the
// inverse document frequencies of the query terms each holds, and for the
// best few, BM25 over their text, so that an article about a term outweighs
// one that mentions it once.
func documentMatches(ctx context.Context, q querier, p queryPlan) (map[int64]document, error) {
	if len(p.articleTerms) == 0 {
		return nil, nil
	}
	inner, args := postingsQuery("articles_fts", p.articleTerms, articlePostingBudget, documentLimit)
	rows, err := q.QueryContext(ctx, `SELECT m.pk, m.w, coalesce(a.published, a.loaded_at / 1000000000)
		FROM (`+inner+`) AS m JOIN articles a ON a.pk = m.pk`, args...)
	if err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	defer rows.Close()
	out := map[int64]document{}
	var order []int64 // best first, as the index ranked them
	for rows.Next() {
		var pk, published int64
		var w float64
		if err := rows.Scan(&pk, &w, &published); err != nil {
			return nil, fmt.Errorf("match articles: %w", err)
		}
		out[pk] = document{score: w, published: time.Unix(published, 0)}
		order = append(order, pk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	// Weighing multiplies a score by at most 1+documentK1: articles too far
	// behind the best to overtake it keep their plain scores, and so do
	// those past the best tfDocuments, to bound the text read.
	n := 0
	for n < min(len(order), tfDocuments) && out[order[n]].score*(1+documentK1) >= out[order[0]].score {
		n++
	}
	if err := weighTermFrequencies(ctx, q, out, order[:n], p); err != nil {
		return nil, err
	}
	best := 0.0
	for _, d := range out {
		best = math.Max(best, d.score)
	}
	for pk, d := range out {
		d.score /= best
		out[pk] = d
	}
	return out, nil
}

// tfDocuments is the most articles a search weighs by their text.
const tfDocuments = 20

// BM25's parameters for whole articles: term frequency saturates early,
// since news repeats its subject's name, and long articles are favoured
// less than with sentences.
const (
	documentK1 = 0.9
	documentB  = 0.4
)

// weighTermFrequencies scales the scores of docs pks by BM25's term
// frequency factor, read from their text: a term used once, in an article
// of average length among them, keeps its weight; one used often counts up
// to 1+documentK1 times.
func weighTermFrequencies(ctx context.Context, q querier, docs map[int64]document, pks []int64, p queryPlan) error {
	if len(pks) == 0 {
		return nil
	}
	args := make([]any, len(pks))
	for i, pk := range pks {
		args[i] = pk
	}
	rows, err := q.QueryContext(ctx, `SELECT pk, title || ' ' || key_points || ' ' || body FROM articles WHERE pk IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("weigh articles: %w", err)
	}
	defer rows.Close()
	// Each term counts the words of any of its forms.
	var stems []string
	var owner []int
	for i, t := range p.terms {
		stems = append(stems, t.stems...)
		for range t.stems {
			owner = append(owner, i)
		}
	}
	type counts struct {
		pk    int64
		tf    []int
		words int
	}
	var all []counts
	total := 0
	for rows.Next() {
		var text string
		c := counts{}
		if err := rows.Scan(&c.pk, &text); err != nil {
			return fmt.Errorf("weigh articles: %w", err)
		}
		tf, words := countStems(text, stems)
		c.tf, c.words = make([]int, len(p.terms)), words
		for j, n := range tf {
			c.tf[owner[j]] += n
		}
		total += c.words
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("weigh articles: %w", err)
	}
	avgWords := math.Max(float64(total)/float64(max(len(all), 1)), 1)
	for _, c := range all {
		weighted, plain := 0.0, 0.0
		for i, t := range p.terms {
			if c.tf[i] == 0 {
				continue
			}
			tf := float64(c.tf[i])
			weighted += t.articleIDF * tf * (documentK1 + 1) / (tf + documentK1*(1-documentB+documentB*float64(c.words)/avgWords))
			plain += t.articleIDF
		}
		if plain > 0 {
			d := docs[c.pk]
			d.score *= weighted / plain
			docs[c.pk] = d
		}
	}
	return nil
}

// document is an article's match as a whole.
type document struct {
	score     float64 // scaled so the best article has 1
	published time.Time
}

// Ranking weights. A sentence's score is its own BM25 (scaled so the best
// candidate has 1) plus its article's evidence: how much of the query's
// weight the article as a whole holds (see documentMatches) dominates,
// because the question is usually about one article and its other sentences
// say so.
const (
	weightArticle  = 4.0  // the whole article's match, scaled so the best has 1
	weightBest     = 0.3  // the article's best matching sentences together
	weightCoverage = 0.2  // share of the query's words found in the article's matches
	weightOwnTerms = 0.3  // share of the query's words in the sentence itself
	weightKeyPoint = 0.05 // summary bullets state the main facts
	weightRecency  = 0.5  // new articles, when asked for
)

// BM25's parameters: term-frequency saturation and length normalisation.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// rank scores candidates in place and sorts them best first.
func rank(cands []*candidate, documents map[int64]document, p queryPlan, opts SearchOptions, now time.Time) {
	totalIDF := 0.0
	for _, t := range p.terms {
		totalIDF += t.sentenceIDF
	}
	// Which terms each candidate holds: the index says so for the terms it
	// was asked for; the sentence's words tell for the rest.
	avgLen := 0.0
	lengths := make([]int, len(cands))
	for i, c := range cands {
		ws := words(c.text)
		lengths[i] = len(ws)
		avgLen += float64(len(ws))
		for _, t := range p.terms {
			if c.bits&(1<<t.bit) == 0 && containsStem(ws, t.stems) {
				c.bits |= 1 << t.bit
			}
		}
	}
	avgLen = math.Max(avgLen/float64(len(cands)), 1)
	best := 0.0
	for i, c := range cands {
		norm := (bm25K1 + 1) / (1 + bm25K1*(1-bm25B+bm25B*float64(lengths[i])/avgLen))
		for _, t := range p.terms {
			if c.bits&(1<<t.bit) != 0 {
				c.score += t.sentenceIDF * norm
				c.idfShare += t.sentenceIDF / totalIDF
			}
		}
		best = math.Max(best, c.score)
	}
	if best == 0 {
		best = 1
	}
	articles := map[int64]*articleEvidence{}
	for _, c := range cands {
		c.score /= best
		ev := articles[c.article]
		if ev == nil {
			ev = &articleEvidence{document: documents[c.article]}
			articles[c.article] = ev
		}
		ev.best = append(ev.best, c.score)
		ev.bits |= c.bits
	}
	for _, ev := range articles {
		sort.Sort(sort.Reverse(sort.Float64Slice(ev.best)))
		// Diminishing returns: the second and third matching sentences add
		// evidence that the article is about the question.
		agg := 0.0
		for i, v := range ev.best[:min(3, len(ev.best))] {
			agg += v / float64(int(1)<<i)
		}
		covered := 0.0
		for _, t := range p.terms {
			if ev.bits&(1<<t.bit) != 0 {
				covered += t.sentenceIDF / totalIDF
			}
		}
		ev.score = weightBest*agg/1.75 + weightCoverage*covered + weightArticle*ev.document.score
		if opts.RecencyHalfLife > 0 && !ev.document.published.IsZero() {
			age := now.Sub(ev.document.published)
			ev.score += weightRecency * math.Exp2(-math.Max(age.Hours(), 0)/opts.RecencyHalfLife.Hours())
		}
	}
	for _, c := range cands {
		c.score += articles[c.article].score + weightOwnTerms*c.idfShare
		if c.keyPoint {
			c.score += weightKeyPoint
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
}

// containsStem reports whether any of words has one of the rough stems.
func containsStem(words []string, stems []string) bool {
	for _, w := range words {
		if slices.Contains(stems, stem(w)) {
			return true
		}
	}
	return false
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
// article while other articles have matches to show. A candidate inside or
// touching a run already chosen, in the same part of the article (key
// points or body), joins it. The first run then takes its lead
// sentences (see leadOn), and when fewer than opts.Limit runs were found,
// more runs of the same articles fill the rest.
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
	newSpan := func(c *candidate) {
		sp := &span{article: c.article, from: c.position, to: c.position, best: c, matched: []string{c.id}}
		spans = append(spans, sp)
		perArticle[c.article] = append(perArticle[c.article], sp)
	}
	var over []*candidate // candidates past their article's share
	for _, c := range cands {
		if len(spans) == opts.Limit {
			break
		}
		switch sp := touching(c); {
		case sp != nil:
			sp.matched = append(sp.matched, c.id)
			sp.from, sp.to = min(sp.from, c.position), max(sp.to, c.position)
		case len(perArticle[c.article]) >= opts.PerArticle:
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
		if touching(c) == nil {
			newSpan(c)
		}
	}
	return spans
}

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

// countStems counts the words of text and, for each of stems, the words
// with that stem (see words and stem), without splitting text into strings:
// weighing articles reads a hundred of them per search.
func countStems(text string, stems []string) (tf []int, n int) {
	tf = make([]int, len(stems))
	eachWord(text, func(w string) {
		if len(w) >= 64 {
			return
		}
		n++
		for j, st := range stems {
			// A word's stem is a prefix of it: only words that begin with
			// st need stemming.
			if len(w) >= len(st) && len(st) > 0 && w[0]|0x20 == st[0]|0x20 &&
				strings.EqualFold(w[:len(st)], st) && stem(strings.ToLower(w)) == st {
				tf[j]++
			}
		}
	})
	return tf, n
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
