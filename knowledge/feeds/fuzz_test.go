package feeds

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzParseFeed(f *testing.F) {
	items := []testItem{
		{guid: "1", link: "http://news.example/a", title: "A <b>title</b>", description: "<p>Summary &amp; more.</p>", published: published},
		{link: "/relative", title: "No GUID", content: "<p>Content</p><script>x()</script>"},
	}
	f.Add(rss("News", items))
	f.Add(atomFeed("News", items))
	f.Add(jsonFeed("News", items))
	f.Add(`<rss version="2.0"><channel><item><guid></guid><link>javascript:x</link></item></channel></rss>`)
	f.Add(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="%zz"/></entry></feed>`)
	f.Add(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":null,"url":7}]}`)
	f.Add(`<rss><channel><title>Broken</title><item><title>unterminated`)
	f.Add("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>caf\xe9</title></channel></rss>")
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parseFeed([]byte(doc), "http://feeds.example/rss")
		if err != nil {
			return
		}
		checkLine(t, "feed title", p.title, maxTitleChars)
		for _, e := range p.entries {
			e.render()
			if e.key == "" || len(e.key) > maxKeyBytes {
				t.Errorf("entry key %q", e.key)
			}
			if e.link != "" && !strings.HasPrefix(e.link, "http://") && !strings.HasPrefix(e.link, "https://") {
				t.Errorf("entry link %q", e.link)
			}
			checkLine(t, "entry title", e.title, maxTitleChars)
			checkText(t, "entry content", e.content)
			checkText(t, "entry summary", e.summary)
			if a := articleFromFeed(p.title, e); e.text() != "" && a.Title == "" && e.title != "" {
				t.Errorf("article from %+v has no title", e)
			}
		}
	})
}

func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>One</p><p>Two</p>", "plain\n\ntext", "<script>x</script>y", "&#0;&#x1b;[2J", "<svg><p>x</svg>z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkText(t, "text", htmlText(s))
	})
}

// checkLine fails unless s is one line of clean text of at most limit runes.
func checkLine(t *testing.T, what, s string, limit int) {
	t.Helper()
	if strings.Contains(s, "\n") {
		t.Errorf("%s %q has a line break", what, s)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		t.Errorf("%s has %d runes, over %d", what, n, limit)
	}
	checkText(t, what, s)
}

// checkText fails unless s is valid UTF-8 without control or format
// characters other than line breaks, and without space at either end.
func checkText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s %q is not valid UTF-8", what, s)
	}
	if strings.TrimSpace(s) != s {
		t.Errorf("%s %q has space at an end", what, s)
	}
	for _, r := range s {
		if r != '\n' && (unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != zeroWidthJoiner)) {
			t.Errorf("%s %q holds %U", what, s, r)
			return
		}
	}
}
