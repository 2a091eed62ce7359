package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/knowledge"
)

// serve starts a test server on 127.0.0.1 and returns it with a client that
// may dial exactly that server (and no other private address).
func serve(t *testing.T, h http.Handler, opts Options) (*httptest.Server, *Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts.AllowAddrs = append(opts.AllowAddrs, netip.MustParseAddrPort(srv.Listener.Addr().String()))
	return srv, New(opts)
}

func page(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func TestFetchPage(t *testing.T) {
	var gotUA, gotAccept string
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAccept = r.UserAgent(), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "<p>hello</p>")
	}), Options{})

	resp, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/a#frag", Accept: []string{"text/html"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "<p>hello</p>" || resp.Status != 200 || resp.ETag != `"v1"` || resp.NotModified {
		t.Errorf("got %+v", resp)
	}
	if resp.URL != srv.URL+"/a" {
		t.Errorf("URL = %q, want %q", resp.URL, srv.URL+"/a")
	}
	if resp.ContentType != "text/html; charset=utf-8" {
		t.Errorf("ContentType = %q", resp.ContentType)
	}
	if gotUA != DefaultUserAgent {
		t.Errorf("User-Agent = %q", gotUA)
	}
	if gotAccept != "text/html" {
		t.Errorf("Accept = %q", gotAccept)
	}
}

func TestFetchRefusesLoopbackByDefault(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer srv.Close()

	_, err := New(Options{}).Fetch(context.Background(), Request{URL: srv.URL})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	want := "refused: 127.0.0.1 is a loopback address; set NEWSBOT_ALLOW_PRIVATE_URLS=true to allow"
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("err = %q, want it to end %q", err, want)
	}
	if hit {
		t.Error("server was reached")
	}

	// "localhost" resolves to loopback: refused after DNS resolution.
	_, err = New(Options{}).Fetch(context.Background(), Request{URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("localhost: err = %v, want ErrRefused", err)
	}

	resp, err := New(Options{AllowPrivate: true}).Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil || resp.Status != 200 {
		t.Fatalf("AllowPrivate: %v, %v", resp, err)
	}
}

// TestFetchRefusesZonedLoopback dials loopback through an IPv6 address with
// a zone ("[::1%25lo]"), which must be refused like the bare address.
func TestFetchRefusesZonedLoopback(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	var hit atomic.Bool
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit.Store(true)
		page("secret")(w, r)
	})}}
	srv.Start()
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	_, err = New(Options{}).Fetch(context.Background(), Request{URL: fmt.Sprintf("http://[::1%%25lo]:%d/", port)})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	if hit.Load() {
		t.Error("server was reached")
	}
}

func TestFetchRedirectToPrivateRefused(t *testing.T) {
	var hit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit.Store(true)
		page("secret")(w, r)
	}))
	defer other.Close()
	srv, c := serve(t, http.RedirectHandler(other.URL+"/admin", http.StatusFound), Options{})

	_, err := c.Fetch(context.Background(), Request{URL: srv.URL})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	if want := "redirected to " + other.URL + "/admin: refused: 127.0.0.1 is a loopback address"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q", err)
	}
	if hit.Load() {
		t.Error("redirect target was reached")
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			page("arrived")(w, r)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.Handle("/to-file", http.RedirectHandler("file:///etc/passwd", http.StatusFound))
	srv, c := serve(t, mux, Options{})

	tests := []struct {
		name    string
		path    string
		wantErr error
	}{
		{"FiveRedirects", "/hop/5", nil},
		{"SixRedirects", "/hop/6", ErrRefused},
		{"ToFileScheme", "/to-file", ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Fetch(context.Background(), Request{URL: srv.URL + tt.path})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (string(resp.Body) != "arrived" || resp.URL != srv.URL+"/hop/0") {
				t.Errorf("got %q from %s", resp.Body, resp.URL)
			}
		})
	}
}

func TestFetchURLRules(t *testing.T) {
	c := New(Options{})
	tests := []struct {
		url     string
		wantErr error
	}{
		{"ftp://example.com/x", ErrRefused},
		{"file:///etc/passwd", ErrRefused},
		{"javascript:alert(1)", ErrRefused},
		{"example.com/news", ErrRefused},
		{"http://", ErrRefused},
		{"http://[::1]:1/", ErrRefused},
		{"http://0.0.0.0:1/", ErrRefused},
		{"http://[::ffff:127.0.0.1]:1/", ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := c.Fetch(ctx, Request{URL: tt.url})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		addr        string
		wantRefused bool
	}{
		{"127.0.0.1", true},
		{"127.9.9.9", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"100.128.0.1", false},
		{"0.0.0.0", true},
		{"224.0.0.1", true},
		{"255.255.255.255", true},
		{"::", true},
		{"::1", true},
		{"fd00::1", true},
		{"fc00::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"::1%lo", true},
		{"fd00::1%2", true},
		{"ff02::1", true},
		{"::ffff:10.0.0.1", true},
		{"64:ff9b::a00:1", true},
		{"64:ff9b::808:808", false},
		{"8.8.8.8", false},
		{"93.184.216.34", false},
		{"2606:4700::1111", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := classify(netip.MustParseAddr(tt.addr)) != ""; got != tt.wantRefused {
				t.Errorf("refused = %v, want %v", got, tt.wantRefused)
			}
		})
	}
}

func TestFetchTooLarge(t *testing.T) {
	big := strings.Repeat("x", 2048)
	mux := http.NewServeMux()
	mux.HandleFunc("/declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, big) // small enough for net/http to send a Content-Length
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for range 1000 { // 2 MB streamed with no length; must not be read whole
			fmt.Fprint(w, big)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/fits", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, big[:1024])
	})
	srv, c := serve(t, mux, Options{MaxBytes: 1024})

	tests := []struct {
		path    string
		wantErr error
	}{
		{"/declared", ErrTooLarge},
		{"/chunked", ErrTooLarge},
		{"/fits", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := c.Fetch(context.Background(), Request{URL: srv.URL + tt.path})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasSuffix(err.Error(), "too large: over 1 KiB") {
				t.Errorf("err = %q", err)
			}
		})
	}
	if got := New(Options{}).tooLarge().Error(); got != "too large: over 10 MiB" {
		t.Errorf("default message = %q", got)
	}
}

func TestFetchContentType(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	mux := http.NewServeMux()
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, png)
	})
	mux.HandleFunc("/untyped-png", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // no header: the body is sniffed
		fmt.Fprint(w, png)
	})
	mux.HandleFunc("/html", page("<html><p>hi</p></html>"))
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "<rss/>")
	})
	srv, c := serve(t, mux, Options{})

	tests := []struct {
		name    string
		path    string
		accept  []string
		wantErr error
		wantMsg string
	}{
		{"PNGAsPage", "/png", htmlTypes, ErrContentType, "unsupported content type image/png"},
		{"PNGAsText", "/png", nil, ErrContentType, "unsupported content type image/png"},
		{"SniffedPNG", "/untyped-png", nil, ErrContentType, "unsupported content type image/png"},
		{"HTMLAsPage", "/html", htmlTypes, nil, ""},
		{"RSSAsText", "/rss", nil, nil, ""},
		{"RSSAsPage", "/rss", htmlTypes, ErrContentType, "unsupported content type application/rss+xml"},
		{"Wildcard", "/html", []string{"text/*"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Fetch(context.Background(), Request{URL: srv.URL + tt.path, Accept: tt.accept})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasSuffix(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to end %q", err, tt.wantMsg)
			}
		})
	}
}

func TestFetchStatus(t *testing.T) {
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}), Options{})
	_, err := c.Fetch(context.Background(), Request{URL: srv.URL})
	var se *StatusError
	if !errors.Is(err, ErrStatus) || !errors.As(err, &se) || se.Code != 500 {
		t.Fatalf("err = %v, want a StatusError 500", err)
	}
	if !strings.HasSuffix(err.Error(), "HTTP 500 Internal Server Error") {
		t.Errorf("err = %q", err)
	}
}

func TestFetchConditional(t *testing.T) {
	const etag, lastMod = `"abc"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, "<rss/>")
	}), Options{})

	tests := []struct {
		name            string
		etag, lastMod   string
		wantNotModified bool
	}{
		{"Fresh", "", "", false},
		{"ETag", etag, "", true},
		{"LastModified", "", lastMod, true},
		{"StaleETag", `"old"`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Fetch(context.Background(), Request{URL: srv.URL, ETag: tt.etag, LastModified: tt.lastMod})
			if err != nil {
				t.Fatal(err)
			}
			if resp.NotModified != tt.wantNotModified {
				t.Fatalf("NotModified = %v, want %v", resp.NotModified, tt.wantNotModified)
			}
			if resp.NotModified && (resp.Status != 304 || len(resp.Body) != 0) {
				t.Errorf("304 response = %+v", resp)
			}
			if !resp.NotModified && (resp.ETag != etag || resp.LastModified != lastMod || string(resp.Body) != "<rss/>") {
				t.Errorf("200 response = %+v", resp)
			}
		})
	}
}

func TestFetchPerHostLimit(t *testing.T) {
	var inFlight, most atomic.Int32
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		page("ok")(w, r)
	}), Options{PerHost: 2})

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.Fetch(context.Background(), Request{URL: srv.URL})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := most.Load(); got != 2 {
		t.Errorf("most requests in flight = %d, want 2", got)
	}
	if n := len(c.http.Transport.(*limitedTransport).limiter.hosts); n != 0 {
		t.Errorf("%d host entries left after all requests ended", n)
	}
}

func TestFetchPerHostLimitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		page("ok")(w, r)
	}), Options{PerHost: 1})
	defer close(release)

	go c.Fetch(context.Background(), Request{URL: srv.URL}) // holds the only slot
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Fetch(ctx, Request{URL: srv.URL})
	if err == nil {
		t.Fatal("second fetch ran while the only slot was taken")
	}
}

func TestFetchTimeout(t *testing.T) {
	done := make(chan struct{})
	srv, c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}), Options{Timeout: 100 * time.Millisecond})
	defer close(done)
	start := time.Now()
	_, err := c.Fetch(context.Background(), Request{URL: srv.URL})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestFetchArticle(t *testing.T) {
	const html = `<html><head><title>Talks in London</title></head><body><article>
<p>General Keith Kellogg will represent the US at the discussions in London on Wednesday.</p>
</article></body></html>`
	mux := http.NewServeMux()
	mux.HandleFunc("/story", page(html))
	mux.Handle("/old", http.RedirectHandler("/story", http.StatusMovedPermanently))
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		fmt.Fprint(w, "\xff\xd8\xff")
	})
	srv, c := serve(t, mux, Options{})

	tests := []struct {
		name    string
		path    string
		wantErr error
	}{
		{"Page", "/story", nil},
		{"Redirected", "/old", nil},
		{"NotHTML", "/image", ErrContentType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := srv.URL + tt.path
			a, err := c.FetchArticle(context.Background(), url)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if a.URL != url {
				t.Errorf("URL = %q, want the URL asked for, %q", a.URL, url)
			}
			if a.ID == "" || a.ID != knowledge.DeriveID(knowledge.Article{URL: url}) {
				t.Errorf("ID = %q, want the one derived from %s", a.ID, url)
			}
			if a.Title != "Talks in London" || !strings.Contains(a.Body, "Keith Kellogg will represent") {
				t.Errorf("article = %+v", a)
			}
		})
	}
}
