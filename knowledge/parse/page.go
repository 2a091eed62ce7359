package parse

import (
	"fmt"
	"mime"
	"net/url"
	"path"
	"strings"
)

// Page reads the articles of a document fetched from pageURL, in any format
// File reads. The format comes from contentType (the Content-Type header),
// then from the URL's extension, then from the content. An article of a
// single-article document without a URL of its own gets pageURL, and then
// its host as source when it names none.
//
// It returns an error wrapping ErrFeed for a feed, ErrUnknownFormat for a
// content type newsbot does not read, and File's errors otherwise.
func Page(pageURL, contentType string, data []byte) (Result, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Result{}, fmt.Errorf("page URL %q: want an http or https URL", truncate(pageURL, 80))
	}
	name := path.Base(u.Path)
	format, err := pageFormat(name, contentType, data)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if format == HTMLPage {
		if i := indexNUL(data); i >= 0 {
			return Result{}, fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
		}
		a, notes, err := htmlArticle(data, pageURL)
		if err != nil {
			return Result{}, err
		}
		res = Result{Articles: []Record{{Article: a, Notes: notes}}}
	} else if res, err = FileAs(name, format, data); err != nil {
		return Result{}, err
	}
	if len(res.Articles) == 1 && res.Articles[0].Line == 0 && len(res.Rejected) == 0 {
		a := &res.Articles[0].Article
		if a.URL == "" {
			a.URL = pageURL
		}
		if a.Source == "" {
			a.Source = hostName(a.URL)
		}
	}
	return res, nil
}

// pageFormat chooses the format of a fetched document.
func pageFormat(name, contentType string, data []byte) (Format, error) {
	mt := ""
	if contentType != "" {
		if t, _, err := mime.ParseMediaType(contentType); err == nil {
			mt = strings.ToLower(t)
		}
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return HTMLPage, nil
	case "text/markdown", "text/x-markdown":
		return Markdown, nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines", "application/json-seq":
		return JSONLines, nil
	case "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json":
		return "", ErrFeed
	case "application/json", "text/json":
		f, err := Detect(name, data)
		if err != nil || f == JSONLines {
			return f, err
		}
		return JSON, nil
	case "", "text/plain", "application/octet-stream", "binary/octet-stream", "text/xml", "application/xml":
		return Detect(name, data)
	}
	return "", fmt.Errorf("%w: content type %s; want HTML, plain text, Markdown, JSON or JSON Lines", ErrUnknownFormat, mt)
}

func indexNUL(data []byte) int {
	for i, c := range data {
		if c == 0 {
			return i
		}
	}
	return -1
}
