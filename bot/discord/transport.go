package discord

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// discordHost is the host discordgo sends REST calls to.
const discordHost = "discord.com"

// redirectTransport sends the REST calls discordgo makes to https://discord.com
// to another scheme and host instead, leaving paths and everything else as is.
type redirectTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites a request for discord.com to the configured base.
func (t *redirectTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == discordHost {
		r := req.Clone(req.Context())
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.Host = t.base.Host
		req = r
	}
	return t.next.RoundTrip(req)
}

// restClient returns the HTTP client for Discord's REST API: plain for
// Discord itself, redirecting to apiURL when one is configured.
func restClient(apiURL string) (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	c := &http.Client{Timeout: 20 * time.Second, Transport: transport}
	if apiURL == "" {
		return c, nil
	}
	base, err := parseAPIURL(apiURL)
	if err != nil {
		return nil, fmt.Errorf("DISCORD_API_URL: %w", err)
	}
	c.Transport = &redirectTransport{base: base, next: transport}
	return c, nil
}

// attachmentHosts are where Discord serves the files people attach.
var attachmentHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// errTooLarge means a file is larger than the configured cap.
var errTooLarge = errors.New("file too large")

// attachmentFetcher downloads files attached to a command, only from the
// hosts Discord serves attachments from (and the host of DISCORD_API_URL,
// where a proxy or a test serves them), with a size cap.
type attachmentFetcher struct {
	client   *http.Client
	hosts    []string
	maxBytes int64
}

func newAttachmentFetcher(apiURL string, maxBytes int64) *attachmentFetcher {
	f := &attachmentFetcher{hosts: attachmentHosts, maxBytes: maxBytes}
	if base, err := parseAPIURL(apiURL); err == nil && apiURL != "" {
		f.hosts = append(append([]string(nil), attachmentHosts...), base.Host)
	}
	f.client = &http.Client{
		Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return f.check(req.URL)
		},
	}
	return f
}

// check accepts only http(s) URLs on an attachment host.
func (f *attachmentFetcher) check(u *url.URL) error {
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("attachment URL scheme %q is not http(s)", u.Scheme)
	}
	for _, h := range f.hosts {
		if strings.EqualFold(u.Host, h) {
			return nil
		}
	}
	return fmt.Errorf("attachment host %q is not Discord's", u.Host)
}

// fetch downloads an attachment. It returns an error when the URL is not
// Discord's, the download fails or the file is larger than the cap
// (wrapping errTooLarge).
func (f *attachmentFetcher) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch attachment: %w", err)
	}
	if err := f.check(u); err != nil {
		return nil, fmt.Errorf("fetch attachment: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch attachment: %w", err)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch attachment: status %s", resp.Status)
	}
	if resp.ContentLength > f.maxBytes {
		return nil, fmt.Errorf("fetch attachment: %w (%d bytes, the cap is %d)", errTooLarge, resp.ContentLength, f.maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch attachment: %w", err)
	}
	if int64(len(data)) > f.maxBytes {
		return nil, fmt.Errorf("fetch attachment: %w (the cap is %d bytes)", errTooLarge, f.maxBytes)
	}
	return data, nil
}
