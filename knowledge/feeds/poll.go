package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/fetch"
)

// FeedResult is what one poll did with one feed.
type FeedResult struct {
	URL, Title string
	// NotModified reports that the server said nothing changed (HTTP 304).
	NotModified bool
	// Items counts the items in the feed document.
	Items int
	// New, Updated and Skipped count items whose article was stored anew,
	// updated an article already stored, or were seen before (or stored
	// unchanged).
	New, Updated, Skipped int
	// Summaries counts the new items stored from the feed's own text
	// because their page could not be fetched; Problems says why.
	Summaries int
	// Failed counts new items that could not be stored at all; they are
	// tried again on the next poll, up to MaxItemAttempts polls.
	Failed int
	// GivenUp counts the failed items tried on MaxItemAttempts polls: they
	// are recorded as seen and not tried again.
	GivenUp int
	// Problems says what went wrong with single items.
	Problems []string
	// Err is why the feed could not be polled; nil when it was.
	Err      error
	Duration time.Duration
}

// PollReport is what one poll did: a result per feed polled, in URL order,
// and the totals.
type PollReport struct {
	Feeds                         []FeedResult
	New, Updated, Skipped, Failed int // items, over all feeds
	FailedFeeds                   int
	Duration                      time.Duration
}

// Poll polls every feed that is due, a few at a time, and stores the
// articles of items not seen before. It returns an error only when the feeds
// cannot be read from the database or ctx ends; what went wrong with single
// feeds and items is in the report.
func (f *Feeds) Poll(ctx context.Context) (PollReport, error) {
	return f.poll(ctx, false)
}

// PollAll is Poll for every feed, due or not, as when an admin asks for a
// poll now.
func (f *Feeds) PollAll(ctx context.Context) (PollReport, error) {
	return f.poll(ctx, true)
}

// Run polls due feeds in the background until ctx ends, checking at least
// once a minute (or every interval, if shorter) and polling each feed every
// interval (DefaultInterval when not positive), less often while it keeps
// failing. It returns at once; Wait waits for the background work to stop.
func (f *Feeds) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	f.interval.Store(int64(interval))
	f.running.Add(1)
	go func() {
		defer f.running.Done()
		ticker := time.NewTicker(min(interval, time.Minute))
		defer ticker.Stop()
		for {
			report, err := f.Poll(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				f.log.Error("feed poll failed", "err", err)
			case len(report.Feeds) > 0:
				f.log.Info("feeds polled", "feeds", len(report.Feeds), "new", report.New, "updated", report.Updated,
					"failed_feeds", report.FailedFeeds, "failed_items", report.Failed, "took", report.Duration)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
}

// Wait blocks until the polling that Run started has stopped, which it does
// soon after Run's ctx ends.
func (f *Feeds) Wait() { f.running.Wait() }

// feedState is what polling needs to know about a feed.
type feedState struct {
	url, title, etag, lastModified string
	failures                       int
}

func (f *Feeds) poll(ctx context.Context, all bool) (PollReport, error) {
	f.pollMu.Lock()
	defer f.pollMu.Unlock()
	start := time.Now()
	due, err := f.due(ctx, all)
	if err != nil {
		return PollReport{}, err
	}
	report := PollReport{Feeds: make([]FeedResult, len(due))}
	sem := make(chan struct{}, f.feedWorkers)
	var wg sync.WaitGroup
	for i, st := range due {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			report.Feeds[i] = f.pollFeed(ctx, st)
		})
	}
	wg.Wait()
	for _, r := range report.Feeds {
		report.New += r.New
		report.Updated += r.Updated
		report.Skipped += r.Skipped
		report.Failed += r.Failed
		if r.Err != nil {
			report.FailedFeeds++
		}
	}
	report.Duration = time.Since(start)
	return report, ctx.Err()
}

// due returns the feeds whose next poll has come (all of them if all is set).
func (f *Feeds) due(ctx context.Context, all bool) ([]feedState, error) {
	cutoff := f.now().UnixNano()
	if all {
		cutoff = 1<<63 - 1
	}
	rows, err := f.db.QueryContext(ctx, `SELECT url, title, etag, last_modified, failures FROM feeds WHERE next_poll <= ? ORDER BY url`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("list due feeds: %w", err)
	}
	defer rows.Close()
	var out []feedState
	for rows.Next() {
		var st feedState
		if err := rows.Scan(&st.url, &st.title, &st.etag, &st.lastModified, &st.failures); err != nil {
			return nil, fmt.Errorf("list due feeds: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list due feeds: %w", err)
	}
	return out, nil
}

// pollFeed polls one feed and records how it went.
func (f *Feeds) pollFeed(ctx context.Context, st feedState) (res FeedResult) {
	start := time.Now()
	res = FeedResult{URL: st.url, Title: st.title}
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("poll feed %s: internal error: %v", st.url, r)
			f.log.Error("feed poll panicked", "url", st.url, "panic", r)
		}
		res.Duration = time.Since(start)
	}()
	resp, err := f.fetcher.Fetch(ctx, fetch.Request{URL: st.url, ETag: st.etag, LastModified: st.lastModified})
	if err != nil {
		return f.failed(ctx, st, res, err)
	}
	if resp.NotModified {
		res.NotModified = true
		f.succeeded(ctx, st, st.etag, st.lastModified, "")
		return res
	}
	p, err := parseFeed(resp.Body, resp.URL)
	if err != nil {
		return f.failed(ctx, st, res, fmt.Errorf("parse feed %s: %w", st.url, err))
	}
	if p.title != "" {
		res.Title = p.title
	}
	res.Items = len(p.entries)
	fresh, err := f.unseen(ctx, st.url, p.entries)
	if err != nil {
		return f.failed(ctx, st, res, err)
	}
	res.Skipped = len(p.entries) - len(fresh)
	complete := len(fresh) <= f.maxNew
	fresh = fresh[:min(len(fresh), f.maxNew)]

	f.storeEntries(ctx, res.Title, fresh, &res)
	if ctx.Err() != nil {
		res.Err = ctx.Err()
		return res
	}
	if len(p.entries) > 0 {
		if err := f.forgetGone(ctx, st.url, p.entries); err != nil {
			f.log.Error("forget items gone from feed", "url", st.url, "err", err)
		}
	}
	etag, lastModified := resp.ETag, resp.LastModified
	if res.Failed > res.GivenUp || !complete {
		// Keep the old validators so the next poll gets the whole feed again
		// and picks up the items left over.
		etag, lastModified = st.etag, st.lastModified
	}
	f.succeeded(ctx, st, etag, lastModified, p.title)
	return res
}

// unseen returns the entries whose keys are not yet recorded for the feed,
// each key once, in feed order. It asks the database once.
func (f *Feeds) unseen(ctx context.Context, feedURL string, entries []entry) ([]entry, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT item_key FROM feed_items
		WHERE feed_url = ? AND item_key IN (SELECT value FROM json_each(?))`, feedURL, keyList(entries))
	if err != nil {
		return nil, fmt.Errorf("check seen items of %s: %w", feedURL, err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("check seen items of %s: %w", feedURL, err)
		}
		seen[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check seen items of %s: %w", feedURL, err)
	}
	var out []entry
	for _, e := range entries {
		if !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// keyList is the keys of entries as a JSON array, for json_each.
func keyList(entries []entry) string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	list, _ := json.Marshal(keys) // a list of strings always encodes
	return string(list)
}

// built is the article made for one new entry, or why there is none.
type built struct {
	entry   entry
	article knowledge.Article
	ok      bool
	// fallback reports that the page could not be fetched and the feed's
	// own text was stored instead.
	fallback bool
	problem  string
}

// storeEntries makes and stores the articles of new entries, then records
// the entries whose article was stored as seen, counting into res.
func (f *Feeds) storeEntries(ctx context.Context, feedTitle string, entries []entry, res *FeedResult) {
	results := make([]built, len(entries))
	sem := make(chan struct{}, f.pageWorkers)
	var wg sync.WaitGroup
	for i, e := range entries {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = f.build(ctx, feedTitle, e)
		})
	}
	wg.Wait()

	var articles []knowledge.Article
	var stored []built
	var unfetchable []string
	for _, b := range results {
		if b.problem != "" {
			b.problem = cleanLine(b.problem, maxProblemChars)
			res.Problems = append(res.Problems, b.problem)
			f.log.Warn("feed item problem", "feed", res.URL, "problem", b.problem)
		}
		if !b.ok {
			res.Failed++
			unfetchable = append(unfetchable, b.entry.key)
			continue
		}
		if b.fallback {
			res.Summaries++
		}
		articles = append(articles, b.article)
		stored = append(stored, b)
	}
	if len(unfetchable) > 0 {
		n, err := f.countFailures(ctx, res.URL, unfetchable)
		if err != nil {
			res.Problems = append(res.Problems, err.Error())
			f.log.Warn("feed item failures not recorded", "url", res.URL, "err", err)
		}
		res.GivenUp += n
	}
	if len(articles) == 0 {
		return
	}
	statuses, err := f.putter.Put(ctx, articles)
	if err != nil {
		// One bad article fails the whole batch: store them one by one to
		// keep the good ones.
		statuses = make([]knowledge.PutStatus, len(articles))
		for i := range articles {
			st, err := f.putter.Put(ctx, articles[i:i+1])
			if err != nil {
				problem := cleanLine(fmt.Sprintf("item %s: %v", itemName(stored[i].entry), err), maxProblemChars)
				res.Problems = append(res.Problems, problem)
				f.log.Warn("feed item problem", "feed", res.URL, "problem", problem)
				continue
			}
			statuses[i] = st[0]
		}
	}
	var keys []string
	for i, st := range statuses {
		switch st {
		case knowledge.Loaded:
			res.New++
		case knowledge.Updated:
			res.Updated++
		case knowledge.Unchanged, knowledge.Duplicate:
			// A duplicate's text is stored already, from another origin.
			res.Skipped++
		default: // not stored
			res.Failed++
			continue
		}
		keys = append(keys, stored[i].entry.key)
	}
	if err := f.markSeen(ctx, res.URL, keys); err != nil {
		res.Problems = append(res.Problems, err.Error())
		f.log.Warn("feed items stored but not marked seen", "url", res.URL, "err", err)
	}
}

// build makes the article for one new entry: the page behind its link, or
// the feed's own text when that is the full article, the link is missing,
// or the page cannot be fetched.
func (f *Feeds) build(ctx context.Context, feedTitle string, e entry) (b built) {
	e.render()
	b.entry = e
	defer func() {
		if r := recover(); r != nil {
			b = built{entry: e, problem: fmt.Sprintf("item %s: internal error: %v", itemName(e), r)}
		}
	}()
	if e.hasFullText() || e.link == "" {
		if e.text() == "" {
			b.problem = fmt.Sprintf("item %s: no link and no text", itemName(e))
			return b
		}
		b.article, b.ok = articleFromFeed(feedTitle, e), true
		return b
	}
	a, err := f.fetcher.FetchArticle(ctx, e.link)
	if err == nil {
		if e.title != "" {
			a.Title = e.title
		}
		if feedTitle != "" && (a.Source == "" || strings.TrimPrefix(a.Source, "www.") == hostOf(e.link)) {
			// The feed's name says more than the bare host the page fell back on.
			a.Source = feedTitle
		}
		if !e.published.IsZero() {
			a.Published = e.published
		}
		b.article, b.ok = a, true
		return b
	}
	if e.text() == "" || ctx.Err() != nil {
		b.problem = fmt.Sprintf("item %s: %v", e.link, err)
		return b
	}
	b.article, b.ok, b.fallback = articleFromFeed(feedTitle, e), true, true
	b.problem = fmt.Sprintf("item %s: stored the feed's summary: %v", e.link, err)
	return b
}

// articleFromFeed makes an article of an entry's own text.
func articleFromFeed(feedTitle string, e entry) knowledge.Article {
	body := e.text()
	title := e.title
	if title == "" {
		title = cleanLine(firstLine(body), 120)
	}
	return knowledge.Article{Title: title, URL: e.link, Source: feedTitle, Published: e.published, Body: body}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// hostOf returns the host name of rawURL, without a leading "www.".
func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func itemName(e entry) string {
	if e.link != "" {
		return e.link
	}
	return fmt.Sprintf("%q", e.title)
}

// MaxItemAttempts is how many polls try an item whose page fails and whose
// feed entry has no text, before it is given up on.
const MaxItemAttempts = 5

// countFailures counts one more failed attempt for each of keys and gives
// up on those that reached MaxItemAttempts, marking them seen. It returns how
// many it gave up on.
func (f *Feeds) countFailures(ctx context.Context, feedURL string, keys []string) (int, error) {
	list, err := json.Marshal(keys)
	if err != nil {
		return 0, fmt.Errorf("count failed items of %s: %w", feedURL, err)
	}
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("count failed items of %s: %w", feedURL, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO feed_item_failures (feed_url, item_key, attempts)
		SELECT ?, value, 1 FROM json_each(?) WHERE true
		ON CONFLICT DO UPDATE SET attempts = attempts + 1`, feedURL, string(list)); err != nil {
		return 0, fmt.Errorf("count failed items of %s: %w", feedURL, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO feed_items (feed_url, item_key, seen_at)
		SELECT feed_url, item_key, ? FROM feed_item_failures WHERE feed_url = ? AND attempts >= ?
		ON CONFLICT DO NOTHING`, f.now().UnixNano(), feedURL, MaxItemAttempts)
	if err != nil {
		return 0, fmt.Errorf("give up failed items of %s: %w", feedURL, err)
	}
	givenUp, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("give up failed items of %s: %w", feedURL, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM feed_item_failures WHERE feed_url = ? AND attempts >= ?`, feedURL, MaxItemAttempts); err != nil {
		return 0, fmt.Errorf("give up failed items of %s: %w", feedURL, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("count failed items of %s: %w", feedURL, err)
	}
	if givenUp > 0 {
		f.log.Warn("feed items given up", "url", feedURL, "items", givenUp, "attempts", MaxItemAttempts)
	}
	return int(givenUp), nil
}

// markSeen records that the items with the given keys are stored.
func (f *Feeds) markSeen(ctx context.Context, feedURL string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return fmt.Errorf("mark items of %s seen: %w", feedURL, err)
	}
	_, err = f.db.ExecContext(ctx, `INSERT INTO feed_items (feed_url, item_key, seen_at)
		SELECT ?, value, ? FROM json_each(?) WHERE true
		ON CONFLICT DO NOTHING;
		DELETE FROM feed_item_failures WHERE feed_url = ? AND item_key IN (SELECT value FROM json_each(?))`,
		feedURL, f.now().UnixNano(), string(list), feedURL, string(list))
	if err != nil {
		return fmt.Errorf("mark items of %s seen: %w", feedURL, err)
	}
	return nil
}

// SeenMemory is how long after it was stored an item that has left its
// feed is still remembered as seen. Feeds list their latest items, so one
// gone this long does not come back, and the feed's records stay bounded.
const SeenMemory = 90 * 24 * time.Hour

// forgetGone drops the records of the feed's items that its document no
// longer lists: their failure counts at once, and their seen marks once
// they are older than SeenMemory.
func (f *Feeds) forgetGone(ctx context.Context, feedURL string, entries []entry) error {
	list := keyList(entries)
	_, err := f.db.ExecContext(ctx, `DELETE FROM feed_items
			WHERE feed_url = ? AND seen_at < ? AND item_key NOT IN (SELECT value FROM json_each(?));
		DELETE FROM feed_item_failures WHERE feed_url = ? AND item_key NOT IN (SELECT value FROM json_each(?))`,
		feedURL, f.now().Add(-SeenMemory).UnixNano(), list, feedURL, list)
	if err != nil {
		return fmt.Errorf("forget items gone from %s: %w", feedURL, err)
	}
	return nil
}

// succeeded records a good poll: failures cleared, next poll one interval on.
func (f *Feeds) succeeded(ctx context.Context, st feedState, etag, lastModified, title string) {
	now := f.now()
	if title == "" {
		title = st.title
	}
	_, err := f.db.ExecContext(ctx, `UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_polled = ?, last_ok = ?,
		failures = 0, last_error = '', next_poll = ? WHERE url = ?`,
		title, etag, lastModified, now.UnixNano(), now.UnixNano(), now.Add(f.pollInterval()).UnixNano(), st.url)
	if err != nil {
		f.log.Error("record feed poll", "url", st.url, "err", err)
	}
}

// failed records a failed poll and backs the feed off; it returns res with
// the error. A poll cut short by ctx is not the feed's failure.
func (f *Feeds) failed(ctx context.Context, st feedState, res FeedResult, err error) FeedResult {
	res.Err = err
	if ctx.Err() != nil {
		return res
	}
	now := f.now()
	failures := st.failures + 1
	next := now.Add(backoff(f.pollInterval(), failures))
	if _, dbErr := f.db.ExecContext(ctx, `UPDATE feeds SET last_polled = ?, failures = ?, last_error = ?, next_poll = ? WHERE url = ?`,
		now.UnixNano(), failures, cleanLine(err.Error(), maxProblemChars), next.UnixNano(), st.url); dbErr != nil {
		f.log.Error("record feed poll", "url", st.url, "err", dbErr)
	}
	f.log.Warn("feed poll failed", "url", st.url, "failures", failures, "next_poll", next, "err", err)
	return res
}

func (f *Feeds) pollInterval() time.Duration { return time.Duration(f.interval.Load()) }

// backoff is how long a feed that failed n polls in a row waits: the
// interval, doubled for every failure after the first, at most a day (or the
// interval, if that is longer).
func backoff(interval time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return max(min(d, maxBackoff), interval)
}
