//go:build sqlite_fts5

package knowledge

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Column weights of BM25 over whole articles: a word of the title says more
// about what an article is about than one of its lead, and one of the lead
// more than one further down.
const (
	weightTitle = 3.0
	weightLead  = 1.5
	weightRest  = 1.0
)

const (
	// articlePool is how many articles, best by BM25, the time prior may
	// reorder: it lifts an article over better matches, not over hundreds.
	articlePool = 100
	// passageArticles is how many of the best articles passages come from,
	// at least (see articlesFor).
	passageArticles = 10
	// asOfSlack is how long after the as-of time an article may be
	// published and still count: dates are often a time zone off.
	asOfSlack = 24 * time.Hour
)

// rankedArticle is an article that matched the query, with its score: its
// BM25 scaled so the best has 1, plus its time prior.
type rankedArticle struct {
	pk        int64
	id        string
	published time.Time // zero when unknown
	bm25      float64
	score     float64
}

// articlesFor is how many of the best articles passages come from for
// opts: as many as passages are asked for, and at least passageArticles.
// Fewer would fill opts.Limit passages at opts.PerArticle each, but a
// passage of an article further down often answers better than the second
// passage of one above it, and each passage may be the only one of its
// article.
func articlesFor(opts SearchOptions) int {
	return max(passageArticles, opts.Limit)
}

// bestArticles returns the articles that best match the query by BM25
// over their title, lead and rest, weighed by when they were published,
// best first: articlesFor(opts) of them.
//
// FTS5's bm25() scores each form of each term on its own, which gives its
// term frequency part (saturated, normalised by the article's length over
// the weighted columns) once divided by FTS5's inverse document frequency.
// That part is weighted here by BM25's non-negative inverse document
// frequency: FTS5's own floors a word that half the articles hold to
// nothing, which in a store of a handful of articles is most words. The
// query reads every article of every term, except, in a large store, the
// terms that more than half its articles hold: there each weighs less than a
// tenth of a rare word, and their posting lists are the costliest to read. A
// query of only such words finds nothing: they don't say what it is about.
// Of the common terms it reads, it scores only the articles that could
// still be among the best with them (see readCostly). An article's score is
// its BM25, scaled so the best has 1, plus its time prior; r reads the
// articles (and keeps common forms' scores from one search to the next, see
// termCache).
func bestArticles(ctx context.Context, r *articleReader, p queryPlan, opts SearchOptions, now time.Time, focus timeFocus) ([]*rankedArticle, error) {
	read := slices.DeleteFunc(slices.Clone(p.terms), func(t queryTerm) bool {
		return t.articles == 0 || t.articles*commonShare > r.total && t.articles > commonArticles
	})
	if len(read) == 0 {
		// Nothing tells one article from another.
		return nil, nil
	}
	if !opts.AsOf.IsZero() {
		if err := r.leaveOutPublishedAfter(ctx, opts.AsOf.Add(asOfSlack)); err != nil {
			return nil, err
		}
	}
	n := articlesFor(opts)
	r.keep, r.priorMax = n, maxTimePrior(focus)
	var costly []queryTerm
	for _, t := range read {
		if r.costly(t) {
			costly = append(costly, t)
			continue
		}
		if err := r.addTerm(ctx, t, nil); err != nil {
			return nil, err
		}
	}
	if err := r.readCostly(ctx, costly); err != nil {
		return nil, err
	}
	if len(r.scores) == 0 {
		return nil, nil
	}
	// The contenders: the n best by BM25, and those the time prior could
	// lift above the n-th, if among the articlePool best (and all that tie
	// with the last); the order that counts is decided below, with the
	// article IDs.
	floor := max(r.floor(0), kthBest(r.scores, articlePool))
	best := 0.0
	var out []*rankedArticle
	for pk, sc := range r.scores {
		best = max(best, sc)
		if sc >= floor {
			out = append(out, &rankedArticle{pk: pk, bm25: sc})
		}
	}
	if err := fillArticles(ctx, r.q, out); err != nil {
		return nil, err
	}
	for _, r := range out {
		r.score = timePrior(r.published, now, opts.RecencyHalfLife, focus) + r.bm25/best
	}
	slices.SortFunc(out, func(a, b *rankedArticle) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.id, b.id))
	})
	return out[:min(n, len(out))], nil
}

// articleReader sums the BM25 scores of query terms over the articles of a
// store that holds total articles, at version.
type articleReader struct {
	q       querier
	cache   *termCache
	version int64
	total   int
	// costlyFrom is how many articles must hold a term, none of whose forms
	// is cached, for it to be read by readCostly; 0 reads every term in full.
	costlyFrom int
	scores     map[int64]float64
	// left are the articles left out whatever they score.
	left map[int64]bool
	// keep is how many articles are wanted, and priorMax the most the time
	// prior adds to a score scaled so the best has 1.
	keep     int
	priorMax float64
	// The queries that score a form in all its articles or in some, and
	// that count its articles, prepared when first needed.
	all, some, count *sql.Stmt
}

// The queries of an articleReader. In scoreSome, the unary + keeps FTS5
// from looking each article up on its own: it reads the form's list once,
// and scores only the articles named.
const (
	scoreAll  = `SELECT rowid, -bm25(article_text, ?, ?, ?) FROM article_text WHERE article_text MATCH ?`
	scoreSome = scoreAll + ` AND +rowid IN (SELECT value FROM json_each(?))`
	countAll  = `SELECT count(*) FROM article_text WHERE article_text MATCH ?`
)

// newArticleReader returns an articleReader of the articles q reads. Its
// caller closes it.
func newArticleReader(q querier, cache *termCache, version int64, total, costlyFrom int) *articleReader {
	return &articleReader{q: q, cache: cache, version: version, total: total, costlyFrom: costlyFrom, scores: map[int64]float64{}}
}

// stmt returns *s, prepared from query first if it isn't yet.
func (r *articleReader) stmt(ctx context.Context, s **sql.Stmt, query string) (*sql.Stmt, error) {
	if *s == nil {
		stmt, err := r.q.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("match articles: %w", err)
		}
		*s = stmt
	}
	return *s, nil
}

// Close releases r's queries.
func (r *articleReader) Close() {
	for _, s := range []*sql.Stmt{r.all, r.some, r.count} {
		if s != nil {
			s.Close()
		}
	}
}

// costlyArticles is how many articles hold a word that is costly to score
// in all of them: reading its list takes a millisecond or more.
const costlyArticles = 1_000

// ftsK1 is FTS5's BM25 k1: the term frequency part of bm25() stays below
// ftsK1+1 however often a form appears.
const ftsK1 = 1.2

// weight is t's inverse document frequency, by which its term frequency
// parts are weighted.
func (r *articleReader) weight(t queryTerm) float64 {
	return idf(t.articles, max(r.total, t.articles))
}

// bound is the most t can add to an article's score: one term frequency
// part, at its limit, for each of its forms.
func (r *articleReader) bound(t queryTerm) float64 {
	return r.weight(t) * (ftsK1 + 1) * float64(len(t.forms))
}

// costly reports whether t is held by so many articles that scoring every
// one of them is worth avoiding, and none of its forms' scores are cached.
func (r *articleReader) costly(t queryTerm) bool {
	if r.costlyFrom <= 0 || t.articles < r.costlyFrom {
		return false
	}
	for _, f := range t.forms {
		if _, ok := r.cache.get(f, r.version); ok {
			return false
		}
	}
	return true
}

// floor is the least BM25 score an article needs to be among the keep
// best once the time prior is added, when the articles not yet scored in
// full may still gain up to rest: an article r.keep others beat by more
// than the time prior can make up for is out. It is 0 while fewer than
// r.keep articles are scored.
func (r *articleReader) floor(rest float64) float64 {
	if len(r.scores) < r.keep {
		return 0
	}
	best := 0.0
	for _, sc := range r.scores {
		best = max(best, sc)
	}
	// The best score is at most best+rest; a margin for sums that add the
	// same parts in another order.
	f := kthBest(r.scores, r.keep) - r.priorMax*(best+rest)
	return max(f-1e-9*math.Abs(f), 0)
}

// readCostly adds the costly terms to the scores without changing which
// articles are kept, in what order, or their scores: a term is read in full
// while the articles that hold it could reach the floor (see floor) on it
// and the other unread ones alone — while their bounds add up to at least
// the floor so far, which reading more only raises. The most a term can add
// first. What is left adds to only the articles already scored that could
// still reach that floor (MaxScore); no other article can.
func (r *articleReader) readCostly(ctx context.Context, costly []queryTerm) error {
	slices.SortFunc(costly, func(a, b queryTerm) int { return cmp.Compare(r.bound(a), r.bound(b)) })
	for len(costly) > 0 {
		rest := 0.0
		for _, t := range costly {
			rest += r.bound(t)
		}
		if floor := r.floor(rest); rest < floor {
			var some []int64
			for pk, sc := range r.scores {
				if sc+rest >= floor {
					some = append(some, pk)
				}
			}
			for _, t := range costly {
				if err := r.addTerm(ctx, t, some); err != nil {
					return err
				}
			}
			return nil
		}
		last := len(costly) - 1
		if err := r.addTerm(ctx, costly[last], nil); err != nil {
			return err
		}
		costly = costly[:last]
	}
	return nil
}

// addTerm adds, for each article that holds a form of t, t's weight times
// the form's BM25 term frequency part to the scores: for every such article
// when some is nil, else only for those of some. A common form's scores come
// from the cache while the articles are as they were at its version.
func (r *articleReader) addTerm(ctx context.Context, t queryTerm, some []int64) error {
	weight := r.weight(t)
	for _, form := range t.forms {
		var hits []termHit
		var n int
		if cached, ok := r.cache.get(form, r.version); ok {
			hits, n = cached, len(cached)
		} else if some == nil {
			all, err := r.stmt(ctx, &r.all, scoreAll)
			if err != nil {
				return err
			}
			if hits, err = readTermScores(ctx, all, form); err != nil {
				return err
			}
			r.cache.put(form, r.version, hits)
			n = len(hits)
		} else {
			if len(some) == 0 {
				continue
			}
			scored, err := r.stmt(ctx, &r.some, scoreSome)
			if err != nil {
				return err
			}
			if hits, err = readTermScores(ctx, scored, form, pkList(some)); err != nil {
				return err
			}
			count, err := r.stmt(ctx, &r.count, countAll)
			if err != nil {
				return err
			}
			if err := count.QueryRowContext(ctx, ftsQuery([]string{form})).Scan(&n); err != nil {
				return fmt.Errorf("match articles: %w", err)
			}
		}
		// FTS5's inverse document frequency of the form, as bm25() computes
		// it from the n articles that hold it.
		ftsIDF := math.Log((float64(r.total) - float64(n) + 0.5) / (float64(n) + 0.5))
		if ftsIDF <= 0 {
			ftsIDF = 1e-6
		}
		for _, h := range hits {
			if r.left[h.pk] {
				continue
			}
			if _, scored := r.scores[h.pk]; some != nil && !scored {
				continue // a cached form's other articles
			}
			r.scores[h.pk] += weight * h.score / ftsIDF
		}
	}
	return nil
}

// pkList is pks as a JSON array.
func pkList(pks []int64) string {
	b := make([]byte, 0, 8*len(pks)+2)
	b = append(b, '[')
	for i, pk := range pks {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, pk, 10)
	}
	return string(append(b, ']'))
}

// kthBest returns the k-th highest of scores, or the lowest when there
// are no more than k: a heap of the k best seen so far, in one pass.
func kthBest(scores map[int64]float64, k int) float64 {
	h := make([]float64, 0, k)
	for _, s := range scores {
		switch {
		case len(h) < k:
			h = append(h, s)
			for i := len(h) - 1; i > 0 && h[(i-1)/2] > h[i]; i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		case s > h[0]:
			h[0] = s
			for i := 0; ; {
				least := i
				for _, c := range []int{2*i + 1, 2*i + 2} {
					if c < len(h) && h[c] < h[least] {
						least = c
					}
				}
				if least == i {
					break
				}
				h[i], h[least] = h[least], h[i]
				i = least
			}
		}
	}
	if len(h) == 0 {
		return 0
	}
	return h[0]
}

// A term is left out of article ranking when more than one in commonShare
// articles hold it, and at least commonArticles do: only a large store's
// commonest words, whose inverse document frequency is under a tenth of a
// rare word's. Leaving out more costs answers on real news (answer-in-context
// at 10 sentences falls from 0.812 to 0.787 when one in five is the limit).
const (
	commonShare    = 2
	commonArticles = 1_000
)

// termHit is one article's bm25() score for one form.
type termHit struct {
	pk    int64
	score float64
}

// readTermScores runs stmt for form, with args after it.
func readTermScores(ctx context.Context, stmt *sql.Stmt, form string, args ...any) ([]termHit, error) {
	rows, err := stmt.QueryContext(ctx, append([]any{weightTitle, weightLead, weightRest, ftsQuery([]string{form})}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	defer rows.Close()
	var hits []termHit
	for rows.Next() {
		var h termHit
		if err := rows.Scan(&h.pk, &h.score); err != nil {
			return nil, fmt.Errorf("match articles: %w", err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match articles: %w", err)
	}
	return hits, nil
}

// Bounds of the term cache: only forms that many articles hold are worth
// keeping (a rare one costs little to read again), and all it keeps at
// once stays within a few tens of megabytes.
const (
	cacheMinHits = 1_000
	cacheMaxHits = 2_000_000
)

// termCache keeps the bm25() scores of common forms between searches, for
// one version of the articles (see the article_changes table): any change
// to them empties it. FTS5 scores every article of a form anew for each
// query, and the forms that thousands of articles hold recur in question
// after question. It is safe for concurrent use.
type termCache struct {
	mu      sync.Mutex
	version int64
	hits    map[string][]termHit
	order   []string // oldest first, for eviction
	held    int      // hits held in all
}

// get returns form's cached scores, if they are for version.
func (c *termCache) get(form string, version int64) ([]termHit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil, false
	}
	h, ok := c.hits[form]
	return h, ok
}

// put keeps form's scores for version when form is common, forgetting
// the oldest when the cache is full and everything when the version moved.
func (c *termCache) put(form string, version int64, hits []termHit) {
	if len(hits) < cacheMinHits || len(hits) > cacheMaxHits {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || c.hits == nil {
		c.version, c.hits, c.order, c.held = version, map[string][]termHit{}, nil, 0
	}
	if _, ok := c.hits[form]; ok {
		return
	}
	for c.held+len(hits) > cacheMaxHits && len(c.order) > 0 {
		c.held -= len(c.hits[c.order[0]])
		delete(c.hits, c.order[0])
		c.order = c.order[1:]
	}
	c.hits[form] = hits
	c.order = append(c.order, form)
	c.held += len(hits)
}

// leaveOutPublishedAfter has r leave out the articles published after t.
func (r *articleReader) leaveOutPublishedAfter(ctx context.Context, t time.Time) error {
	rows, err := r.q.QueryContext(ctx, `SELECT pk FROM articles WHERE published > ?`, t.Unix())
	if err != nil {
		return fmt.Errorf("leave out later articles: %w", err)
	}
	defer rows.Close()
	r.left = map[int64]bool{}
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return fmt.Errorf("leave out later articles: %w", err)
		}
		r.left[pk] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("leave out later articles: %w", err)
	}
	return nil
}

// fillArticles reads the IDs and publication times of arts.
func fillArticles(ctx context.Context, q querier, arts []*rankedArticle) error {
	if len(arts) == 0 {
		return nil
	}
	args := make([]any, len(arts))
	byPK := make(map[int64]*rankedArticle, len(arts))
	for i, r := range arts {
		args[i] = r.pk
		byPK[r.pk] = r
	}
	rows, err := q.QueryContext(ctx, `SELECT pk, id, coalesce(published, 0) FROM articles WHERE pk IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return fmt.Errorf("read articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pk, published int64
		var id string
		if err := rows.Scan(&pk, &id, &published); err != nil {
			return fmt.Errorf("read articles: %w", err)
		}
		if r := byPK[pk]; r != nil {
			r.id = id
			if published != 0 {
				r.published = time.Unix(published, 0)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read articles: %w", err)
	}
	return nil
}

// The time prior's weights, against an article BM25 scaled so the best
// article has 1: small enough that the only article about a question wins
// over newer ones that merely share its words.
const (
	// recencyBase favours recent articles whatever the question: news
	// questions are about now even when they don't say so. It is kept
	// below half of the most recency can give, since the margin pruning
	// leaves for the time prior (see articleReader.floor) costs time.
	recencyBase = 0.15
	// recencyAsked is added, in proportion, when the question says it is
	// about now ("today", "this week", "latest").
	recencyAsked = 0.25
	// periodNamed favours articles published in a period the question
	// names ("in March", "on April 23", "2023").
	periodNamed = 0.3
	// defaultHalfLife is how old an article is when its recency counts
	// half: news stays current for a week or two.
	defaultHalfLife = 14 * 24 * time.Hour
)

// timePrior is an article's bonus for when it was published, as of now. An
// undated article gets the recency of one halfLife old and no period bonus:
// neither favoured nor dropped.
func timePrior(published, now time.Time, halfLife time.Duration, focus timeFocus) float64 {
	if halfLife <= 0 {
		halfLife = defaultHalfLife
	}
	weight := recencyBase + recencyAsked*focus.recency
	if published.IsZero() {
		return weight / 2
	}
	age := max(now.Sub(published), 0)
	prior := weight * math.Exp2(-age.Hours()/halfLife.Hours())
	for _, pd := range focus.periods {
		if !published.Before(pd.from.Add(-asOfSlack)) && published.Before(pd.to.Add(asOfSlack)) {
			prior += periodNamed
			break
		}
	}
	return prior
}

// maxTimePrior is the most timePrior gives any article for focus.
func maxTimePrior(focus timeFocus) float64 {
	prior := recencyBase + recencyAsked*focus.recency
	if len(focus.periods) > 0 {
		prior += periodNamed
	}
	return prior
}

// Sentence scoring within the best articles.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// weightNeighbour is how much of its best neighbour's score a sentence
	// borrows: the sentences around a match often carry its answer.
	weightNeighbour = 0.3
	// weightNear is the bonus, per pair of different query words at most
	// nearWords apart, in units of the pair's mean inverse document
	// frequency: words of a question that stand together in a sentence
	// speak of the same thing.
	weightNear = 0.15
	nearWords  = 3
	// weightArticleFused is how much the article's own score counts beside
	// the sentence's: a sentence of the article about the question usually
	// answers it better than a closer match in an article about something
	// else.
	weightArticleFused = 2.0
	weightKeyPoint     = 0.05
	// weightOpening is the bonus of a sentence of an article's lead, the
	// first leadSentences of its body: news states its main facts first
	// (the inverted pyramid), so the answer to a question about a story is
	// likelier there than in the background further down. Key points, a
	// summary the lead states in full, have weightKeyPoint instead.
	weightOpening = 0.4
	// fullSentence is how many words a sentence needs for its score to
	// count in full; a shorter one's is scaled by its share of them. Lines
	// of a few words in a news page are headings, captions, datelines and
	// links ("MOVIES", "Best comedy"): they name a topic but rarely say
	// anything of it, and BM25's length normalisation favours them.
	fullSentence = 6
)

// How much two articles must share to be one story twice: the same wire
// story carried by two outlets, or a story updated under a new headline.
// Sharing a few sentences is not enough — pages of one site share their
// subscription blurbs and bylines, and a story quotes another.
const (
	// copiedLeast is how many full sentences they must share at least.
	copiedLeast = 3
	// copiedShare is the share of the shorter one's full sentences that
	// must stand word for word in the other.
	copiedShare = 0.5
)

// copies returns the articles of docs (best first) that copy a better one
// (see copiedShare), judged by the full sentences (see fullSentence) of
// sents, whose word counts are lengths: a reader gains nothing from the
// same story twice, and its copy would take the place of another story.
func copies(docs []*rankedArticle, sents []*candidate, lengths []int) map[int64]bool {
	seed := maphash.MakeSeed()
	texts := make(map[int64]map[uint64]bool, len(docs))
	for i, c := range sents {
		if lengths[i] < fullSentence {
			continue
		}
		if texts[c.article] == nil {
			texts[c.article] = map[uint64]bool{}
		}
		texts[c.article][maphash.String(seed, strings.ToLower(c.text))] = true
	}
	var out map[int64]bool
	for j, d := range docs {
		for _, better := range docs[:j] {
			a, b := texts[better.pk], texts[d.pk]
			if out[better.pk] || len(a) < copiedLeast || len(b) < copiedLeast {
				continue
			}
			shared := 0
			for h := range b {
				if a[h] {
					shared++
				}
			}
			if shared >= copiedLeast && float64(shared) >= copiedShare*float64(min(len(a), len(b))) {
				if out == nil {
					out = map[int64]bool{}
				}
				out[d.pk] = true
				break
			}
		}
	}
	return out
}

// scoreSentences reads the sentences of docs and scores those that hold a
// query word, best first. Articles that copy a better one (see copies)
// give none.
func scoreSentences(ctx context.Context, q querier, docs []*rankedArticle, p queryPlan) ([]*candidate, map[string]uint64, error) {
	args := make([]any, len(docs))
	byPK := make(map[int64]*rankedArticle, len(docs))
	for i, d := range docs {
		args[i] = d.pk
		byPK[d.pk] = d
	}
	rows, err := q.QueryContext(ctx, `SELECT pk, article, position, key_point, id, text FROM sentences
		WHERE article IN (`+placeholders(len(args))+`) ORDER BY article, position`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read sentences: %w", err)
	}
	defer rows.Close()
	var all []*candidate
	var own []float64
	var lengths []int
	for rows.Next() {
		c := &candidate{}
		if err := rows.Scan(&c.pk, &c.article, &c.position, &c.keyPoint, &c.id, &c.text); err != nil {
			return nil, nil, fmt.Errorf("read sentences: %w", err)
		}
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read sentences: %w", err)
	}
	// How far into its article's body each sentence stands: the key
	// points come first, then the body, in order.
	for i, c := range all {
		if i > 0 && !c.keyPoint && all[i-1].article == c.article && !all[i-1].keyPoint {
			c.inBody = all[i-1].inBody + 1
		}
	}
	// Term frequencies and positions of query words in each sentence.
	type match struct {
		term, at int
	}
	tfs := make([][]int, len(all))
	held := make(map[string]uint64, len(all)) // the terms each sentence holds, by bit
	near := make([]float64, len(all))
	total := 0
	for i, c := range all {
		tfs[i] = make([]int, len(p.terms))
		var ms []match
		n := 0
		eachWord(c.text, func(w string) {
			if len(w) >= 64 {
				return
			}
			lower := strings.ToLower(w)
			st := stem(lower)
			for j, t := range p.terms {
				if slices.Contains(t.stems, st) || t.prefix != "" && strings.HasPrefix(lower, t.prefix) {
					tfs[i][j]++
					held[c.id] |= 1 << j
					ms = append(ms, match{j, n})
					break
				}
			}
			n++
		})
		for k := 1; k < len(ms); k++ {
			a, b := ms[k-1], ms[k]
			if a.term != b.term && b.at-a.at <= nearWords {
				near[i] += weightNear * (p.terms[a.term].sentenceIDF + p.terms[b.term].sentenceIDF) / 2
			}
		}
		lengths = append(lengths, n)
		total += n
	}
	avgLen := math.Max(float64(total)/float64(max(len(all), 1)), 1)
	own = make([]float64, len(all))
	for i := range all {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(lengths[i])/avgLen)
		for j, t := range p.terms {
			if tf := float64(tfs[i][j]); tf > 0 {
				own[i] += t.sentenceIDF * tf * (bm25K1 + 1) / (tf + norm)
			}
		}
		if lengths[i] < fullSentence {
			own[i] *= float64(lengths[i]) / fullSentence
		}
		if own[i] > 0 {
			own[i] += near[i]
		}
	}
	var out []*candidate
	best := 0.0
	copied := copies(docs, all, lengths)
	for i, c := range all {
		if own[i] == 0 || copied[c.article] {
			continue
		}
		// Neighbours in the same article and the same part of it.
		neighbour := 0.0
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < len(all) && all[j].article == c.article && all[j].keyPoint == c.keyPoint {
				neighbour = max(neighbour, own[j])
			}
		}
		c.score = own[i] + weightNeighbour*neighbour
		best = max(best, c.score)
		out = append(out, c)
	}
	bestArticle := docs[0].score
	for _, c := range out {
		c.score = c.score/best + weightArticleFused*byPK[c.article].score/bestArticle
		if c.keyPoint {
			c.score += weightKeyPoint
		}
		if !c.keyPoint && c.inBody < leadSentences {
			c.score += weightOpening
		}
	}
	slices.SortStableFunc(out, func(a, b *candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(byPK[a.article].id, byPK[b.article].id), cmp.Compare(a.position, b.position))
	})
	return out, held, nil
}
