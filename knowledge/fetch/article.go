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
