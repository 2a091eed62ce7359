package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/knowledge/feeds"
)

func TestFeedsCommand(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Test News</title>
<item><guid>1</guid><link>%s/story</link><title>Kellogg to attend London talks</title></item>
</channel></rss>`, srv.URL)
	})
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Talks</title></head><body><article><p>General Keith Kellogg will represent the US at the discussions in London on Wednesday, officials said.</p></article></body></html>`)
	})
	db := filepath.Join(t.TempDir(), "kb.db")
	feedURL := srv.URL + "/feed.xml"

	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "")
	code, _, stderr := askRun(t, "", "--db", db, "feeds", "add", feedURL)
	if code != 1 || !strings.Contains(stderr, "127.0.0.1 is a loopback address; set NEWSBOT_ALLOW_PRIVATE_URLS=true to allow") {
		t.Fatalf("add of a loopback feed by default: exit %d, stderr %q", code, stderr)
	}

	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
	steps := []struct {
		args     []string
		wantCode int
		want     []string
	}{
		{[]string{"feeds", "add", feedURL}, 0, []string{"following " + feedURL + " (Test News)"}},
		{[]string{"feeds", "list"}, 0, []string{"URL", "LAST POLL", feedURL, "Test News", "never", "due", "not polled yet"}},
		{[]string{"feeds", "poll"}, 0, []string{feedURL + ": 1 new, 0 updated, 0 skipped", "polled 1 feed in "}},
		{[]string{"feeds", "poll"}, 0, []string{feedURL + ": 0 new, 0 updated, 1 skipped"}},
		{[]string{"search", "Who will represent the US?"}, 0, []string{"Keith Kellogg", "Kellogg to attend London talks (Test News"}},
		{[]string{"feeds", "list"}, 0, []string{"ok"}},
		{[]string{"feeds", "remove", feedURL}, 0, []string{"stopped following " + feedURL}},
		{[]string{"feeds", "remove", feedURL}, 1, nil},
		{[]string{"feeds", "list"}, 0, []string{"No feeds followed"}},
		{[]string{"feeds", "frobnicate"}, 2, nil},
		{[]string{"feeds", "add"}, 2, nil},
	}
	for _, st := range steps {
		code, stdout, _ := askRun(t, "", append([]string{"--db", db}, st.args...)...)
		if code != st.wantCode {
			t.Errorf("newsbot %s: exit %d, want %d", strings.Join(st.args, " "), code, st.wantCode)
		}
		for _, w := range st.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("newsbot %s: output lacks %q:\n%s", strings.Join(st.args, " "), w, stdout)
			}
		}
	}

	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "perhaps")
	if code, _, stderr := askRun(t, "", "--db", db, "feeds", "list"); code != 1 || !strings.Contains(stderr, "NEWSBOT_ALLOW_PRIVATE_URLS") {
		t.Errorf("invalid NEWSBOT_ALLOW_PRIVATE_URLS: exit %d, stderr %q", code, stderr)
	}
}

// TestFeedsPollFailure polls a feed that has started to fail: the report
// says so, the failure is logged on stderr, and the exit status is 1.
func TestFeedsPollFailure(t *testing.T) {
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Test News</title></channel></rss>`)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "kb.db")
	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
	if code, _, _ := askRun(t, "", "--db", db, "feeds", "add", srv.URL); code != 0 {
		t.Fatalf("add: exit %d", code)
	}
	broken.Store(true)
	code, stdout, stderr := askRun(t, "", "--db", db, "feeds", "poll")
	if code != 1 || !strings.Contains(stdout, "0 items failed, 1 feed failed\n") ||
		stderr != srv.URL+": failed: fetch "+srv.URL+": HTTP 500 Internal Server Error\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, the summary, and the failure once on stderr", code, stdout, stderr)
	}
}

// TestFeedsPollItemFailure polls a feed one of whose items' page is
// missing: the failure is said once, on stderr, and counted as "1 item".
func TestFeedsPollItemFailure(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Test News</title>
<item><guid>1</guid><link>%s/gone</link><title>A story that went away</title></item>
</channel></rss>`, srv.URL)
	})
	db := filepath.Join(t.TempDir(), "kb.db")
	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
	if code, _, _ := askRun(t, "", "--db", db, "feeds", "add", srv.URL+"/feed.xml"); code != 0 {
		t.Fatalf("add: exit %d", code)
	}
	code, stdout, stderr := askRun(t, "", "--db", db, "feeds", "poll")
	if code != 1 || !strings.Contains(stdout, ": 0 new, 0 updated, 0 skipped, 1 failed\n") ||
		!strings.HasSuffix(stdout, "1 item failed, 0 feeds failed\n") {
		t.Errorf("exit %d, stdout %q; want 1 and one item failed", code, stdout)
	}
	if n := strings.Count(stderr, "HTTP 404"); n != 1 || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q says the failure %d times; want once, on one line", stderr, n)
	}
}

func TestFeedStatusAndWhen(t *testing.T) {
	now := time.Date(2025, 4, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		feed feeds.Feed
		want string
	}{
		{feeds.Feed{}, "not polled yet"},
		{feeds.Feed{LastPolled: now}, "ok"},
		{feeds.Feed{LastPolled: now, Failures: 3, LastError: "HTTP 500"}, "failing (3 in a row): HTTP 500"},
	}
	for _, tt := range tests {
		if got := feedStatus(tt.feed); got != tt.want {
			t.Errorf("feedStatus(%+v) = %q, want %q", tt.feed, got, tt.want)
		}
	}
	times := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now, "now"},
		{now.Add(-80 * time.Second), "1m ago"},
		{now.Add(14*time.Minute + 58*time.Second), "in 15m"},
		{now.Add(15 * time.Minute), "in 15m"},
		{now.Add(-5 * time.Hour), "5h ago"},
		{now.Add(-72 * time.Hour), "3d ago"},
	}
	for _, tt := range times {
		if got := when(tt.t, now); got != tt.want {
			t.Errorf("when(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	// The next poll of a feed just added, or overdue, is due, not "2s ago".
	for _, tt := range []struct {
		t    time.Time
		want string
	}{{time.Time{}, "due"}, {now.Add(-2 * time.Second), "due"}, {now, "due"}, {now.Add(15 * time.Minute), "in 15m"}} {
		if got := nextPoll(tt.t, now); got != tt.want {
			t.Errorf("nextPoll(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}
