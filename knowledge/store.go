//go:build sqlite_fts5

package knowledge

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, built with FTS5 by the sqlite_fts5 tag

	"newsbot/knowledge/sentences"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the knowledge base: articles and their sentences in one SQLite
// file with FTS5 indexes. It is safe for concurrent use; searches run while
// loads write.
type Store struct {
	db *sql.DB
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// scores keeps the article scores of common words between searches,
	// stats their counts.
	scores termCache
	stats  statCache
	// costlyFrom is how many articles hold a word whose articles are
	// scored only when they could rank (see articleReader); 0: all are.
	costlyFrom int
	// progress, when set, hears how an index rebuild goes (see WithProgress).
	progress func(task string, done, total int)
}

// Open opens (creating if needed) the SQLite database at path, turns on WAL,
// foreign keys and a busy timeout, and applies pending migrations. It returns
// an error naming the path when the file cannot be opened or migrated.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	return open(ctx, path, true, opts)
}

// Option tunes Open and OpenExisting.
type Option func(*Store)

// WithProgress has an upgrade that rebuilds an index from the stored
// articles report how far it is: f is called with what it does, how many
// articles are done and how many there are, after each batch and at the
// end. Opening a current database calls it never.
func WithProgress(f func(task string, done, total int)) Option {
	return func(s *Store) { s.progress = f }
}

// OpenExisting opens the SQLite database at path as Open does, but never
// creates it: when there is no file at path it returns an error wrapping
// fs.ErrNotExist, naming the path. Opening a database whose schema is
// current takes no write lock, so it succeeds while another process holds a
// write transaction.
func OpenExisting(ctx context.Context, path string, opts ...Option) (*Store, error) {
	return open(ctx, path, false, opts)
}

func open(ctx context.Context, path string, create bool, opts []Option) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: %w: empty path", ErrInvalid)
	}
	q := url.Values{}
	if !create {
		// SQLite itself refuses to create the file, so a database removed
		// after the check below is not created either.
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		q.Set("mode", "rw")
	}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	q.Set("_cache_size", "-65536") // 64 MiB of page cache per connection
	// The path is a file name, not a URI: escape what SQLite would read as one.
	dsn := "file:" + escapePath(path) + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, Now: time.Now, costlyFrom: costlyArticles}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// escapePath escapes what SQLite would read as part of a URI in a file
// name.
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the underlying database, for packages that keep their own
// tables in the same file (feeds).
func (s *Store) DB() *sql.DB { return s.db }

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction, in file-name order.
// A database whose every migration is recorded is left alone, read
// without a write lock, so that opening it never waits for a writer.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	if s.applied(ctx, names) {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// applied reports whether every one of names is recorded as applied. It
// only reads; any failure (a new file has no migrations table) reports
// false, and migrate then takes the write lock and says what is wrong.
func (s *Store) applied(ctx context.Context, names []string) bool {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return false
	}
	defer rows.Close()
	done := make(map[string]bool)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return false
		}
		done[name] = true
	}
	if rows.Err() != nil {
		return false
	}
	for _, name := range names {
		if !done[name] {
			return false
		}
	}
	return true
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if step := migrationSteps[name]; step != nil {
		if err := step(ctx, tx, s.progress); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().Unix()); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	return nil
}

// Put stores articles in one transaction and reports, for each, whether it
// was loaded, updated, unchanged or a duplicate.
//
// An article's identity is its origin: its ID when it was given one, else
// its URL, else its Origin (the file it was read from), else its content.
// An article of the same identity as a stored one is that article: updated
// in place when its text or metadata changed (a changed text replaces its
// sentences), keeping the URL, source, author and published time the new
// copy leaves out. An article with the text of a stored article of another
// identity is a Duplicate, and nothing changes; but a stored article known
// by its content alone (stored without URL or origin, as earlier versions
// stored files) takes on the URL or Origin of the same text loaded again. Articles without an ID get one from
// DeriveID. Put fills in the IDs of the articles it was given (a duplicate's
// is the stored article's). Bidirectional controls and zero-width characters
// are removed from the text stored.
//
// It returns an error wrapping ErrInvalid, naming the article, when one has
// no title or no text or would take the URL of another article; then nothing
// of the batch is stored.
func (s *Store) Put(ctx context.Context, articles []Article) ([]PutStatus, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("put articles: %w", err)
	}
	defer tx.Rollback()
	p, err := newPutter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer p.close()
	now := s.Now()
	statuses := make([]PutStatus, len(articles))
	for i := range articles {
		st, err := p.put(ctx, &articles[i], now)
		if err != nil {
			return nil, fmt.Errorf("put article %q: %w", articleName(articles[i]), err)
		}
		statuses[i] = st
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("put articles: commit: %w", err)
	}
	return statuses, nil
}

func articleName(a Article) string {
	switch {
	case a.ID != "":
		return a.ID
	case a.URL != "":
		return a.URL
	default:
		return a.Title
	}
}

// validate checks what every stored article must have.
func validate(a *Article) error {
	a.Title = strings.TrimSpace(a.Title)
	a.URL = strings.TrimSpace(a.URL)
	if a.Title == "" {
		return fmt.Errorf("%w: no title", ErrInvalid)
	}
	if strings.TrimSpace(a.Body) == "" && !slices.ContainsFunc(a.KeyPoints, func(k string) bool { return strings.TrimSpace(k) != "" }) {
		return fmt.Errorf("%w: no body or key points", ErrInvalid)
	}
	for _, f := range []string{a.ID, a.Title, a.URL, a.Source, a.Author, a.Origin, a.Body} {
		if !utf8.ValidString(f) {
			return fmt.Errorf("%w: invalid UTF-8", ErrInvalid)
		}
	}
	for _, k := range a.KeyPoints {
		if !utf8.ValidString(k) {
			return fmt.Errorf("%w: invalid UTF-8 in key points", ErrInvalid)
		}
	}
	a.Title = RemoveInvisible(a.Title)
	a.Source = RemoveInvisible(a.Source)
	a.Author = RemoveInvisible(a.Author)
	a.Body = RemoveInvisible(a.Body)
	for i, k := range a.KeyPoints {
		a.KeyPoints[i] = RemoveInvisible(k)
	}
	if a.ID != "" || a.URL != "" {
		a.Origin = "" // the ID or URL identifies the article
	}
	return nil
}

// Invisible reports whether r is a character that changes how text around it
// reads without showing itself: a bidirectional control, which can reorder
// what a reader sees, or a zero-width character, which can hide inside a
// word.
func Invisible(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069',
		r == '\u200E', r == '\u200F', r == '\u061C':
		return true // bidirectional controls
	case r >= '\u200B' && r <= '\u200D', r == '\u2060', r == '\uFEFF', r == '\u180E':
		return true // zero-width characters
	}
	return false
}

// RemoveInvisible returns s without the characters Invisible reports.
func RemoveInvisible(s string) string {
	if !strings.ContainsFunc(s, Invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}

// ContentHash returns a digest of the article's text (title, key points and
// body), which identifies the same content loaded from different places.
func ContentHash(a Article) string {
	h := sha256.New()
	h.Write([]byte(strings.TrimSpace(a.Title)))
	for _, k := range a.KeyPoints {
		h.Write([]byte{0})
		h.Write([]byte(strings.TrimSpace(k)))
	}
	h.Write([]byte{1})
	h.Write([]byte(strings.TrimSpace(a.Body)))
	return hex.EncodeToString(h.Sum(nil))
}

// DeriveID returns the ID for an article that came without one: a short
// digest of its URL when it has one, else of its Origin, else of its content.
func DeriveID(a Article) string {
	if a.URL != "" {
		sum := sha256.Sum256([]byte(normalizeURL(a.URL)))
		return hex.EncodeToString(sum[:6])
	}
	if a.Origin != "" {
		sum := sha256.Sum256([]byte("origin\x00" + a.Origin))
		return hex.EncodeToString(sum[:6])
	}
	return ContentHash(a)[:12]
}

// normalizeURL drops what does not change which page a URL names: the
// fragment, a trailing slash and the case of scheme and host.
func normalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Fragment = ""
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u.String()
}

// sentenceID returns the stable ID of the n-th occurrence of text in an article.
// It is the article's ID and a digest of the text, joined by a colon, so a
// sentence is found through its article without an index of its own.
func sentenceID(articleID, text string, occurrence int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d", text, occurrence)
	return articleID + ":" + hex.EncodeToString(h.Sum(nil)[:6])
}

// sentenceArticle returns the article ID a sentence ID starts with.
func sentenceArticle(id string) (string, bool) {
	i := strings.LastIndexByte(id, ':')
	if i <= 0 {
		return "", false
	}
	return id[:i], true
}

// Split returns the article's sentences in order: key points first, then the
// body, with stable IDs. The article must have its ID.
func Split(a Article) []Sentence {
	var out []Sentence
	seen := map[string]int{}
	add := func(text string, keyPoint bool) {
		n := seen[text]
		seen[text] = n + 1
		out = append(out, Sentence{
			ID:        sentenceID(a.ID, text, n),
			ArticleID: a.ID,
			Position:  len(out),
			KeyPoint:  keyPoint,
			Text:      text,
		})
	}
	for _, k := range a.KeyPoints {
		for _, t := range sentences.Strings(k) {
			add(t, true)
		}
	}
	for _, t := range sentences.Strings(a.Body) {
		add(t, false)
	}
	return out
}

// putter holds the prepared statements of one Put transaction.
type putter struct {
	tx                                  *sql.Tx
	findByID, findByURL, findByHash     *sql.Stmt
	findByOrigin                        *sql.Stmt
	insertArticle, updateArticle, touch *sql.Stmt
	deleteSentences, indexSentences     *sql.Stmt
	indexText, unindexText              *sql.Stmt
	// insertStmts holds multi-row sentence inserts by row count, prepared on first use.
	insertStmts map[int]*sql.Stmt
}

func newPutter(ctx context.Context, tx *sql.Tx) (*putter, error) {
	p := &putter{tx: tx}
	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&p.findByID, `SELECT ` + storedColumns + ` FROM articles WHERE id = ?`},
		{&p.findByURL, `SELECT ` + storedColumns + ` FROM articles WHERE url = ?`},
		{&p.findByOrigin, `SELECT ` + storedColumns + ` FROM articles WHERE origin = ?`},
		{&p.findByHash, `SELECT ` + storedColumns + ` FROM articles WHERE content_hash = ? ORDER BY pk LIMIT 1`},
		{&p.insertArticle, `INSERT INTO articles (id, title, url, source, author, origin, published, key_points, body, content_hash, loaded_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&p.updateArticle, `UPDATE articles SET title = ?, url = ?, source = ?, author = ?, origin = ?, published = ?, key_points = ?, body = ?, content_hash = ?, updated_at = ? WHERE pk = ?`},
		{&p.touch, `UPDATE articles SET url = ?, source = ?, author = ?, origin = ?, published = ?, updated_at = ? WHERE pk = ?`},
		{&p.deleteSentences, `DELETE FROM sentences WHERE article = ?`},
		{&p.indexSentences, `INSERT INTO sentences_fts (rowid, text) SELECT pk, text FROM sentences WHERE article = ?`},
		{&p.indexText, `INSERT INTO article_text (rowid, title, lead, rest) VALUES (?, ?, ?, ?)`},
		{&p.unindexText, `DELETE FROM article_text WHERE rowid = ?`},
	}
	for _, st := range stmts {
		prepared, err := tx.PrepareContext(ctx, st.sql)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("put articles: prepare: %w", err)
		}
		*st.dst = prepared
	}
	return p, nil
}

func (p *putter) close() {
	for _, st := range []*sql.Stmt{p.findByID, p.findByURL, p.findByOrigin, p.findByHash, p.insertArticle, p.updateArticle, p.touch, p.deleteSentences, p.indexSentences, p.indexText, p.unindexText} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range p.insertStmts {
		st.Close()
	}
}

// storedColumns are the columns lookup reads into a stored.
const storedColumns = `pk, id, content_hash, title, coalesce(url, ''), source, author, coalesce(origin, ''), coalesce(published, 0)`

// stored is what put compares a new article against.
type stored struct {
	pk                   int64
	id, hash, title, url string
	source, author       string
	origin               string
	published            int64
}

// find returns the stored article of the same identity as a: its ID, else
// its URL (as given, or as its derived ID), else its origin.
func (p *putter) find(ctx context.Context, a *Article) (stored, bool, error) {
	if a.ID != "" {
		if s, ok, err := p.lookup(ctx, p.findByID, a.ID); ok || err != nil {
			return s, ok, err
		}
	}
	if a.URL != "" {
		if s, ok, err := p.lookup(ctx, p.findByURL, a.URL); ok || err != nil {
			return s, ok, err
		}
		// The same page under another spelling of its URL has the same derived ID.
		if a.ID == "" {
			return p.lookup(ctx, p.findByID, DeriveID(*a))
		}
		return stored{}, false, nil
	}
	if a.ID == "" && a.Origin != "" {
		return p.lookup(ctx, p.findByOrigin, a.Origin)
	}
	return stored{}, false, nil
}

// lookup runs one of the find statements; it reports false when no article matches.
func (p *putter) lookup(ctx context.Context, st *sql.Stmt, arg string) (stored, bool, error) {
	var s stored
	err := st.QueryRowContext(ctx, arg).Scan(&s.pk, &s.id, &s.hash, &s.title, &s.url, &s.source, &s.author, &s.origin, &s.published)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	return s, err == nil, err
}

// contentIdentified reports whether a stored article is known by its
// content alone: no URL, no origin, and the ID DeriveID gives its content,
// as earlier versions stored the articles of files.
func (s stored) contentIdentified() bool {
	return s.url == "" && s.origin == "" && len(s.hash) >= 12 && s.id == s.hash[:12]
}

func (p *putter) put(ctx context.Context, a *Article, now time.Time) (PutStatus, error) {
	if err := validate(a); err != nil {
		return "", err
	}
	hash := ContentHash(*a)
	old, found, err := p.find(ctx, a)
	if err != nil {
		return "", err
	}
	if !found {
		same, ok, err := p.lookup(ctx, p.findByHash, hash)
		if err != nil {
			return "", err
		}
		switch {
		case !ok:
		case a.ID == "" && a.URL == "" && a.Origin == "", a.ID == "" && same.contentIdentified():
			// Known by its content alone, or stored so (by an earlier version,
			// or without a URL): the same article, which takes on the new
			// copy's URL or origin.
			old, found = same, true
		default:
			a.ID = same.id
			return Duplicate, nil
		}
	}
	keyPoints, err := json.Marshal(nonNil(a.KeyPoints))
	if err != nil {
		return "", err
	}
	if !found {
		if a.ID == "" {
			a.ID = DeriveID(*a)
		}
		res, err := p.insertArticle.ExecContext(ctx, a.ID, a.Title, nullable(a.URL), a.Source, a.Author, nullable(a.Origin), nullableUnix(unixOrZero(a.Published)),
			string(keyPoints), a.Body, hash, now.UnixNano(), now.UnixNano())
		if err != nil {
			return "", err
		}
		pk, err := res.LastInsertId()
		if err != nil {
			return "", err
		}
		return Loaded, p.insertSentences(ctx, pk, *a)
	}
	a.ID = old.id
	// What the new copy leaves out, the stored article keeps.
	url := cmp.Or(a.URL, old.url)
	source := cmp.Or(a.Source, old.source)
	author := cmp.Or(a.Author, old.author)
	origin := cmp.Or(a.Origin, old.origin)
	published := cmp.Or(unixOrZero(a.Published), old.published)
	if old.hash == hash && url == old.url && source == old.source && author == old.author && origin == old.origin && published == old.published {
		return Unchanged, nil
	}
	if err := p.checkURL(ctx, url, old); err != nil {
		return "", err
	}
	if old.hash == hash {
		// Same text, new metadata: no need to touch the sentences.
		if _, err := p.touch.ExecContext(ctx, nullable(url), source, author, nullable(origin), nullableUnix(published), now.UnixNano(), old.pk); err != nil {
			return "", err
		}
		return Updated, nil
	}
	if _, err := p.updateArticle.ExecContext(ctx, a.Title, nullable(url), source, author, nullable(origin), nullableUnix(published), string(keyPoints), a.Body, hash, now.UnixNano(), old.pk); err != nil {
		return "", err
	}
	if _, err := p.deleteSentences.ExecContext(ctx, old.pk); err != nil {
		return "", err
	}
	if _, err := p.unindexText.ExecContext(ctx, old.pk); err != nil {
		return "", err
	}
	return Updated, p.insertSentences(ctx, old.pk, *a)
}

// checkURL returns an error wrapping ErrInvalid when url, about to be given
// to the stored article old, already belongs to another article.
func (p *putter) checkURL(ctx context.Context, url string, old stored) error {
	if url == "" || url == old.url {
		return nil
	}
	other, found, err := p.lookup(ctx, p.findByURL, url)
	if err != nil {
		return err
	}
	if found && other.pk != old.pk {
		return fmt.Errorf("%w: url %s belongs to article %q", ErrInvalid, url, other.id)
	}
	return nil
}

// sentenceRows is the most sentences one INSERT statement writes.
const sentenceRows = 64

// leadSentences is how many sentences of the body, after the key points,
// make an article's lead: news states its main facts first.
const leadSentences = 3

// insertSentences writes the article's sentences, many rows per statement,
// and indexes them and the whole article.
func (p *putter) insertSentences(ctx context.Context, pk int64, a Article) error {
	all := Split(a)
	lead, rest := leadAndRest(all)
	if _, err := p.indexText.ExecContext(ctx, pk, a.Title, lead, rest); err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	for len(all) > 0 {
		chunk := all[:min(len(all), sentenceRows)]
		all = all[len(chunk):]
		st, err := p.insertStmt(ctx, len(chunk))
		if err != nil {
			return err
		}
		args := make([]any, 0, 5*len(chunk))
		for _, s := range chunk {
			args = append(args, s.ID, pk, s.Position, s.KeyPoint, s.Text)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert sentences %d-%d: %w", chunk[0].Position, chunk[len(chunk)-1].Position, err)
		}
	}
	if _, err := p.indexSentences.ExecContext(ctx, pk); err != nil {
		return fmt.Errorf("index sentences: %w", err)
	}
	return nil
}

func (p *putter) insertStmt(ctx context.Context, rows int) (*sql.Stmt, error) {
	if st, ok := p.insertStmts[rows]; ok {
		return st, nil
	}
	query := `INSERT INTO sentences (id, article, position, key_point, text) VALUES ` +
		strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?),`, rows), ",")
	st, err := p.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("put articles: prepare: %w", err)
	}
	if p.insertStmts == nil {
		p.insertStmts = map[int]*sql.Stmt{}
	}
	p.insertStmts[rows] = st
	return st, nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// nullableUnix is a published time for the database: NULL when unknown.
func nullableUnix(t int64) any {
	if t == 0 {
		return nil
	}
	return t
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// articleColumns are the columns scanArticle reads, in order.
const articleColumns = `a.id, a.title, coalesce(a.url, ''), a.source, a.author, coalesce(a.origin, ''), coalesce(a.published, 0), a.key_points, a.body, a.loaded_at`

// articleSummaryColumns are articleColumns without the text, for listings.
const articleSummaryColumns = `a.id, a.title, coalesce(a.url, ''), a.source, a.author, coalesce(a.origin, ''), coalesce(a.published, 0), '[]', '', a.loaded_at`

type scanner interface{ Scan(dest ...any) error }

// scanArticle reads an article from a row of articleColumns followed by
// columns into more. An article without key points has nil KeyPoints.
func scanArticle(row scanner, more ...any) (Article, error) {
	var a Article
	var published, loaded int64
	var keyPoints string
	if err := row.Scan(append([]any{&a.ID, &a.Title, &a.URL, &a.Source, &a.Author, &a.Origin, &published, &keyPoints, &a.Body, &loaded}, more...)...); err != nil {
		return a, err
	}
	if published != 0 {
		a.Published = time.Unix(published, 0).UTC()
	}
	a.LoadedAt = time.Unix(0, loaded).UTC()
	if err := json.Unmarshal([]byte(keyPoints), &a.KeyPoints); err != nil {
		return a, fmt.Errorf("article %s: key points: %w", a.ID, err)
	}
	if len(a.KeyPoints) == 0 {
		a.KeyPoints = nil
	}
	return a, nil
}

// Article returns the article with the given ID and its sentences in order.
// It returns an error wrapping ErrNotFound when there is none.
func (s *Store) Article(ctx context.Context, id string) (Article, []Sentence, error) {
	var pk int64
	a, err := scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleColumns+`, a.pk FROM articles a WHERE a.id = ?`, id), &pk)
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, nil, fmt.Errorf("article %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Article{}, nil, fmt.Errorf("article %q: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, position, key_point, text FROM sentences WHERE article = ? ORDER BY position`, pk)
	if err != nil {
		return Article{}, nil, fmt.Errorf("article %q: sentences: %w", id, err)
	}
	defer rows.Close()
	var out []Sentence
	for rows.Next() {
		sn := Sentence{ArticleID: a.ID}
		if err := rows.Scan(&sn.ID, &sn.Position, &sn.KeyPoint, &sn.Text); err != nil {
			return Article{}, nil, fmt.Errorf("article %q: sentences: %w", id, err)
		}
		out = append(out, sn)
	}
	if err := rows.Err(); err != nil {
		return Article{}, nil, fmt.Errorf("article %q: sentences: %w", id, err)
	}
	return a, out, nil
}

// ListOptions page through Articles. Zero values take the defaults.
type ListOptions struct {
	Limit  int // default 50
	Offset int
}

// Articles returns stored articles, most recently loaded first, without
// their text (Body and KeyPoints are empty).
func (s *Store) Articles(ctx context.Context, opts ListOptions) ([]Article, error) {
	if opts.Limit <= 0 {
		opts.Limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+articleSummaryColumns+` FROM articles a ORDER BY a.loaded_at DESC, a.pk DESC LIMIT ? OFFSET ?`, opts.Limit, max(opts.Offset, 0))
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// Count returns the number of stored articles and sentences.
func (s *Store) Count(ctx context.Context) (articles, sentences int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences)`).Scan(&articles, &sentences)
	if err != nil {
		return 0, 0, fmt.Errorf("count articles: %w", err)
	}
	return articles, sentences, nil
}

// Remove deletes the article with the given ID, its sentences and their
// index entries. It returns an error wrapping ErrNotFound when there is none.
func (s *Store) Remove(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("remove article %q: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("remove article %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("remove article %q: %w", id, ErrNotFound)
	}
	return nil
}

// RemoveOlderThan deletes the articles published before t (or, when their
// publication time is unknown, loaded before t) and returns how many.
func (s *Store) RemoveOlderThan(ctx context.Context, t time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM articles WHERE coalesce(published, loaded_at / 1000000000) < ?`, t.Unix())
	if err != nil {
		return 0, fmt.Errorf("remove articles older than %s: %w", t.Format(time.DateOnly), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("remove articles older than %s: %w", t.Format(time.DateOnly), err)
	}
	return int(n), nil
}

// Sentences returns the stored sentences with the given IDs, in the order
// asked; IDs that name no sentence are left out.
func (s *Store) Sentences(ctx context.Context, ids []string) ([]Sentence, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var articles, sentences []any
	seen := map[string]bool{}
	for _, id := range ids {
		a, ok := sentenceArticle(id)
		if !ok {
			continue
		}
		if !seen[a] {
			seen[a] = true
			articles = append(articles, a)
		}
		sentences = append(sentences, id)
	}
	if len(sentences) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, a.id, s.position, s.key_point, s.text FROM articles a JOIN sentences s ON s.article = a.pk
		WHERE a.id IN (`+placeholders(len(articles))+`) AND s.id IN (`+placeholders(len(sentences))+`)`, append(articles, sentences...)...)
	if err != nil {
		return nil, fmt.Errorf("look up sentences: %w", err)
	}
	defer rows.Close()
	byID := map[string]Sentence{}
	for rows.Next() {
		var sn Sentence
		if err := rows.Scan(&sn.ID, &sn.ArticleID, &sn.Position, &sn.KeyPoint, &sn.Text); err != nil {
			return nil, fmt.Errorf("look up sentences: %w", err)
		}
		byID[sn.ID] = sn
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up sentences: %w", err)
	}
	out := make([]Sentence, 0, len(byID))
	for _, id := range ids {
		if sn, ok := byID[id]; ok {
			out = append(out, sn)
			delete(byID, id)
		}
	}
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
