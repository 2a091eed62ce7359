package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/fetch"
	"newsbot/knowledge/knowledgetest"
)

// testItem is one item of a feed a test serves.
type testItem struct {
	guid, link, title, description, content string
	published                               time.Time
}

// rss renders an RSS 2.0 feed.
func rss(title string, items []testItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>%s</title><link>http://news.example/</link>`, html.EscapeString(title))
	for _, it := range items {
		b.WriteString("<item>")
		if it.guid != "" {
			fmt.Fprintf(&b, `<guid isPermaLink="false">%s</guid>`, html.EscapeString(it.guid))
		}
		if it.link != "" {
			fmt.Fprintf(&b, "<link>%s</link>", html.EscapeString(it.link))
		}
		fmt.Fprintf(&b, "<title>%s</title>", html.EscapeString(it.title))
		if it.description != "" {
			fmt.Fprintf(&b, "<description>%s</description>", html.EscapeString(it.description))
		}
		if it.content != "" {
			fmt.Fprintf(&b, "<content:encoded><![CDATA[%s]]></content:encoded>", it.content)
		}
		if !it.published.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.published.Format(time.RFC1123Z))
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// atomFeed renders an Atom feed.
func atomFeed(title string, items []testItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>urn:test</id><updated>2025-01-01T00:00:00Z</updated>`, html.EscapeString(title))
	for _, it := range items {
		fmt.Fprintf(&b, `<entry><id>%s</id><title>%s</title><link href="%s"/><updated>%s</updated>`,
			html.EscapeString(it.guid), html.EscapeString(it.title), html.EscapeString(it.link), it.published.Format(time.RFC3339))
		if it.description != "" {
			fmt.Fprintf(&b, "<summary>%s</summary>", html.EscapeString(it.description))
		}
		if it.content != "" {
			fmt.Fprintf(&b, `<content type="html">%s</content>`, html.EscapeString(it.content))
		}
		b.WriteString("</entry>")
	}
	b.WriteString("</feed>")
	return b.String()
}

// jsonFeed renders a JSON Feed 1.1.
func jsonFeed(title string, items []testItem) string {
	type jsonItem struct {
		ID            string `json:"id"`
		URL           string `json:"url,omitempty"`
		Title         string `json:"title"`
		Summary       string `json:"summary,omitempty"`
		ContentHTML   string `json:"content_html,omitempty"`
		DatePublished string `json:"date_published,omitempty"`
	}
	out := struct {
		Version string     `json:"version"`
		Title   string     `json:"title"`
		Items   []jsonItem `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: title}
	for _, it := range items {
		out.Items = append(out.Items, jsonItem{ID: it.guid, URL: it.link, Title: it.title, Summary: it.description,
			ContentHTML: it.content, DatePublished: it.published.Format(time.RFC3339)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func articlePage(title, text string) string {
	return fmt.Sprintf("<html><head><title>%s</title></head><body><article><p>%s</p></article></body></html>", title, text)
}

// site is a test web server of feeds and pages on 127.0.0.1.
type site struct {
	srv *httptest.Server
	mu  sync.Mutex
	// feeds maps a path to the feed document served there.
	feeds map[string]string
	// feedType is the Content-Type feeds are served with.
	feedType string
	// conditional makes feeds answer 304 to a matching If-None-Match.
	conditional bool
	// failFeed makes feed requests answer with this status when non-zero.
	failFeed int
	// pages maps a path to a handler.
	pages map[string]http.HandlerFunc
	hits  map[string]int
	// conditionalHits counts feed requests that carried If-None-Match.
	conditionalHits int
}

func newSite(t testing.TB) *site {
	s := &site{feeds: map[string]string{}, pages: map[string]http.HandlerFunc{}, hits: map[string]int{},
		feedType: "application/rss+xml", conditional: true}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	doc, isFeed := s.feeds[r.URL.Path]
	page := s.pages[r.URL.Path]
	fail, conditional, feedType := s.failFeed, s.conditional, s.feedType
	if isFeed && r.Header.Get("If-None-Match") != "" {
		s.conditionalHits++
	}
	s.mu.Unlock()
	switch {
	case isFeed && fail != 0:
		http.Error(w, "feed is down", fail)
	case isFeed:
		etag := fmt.Sprintf(`"%d"`, len(doc))
		if conditional {
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", feedType)
		fmt.Fprint(w, doc)
	case page != nil:
		page(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *site) url(path string) string { return s.srv.URL + path }

func (s *site) setFeed(path, doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds[path] = doc
}

func (s *site) setPage(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = h
}

func (s *site) htmlPage(path, title, text string) {
	s.setPage(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage(title, text))
	})
}

func (s *site) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *site) conditionalCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conditionalHits
}

func (s *site) set(fn func(s *site)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}

// clock is a settable time for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// testWriter sends logs to t.Log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// fixture is a followed-feeds setup against a test site.
type fixture struct {
	site  *site
	store *knowledge.Store
	feeds *Feeds
	clock *clock
}

func newFixture(tb testing.TB, putter Putter, opts fetch.Options) *fixture {
	tb.Helper()
	s := newSite(tb)
	st := knowledgetest.MustOpenDB(tb)
	opts.AllowAddrs = append(opts.AllowAddrs, netip.MustParseAddrPort(s.srv.Listener.Addr().String()))
	if putter == nil {
		putter = st
	}
	var log *slog.Logger
	if t, ok := tb.(*testing.T); ok {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	} else {
		log = slog.New(slog.DiscardHandler)
	}
	c := &clock{now: time.Date(2025, 4, 23, 12, 0, 0, 0, time.UTC)}
	f := New(st.DB(), fetch.New(opts), putter, log)
	f.now = c.Now
	return &fixture{site: s, store: st, feeds: f, clock: c}
}

func (fx *fixture) articleCount(tb testing.TB) int {
	tb.Helper()
	n, _, err := fx.store.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func (fx *fixture) seenCount(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := fx.store.DB().QueryRow(`SELECT count(*) FROM feed_items`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func (fx *fixture) mustAdd(tb testing.TB, path string) Feed {
	tb.Helper()
	feed, err := fx.feeds.Add(context.Background(), fx.site.url(path))
	if err != nil {
		tb.Fatal(err)
	}
	return feed
}

func (fx *fixture) mustPoll(tb testing.TB) PollReport {
	tb.Helper()
	r, err := fx.feeds.Poll(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func (fx *fixture) feed(tb testing.TB, url string) Feed {
	tb.Helper()
	list, err := fx.feeds.List(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range list {
		if f.URL == url {
			return f
		}
	}
	tb.Fatalf("feed %s not listed", url)
	return Feed{}
}

var published = time.Date(2025, 4, 22, 9, 30, 0, 0, time.UTC)

// longText is an item's own content long enough to be the full article.
var longText = strings.Repeat("<p>Negotiators met again in London on Wednesday to discuss the ceasefire terms in detail.</p>", 25)

func TestPollNewItems(t *testing.T) {
	formats := []struct {
		name, contentType string
		render            func(string, []testItem) string
	}{
		{"RSS", "application/rss+xml", rss},
		{"Atom", "application/atom+xml", atomFeed},
		{"JSONFeed", "application/feed+json", jsonFeed},
	}
	for _, format := range formats {
		t.Run(format.name, func(t *testing.T) {
			fx := newFixture(t, nil, fetch.Options{})
			s := fx.site
			s.feedType = format.contentType
			s.htmlPage("/a/kellogg", "Page title", "General Keith Kellogg will represent the US at the discussions in London.")
			s.htmlPage("/a/markets", "Markets", "Stocks rose on Tuesday after the announcement.")
			s.htmlPage("/a/full", "Full", "This page must not be fetched.")
			s.setFeed("/feed", format.render("World News", []testItem{
				{guid: "1", link: s.url("/a/kellogg"), title: "Kellogg to attend London talks", description: "Short summary.", published: published},
				{guid: "2", link: s.url("/a/markets"), title: "Markets rally", published: published.Add(time.Hour)},
				{guid: "3", link: s.url("/a/full"), title: "Full text in the feed", description: "Summary.", content: longText, published: published},
			}))
			feed := fx.mustAdd(t, "/feed")
			if feed.Title != "World News" {
				t.Errorf("title = %q", feed.Title)
			}

			r := fx.mustPoll(t)
			if len(r.Feeds) != 1 {
				t.Fatalf("polled %d feeds, want 1", len(r.Feeds))
			}
			fr := r.Feeds[0]
			if fr.Err != nil || fr.New != 3 || fr.Failed != 0 || fr.Summaries != 0 || r.New != 3 {
				t.Fatalf("result = %+v", fr)
			}
			if n := fx.articleCount(t); n != 3 {
				t.Errorf("%d articles stored, want 3", n)
			}
			if n := s.hitCount("/a/full"); n != 0 {
				t.Errorf("page with full text in the feed fetched %d times", n)
			}
			id := knowledge.DeriveID(knowledge.Article{URL: s.url("/a/kellogg")})
			a, _, err := fx.store.Article(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != "Kellogg to attend London talks" || !a.Published.Equal(published) || a.URL != s.url("/a/kellogg") ||
				!strings.Contains(a.Body, "Keith Kellogg will represent the US") {
				t.Errorf("article = %+v", a)
			}
			full, _, err := fx.store.Article(context.Background(), knowledge.DeriveID(knowledge.Article{URL: s.url("/a/full")}))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(full.Body, "Negotiators met again in London") || strings.Contains(full.Body, "<p>") || full.Source != "World News" {
				t.Errorf("full-text article = %+v", full)
			}
			if got := fx.feed(t, feed.URL); got.LastOK.IsZero() || got.Failures != 0 || !got.NextPoll.Equal(fx.clock.Now().Add(DefaultInterval)) {
				t.Errorf("feed after poll = %+v", got)
			}
		})
	}
}

func TestPollRepeatedItems(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.conditional = false // the server sends the whole feed every time
	s.htmlPage("/a/1", "One", "The first story is about the talks.")
	s.htmlPage("/a/2", "Two", "The second story is about the markets.")
	items := []testItem{
		{guid: "1", link: s.url("/a/1"), title: "One", published: published},
		{link: s.url("/a/2"), title: "Two (no GUID: keyed by link)", published: published},
		{link: s.url("/a/2"), title: "Two again in the same feed", published: published},
	}
	s.setFeed("/feed", rss("News", items))
	fx.mustAdd(t, "/feed")

	first := fx.mustPoll(t)
	if first.New != 2 || first.Feeds[0].Skipped != 1 {
		t.Fatalf("first poll = %+v", first.Feeds[0])
	}
	articles, seen := fx.articleCount(t), fx.seenCount(t)

	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	second := fx.mustPoll(t)
	fr := second.Feeds[0]
	if fr.New != 0 || fr.Updated != 0 || fr.Skipped != 3 || fr.NotModified {
		t.Fatalf("second poll = %+v", fr)
	}
	if n := fx.articleCount(t); n != articles {
		t.Errorf("articles %d → %d after a poll with nothing new", articles, n)
	}
	if n := fx.seenCount(t); n != seen {
		t.Errorf("seen items %d → %d", seen, n)
	}
	if n := s.hitCount("/a/1"); n != 1 {
		t.Errorf("seen item's page fetched %d times, want 1", n)
	}
}

func TestPollNotModified(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.htmlPage("/a/1", "One", "The first story is about the talks.")
	s.setFeed("/feed", rss("News", []testItem{{guid: "1", link: s.url("/a/1"), title: "One"}}))
	fx.mustAdd(t, "/feed")
	fx.mustPoll(t)

	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	r := fx.mustPoll(t)
	fr := r.Feeds[0]
	if !fr.NotModified || fr.Err != nil || fr.New+fr.Skipped+fr.Items != 0 {
		t.Fatalf("poll = %+v, want not modified with nothing parsed", fr)
	}
	if n := s.conditionalCount(); n != 1 {
		t.Errorf("conditional requests = %d, want 1", n)
	}
	if got := fx.feed(t, s.url("/feed")); got.LastOK != fx.clock.Now() {
		t.Errorf("LastOK = %v after a 304, want %v", got.LastOK, fx.clock.Now())
	}
}

func TestPollFailingFeedBacksOff(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.setFeed("/feed", rss("News", nil))
	feed := fx.mustAdd(t, "/feed")
	s.set(func(s *site) { s.failFeed = http.StatusInternalServerError })

	var gaps []time.Duration
	for i := 1; i <= 3; i++ {
		r := fx.mustPoll(t)
		if len(r.Feeds) != 1 || !errors.Is(r.Feeds[0].Err, fetch.ErrStatus) || r.FailedFeeds != 1 {
			t.Fatalf("poll %d = %+v", i, r)
		}
		got := fx.feed(t, feed.URL)
		if got.Failures != i || !strings.Contains(got.LastError, "HTTP 500") {
			t.Errorf("poll %d: failures %d, last error %q", i, got.Failures, got.LastError)
		}
		gaps = append(gaps, got.NextPoll.Sub(got.LastPolled))

		// Not due again before its next poll.
		fx.clock.Set(got.NextPoll.Add(-time.Second))
		if r := fx.mustPoll(t); len(r.Feeds) != 0 {
			t.Fatalf("feed polled %s before it was due", time.Second)
		}
		fx.clock.Set(got.NextPoll)
	}
	want := []time.Duration{DefaultInterval, 2 * DefaultInterval, 4 * DefaultInterval}
	for i := range want {
		if gaps[i] != want[i] {
			t.Errorf("backoff after %d failures = %s, want %s", i+1, gaps[i], want[i])
		}
	}

	s.set(func(s *site) { s.failFeed = 0 })
	fx.mustPoll(t)
	if got := fx.feed(t, feed.URL); got.Failures != 0 || got.LastError != "" || got.NextPoll.Sub(got.LastPolled) != DefaultInterval {
		t.Errorf("after recovery: %+v", got)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		interval time.Duration
		failures int
		want     time.Duration
	}{
		{15 * time.Minute, 1, 15 * time.Minute},
		{15 * time.Minute, 2, 30 * time.Minute},
		{15 * time.Minute, 5, 4 * time.Hour},
		{15 * time.Minute, 10, 24 * time.Hour},
		{15 * time.Minute, 1000, 24 * time.Hour},
		{48 * time.Hour, 3, 48 * time.Hour},
	}
	for _, tt := range tests {
		if got := backoff(tt.interval, tt.failures); got != tt.want {
			t.Errorf("backoff(%s, %d) = %s, want %s", tt.interval, tt.failures, got, tt.want)
		}
	}
}

func TestMalformedFeed(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.setFeed("/broken", "<rss><channel><title>Broken</title><item><title>unterminated")
	s.setFeed("/page", articlePage("Not a feed", "Just a page."))

	for _, path := range []string{"/broken", "/page"} {
		_, err := fx.feeds.Add(context.Background(), s.url(path))
		if !errors.Is(err, knowledge.ErrInvalid) {
			t.Errorf("Add(%s) err = %v, want ErrInvalid", path, err)
		}
	}

	s.setFeed("/feed", rss("News", nil))
	feed := fx.mustAdd(t, "/feed")
	s.setFeed("/feed", "{ this is not a feed")
	r := fx.mustPoll(t)
	if r.Feeds[0].Err == nil {
		t.Fatal("malformed feed polled without error")
	}
	if got := fx.feed(t, feed.URL); got.Failures != 1 || !strings.Contains(got.LastError, "not an RSS, Atom or JSON feed") {
		t.Errorf("feed = %+v", got)
	}
}

func TestPollItemPageProblems(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{MaxBytes: 4 << 10})
	s := fx.site
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("private address reached through a redirect")
	}))
	defer other.Close()

	s.setPage("/a/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, articlePage("Huge", strings.Repeat("word ", 10000)))
	})
	s.setPage("/a/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.7")
	})
	s.setPage("/a/private", http.RedirectHandler(other.URL+"/internal", http.StatusFound).ServeHTTP)
	s.setFeed("/feed", rss("News", []testItem{
		{guid: "huge", link: s.url("/a/huge"), title: "Huge page", description: "The huge page's summary."},
		{guid: "pdf", link: s.url("/a/pdf"), title: "A PDF", description: "The PDF's summary."},
		{guid: "private", link: s.url("/a/private"), title: "Redirects inside", description: "The redirect's summary."},
		{guid: "gone", link: s.url("/a/gone"), title: "Gone, and nothing to fall back on"},
	}))
	feed := fx.mustAdd(t, "/feed")

	fr := fx.mustPoll(t).Feeds[0]
	if fr.Err != nil || fr.New != 3 || fr.Summaries != 3 || fr.Failed != 1 {
		t.Fatalf("result = %+v", fr)
	}
	problems := strings.Join(fr.Problems, "\n")
	for _, want := range []string{
		"too large: over 4 KiB",
		"unsupported content type application/pdf",
		"refused: 127.0.0.1 is a loopback address",
		"/a/gone: fetch " + s.url("/a/gone") + ": HTTP 404",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not say %q:\n%s", want, problems)
		}
	}
	a, _, err := fx.store.Article(context.Background(), knowledge.DeriveID(knowledge.Article{URL: s.url("/a/pdf")}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Body != "The PDF's summary." || a.Title != "A PDF" {
		t.Errorf("fallback article = %+v", a)
	}
	if n := fx.seenCount(t); n != 3 {
		t.Errorf("%d items seen, want 3: the failed one is retried", n)
	}
	if got := fx.feed(t, feed.URL); got.Failures != 0 || got.LastError != "" {
		t.Errorf("item problems counted against the feed: %+v", got)
	}

	// The failed item is tried again, and stored once its page is back,
	// even though the feed itself has not changed.
	s.htmlPage("/a/gone", "Back", "The page is back with its story.")
	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	fr = fx.mustPoll(t).Feeds[0]
	if fr.NotModified || fr.New != 1 || fr.Failed != 0 || fr.Skipped != 3 {
		t.Fatalf("retry = %+v", fr)
	}
}

// TestPollGivesUpOnDeadItems checks that an item whose page keeps failing,
// with no text in the feed to fall back on, is tried on MaxItemAttempts
// polls and then given up on, after which the unchanged feed is no longer
// fetched in full nor the page retried.
func TestPollGivesUpOnDeadItems(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.setFeed("/feed", rss("News", []testItem{
		{guid: "good", title: "Good", content: longText},
		{guid: "dead", link: s.url("/a/dead"), title: "Dead link, nothing to fall back on"},
	}))
	fx.mustAdd(t, "/feed")
	for poll := 1; poll <= MaxItemAttempts; poll++ {
		fr := fx.mustPoll(t).Feeds[0]
		if fr.NotModified || fr.Failed != 1 {
			t.Fatalf("poll %d = %+v, want the dead item failed again", poll, fr)
		}
		if wantGivenUp := map[bool]int{true: 1, false: 0}[poll == MaxItemAttempts]; fr.GivenUp != wantGivenUp {
			t.Fatalf("poll %d gave up on %d items, want %d", poll, fr.GivenUp, wantGivenUp)
		}
		fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	}
	if got := s.hitCount("/a/dead"); got != MaxItemAttempts {
		t.Fatalf("dead page fetched %d times, want %d", got, MaxItemAttempts)
	}
	if n := fx.seenCount(t); n != 2 {
		t.Fatalf("%d items seen, want both: the good one stored, the dead one given up", n)
	}
	fr := fx.mustPoll(t).Feeds[0]
	if !fr.NotModified || s.hitCount("/a/dead") != MaxItemAttempts {
		t.Errorf("poll after giving up = %+v, dead page fetched %d times: want a 304 and no more fetches", fr, s.hitCount("/a/dead"))
	}
	var left int
	if err := fx.store.DB().QueryRow(`SELECT count(*) FROM feed_item_failures`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d failure rows left (err %v), want none", left, err)
	}
}

func TestAddRefusesPrivateRedirect(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("private address reached through a redirect")
	}))
	defer other.Close()
	fx.site.setPage("/feed", http.RedirectHandler(other.URL+"/feed", http.StatusFound).ServeHTTP)
	_, err := fx.feeds.Add(context.Background(), fx.site.url("/feed"))
	if !errors.Is(err, fetch.ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	if list, _ := fx.feeds.List(context.Background()); len(list) != 0 {
		t.Errorf("refused feed listed: %+v", list)
	}
}

func TestAddListRemove(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.htmlPage("/a/1", "One", "The first story is about the talks.")
	s.setFeed("/feed", rss("World \x1b[31mNews\u202e", []testItem{{guid: "1", link: s.url("/a/1"), title: "One"}}))
	ctx := context.Background()

	tests := []struct {
		name    string
		url     string
		wantErr error
	}{
		{"OK", s.url("/feed"), nil},
		{"ErrExists", s.url("/feed") + "#top", ErrExists},
		{"ErrScheme", "ftp://example.com/feed", fetch.ErrRefused},
		{"ErrNotURL", "news", fetch.ErrRefused},
		{"ErrMissing", s.url("/missing"), fetch.ErrStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fx.feeds.Add(ctx, tt.url)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
	list, err := fx.feeds.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].URL != s.url("/feed") || list[0].Title != "World [31mNews" || !list[0].LastPolled.IsZero() {
		t.Fatalf("list = %+v", list)
	}
	fx.mustPoll(t)
	if n := fx.seenCount(t); n != 1 {
		t.Fatalf("%d seen items", n)
	}
	if err := fx.feeds.Remove(ctx, s.url("/feed")); err != nil {
		t.Fatal(err)
	}
	if n := fx.seenCount(t); n != 0 {
		t.Errorf("%d seen items left after removing their feed", n)
	}
	if n := fx.articleCount(t); n != 1 {
		t.Errorf("%d articles after removing the feed, want the 1 stored to stay", n)
	}
	if err := fx.feeds.Remove(ctx, s.url("/feed")); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("second Remove err = %v, want ErrNotFound", err)
	}
}

// flakyPutter fails every Put while failing is set.
type flakyPutter struct {
	Putter
	failing atomic.Bool
}

func (p *flakyPutter) Put(ctx context.Context, a []knowledge.Article) ([]knowledge.PutStatus, error) {
	if p.failing.Load() {
		return nil, errors.New("disk full")
	}
	return p.Putter.Put(ctx, a)
}

var _ Putter = (*flakyPutter)(nil)

func TestItemsSeenOnlyAfterStored(t *testing.T) {
	putter := &flakyPutter{}
	fx := newFixture(t, putter, fetch.Options{})
	putter.Putter = fx.store
	putter.failing.Store(true)
	s := fx.site
	s.setFeed("/feed", rss("News", []testItem{
		{guid: "1", title: "One", content: longText},
		{guid: "2", title: "Two", content: longText + "<p>More.</p>"},
	}))
	fx.mustAdd(t, "/feed")

	fr := fx.mustPoll(t).Feeds[0]
	if fr.New != 0 || fr.Failed != 2 || !strings.Contains(strings.Join(fr.Problems, "\n"), "disk full") {
		t.Fatalf("poll with a failing store = %+v", fr)
	}
	if n := fx.seenCount(t); n != 0 {
		t.Fatalf("%d items marked seen though nothing was stored", n)
	}

	putter.failing.Store(false)
	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	fr = fx.mustPoll(t).Feeds[0]
	if fr.NotModified || fr.New != 2 {
		t.Fatalf("poll after the store recovered = %+v", fr)
	}
	if n := fx.seenCount(t); n != 2 {
		t.Errorf("%d items seen, want 2", n)
	}
}

func TestRun(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	fx.feeds.now = time.Now
	s := fx.site
	s.htmlPage("/a/1", "One", "The first story is about the talks.")
	s.setFeed("/feed", rss("News", []testItem{{guid: "1", link: s.url("/a/1"), title: "One"}}))
	fx.mustAdd(t, "/feed")

	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	fx.feeds.Run(ctx, 20*time.Millisecond)
	if d := time.Since(start); d > 10*time.Millisecond {
		t.Errorf("Run blocked its caller for %s", d)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fx.articleCount(t) == 0 || s.conditionalCount() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("background polling stored nothing, or never polled again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	done := make(chan struct{})
	go func() { fx.feeds.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after ctx ended")
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "Just text.", "Just text."},
		{"PlainParagraphs", "One.\r\n\r\nTwo.\n", "One.\n\nTwo."},
		{"Paragraphs", "<p>One  two.</p><p>Three.</p>", "One two.\n\nThree."},
		{"Inline", "A <b>bold</b> <a href='x'>link</a>.", "A bold link."},
		{"Entities", "Fish &amp; chips &lt;3", "Fish & chips <3"},
		{"Hidden", "<p>Shown.</p><script>alert(1)</script><style>p{}</style><p>Also.</p>", "Shown.\n\nAlso."},
		{"Breaks", "One<br>Two<br/>Three", "One\n\nTwo\n\nThree"},
		{"Controls", "<p>Bell\x07 and \x1b[2J escape\u202e.</p>", "Bell and [2J escape."},
		{"InvalidUTF8", "caf\xe9", "caf\uFFFD"},
		{"Unclosed", "<p>Open <b>never closed", "Open never closed"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlText(tt.in); got != tt.want {
				t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFeedEntries(t *testing.T) {
	doc := rss("News", []testItem{
		{guid: "g1", link: "/relative/story", title: "Relative"},
		{link: "javascript:alert(1)", title: "Bad link", description: "text"},
		{title: "No GUID, no link", description: "Only text."},
	})
	p, err := parseFeed([]byte(doc), "http://feeds.example/rss")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.entries) != 3 {
		t.Fatalf("%d entries", len(p.entries))
	}
	if e := p.entries[0]; e.key != "g1" || e.link != "http://news.example/relative/story" {
		t.Errorf("relative link: %+v", e)
	}
	if e := p.entries[1]; e.link != "" || !strings.HasPrefix(e.key, "sha256:") {
		t.Errorf("javascript link: %+v", e)
	}
	if e := p.entries[2]; !strings.HasPrefix(e.key, "sha256:") || e.key == p.entries[1].key {
		t.Errorf("keyless item: %+v", e)
	}
}

func TestPollForgetsItemsGoneFromTheFeed(t *testing.T) {
	fx := newFixture(t, nil, fetch.Options{})
	s := fx.site
	s.conditional = false
	s.setFeed("/feed", rss("News", []testItem{
		{guid: "old", title: "Old", content: longText},
		{guid: "dead", link: s.url("/a/dead"), title: "Dead link, nothing to fall back on"},
	}))
	fx.mustAdd(t, "/feed")
	if fr := fx.mustPoll(t).Feeds[0]; fr.New != 1 || fr.Failed != 1 {
		t.Fatalf("first poll = %+v", fr)
	}
	failures := func() int {
		var n int
		if err := fx.store.DB().QueryRow(`SELECT count(*) FROM feed_item_failures`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := failures(); n != 1 {
		t.Fatalf("%d failure rows after the dead item failed, want 1", n)
	}

	// Both items leave the feed: the failure count goes at once, the seen
	// mark stays while it is recent.
	s.setFeed("/feed", rss("News", []testItem{{guid: "new", title: "New", content: longText + " Later."}}))
	fx.clock.Set(fx.clock.Now().Add(DefaultInterval))
	if fr := fx.mustPoll(t).Feeds[0]; fr.New != 1 {
		t.Fatalf("second poll = %+v", fr)
	}
	if n := failures(); n != 0 {
		t.Errorf("%d failure rows for an item gone from the feed, want 0", n)
	}
	if n := fx.seenCount(t); n != 2 {
		t.Errorf("%d items seen, want 2 (old and new)", n)
	}

	// Past SeenMemory, the old item's mark goes; the one still listed stays.
	fx.clock.Set(fx.clock.Now().Add(SeenMemory))
	if fr := fx.mustPoll(t).Feeds[0]; fr.New != 0 || fr.Skipped != 1 {
		t.Fatalf("third poll = %+v", fr)
	}
	var key string
	if err := fx.store.DB().QueryRow(`SELECT group_concat(item_key) FROM feed_items`).Scan(&key); err != nil || key != "new" {
		t.Errorf("seen items %q (err %v), want only \"new\"", key, err)
	}

	// A feed document with no items forgets nothing.
	s.setFeed("/feed", rss("News", nil))
	fx.clock.Set(fx.clock.Now().Add(SeenMemory + DefaultInterval))
	fx.mustPoll(t)
	if n := fx.seenCount(t); n != 1 {
		t.Errorf("%d items seen after an empty feed document, want 1", n)
	}
}
