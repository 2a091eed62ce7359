package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fullTextChars is how many characters of text an item's own content needs
// to count as the full article, so that its page need not be fetched.
const fullTextChars = 1500

// Lengths past which text from a feed is cut.
const (
	maxTitleChars   = 300
	maxKeyBytes     = 512
	maxProblemChars = 500 // of an error message kept or shown
)

// errNotFeed marks a document that is not an RSS, Atom or JSON feed.
var errNotFeed = errors.New("not an RSS, Atom or JSON feed")

// entry is one item of a feed, cleaned up for storing.
type entry struct {
	// key identifies the item within its feed: its GUID, else its link, else
	// a digest of its text.
	key       string
	link      string // absolute http(s) URL, or ""
	title     string
	published time.Time
	// rawContent is the item's own full content and rawSummary its
	// description, both HTML or plain text as the feed gave them.
	rawContent, rawSummary string
	// content and summary are their text, once render has run.
	content, summary string
}

// render fills in the text of the entry's content and summary; it is left
// until the entry is known to be new, as it is the costly part of parsing.
func (e *entry) render() {
	e.content, e.summary = htmlText(e.rawContent), htmlText(e.rawSummary)
}

// parsed is a feed document, cleaned up.
type parsed struct {
	title   string
	entries []entry
}

// parseFeed parses an RSS, Atom or JSON feed fetched from feedURL. It
// returns an error wrapping errNotFeed when data is none of those or is
// malformed.
func parseFeed(data []byte, feedURL string) (p parsed, err error) {
	defer func() {
		// The parser reads untrusted documents; a bug in it must not take
		// the poller down with it.
		if r := recover(); r != nil {
			p, err = parsed{}, fmt.Errorf("%w: parser failed: %v", errNotFeed, r)
		}
	}()
	parser := gofeed.NewParser()
	// Images are not wanted; looking for them parses every item's HTML.
	parser.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return parsed{}, fmt.Errorf("%w: %v", errNotFeed, err)
	}
	base, _ := url.Parse(feedURL)
	if link, err := url.Parse(strings.TrimSpace(f.Link)); err == nil && base != nil && f.Link != "" {
		base = base.ResolveReference(link)
	}
	p.title = cleanLine(f.Title, maxTitleChars)
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		p.entries = append(p.entries, toEntry(it, base))
	}
	return p, nil
}

func toEntry(it *gofeed.Item, base *url.URL) entry {
	e := entry{
		link:       absLink(it.Link, base),
		title:      cleanLine(htmlText(it.Title), maxTitleChars),
		rawContent: it.Content,
		rawSummary: it.Description,
	}
	if e.link == "" {
		for _, l := range it.Links {
			if e.link = absLink(l, base); e.link != "" {
				break
			}
		}
	}
	switch {
	case it.PublishedParsed != nil:
		e.published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		e.published = it.UpdatedParsed.UTC()
	}
	e.key = cleanLine(it.GUID, 0)
	if e.key == "" {
		e.key = e.link
	}
	if e.key == "" || len(e.key) > maxKeyBytes {
		sum := sha256.Sum256([]byte(e.key + "\x00" + e.title + "\x00" + e.rawContent + "\x00" + e.rawSummary))
		e.key = "sha256:" + hex.EncodeToString(sum[:16])
	}
	return e
}

// absLink resolves link against base and returns it if it is an http or
// https URL, or "" otherwise.
func absLink(link string, base *url.URL) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// text returns the item's best text: its full content, else its summary.
func (e entry) text() string {
	if len(e.content) >= len(e.summary) {
		return e.content
	}
	return e.summary
}

// hasFullText reports whether the item's own content is long enough to be
// the whole article.
func (e entry) hasFullText() bool {
	return utf8.RuneCountInString(e.content) >= fullTextChars
}

// blockTags end a paragraph of text.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Tr: true, atom.Table: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true, atom.Figcaption: true,
	atom.Hr: true, atom.Dd: true, atom.Dt: true,
}

// hiddenTags hold no readable text.
var hiddenTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Object: true, atom.Head: true,
}

// htmlText returns the readable text of an HTML fragment from a feed, one
// paragraph per block, separated by blank lines. Text without markup keeps
// its own line breaks.
func htmlText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsAny(s, "<&") {
		return cleanText(s)
	}
	var out strings.Builder
	var para strings.Builder
	flush := func() {
		if p := cleanLine(para.String(), 0); p != "" {
			if out.Len() > 0 {
				out.WriteString("\n\n")
			}
			out.WriteString(p)
		}
		para.Reset()
	}
	z := html.NewTokenizer(strings.NewReader(s))
	hidden := 0
	for {
		switch z.Next() {
		case html.ErrorToken: // the end of the text: a string reader has no other errors
			flush()
			return out.String()
		case html.TextToken:
			if hidden == 0 {
				para.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenTags[a] {
				hidden++
			} else if blockTags[a] {
				flush()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenTags[a] {
				hidden = max(hidden-1, 0)
			} else if blockTags[a] {
				flush()
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[atom.Lookup(name)] {
				flush()
			}
		}
	}
}

// cleanText normalizes plain text: valid UTF-8, no control characters,
// paragraphs separated by one blank line.
func cleanText(s string) string {
	var paras []string
	for _, block := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		var lines []string
		for _, line := range strings.Split(block, "\n") {
			if l := cleanLine(line, 0); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(paras, "\n\n")
}

// zeroWidthJoiner joins emoji sequences; it is the one format character kept.
const zeroWidthJoiner = '\u200d'

// cleanLine returns s as one line of valid UTF-8 without control or format
// characters, runs of spaces collapsed, cut to at most limit runes when
// limit is positive.
func cleanLine(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) && r != zeroWidthJoiner {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if limit > 0 && n >= limit {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
