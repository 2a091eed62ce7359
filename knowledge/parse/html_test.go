package parse

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// page wraps paragraphs of article text in a page with clutter around it.
func page(head, article string) string {
	return `<!DOCTYPE html><html><head>` + head + `</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>` + article + `</article>
<footer>Subscribe to our newsletter. Copyright Example.</footer></body></html>`
}

const paragraphs = `<p>The city council voted on Tuesday to expand the tram network by twelve kilometres, the largest expansion since the network opened in 1998.</p>
<p>Construction is expected to begin next spring and to last about four years. The council said the project would cost 900 million euros, most of it paid by the national government.</p>
<p>Opponents said the money would be better spent on buses, which serve more of the city's outer districts. A final vote on the budget is due in June.</p>`

func TestHTML(t *testing.T) {
	tests := []struct {
		name          string
		html          string
		url           string
		wantTitle     string
		wantSource    string
		wantPublished time.Time
		wantBody      string // a part of the body
		wantErr       string
	}{
		{
			name:          "MetaPublishedAndSiteName",
			html:          page(`<title>Tram network to grow | City Times</title><meta property="og:site_name" content="City Times"><meta property="article:published_time" content="2025-02-03T08:15:00+01:00">`, `<h1>Tram network to grow</h1>`+paragraphs),
			url:           "https://www.citytimes.example/news/tram-network-to-grow",
			wantTitle:     "Tram network to grow",
			wantSource:    "City Times",
			wantPublished: time.Date(2025, 2, 3, 7, 15, 0, 0, time.UTC),
			wantBody:      "The city council voted on Tuesday to expand the tram network",
		},
		{
			name:          "TimeElementAndHost",
			html:          page(`<title>Tram network to grow</title>`, `<time datetime="2024-12-01">1 Dec</time>`+paragraphs),
			url:           "https://www.citytimes.example/news/tram",
			wantTitle:     "Tram network to grow",
			wantSource:    "citytimes.example",
			wantPublished: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC),
			wantBody:      "A final vote on the budget is due in June.",
		},
		{
			name:          "JSONLDGraph",
			html:          page(`<title>Trams</title><script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":"Thing","datePublished":"2023-07-09T10:00:00Z"}]}</script>`, paragraphs),
			url:           "http://example.net/trams",
			wantTitle:     "Trams",
			wantSource:    "example.net",
			wantPublished: time.Date(2023, 7, 9, 10, 0, 0, 0, time.UTC),
			wantBody:      "Construction is expected to begin next spring",
		},
		{
			name:       "Windows1252",
			html:       "<html><head><meta charset=\"windows-1252\"><title>Caf\xe9 closes</title></head><body><article><p>The caf\xe9 on the corner closed on Monday after forty years. Its owner, Ren\xe9e Martin, said rising rents made it impossible to stay open, and thanked her customers for their loyalty over four decades of business in the town centre.</p></article></body></html>",
			url:        "https://example.fr/cafe",
			wantTitle:  "Café closes",
			wantSource: "example.fr",
			wantBody:   "Its owner, Renée Martin, said rising rents",
		},
		{
			name:       "ShortPageKeepsItsText",
			html:       `<html><head><title>Brief</title></head><body><p>Short item: the bridge is closed.</p></body></html>`,
			url:        "",
			wantTitle:  "Brief",
			wantSource: "",
			wantBody:   "Short item: the bridge is closed.",
		},
		{name: "Empty", html: "  \n", url: "https://a.example/", wantErr: "empty file"},
		{name: "NoText", html: "<html><body><script>var x = 1;</script></body></html>", url: "https://a.example/", wantErr: "no article text found"},
		{name: "Binary", html: "<html>\x00\x01", url: "https://a.example/", wantErr: "binary content"},
		{name: "BadURL", html: page("", paragraphs), url: "file:///etc/passwd", wantErr: "want an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := HTML([]byte(tt.html), tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.URL != tt.url || a.Title != tt.wantTitle || a.Source != tt.wantSource || !a.Published.Equal(tt.wantPublished) {
				t.Errorf("got url %q title %q source %q published %v\nwant url %q title %q source %q published %v",
					a.URL, a.Title, a.Source, a.Published, tt.url, tt.wantTitle, tt.wantSource, tt.wantPublished)
			}
			if !strings.Contains(a.Body, tt.wantBody) {
				t.Errorf("body %q does not contain %q", a.Body, tt.wantBody)
			}
			if strings.Contains(a.Body, "newsletter") || strings.Contains(a.Body, "Home") {
				t.Errorf("body keeps navigation or footer: %q", a.Body)
			}
		})
	}
}

func TestHTMLTooLarge(t *testing.T) {
	defer func(old int64) { MaxFileSize = old }(MaxFileSize)
	MaxFileSize = 100
	if _, err := HTML([]byte(page("", paragraphs)), ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
