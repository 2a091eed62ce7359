// Package feeds follows RSS, Atom and JSON feeds: it remembers the feeds an
// admin added, polls them with conditional requests, and stores the article
// behind every item it has not seen before. Feeds and seen items live in the
// same SQLite database as the articles.
package feeds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/fetch"
)

// DefaultInterval is how often a feed is polled unless Run is told otherwise.
const DefaultInterval = 15 * time.Minute

// maxBackoff bounds how long a failing feed waits before its next poll.
const maxBackoff = 24 * time.Hour

// ErrExists means the feed is already followed.
var ErrExists = errors.New("feed already followed")

// Putter stores articles; *knowledge.Store is one.
type Putter interface {
	Put(ctx context.Context, articles []knowledge.Article) ([]knowledge.PutStatus, error)
}

// Feed is a followed feed and how its polling goes.
type Feed struct {
	URL   string
	Title string
	// AddedAt is when the feed was added.
	AddedAt time.Time
	// LastPolled is when the feed was last polled, LastOK when a poll last
	// succeeded; both are zero before the first.
	LastPolled, LastOK time.Time
	// NextPoll is when the feed is next due.
	NextPoll time.Time
	// Failures counts the polls that failed in a row; LastError says why
	// the last one did.
	Failures  int
	LastError string
}

// Feeds follows feeds. It is safe for concurrent use.
type Feeds struct {
	db      *sql.DB
	fetcher *fetch.Client
	putter  Putter
	log     *slog.Logger

	// now returns the current time; tests replace it.
	now func() time.Time
	// interval is the time.Duration between polls of a feed that is well.
	interval atomic.Int64
	// feedWorkers is how many feeds are polled at once, pageWorkers how many
	// article pages one feed fetches at once.
	feedWorkers, pageWorkers int
	// maxNew is the most new items one poll of a feed stores; the rest wait
	// for the next poll.
	maxNew int

	pollMu  sync.Mutex // one poll at a time
	running sync.WaitGroup
}

// New returns Feeds keeping its tables in db (migrated by knowledge.Open),
// fetching with fetcher and storing articles with putter.
func New(db *sql.DB, fetcher *fetch.Client, putter Putter, log *slog.Logger) *Feeds {
	f := &Feeds{
		db: db, fetcher: fetcher, putter: putter, log: log,
		now:         time.Now,
		feedWorkers: 4,
		pageWorkers: 4,
		maxNew:      100,
	}
	f.interval.Store(int64(DefaultInterval))
	return f
}

// Add follows the feed at rawURL: it checks the URL, fetches the feed once
// to make sure it is one and to take its title, and records it as due now.
// It returns an error wrapping fetch.ErrRefused for a URL that may not be
// fetched, knowledge.ErrInvalid when the document is not a feed, ErrExists
// when the feed is already followed, or the fetch error.
func (f *Feeds) Add(ctx context.Context, rawURL string) (Feed, error) {
	u, err := fetch.CheckURL(rawURL)
	if err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w", rawURL, err)
	}
	feedURL := u.String()
	var n int
	if err := f.db.QueryRowContext(ctx, `SELECT count(*) FROM feeds WHERE url = ?`, feedURL).Scan(&n); err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w", feedURL, err)
	}
	if n > 0 {
		return Feed{}, fmt.Errorf("add feed %s: %w", feedURL, ErrExists)
	}
	resp, err := f.fetcher.Fetch(ctx, fetch.Request{URL: feedURL})
	if err != nil {
		return Feed{}, fmt.Errorf("add feed: %w", err)
	}
	p, err := parseFeed(resp.Body, resp.URL)
	if err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w: %w", feedURL, knowledge.ErrInvalid, err)
	}
	now := f.now()
	feed := Feed{URL: feedURL, Title: p.title, AddedAt: now, NextPoll: now}
	if feed.Title == "" {
		feed.Title = u.Hostname()
	}
	res, err := f.db.ExecContext(ctx, `INSERT INTO feeds (url, title, next_poll, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (url) DO NOTHING`, feed.URL, feed.Title, now.UnixNano(), now.UnixNano())
	if err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w", feedURL, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return Feed{}, fmt.Errorf("add feed %s: %w", feedURL, ErrExists)
	}
	f.log.Info("feed added", "url", feed.URL, "title", feed.Title, "items", len(p.entries))
	return feed, nil
}

// feedColumns are the columns scanFeed reads, in order.
const feedColumns = `url, title, added_at, last_polled, last_ok, next_poll, failures, last_error`

func scanFeed(row interface{ Scan(...any) error }) (Feed, error) {
	var feed Feed
	var added, nextPoll int64
	var polled, ok sql.NullInt64
	if err := row.Scan(&feed.URL, &feed.Title, &added, &polled, &ok, &nextPoll, &feed.Failures, &feed.LastError); err != nil {
		return Feed{}, err
	}
	feed.AddedAt = fromNanos(added)
	feed.NextPoll = fromNanos(nextPoll)
	if polled.Valid {
		feed.LastPolled = fromNanos(polled.Int64)
	}
	if ok.Valid {
		feed.LastOK = fromNanos(ok.Int64)
	}
	return feed, nil
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// List returns the followed feeds in URL order with how their polling goes.
func (f *Feeds) List(ctx context.Context) ([]Feed, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		feed, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		out = append(out, feed)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return out, nil
}

// Remove stops following the feed at rawURL and forgets its seen items; the
// articles already stored stay. It returns an error wrapping
// knowledge.ErrNotFound when the feed is not followed.
func (f *Feeds) Remove(ctx context.Context, rawURL string) error {
	feedURL := rawURL
	if u, err := fetch.CheckURL(rawURL); err == nil {
		feedURL = u.String()
	}
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	defer tx.Rollback()
	// Seen items go with the feed through ON DELETE CASCADE; deleting them
	// here too keeps that true on a connection without foreign keys.
	if _, err := tx.ExecContext(ctx, `DELETE FROM feed_items WHERE feed_url = ?`, feedURL); err != nil {
		return fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM feeds WHERE url = ?`, feedURL)
	if err != nil {
		return fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("remove feed %s: %w", feedURL, err)
	} else if n == 0 {
		return fmt.Errorf("remove feed %s: %w", feedURL, knowledge.ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remove feed %s: %w", feedURL, err)
	}
	f.log.Info("feed removed", "url", feedURL)
	return nil
}
