//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sync"
)

// countCap is how much of a posting list termStats reads to count it;
// longer lists are estimated.
const countCap = 1_000

// queryTerm is one word of a query with what the indexes know of it.
type queryTerm struct {
	forms []string // the word and its forms the index stems differently
	stems []string // rough stems of forms, for matching sentence words in Go
	// prefix, for a word read as an indexed one it nearly spells, is that
	// indexed stem: sentence words that begin with it match.
	prefix string
	// How many articles hold it, and its inverse document frequency over
	// sentences.
	articles    int
	sentenceIDF float64
}

// queryPlan is what the indexes know of a query's terms.
type queryPlan struct {
	terms     []queryTerm
	sentences int // how many the store holds (by largest key)
}

// idf is BM25's inverse document frequency of a term in n of total documents.
func idf(n, total int) float64 {
	return math.Log(1 + (float64(total)-float64(n)+0.5)/(float64(n)+0.5))
}

// plan looks up how many sentences and articles hold each of terms.
func plan(ctx context.Context, conn *sql.Conn, cache *statCache, version int64, terms []string) (queryPlan, error) {
	var sentences, articles int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce((SELECT max(pk) FROM sentences), 0), coalesce((SELECT max(pk) FROM articles), 0)`).Scan(&sentences, &articles); err != nil {
		return queryPlan{}, fmt.Errorf("plan query: %w", err)
	}
	stats, err := termStats(ctx, conn, cache, version, terms, sentences, articles)
	if err != nil {
		return queryPlan{}, err
	}
	p := queryPlan{sentences: int(sentences)}
	for _, st := range stats {
		stems := make([]string, len(st.forms))
		for j, f := range st.forms {
			stems[j] = stem(f)
		}
		p.terms = append(p.terms, queryTerm{
			forms: st.forms, stems: stems, prefix: st.respelled,
			articles:    st.articles,
			sentenceIDF: idf(st.sentences, max(int(sentences), st.sentences)),
		})
	}
	return p, nil
}

// termStat is how many sentences and articles hold one query term, in
// any of its forms.
type termStat struct {
	forms []string
	// respelled is the indexed word an unknown word was read as, or "".
	respelled           string
	sentences, articles int
}

// termStats counts the sentences and articles that hold each of terms. It
// reads at most countCap entries of each term's list, newest first: past
// that, it estimates the count from how far back they reached, which is
// plenty to weigh a common word. The index's own tokenizer stems each term;
// a term counts with its forms (see forms).
func termStats(ctx context.Context, conn *sql.Conn, cache *statCache, version int64, terms []string, maxSentence, maxArticle int64) ([]termStat, error) {
	stmt, err := conn.PrepareContext(ctx, `SELECT
		(SELECT count(*) || ' ' || coalesce(min(rowid), 0) FROM (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)),
		(SELECT count(*) || ' ' || coalesce(min(rowid), 0) FROM (SELECT rowid FROM article_text WHERE article_text MATCH ?1 ORDER BY rowid DESC LIMIT ?3))`)
	if err != nil {
		return nil, fmt.Errorf("plan query: %w", err)
	}
	defer stmt.Close()
	count := func(t string) (termStat, error) {
		var sentences, articles string
		fs := forms(t)
		if err := stmt.QueryRowContext(ctx, ftsQuery(fs), countCap, countCap).Scan(&sentences, &articles); err != nil {
			return termStat{}, fmt.Errorf("plan query: %w", err)
		}
		return termStat{
			forms:     fs,
			sentences: estimate(sentences, countCap, maxSentence),
			articles:  estimate(articles, countCap, maxArticle),
		}, nil
	}
	stats := make([]termStat, len(terms))
	for i, t := range terms {
		if st, ok := cache.get(t, version); ok {
			stats[i] = st
			continue
		}
		st, err := count(t)
		if err != nil {
			return nil, err
		}
		if st.sentences == 0 {
			indexed, err := respell(ctx, conn, t)
			if err != nil {
				return nil, err
			}
			if indexed != "" {
				if st, err = count(indexed); err != nil {
					return nil, err
				}
				st.respelled = indexed
			}
		}
		cache.put(t, version, st)
		stats[i] = st
	}
	return stats, nil
}

// respellPrefix is how many leading letters an unknown word shares with
// the indexed words it may be read as.
const respellPrefix = 5

// respell returns the indexed word that an unknown word nearly spells, or ""
// when none does: the index's words are stems, and one that the unknown
// word begins with, give or take the stem's last letter, is the same word in
// another form ("discriminatory" is "discrimin", from "discrimination") or
// misspelt ("enviroment" is "environ", "Callistheness" is "callisthen").
// Of several, the longest agreement wins, then the commonest word.
func respell(ctx context.Context, conn *sql.Conn, word string) (string, error) {
	if len(word) < respellPrefix || !isLetters(word) {
		return "", nil
	}
	prefix := word[:respellPrefix]
	rows, err := conn.QueryContext(ctx, `SELECT term, doc FROM sentences_vocab WHERE term >= ? AND term < ?`,
		prefix, prefix[:respellPrefix-1]+string(prefix[respellPrefix-1]+1))
	if err != nil {
		return "", fmt.Errorf("respell %q: %w", word, err)
	}
	defer rows.Close()
	best, bestAgree, bestDocs := "", 0, 0
	for rows.Next() {
		var term string
		var docs int
		if err := rows.Scan(&term, &docs); err != nil {
			return "", fmt.Errorf("respell %q: %w", word, err)
		}
		agree := commonPrefix(term, word)
		if agree < max(respellPrefix, len(term)-1) {
			continue
		}
		if agree > bestAgree || agree == bestAgree && docs > bestDocs {
			best, bestAgree, bestDocs = term, agree, docs
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("respell %q: %w", word, err)
	}
	return best, nil
}

// isLetters reports whether w is made of the letters a to z only.
func isLetters(w string) bool {
	for i := range len(w) {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// commonPrefix is how many leading bytes a and b share.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// estimate turns "count oldest-rowid" of a capped read of a posting list
// into the list's length: exact below the cap, else extrapolated over the
// rowids up to maxRowid.
func estimate(read string, limit int, maxRowid int64) int {
	var n, oldest int64
	fmt.Sscan(read, &n, &oldest)
	if n < int64(limit) || oldest <= 0 || maxRowid <= oldest {
		return int(n)
	}
	return int(n * maxRowid / (maxRowid - oldest + 1))
}

// statCacheSize bounds how many words' counts statCache keeps.
const statCacheSize = 10_000

// statCache keeps what termStats found for the words of earlier queries,
// for one version of the articles (see termCache). It is safe for
// concurrent use.
type statCache struct {
	mu      sync.Mutex
	version int64
	stats   map[string]termStat
}

func (c *statCache) get(term string, version int64) (termStat, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return termStat{}, false
	}
	st, ok := c.stats[term]
	return st, ok
}

func (c *statCache) put(term string, version int64, st termStat) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || c.stats == nil || len(c.stats) >= statCacheSize {
		c.version, c.stats = version, map[string]termStat{}
	}
	c.stats[term] = st
}
