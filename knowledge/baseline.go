//go:build sqlite_fts5

package knowledge

import (
	"context"
	"fmt"
)

// The article baseline's index: a plain FTS5 table over the stored articles'
// titles and bodies, with the statistics real bm25() needs (column sizes and
// full detail), unlike articles_fts, which ranking reads only for its
// posting lists. It is built on demand and is no part of the schema that
// loads keep up to date.
const (
	plainArticlesTable  = "plain_articles_fts"
	createPlainArticles = `CREATE VIRTUAL TABLE IF NOT EXISTS ` + plainArticlesTable + ` USING fts5(
		title, body,
		content = 'articles', content_rowid = 'pk',
		tokenize = 'porter unicode61 remove_diacritics 2'
	)`
	rebuildPlainArticles = `INSERT INTO ` + plainArticlesTable + `(` + plainArticlesTable + `) VALUES ('rebuild')`
)

// IndexPlainArticles builds, or rebuilds, the index that SearchPlainArticles
// reads from the articles stored now. The index does not follow later loads
// and removals: call it again after them. It returns an error naming the
// operation when the index cannot be written.
func (s *Store) IndexPlainArticles(ctx context.Context) error {
	return s.indexPlainArticles(ctx, true)
}

// indexPlainArticles creates the article baseline's index, and fills it
// when it is new or rebuild is set, in one write transaction so that
// concurrent callers build it once.
func (s *Store) indexPlainArticles(ctx context.Context, rebuild bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index plain articles: %w", err)
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = ?`, plainArticlesTable).Scan(&exists); err != nil {
		return fmt.Errorf("index plain articles: %w", err)
	}
	if exists > 0 && !rebuild {
		return nil
	}
	if _, err := tx.ExecContext(ctx, createPlainArticles); err != nil {
		return fmt.Errorf("index plain articles: create: %w", err)
	}
	if _, err := tx.ExecContext(ctx, rebuildPlainArticles); err != nil {
		return fmt.Errorf("index plain articles: rebuild: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index plain articles: %w", err)
	}
	return nil
}

// SearchPlainArticles is the article-level reference ranking: a plain FTS5
// BM25 over whole articles (title and body columns), the query's words minus
// stop words joined by OR, ordered by bm25(). It returns up to limit
// articles, best first, without their bodies and key points, and builds the
// index first when there is none (see IndexPlainArticles, which also says
// when it is out of date). A query with no words returns no articles.
func (s *Store) SearchPlainArticles(ctx context.Context, query string, limit int) ([]Article, error) {
	terms := Terms(query)
	if len(terms) == 0 || limit <= 0 {
		return nil, nil
	}
	if err := s.indexPlainArticles(ctx, false); err != nil {
		return nil, fmt.Errorf("plain article search %q: %w", truncate(query, 80), err)
	}
	conn, done, err := s.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("plain article search %q: %w", truncate(query, 80), err)
	}
	defer done()
	rows, err := conn.QueryContext(ctx, `SELECT `+articleSummaryColumns+`
		FROM `+plainArticlesTable+` f JOIN articles a ON a.pk = f.rowid
		WHERE `+plainArticlesTable+` MATCH ? ORDER BY f.rank LIMIT ?`, ftsQuery(terms), limit)
	if err != nil {
		return nil, fmt.Errorf("plain article search %q: %w", truncate(query, 80), err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("plain article search %q: %w", truncate(query, 80), err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plain article search %q: %w", truncate(query, 80), err)
	}
	return out, nil
}
