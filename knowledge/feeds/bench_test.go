package feeds

import (
	"fmt"
	"testing"
	"time"

	"newsbot/knowledge/fetch"
)

// followMany serves and follows feeds × items items, each item carrying its
// full text, and polls once so that every item is stored and seen.
func followMany(tb testing.TB, feeds, items int, conditional bool) *fixture {
	tb.Helper()
	fx := newFixture(tb, nil, fetch.Options{})
	fx.site.conditional = conditional
	for i := range feeds {
		var list []testItem
		for j := range items {
			list = append(list, testItem{
				guid:      fmt.Sprintf("feed-%d-item-%d", i, j),
				link:      fmt.Sprintf("https://news.example/%d/%d", i, j),
				title:     fmt.Sprintf("Story %d of feed %d", j, i),
				content:   fmt.Sprintf("<p>Story %d of feed %d.</p>", j, i) + longText,
				published: published.Add(-time.Duration(j) * time.Hour),
			})
		}
		path := fmt.Sprintf("/feed/%d", i)
		fx.site.setFeed(path, rss(fmt.Sprintf("Feed %d", i), list))
		fx.mustAdd(tb, path)
	}
	r := fx.mustPoll(tb)
	if r.New != feeds*items || r.FailedFeeds != 0 {
		tb.Fatalf("first poll stored %d new items and failed %d feeds", r.New, r.FailedFeeds)
	}
	return fx
}

// pollNothingNew polls every feed again, finding nothing new, and checks
// that no row was added.
func pollNothingNew(tb testing.TB, fx *fixture, conditional bool) PollReport {
	tb.Helper()
	articles, seen := fx.articleCount(tb), fx.seenCount(tb)
	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	r := fx.mustPoll(tb)
	if r.New+r.Updated+r.Failed+r.FailedFeeds != 0 || len(r.Feeds) != 20 {
		tb.Fatalf("poll with nothing new: %d feeds, %d new, %d updated, %d failed items, %d failed feeds",
			len(r.Feeds), r.New, r.Updated, r.Failed, r.FailedFeeds)
	}
	for _, fr := range r.Feeds {
		if fr.NotModified != conditional {
			tb.Fatalf("feed %s: not modified = %v, want %v", fr.URL, fr.NotModified, conditional)
		}
	}
	if a, s := fx.articleCount(tb), fx.seenCount(tb); a != articles || s != seen {
		tb.Fatalf("rows added by a poll with nothing new: articles %d → %d, seen %d → %d", articles, a, seen, s)
	}
	return r
}

// BenchmarkPollNothingNew polls 20 feeds of 50 items each in which nothing
// is new: with conditional requests (every feed answers 304) and without
// (every feed is fetched, parsed and found all seen).
func BenchmarkPollNothingNew(b *testing.B) {
	for _, conditional := range []bool{true, false} {
		name := map[bool]string{true: "Conditional", false: "FullFeeds"}[conditional]
		b.Run(name, func(b *testing.B) {
			fx := followMany(b, 20, 50, conditional)
			b.ResetTimer()
			for b.Loop() {
				pollNothingNew(b, fx, conditional)
			}
		})
	}
}

// TestPollNothingNewSpeed holds the speed bar: a poll of 20 feeds × 50
// items with nothing new takes at most a second and adds no rows.
func TestPollNothingNewSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 1,000 articles")
	}
	fx := followMany(t, 20, 50, true)
	start := time.Now()
	pollNothingNew(t, fx, true)
	if d := time.Since(start); d > time.Second {
		t.Errorf("poll of 20 feeds × 50 items with nothing new took %s, want ≤ 1s", d)
	} else {
		t.Logf("poll of 20 feeds × 50 items with nothing new took %s", d)
	}
}
