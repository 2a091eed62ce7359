package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"newsbot/knowledge"
)

// HTML extracts the article in a fetched HTML page: its main text, title,
// published time (from the page's metadata) and source (the site's name, else
// the page's host, else its byline). The article's URL is pageURL, which must
// be an http or https URL, or empty. The page may be in any character set it
// declares.
//
// It returns an error when the page is empty, larger than MaxFileSize, binary,
// or has no article text.
func HTML(data []byte, pageURL string) (knowledge.Article, error) {
	if int64(len(data)) > MaxFileSize {
		return knowledge.Article{}, fmt.Errorf("%w: %s, over the %s limit", ErrTooLarge, FormatSize(int64(len(data))), FormatSize(MaxFileSize))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return knowledge.Article{}, ErrEmpty
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return knowledge.Article{}, fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	return htmlArticle(data, pageURL, "")
}

// htmlArticle extracts the article of a page; source is the fallback source.
func htmlArticle(data []byte, pageURL, source string) (knowledge.Article, error) {
	var base *url.URL
	if pageURL != "" {
		u, err := url.Parse(pageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return knowledge.Article{}, fmt.Errorf("page URL %q: want an http or https URL", truncate(pageURL, 80))
		}
		base = u
	}
	enc, _, _ := charset.DetermineEncoding(data, "text/html")
	doc, err := html.Parse(transform.NewReader(bytes.NewReader(data), enc.NewDecoder()))
	if err != nil {
		return knowledge.Article{}, fmt.Errorf("parse HTML: %w", err)
	}
	meta := pageMetadata(doc)
	page, err := readability.FromDocument(doc, base)
	if err != nil {
		return knowledge.Article{}, fmt.Errorf("extract article: %w", err)
	}

	a := knowledge.Article{URL: pageURL, Title: firstNonEmpty(page.Title(), meta.title)}
	a.Title = withoutSiteName(a.Title, page.SiteName())
	if page.Node != nil {
		a.Body = render.InnerText(page.Node)
	}
	if singleLine(a.Body) == "" && meta.body != nil {
		// Too little text for readability to call it an article: take the page's.
		a.Body = render.InnerText(meta.body)
	}
	if t, err := page.PublishedTime(); err == nil && plausible(t) {
		a.Published = t.UTC()
	} else {
		a.Published = meta.published
	}
	a.Source = firstNonEmpty(page.SiteName(), hostName(base), page.Byline(), source)
	a, err = finish(a)
	if errors.Is(err, ErrNoText) {
		return a, errors.New("no article text found in the page")
	}
	return a, err
}

// withoutSiteName removes the site's name from a page title such as
// "Tram network to grow | City Times".
func withoutSiteName(title, site string) string {
	site = strings.TrimSpace(site)
	if site == "" {
		return title
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · ", " :: ", " : "} {
		if t, ok := strings.CutSuffix(title, sep+site); ok && strings.TrimSpace(t) != "" {
			return t
		}
		if t, ok := strings.CutPrefix(title, site+sep); ok && strings.TrimSpace(t) != "" {
			return t
		}
	}
	return title
}

// pageInfo is what the page says about itself outside readability's reach.
type pageInfo struct {
	title     string
	published time.Time
	body      *html.Node
}

// publishedNames are meta names and itemprops that carry a published time.
var publishedNames = map[string]bool{
	"datepublished": true, "article:published_time": true, "og:published_time": true,
	"date": true, "pubdate": true, "publishdate": true, "publish-date": true,
	"publication_date": true, "dc.date": true, "dc.date.issued": true,
	"dcterms.created": true, "dcterms.issued": true, "sailthru.date": true,
	"parsely-pub-date": true, "cxenseparse:recs:publishtime": true,
}

// pageMetadata reads the page's <title>, <body> and published time from JSON-LD,
// <meta> and <time datetime> elements, preferring them in that order.
func pageMetadata(doc *html.Node) pageInfo {
	var info pageInfo
	var fromLD, fromMeta, fromPubTime, fromTime time.Time
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if info.title == "" && n.FirstChild != nil {
					info.title = n.FirstChild.Data
				}
			case atom.Body:
				if info.body == nil {
					info.body = n
				}
			case atom.Script:
				if fromLD.IsZero() && strings.EqualFold(attr(n, "type"), "application/ld+json") && n.FirstChild != nil {
					fromLD = jsonLDPublished(n.FirstChild.Data)
				}
			case atom.Meta:
				name := strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")))
				if fromMeta.IsZero() && publishedNames[name] {
					fromMeta = looseTime(attr(n, "content"))
				}
			case atom.Time:
				t := looseTime(attr(n, "datetime"))
				_, pubdate := attrOK(n, "pubdate")
				if pubdate || strings.EqualFold(attr(n, "itemprop"), "datePublished") {
					if fromPubTime.IsZero() {
						fromPubTime = t
					}
				} else if fromTime.IsZero() {
					fromTime = t
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, t := range []time.Time{fromLD, fromMeta, fromPubTime, fromTime} {
		if !t.IsZero() {
			info.published = t
			break
		}
	}
	return info
}

// jsonLDPublished finds the first datePublished in a JSON-LD block, at any depth.
func jsonLDPublished(block string) time.Time {
	var v any
	if err := json.Unmarshal([]byte(block), &v); err != nil {
		return time.Time{}
	}
	var find func(v any, depth int) time.Time
	find = func(v any, depth int) time.Time {
		if depth > 8 {
			return time.Time{}
		}
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["datePublished"].(string); ok {
				if t := looseTime(s); !t.IsZero() {
					return t
				}
			}
			for _, child := range v {
				if t := find(child, depth+1); !t.IsZero() {
					return t
				}
			}
		case []any:
			for _, child := range v {
				if t := find(child, depth+1); !t.IsZero() {
					return t
				}
			}
		}
		return time.Time{}
	}
	return find(v, 0)
}

// looseTimeLayouts are the ways pages write dates.
var looseTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.DateOnly,
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2, 2006",
	"2 January 2006",
}

// looseTime reads a date as pages write it, or returns the zero time.
func looseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}
	}
	for _, layout := range looseTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil && plausible(t) {
			return t.UTC()
		}
	}
	return time.Time{}
}

// plausible reports whether t can be a news article's published time.
func plausible(t time.Time) bool {
	return t.Year() >= 1800 && t.Before(time.Now().AddDate(1, 0, 0))
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// hostName returns a URL's host without "www.", or "".
func hostName(u *url.URL) string {
	if u == nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
