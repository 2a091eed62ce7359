//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// postingBudget bounds how many index entries one search reads from each
// index. Terms are taken rarest first until the next would exceed it; the
// common terms left out carry little weight in BM25 anyway, and still count
// in ranking through the words of the candidate sentences.
const postingBudget = 40_000

// termStat is how many sentences and articles hold one query term.
type termStat struct {
	term                string
	sentences, articles int
}

// termStats looks up the document frequencies of terms, running them
// through the index's own tokenizer (so "talks" is counted as the index's
// "talk"). It returns nil when the tokenizer splits the terms differently
// from Terms, in which case the search uses every term.
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

// pickTerms returns the terms to ask one index for: those that occur in it,
// rarest first, within postingBudget, and always the rarest two.
func pickTerms(stats []termStat, freq func(termStat) int) []string {
	present := make([]termStat, 0, len(stats))
	for _, st := range stats {
		if freq(st) > 0 {
			present = append(present, st)
		}
	}
	sort.SliceStable(present, func(i, j int) bool { return freq(present[i]) < freq(present[j]) })
	var out []string
	total := 0
	for _, st := range present {
		if len(out) >= 2 && total+freq(st) > postingBudget {
			break
		}
		total += freq(st)
		out = append(out, st.term)
	}
	return out
}
