package fetch

import (
	"context"
	"fmt"
	"strings"

	"newsbot/knowledge"
	"newsbot/knowledge/parse"
)

// htmlTypes are the media types of a web page.
var htmlTypes = []string{"text/html", "application/xhtml+xml"}

// FetchArticle fetches the web page at pageURL and extracts its article. The
// article's URL is pageURL as asked for, even after redirects, and its ID is
// derived from it, so fetching the same URL again updates the stored article
// rather than adding another. It returns the errors of Fetch, or a wrapped
// extraction error when the page holds no article.
func (c *Client) FetchArticle(ctx context.Context, pageURL string) (knowledge.Article, error) {
	pageURL = strings.TrimSpace(pageURL)
	resp, err := c.Fetch(ctx, Request{URL: pageURL, Accept: htmlTypes})
	if err != nil {
		return knowledge.Article{}, err
	}
	a, err := parse.HTML(resp.Body, resp.URL)
	if err != nil {
		return knowledge.Article{}, fmt.Errorf("extract article from %s: %w", pageURL, err)
	}
	a.URL = pageURL
	a.ID = knowledge.DeriveID(a)
	return a, nil
}

// documentTypes are the media types FetchDocument accepts: every format
// newsbot loads, servers' generic types for files, and feeds, so that a
// feed's URL is recognised and answered with how to follow it.
var documentTypes = []string{
	"text/*", "application/xhtml+xml", "application/json", "application/x-ndjson", "application/ndjson",
	"application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/octet-stream",
	"binary/octet-stream", "application/xml", "application/rss+xml", "application/atom+xml",
	"application/rdf+xml", "application/feed+json",
}

// FetchDocument fetches the document at docURL and reads its articles: a web
// page, or a plain text, Markdown, JSON or JSON Lines file, chosen by its
// content type, then its URL's extension, then its content (see parse.Page).
// A single article without a URL of its own gets docURL as asked for, even
// after redirects, so fetching it again updates the stored article. It
// returns the errors of Fetch, an error wrapping parse.ErrFeed for a feed,
// or a wrapped parse error when the document holds no article.
func (c *Client) FetchDocument(ctx context.Context, docURL string) (parse.Result, error) {
	docURL = strings.TrimSpace(docURL)
	resp, err := c.Fetch(ctx, Request{URL: docURL, Accept: documentTypes})
	if err != nil {
		return parse.Result{}, err
	}
	if len(resp.Body) == 0 {
		return parse.Result{}, fmt.Errorf("read %s: %w", docURL, parse.ErrEmpty)
	}
	res, err := parse.Page(docURL, resp.ContentType, resp.Body)
	if err != nil {
		return parse.Result{}, fmt.Errorf("read %s: %w", docURL, err)
	}
	return res, nil
}
