package fetch

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
)

// hostLimiter bounds how many requests run at once against one host.
type hostLimiter struct {
	per   int
	mu    sync.Mutex
	hosts map[string]*hostSlots
}

// hostSlots is one host's semaphore and how many requests hold or await it.
type hostSlots struct {
	sem   chan struct{}
	users int
}

// acquire waits for a free slot for host and returns the function that
// frees it; it returns ctx's error if ctx ends first.
func (l *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	host = strings.ToLower(host)
	l.mu.Lock()
	s := l.hosts[host]
	if s == nil {
		s = &hostSlots{sem: make(chan struct{}, l.per)}
		l.hosts[host] = s
	}
	s.users++
	l.mu.Unlock()

	leave := func() {
		l.mu.Lock()
		s.users--
		if s.users == 0 {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-s.sem
			leave()
		})
	}, nil
}

// limitedTransport holds a host slot from sending a request until its
// response body is closed, so every redirect hop counts against its own host.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *hostLimiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.limiter.acquire(req.Context(), req.URL.Host)
	if err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody frees its host slot when closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
