// Package fetch is newsbot's HTTP client for URLs that users, admins and
// feeds give it. It fetches http and https only, within a timeout and a size
// cap, checks content types, and refuses to dial private, loopback,
// link-local and other non-public addresses — checked on the address
// actually dialed, so the rule holds after DNS resolution and redirects.
package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"newsbot/knowledge/parse"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout   = 20 * time.Second
	DefaultMaxBytes  = 10 << 20
	DefaultUserAgent = "newsbot/1.0 (+https://github.com/newsbot; news-answering Discord bot)"
	DefaultPerHost   = 2
	// MaxRedirects is how many redirects one fetch follows.
	MaxRedirects = 5
)

// Errors a fetch can fail with; the returned error wraps one of them and
// says what exactly was wrong. Test with errors.Is.
var (
	// ErrRefused means the URL or an address it led to is not allowed:
	// a scheme other than http and https, a non-public address, or too many redirects.
	ErrRefused = errors.New("refused")
	// ErrTooLarge means the body is over the size cap.
	ErrTooLarge = errors.New("too large")
	// ErrContentType means the response's media type is not one asked for.
	ErrContentType = errors.New("unsupported content type")
	// ErrStatus means the server answered with an error status; the error is a *StatusError.
	ErrStatus = errors.New("HTTP error status")
	// ErrTimeout means the server did not answer in time.
	ErrTimeout = errors.New("timed out")
)

// StatusError is the error for a response whose status is not 2xx or 304.
type StatusError struct {
	Code int
}

func (e *StatusError) Error() string {
	if text := http.StatusText(e.Code); text != "" {
		return fmt.Sprintf("HTTP %d %s", e.Code, text)
	}
	return fmt.Sprintf("HTTP %d", e.Code)
}

// Is makes errors.Is(err, ErrStatus) true for a StatusError.
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

// Options configure a Client. Zero values take the defaults.
type Options struct {
	// AllowPrivate lets the client dial private, loopback and other
	// non-public addresses (NEWSBOT_ALLOW_PRIVATE_URLS).
	AllowPrivate bool
	// Timeout bounds a whole fetch, redirects and body included (default 20s).
	Timeout time.Duration
	// MaxBytes caps a response body (default 10 MiB).
	MaxBytes int64
	// UserAgent is sent with every request (default DefaultUserAgent).
	UserAgent string
	// PerHost is how many requests may run at once against one host (default 2).
	PerHost int
	// AllowAddrs lists exact IP:port pairs that may be dialed even though
	// they are not public, while every other such address stays refused:
	// one local server for tests, or one internal host an operator trusts.
	AllowAddrs []netip.AddrPort
}

// Client fetches URLs safely. It is safe for concurrent use.
type Client struct {
	http         *http.Client
	allowPrivate bool
	allowAddrs   []netip.AddrPort
	timeout      time.Duration
	maxBytes     int64
	userAgent    string
}

// New returns a Client configured by opts.
func New(opts Options) *Client {
	c := &Client{
		allowPrivate: opts.AllowPrivate,
		allowAddrs:   append([]netip.AddrPort(nil), opts.AllowAddrs...),
		timeout:      positive(opts.Timeout, DefaultTimeout),
		maxBytes:     positive(opts.MaxBytes, DefaultMaxBytes),
		userAgent:    cmp.Or(opts.UserAgent, DefaultUserAgent),
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: c.control}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would dial on our behalf, past the address check
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  c.timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	limiter := &hostLimiter{per: positive(opts.PerHost, DefaultPerHost), hosts: map[string]*hostSlots{}}
	c.http = &http.Client{
		Transport:     &limitedTransport{next: transport, limiter: limiter},
		Timeout:       c.timeout,
		CheckRedirect: checkRedirect,
	}
	return c
}

// positive returns v, or def when v is not positive.
func positive[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Request is what to fetch.
type Request struct {
	URL string
	// ETag and LastModified, from an earlier Response, make the request
	// conditional: an unchanged resource comes back as NotModified.
	ETag, LastModified string
	// Accept lists the media types allowed, e.g. "text/html"; "type/*"
	// matches a whole type. Empty allows any text: text/*, JSON and XML.
	Accept []string
}

// Response is a fetched resource.
type Response struct {
	URL         string // final URL, after redirects
	Status      int
	ContentType string // as the server sent it, parameters included
	Body        []byte
	// ETag and LastModified are the validators to send next time.
	ETag, LastModified string
	// NotModified reports a 304 answer to a conditional request; Body is empty.
	NotModified bool
}

// Fetch gets r.URL. It returns an error wrapping ErrRefused, ErrTooLarge,
// ErrContentType, ErrStatus or ErrTimeout for those failures, and a wrapped
// network or context error otherwise.
func (c *Client) Fetch(ctx context.Context, r Request) (*Response, error) {
	resp, err := c.fetch(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", r.URL, err)
	}
	return resp, nil
}

func (c *Client) fetch(ctx context.Context, r Request) (*Response, error) {
	u, err := CheckURL(r.URL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", acceptHeader(r.Accept))
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.explain(err, req.URL.String())
	}
	defer resp.Body.Close()

	out := &Response{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &StatusError{Code: resp.StatusCode}
	}
	if out.ContentType != "" {
		if err := checkType(out.ContentType, r.Accept); err != nil {
			return nil, err
		}
	}
	if resp.ContentLength > c.maxBytes {
		return nil, c.tooLarge()
	}
	out.Body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, c.explain(fmt.Errorf("read body: %w", err), "")
	}
	if int64(len(out.Body)) > c.maxBytes {
		return nil, c.tooLarge()
	}
	if out.ContentType == "" {
		if err := checkType(http.DetectContentType(out.Body), r.Accept); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CheckURL parses raw and returns it if it is an absolute http or https URL
// with a host; otherwise it returns an error wrapping ErrRefused.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL: %v", ErrRefused, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, fmt.Errorf("%w: not an absolute URL (want http:// or https://)", ErrRefused)
	default:
		return nil, fmt.Errorf("%w: scheme %q is not http or https", ErrRefused, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: URL has no host", ErrRefused)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// checkRedirect follows at most MaxRedirects redirects, to http and https only.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRefused, MaxRedirects)
	}
	if _, err := CheckURL(req.URL.String()); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

// explain turns a transport error into one of the package's errors where it
// is one, without the layers of "Get ...: dial tcp ..." around it, naming
// the redirect target when the request for the URL asked was redirected.
func (c *Client) explain(err error, asked string) error {
	var urlErr *url.Error
	redirected := errors.As(err, &urlErr) && asked != "" && urlErr.URL != asked
	var ref *refusal
	switch {
	case errors.As(err, &ref) && redirected:
		return fmt.Errorf("redirected to %s: %w", urlErr.URL, ref)
	case ref != nil:
		return ref
	case urlErr != nil && errors.Is(urlErr.Err, ErrRefused):
		return urlErr.Err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Errorf("%w (limit %s)", ErrTimeout, c.timeout)
	}
	return err
}

func (c *Client) tooLarge() error {
	return fmt.Errorf("%w: over %s", ErrTooLarge, parse.FormatSize(c.maxBytes))
}

// textTypes are the media types Accept's empty list allows, besides text/*.
var textTypes = []string{"application/json", "application/xml", "application/xhtml+xml"}

// acceptHeader is the Accept header for the allowed media types.
func acceptHeader(accept []string) string {
	if len(accept) == 0 {
		return "text/*, application/json, application/xml, application/*+xml, application/*+json;q=0.9"
	}
	return strings.Join(accept, ", ")
}

// checkType returns an error wrapping ErrContentType unless contentType is
// one of accept (or any text, when accept is empty).
func checkType(contentType string, accept []string) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%w %q", ErrContentType, contentType)
	}
	if allowed(mt, accept) {
		return nil
	}
	return fmt.Errorf("%w %s", ErrContentType, mt)
}

func allowed(mt string, accept []string) bool {
	if len(accept) == 0 {
		return strings.HasPrefix(mt, "text/") ||
			strings.HasSuffix(mt, "+xml") || strings.HasSuffix(mt, "+json") ||
			slices.Contains(textTypes, mt)
	}
	for _, a := range accept {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == mt || (strings.HasSuffix(a, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}
