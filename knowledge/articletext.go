package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// leadAndRest returns the text of an article's lead, its key points and
// the first leadSentences sentences of its body, and of the rest, from its
// sentences in order: the fields the article index weighs apart.
func leadAndRest(sents []Sentence) (lead, rest string) {
	var l, r strings.Builder
	body := 0
	for _, s := range sents {
		b := &r
		if s.KeyPoint || body < leadSentences {
			b = &l
		}
		if !s.KeyPoint {
			body++
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.Text)
	}
	return l.String(), r.String()
}

// migrationSteps are the parts of migrations done in Go, after the
// migration's SQL and in its transaction, by migration name.
var migrationSteps = map[string]func(ctx context.Context, tx *sql.Tx, progress func(task string, done, total int)) error{
	"migrations/0005_article_text.sql": indexStoredArticles,
}

// indexBatch is how many stored articles indexStoredArticles reads at a time.
const indexBatch = 500

// indexStoredArticles fills the article index from the stored articles and
// their sentences, reporting progress after each batch (a new, empty
// database reports nothing).
func indexStoredArticles(ctx context.Context, tx *sql.Tx, progress func(task string, done, total int)) error {
	const task = "building the article index"
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&total); err != nil {
		return fmt.Errorf("index stored articles: %w", err)
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO article_text (rowid, title, lead, rest) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("index stored articles: %w", err)
	}
	defer insert.Close()
	done, after := 0, int64(0)
	for {
		n, last, err := indexArticlesAfter(ctx, tx, insert, after)
		if err != nil {
			return fmt.Errorf("index stored articles: %w", err)
		}
		if n == 0 {
			break
		}
		done, after = done+n, last
		if progress != nil {
			progress(task, done, total)
		}
	}
	return nil
}

// indexArticlesAfter indexes up to indexBatch stored articles whose keys
// follow after, and returns how many it indexed and the last key.
func indexArticlesAfter(ctx context.Context, tx *sql.Tx, insert *sql.Stmt, after int64) (int, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.pk, a.title, s.key_point, s.text
		FROM (SELECT pk, title FROM articles WHERE pk > ? ORDER BY pk LIMIT ?) a
		LEFT JOIN sentences s ON s.article = a.pk ORDER BY a.pk, s.position`, after, indexBatch)
	if err != nil {
		return 0, 0, err
	}
	type article struct {
		pk    int64
		title string
		sents []Sentence
	}
	var arts []*article
	for rows.Next() {
		var pk int64
		var title string
		var keyPoint sql.NullBool
		var text sql.NullString
		if err := rows.Scan(&pk, &title, &keyPoint, &text); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if len(arts) == 0 || arts[len(arts)-1].pk != pk {
			arts = append(arts, &article{pk: pk, title: title})
		}
		if text.Valid {
			a := arts[len(arts)-1]
			a.sents = append(a.sents, Sentence{KeyPoint: keyPoint.Bool, Text: text.String})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, a := range arts {
		lead, rest := leadAndRest(a.sents)
		if _, err := insert.ExecContext(ctx, a.pk, a.title, lead, rest); err != nil {
			return 0, 0, fmt.Errorf("article %d: %w", a.pk, err)
		}
	}
	if len(arts) == 0 {
		return 0, 0, nil
	}
	return len(arts), arts[len(arts)-1].pk, nil
}
