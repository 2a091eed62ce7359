package discord

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/bot"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1000, 0)}
	l := newRateLimiter(2, time.Minute, c.now)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("alice"); ok != want {
			t.Fatalf("question %d allowed = %v, want %v", i, ok, want)
		}
	}
	if ok, _ := l.allow("bob"); !ok {
		t.Error("bob is limited by alice's questions")
	}
	_, wait := l.allow("alice")
	if wait != 30*time.Second {
		t.Errorf("wait = %v, want 30s (one question per 30s)", wait)
	}
	c.t = c.t.Add(30 * time.Second)
	if ok, _ := l.allow("alice"); !ok {
		t.Error("alice still limited after the wait")
	}
	if ok, _ := l.allow("alice"); ok {
		t.Error("alice got more than the refill")
	}
	l.refund("alice")
	if ok, _ := l.allow("alice"); !ok {
		t.Error("a refunded question cannot be asked")
	}
	for range 5 {
		l.refund("alice")
	}
	if ok, _ := l.allow("alice"); !ok {
		t.Error("alice limited after refunds")
	}
	if ok, _ := l.allow("alice"); !ok {
		t.Error("alice limited after refunds")
	}
	if ok, _ := l.allow("alice"); ok {
		t.Error("refunds raised alice's allowance above its rate")
	}
	if msg := userMessage(rateLimited(1500 * time.Millisecond)); !strings.Contains(msg, "try again in 2 s") {
		t.Errorf("message = %q, want 'try again in 2 s'", msg)
	}
}

func TestSeenSetForgetsOldest(t *testing.T) {
	t.Parallel()
	s := newSeenSet(3)
	for _, id := range []string{"a", "b", "c"} {
		if !s.first(id) {
			t.Fatalf("%s not first", id)
		}
	}
	if s.first("a") {
		t.Error("a seen twice counted as first")
	}
	s.first("d") // forgets a
	if !s.first("a") {
		t.Error("a still remembered beyond the bound")
	}
}

func TestMemoryIsBoundedAndExpires(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(1000, 0)}
	m := newMemory(2, 10*time.Minute, c.now)
	key := conversationKey("u", "c")
	for i := range 3 {
		m.add(key, bot.Turn{Question: fmt.Sprint(i)})
	}
	if h := m.history(key); len(h) != 2 || h[0].Question != "1" || h[1].Question != "2" {
		t.Errorf("history = %+v, want the last 2 turns", h)
	}
	if h := m.history(conversationKey("u", "other")); h != nil {
		t.Errorf("another channel's history = %+v, want none", h)
	}
	c.t = c.t.Add(11 * time.Minute)
	if h := m.history(key); h != nil {
		t.Errorf("history after expiry = %+v, want none", h)
	}
}

func TestWorkPoolBoundsAndQueues(t *testing.T) {
	t.Parallel()
	p := newWorkPool(2, 1)
	release := make(chan struct{})
	var running, peak atomic.Int32
	for i := range 3 {
		if !p.tryAdmit() {
			t.Fatalf("work %d refused within the bound", i)
		}
		p.start(context.Background(), func(context.Context) {
			n := running.Add(1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			<-release
			running.Add(-1)
		})
	}
	if p.tryAdmit() {
		t.Error("fourth piece of work admitted beyond running+waiting")
	}
	close(release)
	if !p.wait(5 * time.Second) {
		t.Fatal("work did not finish")
	}
	if peak.Load() > 2 {
		t.Errorf("%d ran at once, want at most 2", peak.Load())
	}
	p.close()
	if p.tryAdmit() {
		t.Error("closed pool admitted work")
	}
}

func TestRedirectTransport(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.URL.RequestURI() + " " + r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, err := restClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://discord.com/api/v9/gateway?x=1", nil)
	req.Header.Set("Authorization", "Bot t")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Load() != "GET /api/v9/gateway?x=1 Bot t" {
		t.Errorf("proxy got %v", got.Load())
	}
}

func TestAttachmentFetcher(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "http://169.254.169.254/latest", http.StatusFound)
		case "/big":
			io.WriteString(w, strings.Repeat("x", 200))
		default:
			io.WriteString(w, "hello")
		}
	}))
	defer srv.Close()
	f := newAttachmentFetcher(srv.URL, 100)
	other := newAttachmentFetcher("", 100)
	for _, tc := range []struct {
		name    string
		f       *attachmentFetcher
		url     string
		want    string
		wantErr string
	}{
		{"OK", f, srv.URL + "/a.txt", "hello", ""},
		{"ErrNotDiscordHost", other, srv.URL + "/a.txt", "", "not Discord's"},
		{"ErrScheme", f, "file:///etc/passwd", "", "not http(s)"},
		{"ErrRedirectAway", f, srv.URL + "/redirect", "", "not Discord's"},
		{"ErrTooLarge", f, srv.URL + "/big", "", "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.f.fetch(context.Background(), tc.url)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(data) != tc.want {
				t.Fatalf("fetch = %q, %v", data, err)
			}
		})
	}
	u, _ := url.Parse("https://cdn.discordapp.com/attachments/1/2/a.txt")
	if err := other.check(u); err != nil {
		t.Errorf("Discord's CDN refused: %v", err)
	}
}
