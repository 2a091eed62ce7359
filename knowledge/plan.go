//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Posting budgets bound how many index entries one search reads from each
// index. Terms are taken rarest first until the next would exceed the
// budget (the rarest is always taken); the common terms left out carry
// little weight in BM25 anyway, and still count in ranking through the words
// of the candidate sentences.
const (
	sentencePostingBudget = 12_000
	articlePostingBudget  = 6_000
	// documentLimit is how many best-matching articles lend their evidence
	// to ranking.
	documentLimit = 100
)

// queryTerm is one word of a query with what the indexes know of it.
type queryTerm struct {
	term string
	stem string // rough stem for matching sentence words in Go
	bit  int    // position in candidate bitmasks
	// Inverse document frequencies over sentences and over articles.
	sentenceIDF, articleIDF float64
}

// plannedTerm is a term to read the posting list of, with its weight.
type plannedTerm struct {
	term   string
	weight float64
	bit    int
}

// queryPlan says which terms each index is asked for and how terms weigh.
type queryPlan struct {
	terms                       []queryTerm
	sentenceTerms, articleTerms []plannedTerm
}

// idf is BM25's inverse document frequency of a term in n of total documents.
func idf(n, total int) float64 {
	return math.Log(1 + (float64(total)-float64(n)+0.5)/(float64(n)+0.5))
}

// plan looks up how many sentences and articles hold each of terms and
// chooses the terms to read from each index.
func plan(ctx context.Context, conn *sql.Conn, terms []string) (queryPlan, error) {
	var sentences, articles int
	if err := conn.QueryRowContext(ctx, `SELECT coalesce((SELECT max(pk) FROM sentences), 0), coalesce((SELECT max(pk) FROM articles), 0)`).Scan(&sentences, &articles); err != nil {
		return queryPlan{}, fmt.Errorf("plan query: %w", err)
	}
	stats, err := termStats(ctx, conn, terms)
	if err != nil {
		return queryPlan{}, err
	}
	var p queryPlan
	if stats == nil {
		// The tokenizer split the words differently: read every term, alike.
		for i, t := range terms {
			p.terms = append(p.terms, queryTerm{term: t, stem: stem(t), bit: i, sentenceIDF: 1, articleIDF: 1})
			p.sentenceTerms = append(p.sentenceTerms, plannedTerm{term: t, weight: 1, bit: i})
			p.articleTerms = append(p.articleTerms, plannedTerm{term: t, weight: 1, bit: i})
		}
		return p, nil
	}
	for i, st := range stats {
		p.terms = append(p.terms, queryTerm{
			term: st.term, stem: stem(st.term), bit: i,
			sentenceIDF: idf(st.sentences, max(sentences, st.sentences)),
			articleIDF:  idf(st.articles, max(articles, st.articles)),
		})
	}
	p.sentenceTerms = pickTerms(stats, p.terms, sentencePostingBudget,
		func(s termStat) int { return s.sentences }, func(t queryTerm) float64 { return t.sentenceIDF })
	p.articleTerms = pickTerms(stats, p.terms, articlePostingBudget,
		func(s termStat) int { return s.articles }, func(t queryTerm) float64 { return t.articleIDF })
	return p, nil
}

// termStat is how many sentences and articles hold one query term.
type termStat struct {
	term                string
	sentences, articles int
}

// termStats looks up the document frequencies of terms, running them
// through the index's own tokenizer (so "talks" is counted as the index's
// "talk"). It returns nil when the tokenizer splits the terms differently
// from Terms.
func termStats(ctx context.Context, conn *sql.Conn, terms []string) ([]termStat, error) {
	if _, err := conn.ExecContext(ctx, `DELETE FROM temp.query_terms`); err != nil {
		return nil, fmt.Errorf("plan query: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO temp.query_terms (rowid, text) VALUES (1, ?)`, strings.Join(terms, " ")); err != nil {
		return nil, fmt.Errorf("plan query: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DELETE FROM temp.query_terms`)
	rows, err := conn.QueryContext(ctx, `SELECT q.offset,
			coalesce((SELECT v.doc FROM sentences_vocab v WHERE v.term = q.term), 0),
			coalesce((SELECT v.doc FROM articles_vocab v WHERE v.term = q.term), 0)
		FROM temp.query_tokens q ORDER BY q.offset`)
	if err != nil {
		return nil, fmt.Errorf("plan query: %w", err)
	}
	defer rows.Close()
	stats := make([]termStat, 0, len(terms))
	for rows.Next() {
		var offset int
		var st termStat
		if err := rows.Scan(&offset, &st.sentences, &st.articles); err != nil {
			return nil, fmt.Errorf("plan query: %w", err)
		}
		if offset != len(stats) || offset >= len(terms) {
			return nil, nil
		}
		st.term = terms[offset]
		stats = append(stats, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plan query: %w", err)
	}
	if len(stats) != len(terms) {
		return nil, nil
	}
	return stats, nil
}

// pickTerms returns the terms to read from one index: those it holds,
// rarest first, within budget postings, and always the rarest.
func pickTerms(stats []termStat, terms []queryTerm, budget int, freq func(termStat) int, weight func(queryTerm) float64) []plannedTerm {
	order := make([]int, 0, len(stats))
	for i, st := range stats {
		if freq(st) > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return freq(stats[order[a]]) < freq(stats[order[b]]) })
	var out []plannedTerm
	total := 0
	for _, i := range order {
		if len(out) > 0 && total+freq(stats[i]) > budget {
			break
		}
		total += freq(stats[i])
		out = append(out, plannedTerm{term: terms[i].term, weight: weight(terms[i]), bit: terms[i].bit})
	}
	return out
}
