package parse

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"newsbot/knowledge"
)

// HTML extracts the article in a fetched HTML page: its main text, title,
// author (the byline), published time (from the page's metadata, else a
// visible "Published …" or date line) and source (the site's name from its
// metadata or the site part of its <title>, else the URL's host unless that
// is an IP address, else none). The article's URL is pageURL, which must be
// an http or https URL, or empty. The page may be in any character set it
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
	a, _, err := htmlArticle(data, pageURL)
	return a, err
}

// htmlArticle extracts the article of a page, with notes on what was left out.
func htmlArticle(data []byte, pageURL string) (knowledge.Article, []string, error) {
	var base *url.URL
	if pageURL != "" {
		u, err := url.Parse(pageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return knowledge.Article{}, nil, fmt.Errorf("page URL %q: want an http or https URL", truncate(pageURL, 80))
		}
		base = u
	}
	enc, _, _ := charset.DetermineEncoding(data, "text/html")
	doc, err := html.Parse(transform.NewReader(bytes.NewReader(data), enc.NewDecoder()))
	if err != nil {
		return knowledge.Article{}, nil, fmt.Errorf("parse HTML: %w", err)
	}
	meta := pageMetadata(doc)
	page, err := readability.FromDocument(doc, base)
	if err != nil {
		return knowledge.Article{}, nil, fmt.Errorf("extract article: %w", err)
	}

	a := knowledge.Article{URL: pageURL, Title: firstNonEmpty(page.Title(), meta.title)}
	site := firstNonEmpty(page.SiteName(), meta.publisher)
	if site == "" {
		site = titleSite(meta.title)
	}
	a.Title = withoutSiteName(a.Title, site)
	if page.Node != nil {
		removeHeadings(page.Node)
		a.Body = render.InnerText(page.Node)
	}
	if singleLine(a.Body) == "" && meta.body != nil {
		// Too little text for readability to call it an article: take the page's.
		removeHeadings(meta.body)
		a.Body = render.InnerText(meta.body)
	}
	lines := takeMetaLines(strings.Split(a.Body, "\n"))
	a.Body = strings.Join(lines.rest, "\n")
	if t, err := page.PublishedTime(); err == nil && plausible(t) {
		a.Published = t.UTC()
	} else {
		a.Published = cmp.Or(meta.published, lines.published, meta.shownPublished)
	}
	a.Author = firstNonEmpty(page.Byline(), meta.author, lines.author, meta.shownAuthor)
	a.Source = site
	var notes []string
	if a.Published.IsZero() {
		notes = append(notes, lines.notes...)
	}
	a, err = finish(a)
	if errors.Is(err, ErrNoText) {
		return a, nil, errors.New("no article text found in the page")
	}
	return a, notes, err
}

// removeHeadings takes the headings out of an article's text: a heading
// groups sentences, it is not one.
func removeHeadings(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			switch c.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				n.RemoveChild(c)
			default:
				removeHeadings(c)
			}
		}
		c = next
	}
}

// titleSeparators part a page title from the site's name.
var titleSeparators = []string{" | ", " – ", " — ", " - ", " · ", " :: ", " • "}

// titleSite returns the site part of a page title such as "Tram network to
// grow | City Times": a short, capitalised name after (or, with " | ",
// before) the headline. It returns "" when the title has none.
func titleSite(title string) string {
	title = singleLine(title)
	for _, sep := range titleSeparators {
		i := strings.LastIndex(title, sep)
		if i < 0 {
			continue
		}
		head, site := title[:i], title[i+len(sep):]
		if siteName(site, head) {
			return site
		}
		if sep == " | " {
			j := strings.Index(title, sep)
			if site, head := title[:j], title[j+len(sep):]; siteName(site, head) {
				return site
			}
		}
	}
	return ""
}

// siteName reports whether part of a title reads as a site's name beside
// its headline: a few words, capitalised, no sentence, shorter than the
// headline.
func siteName(site, head string) bool {
	site = strings.TrimSpace(site)
	words := len(strings.Fields(site))
	if words == 0 || words > 5 || len(site) > 40 || endsSentence(site) || strings.TrimSpace(head) == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(site)
	return (unicode.IsUpper(r) || unicode.IsDigit(r)) && words < len(strings.Fields(head))
}

// withoutSiteName removes the site's name from a page title such as
// "Tram network to grow | City Times".
func withoutSiteName(title, site string) string {
	site = strings.TrimSpace(site)
	if site == "" {
		return title
	}
	for _, sep := range titleSeparators {
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
	publisher string // from publisher <meta> elements
	author    string // from author <meta> elements
	body      *html.Node
	// shownPublished and shownAuthor are what the page's visible text says
	// in a "Published …" or date line and a byline.
	shownPublished time.Time
	shownAuthor    string
}

// publisherNames and authorNames are the meta names that carry them.
var (
	publisherNames = map[string]bool{"publisher": true, "dc.publisher": true, "dcterms.publisher": true, "citation_publisher": true, "application-name": true}
	authorNames    = map[string]bool{"author": true, "dc.creator": true, "dcterms.creator": true, "byl": true, "sailthru.author": true, "parsely-author": true}
)

// shownLineTags are the elements whose text may be a visible byline or date line.
var shownLineTags = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.Span: true, atom.Time: true, atom.Small: true,
	atom.Address: true, atom.Li: true, atom.Header: true, atom.Em: true, atom.Strong: true, atom.B: true, atom.I: true}

// maxShownLines is how many elements' text are read for a visible date line.
const maxShownLines = 400

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
	shown := 0
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
				if v := singleLine(attr(n, "content")); info.publisher == "" && publisherNames[name] && !strings.Contains(v, "://") {
					info.publisher = v
				}
				if info.author == "" && authorNames[name] {
					info.author = cleanAuthor(attr(n, "content"))
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
		if n.Type == html.ElementNode && shownLineTags[n.DataAtom] && shown < maxShownLines {
			shown++
			if author, date, ok := metaLine(textOf(n, 160)); ok {
				if info.shownAuthor == "" {
					info.shownAuthor = author
				}
				if date != "" && info.shownPublished.IsZero() {
					info.shownPublished, _ = readDate("", date)
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

// textOf returns the text inside n, its spaces collapsed, or "" when it is
// longer than limit bytes.
func textOf(n *html.Node, limit int) string {
	var b strings.Builder
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return b.Len() <= limit*2
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	if !walk(n) {
		return ""
	}
	t := strings.Join(strings.Fields(b.String()), " ")
	if len(t) > limit {
		return ""
	}
	return t
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

// looseTime reads a date as pages write it (see ParseDate), or returns the
// zero time.
func looseTime(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil || !plausible(t) {
		return time.Time{}
	}
	return t
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

// hostName returns the host of an http(s) URL without "www.", or "" when it
// has none or it is an IP address.
func hostName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || isIPAddress(u.Hostname()) {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
