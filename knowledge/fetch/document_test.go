package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"newsbot/knowledge/parse"
)

// TestFetchDocument: a URL loads every format a file does, chosen by the
// content type, then the URL's extension, then the content; a feed says to
// follow it; a page's source is its site name even on an IP address.
func TestFetchDocument(t *testing.T) {
	serveAs := func(contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			} else {
				w.Header()["Content-Type"] = nil // no header at all
			}
			fmt.Fprint(w, body)
		}
	}
	text := "Harbour ferry returns\n\nThe harbour ferry returns on Friday after repairs."
	mux := http.NewServeMux()
	mux.HandleFunc("/story.txt", serveAs("text/plain; charset=utf-8", text))
	mux.HandleFunc("/story.md", serveAs("text/markdown", "---\ntitle: Ferry returns\nsource: Harbor Herald\n---\nThe harbour ferry returns on Friday."))
	mux.HandleFunc("/one.json", serveAs("application/json", `{"title": "Ferry returns", "body": "The ferry returns on Friday.", "published": "March 3, 2026"}`))
	mux.HandleFunc("/all.jsonl", serveAs("application/octet-stream", `{"title": "A", "body": "First."}`+"\n"+`{"title": "B", "body": "Second."}`+"\n"))
	mux.HandleFunc("/download", serveAs("application/octet-stream", "# Ferry returns\n\nThe ferry returns on Friday."))
	mux.HandleFunc("/page", serveAs("text/html", `<html><head><title>Harbor lights return | Harbor Herald</title></head><body><article><p>By Jane Rivera</p><p>The harbour lights were switched back on on Tuesday evening after a year of repairs to the old sea wall and its lamps.</p></article></body></html>`))
	mux.HandleFunc("/feed", serveAs("application/rss+xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title></channel></rss>`))
	mux.HandleFunc("/feed.xml", serveAs("text/xml", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title></feed>`))
	mux.HandleFunc("/image", serveAs("image/png", "\x89PNG"))
	srv, c := serve(t, mux, Options{})

	tests := []struct {
		path       string
		wantTitles []string
		wantSource string // of the first article
		wantErr    error
	}{
		{path: "/story.txt", wantTitles: []string{"Harbour ferry returns"}},
		{path: "/story.md", wantTitles: []string{"Ferry returns"}, wantSource: "Harbor Herald"},
		{path: "/one.json", wantTitles: []string{"Ferry returns"}},
		{path: "/all.jsonl", wantTitles: []string{"A", "B"}},
		{path: "/download", wantTitles: []string{"Ferry returns"}},
		{path: "/page", wantTitles: []string{"Harbor lights return"}, wantSource: "Harbor Herald"},
		{path: "/feed", wantErr: parse.ErrFeed},
		{path: "/feed.xml", wantErr: parse.ErrFeed},
		{path: "/image", wantErr: ErrContentType},
	}
	for _, tt := range tests {
		t.Run(strings.Trim(tt.path, "/"), func(t *testing.T) {
			url := srv.URL + tt.path
			res, err := c.FetchDocument(context.Background(), url)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if errors.Is(err, parse.ErrFeed) && !strings.Contains(err.Error(), "feeds add") {
					t.Errorf("error %q does not say to use feeds add", err)
				}
				return
			}
			var titles []string
			for _, r := range res.Articles {
				titles = append(titles, r.Article.Title)
			}
			if strings.Join(titles, "|") != strings.Join(tt.wantTitles, "|") {
				t.Fatalf("titles %q, want %q", titles, tt.wantTitles)
			}
			first := res.Articles[0].Article
			if first.Source != tt.wantSource {
				t.Errorf("source %q, want %q (never the IP address)", first.Source, tt.wantSource)
			}
			if len(res.Articles) == 1 && first.URL != url {
				t.Errorf("URL %q, want %q", first.URL, url)
			}
			if tt.path == "/page" && first.Author != "Jane Rivera" {
				t.Errorf("author %q, want the byline's name", first.Author)
			}
			if tt.path == "/one.json" && first.Published.Format("2006-01-02") != "2026-03-03" {
				t.Errorf("published %v", first.Published)
			}
		})
	}
}
