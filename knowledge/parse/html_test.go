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
		wantAuthor    string
		wantBody      string // a part of the body
		wantNotBody   string // a part the body must not hold
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
		{
			name:       "TitleSiteOnIPHostBylineIsAuthor",
			html:       page(`<title>Harbor lights return | Harbor Herald</title>`, `<p>By Jane Rivera</p>`+paragraphs),
			url:        "http://127.0.0.1:8080/harbor-lights",
			wantTitle:  "Harbor lights return",
			wantSource: "Harbor Herald",
			wantAuthor: "Jane Rivera",
			wantBody:   "The city council voted on Tuesday", wantNotBody: "Jane Rivera",
		},
		{
			name:       "IPHostIsNoSource",
			html:       page(`<title>Harbor lights return</title>`, paragraphs),
			url:        "http://192.0.2.7/harbor-lights",
			wantTitle:  "Harbor lights return",
			wantSource: "",
			wantBody:   "The city council voted on Tuesday",
		},
		{
			name:          "BylineWithDateNeverSource",
			html:          page(`<title>Ferry timetable changes</title>`, `<p class="byline">By a staff reporter, Veldmark, 14 March 2026</p>`+paragraphs),
			url:           "",
			wantTitle:     "Ferry timetable changes",
			wantSource:    "",
			wantAuthor:    "a staff reporter, Veldmark",
			wantPublished: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
			wantBody:      "The city council voted on Tuesday", wantNotBody: "staff reporter",
		},
		{
			name:          "VisiblePublishedLine",
			html:          page(`<title>Tram network to grow</title><meta name="publisher" content="Riverside Courier"><meta name="author" content="Sam Okafor">`, `<h2>Plans</h2><p>Published March 6, 2026</p>`+paragraphs),
			url:           "https://courier.example/trams",
			wantTitle:     "Tram network to grow",
			wantSource:    "Riverside Courier",
			wantAuthor:    "Sam Okafor",
			wantPublished: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC),
			wantBody:      "The city council voted on Tuesday", wantNotBody: "Published",
		},
		{
			name:          "WrittenMetaDate",
			html:          page(`<title>Trams</title><meta name="date" content="March 3, 2026 at 9:05 a.m.">`, paragraphs),
			url:           "https://example.net/trams",
			wantTitle:     "Trams",
			wantSource:    "example.net",
			wantPublished: time.Date(2026, 3, 3, 9, 5, 0, 0, time.UTC),
			wantBody:      "Construction is expected to begin next spring",
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
			if tt.wantNotBody != "" && strings.Contains(a.Body, tt.wantNotBody) {
				t.Errorf("body %q holds %q", a.Body, tt.wantNotBody)
			}
			if a.Author != tt.wantAuthor {
				t.Errorf("author %q, want %q", a.Author, tt.wantAuthor)
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
