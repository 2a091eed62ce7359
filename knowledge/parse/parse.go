// Package parse turns files and fetched pages into news articles.
//
// It reads plain text, Markdown, JSON, JSON Lines and HTML, detected by file
// extension and content. Input is untrusted: every file is checked for being
// text, valid UTF-8 and within MaxFileSize before it is read as an article,
// and every string an article carries is valid UTF-8 without control,
// bidirectional or zero-width characters. A bad record in a multi-article
// file rejects that record only.
//
// An article's source is what it says about its publisher (a source field,
// the site's name), else its URL's host name unless that is an IP address,
// else empty: never a file name. A byline is its author.
package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
	"newsbot/knowledge/sentences"
)

// MaxFileSize is the largest file File accepts, and the largest single line
// Lines accepts, in bytes.
var MaxFileSize int64 = 20 << 20

// Errors for a whole file, wrapped with the details of what was wrong.
var (
	ErrEmpty         = errors.New("empty file")
	ErrBinary        = errors.New("binary content, not text")
	ErrInvalidUTF8   = errors.New("invalid UTF-8")
	ErrTooLarge      = errors.New("too large")
	ErrUnknownFormat = errors.New("unknown format")
	ErrNoText        = errors.New("no body or text")
	// ErrFeed means the file or page is a feed (RSS, Atom, JSON Feed), which
	// is followed with "feeds add" rather than loaded as an article.
	ErrFeed = errors.New("a news feed, not an article; follow a feed's URL with `newsbot feeds add URL`")
)

// Record is one article read from a file.
type Record struct {
	Article knowledge.Article
	// Line is the 1-based line the article starts on in JSON Lines and JSON
	// array files, and 0 for files that hold one article.
	Line int
	// Notes say what of the record was left out and why, such as a date
	// that could not be read: the article loads without it.
	Notes []string
}

// LineError rejects one record of a multi-article file.
type LineError struct {
	Line int // 1-based
	Err  error
}

// Error returns "line N: reason".
func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason.
func (e *LineError) Unwrap() error { return e.Err }

// Result is what File read: the articles, and the records it rejected.
type Result struct {
	Articles []Record
	Rejected []*LineError
}

// Format is a kind of article file.
type Format string

// The formats File reads.
const (
	Text      Format = "text"
	Markdown  Format = "markdown"
	JSON      Format = "json"
	JSONLines Format = "jsonl"
	HTMLPage  Format = "html"
)

// File reads the articles in one file's bytes; name (a path or an attachment
// name) gives the format by its extension, and a YYYY-MM-DD date in it the
// published date of an article that has none.
//
// It returns an error, not naming the file, when the file as a whole cannot
// be read: it is empty, binary, not valid UTF-8 (saying at which byte and
// line), larger than MaxFileSize, of an unknown format, or holds a single
// article that is invalid. Bad records in JSON Lines and JSON array files are
// returned in Result.Rejected while the other records are read.
func File(name string, data []byte) (Result, error) {
	return FileAs(name, "", data)
}

// FileAs is File with the format given; an empty format is detected from
// name and data as File does.
func FileAs(name string, format Format, data []byte) (Result, error) {
	if int64(len(data)) > MaxFileSize {
		return Result{}, fmt.Errorf("%w: %s, over the %s limit", ErrTooLarge, FormatSize(int64(len(data))), FormatSize(MaxFileSize))
	}
	if format == "" {
		var err error
		if format, err = Detect(name, data); err != nil {
			return Result{}, err
		}
	} else if len(data) == 0 {
		return Result{}, ErrEmpty
	}
	switch format {
	case JSONLines:
		// Lines rejects the lines that are not UTF-8 text one by one.
	case HTMLPage:
		// The page's own character set decides; see htmlArticle.
		if i := bytes.IndexByte(data, 0); i >= 0 {
			return Result{}, fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return Result{}, fmt.Errorf("%w: only whitespace", ErrEmpty)
		}
	case Text, Markdown, JSON:
		if err := checkText(data); err != nil {
			return Result{}, err
		}
	default:
		return Result{}, fmt.Errorf("%w %q: want text, markdown, json, jsonl or html", ErrUnknownFormat, format)
	}
	data = bytes.TrimPrefix(data, bom)
	switch format {
	case JSONLines:
		return readLines(bytes.NewReader(data))
	case JSON:
		return readJSON(data)
	}
	var a knowledge.Article
	var notes []string
	var err error
	switch format {
	case HTMLPage:
		a, notes, err = htmlArticle(data, "")
	case Markdown:
		a, notes, err = markdownArticle(string(data))
	default:
		a, notes, err = textArticle(string(data))
	}
	if err != nil {
		return Result{}, err
	}
	if a.Published.IsZero() && len(notes) == 0 {
		a.Published = dateInName(name)
	}
	return Result{Articles: []Record{{Article: a, Notes: notes}}}, nil
}

// ParseFormat returns the Format a user names: "text" (or "txt"),
// "markdown" ("md"), "json", "jsonl" ("ndjson") or "html"; "" for "" or
// "auto". It returns an error wrapping ErrUnknownFormat for any other name.
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), ".")) {
	case "", "auto":
		return "", nil
	case "text", "txt":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	case "json":
		return JSON, nil
	case "jsonl", "ndjson", "json-lines":
		return JSONLines, nil
	case "html", "htm":
		return HTMLPage, nil
	}
	return "", fmt.Errorf("%w %q: want text, markdown, json, jsonl or html", ErrUnknownFormat, name)
}

var bom = []byte("\uFEFF")

// jsonFeed recognises a JSON Feed by its version field.
var jsonFeed = regexp.MustCompile(`"version"\s*:\s*"https?://jsonfeed\.org/`)

// Detect returns the format of a file from its name and the start of its
// content (any prefix of the file; 64 KiB is plenty). It returns
// ErrBinary for content that is plainly not text (a NUL byte, except in
// JSON Lines, whose lines are judged one by one), ErrFeed for a feed, and
// ErrUnknownFormat for document and media formats newsbot does not read.
func Detect(name string, head []byte) (Format, error) {
	if len(head) == 0 {
		return "", ErrEmpty
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "", fmt.Errorf("%w: UTF-16 text; save the file as UTF-8", ErrInvalidUTF8)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".jsonl" || ext == ".ndjson" {
		return JSONLines, nil
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		if ext != ".json" && looksJSONLines(bytes.TrimLeftFunc(bytes.TrimPrefix(head, bom), unicode.IsSpace)) {
			return JSONLines, nil
		}
		return "", fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	switch ext {
	case ".txt", ".text":
		return Text, nil
	case ".md", ".markdown":
		return Markdown, nil
	case ".html", ".htm", ".xhtml":
		return HTMLPage, nil
	case ".rss", ".atom":
		return "", ErrFeed
	case ".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".xls", ".xlsx", ".ods",
		".ppt", ".pptx", ".csv", ".tsv", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst",
		".tar", ".7z", ".rar", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
		".mp3", ".mp4", ".wav", ".mov", ".exe", ".bin", ".db", ".sqlite":
		return "", fmt.Errorf("%w %s: want .txt, .md, .json, .jsonl or .html", ErrUnknownFormat, ext)
	}
	trimmed := bytes.TrimLeftFunc(bytes.TrimPrefix(head, bom), unicode.IsSpace)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		return JSON, nil
	case len(trimmed) > 0 && trimmed[0] == '{':
		if jsonFeed.Match(trimmed[:min(len(trimmed), 512)]) {
			return "", ErrFeed
		}
		if ext != ".json" && looksJSONLines(trimmed) {
			return JSONLines, nil
		}
		if !json.Valid(trimmed) && looksJSONLines(trimmed) {
			return JSONLines, nil
		}
		return JSON, nil
	case ext == ".json":
		return JSON, nil
	case len(trimmed) > 0 && trimmed[0] == '<':
		lower := bytes.ToLower(trimmed[:min(len(trimmed), 2048)])
		if bytes.Contains(lower, []byte("<rss")) || bytes.Contains(lower, []byte("<feed")) || bytes.Contains(lower, []byte("<rdf:rdf")) {
			return "", ErrFeed
		}
		for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<div"} {
			if bytes.Contains(lower, []byte(tag)) {
				return HTMLPage, nil
			}
		}
	case bytes.HasPrefix(trimmed, []byte("---\n")) || bytes.HasPrefix(trimmed, []byte("---\r\n")) || bytes.HasPrefix(trimmed, []byte("# ")):
		return Markdown, nil
	}
	return Text, nil
}

// looksJSONLines reports whether data starts with a line that is a complete
// JSON object, as JSON Lines do and a pretty-printed object does not.
func looksJSONLines(data []byte) bool {
	line, rest, found := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimSpace(line)
	if !found || len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return false
	}
	rest = bytes.TrimLeftFunc(rest, unicode.IsSpace)
	return len(rest) == 0 || rest[0] == '{'
}

// checkText returns an error saying why data is not UTF-8 text.
func checkText(data []byte) error {
	if err := checkBinary(data); err != nil {
		return err
	}
	if !utf8.Valid(data) {
		off := invalidUTF8At(data)
		return fmt.Errorf("%w at byte %d (line %d)", ErrInvalidUTF8, off, bytes.Count(data[:off], []byte("\n"))+1)
	}
	if len(bytes.TrimFunc(bytes.TrimPrefix(data, bom), unicode.IsSpace)) == 0 {
		return fmt.Errorf("%w: only whitespace", ErrEmpty)
	}
	return nil
}

// checkBinary returns an error when data is empty or plainly not text: it
// holds NUL bytes or many control characters.
func checkBinary(data []byte) error {
	if len(data) == 0 {
		return ErrEmpty
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	head := data[:min(len(data), 8192)]
	controls := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1b {
			controls++
		}
	}
	if controls >= 4 && controls*10 > len(head) {
		return fmt.Errorf("%w: %d control bytes in the first %d", ErrBinary, controls, len(head))
	}
	return nil
}

// invalidUTF8At returns the offset of the first byte of data that is not
// valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// finish cleans every field of a parsed article and fills in what can be
// derived. It returns ErrNoText when the article has neither body nor key
// points.
func finish(a knowledge.Article) (knowledge.Article, error) {
	a.ID = singleLine(a.ID)
	a.URL = strings.TrimSpace(a.URL)
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return a, fmt.Errorf("url %q: want an http or https URL", truncate(a.URL, 80))
		}
	}
	a.Source = singleLine(a.Source)
	if isIPAddress(a.Source) {
		a.Source = ""
	}
	if a.Source == "" && a.URL != "" {
		a.Source = hostName(a.URL)
	}
	a.Author = cleanAuthor(a.Author)
	a.Body = cleanText(a.Body)
	points := a.KeyPoints[:0:0]
	for _, p := range a.KeyPoints {
		if p = singleLine(p); p != "" {
			points = append(points, p)
		}
	}
	a.KeyPoints = points
	if a.Body == "" && len(a.KeyPoints) == 0 {
		return a, ErrNoText
	}
	a.Title = singleLine(a.Title)
	if a.Title == "" {
		a.Title = deriveTitle(a)
	}
	return a, nil
}

// cleanText makes text safe to store: valid UTF-8, no control characters but
// newlines and tabs, Unix line ends, no trailing spaces on lines, at most one
// blank line in a row, and no surrounding whitespace.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	newlines := 0
	var spaces []byte // spaces and tabs held back until a non-space shows they are not trailing
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			newlines++
			spaces = spaces[:0]
			continue
		case r == ' ' || r == '\u00A0':
			spaces = append(spaces, ' ')
			continue
		case r == '\t':
			spaces = append(spaces, '\t')
			continue
		case unicode.IsControl(r) || knowledge.Invisible(r):
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n"[:min(newlines, 2)])
			b.Write(spaces)
		}
		newlines = 0
		spaces = spaces[:0]
		b.WriteRune(r)
	}
	return b.String()
}

// singleLine cleans s and joins its lines and runs of spaces into single spaces.
func singleLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// maxDerivedTitle is about how long a title taken from a body may be.
const maxDerivedTitle = 100

// deriveTitle makes a title for an article that has none: words of its URL's
// slug, else its first sentence, shortened.
func deriveTitle(a knowledge.Article) string {
	if t := slugTitle(a.URL); t != "" {
		return t
	}
	text := a.Body
	if len(a.KeyPoints) > 0 {
		text = a.KeyPoints[0]
	}
	if len(text) > 4096 {
		text = text[:4096]
	}
	first := text
	if spans := sentences.Split(text); len(spans) > 0 {
		first = text[spans[0].Start:spans[0].End]
	}
	return truncate(singleLine(first), maxDerivedTitle)
}

var slugWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// slugTitle turns the last meaningful path segment of a URL into words:
// ".../2025/04/23/witkoff-heads-to-russia.html" gives "Witkoff heads to russia".
func slugTitle(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return ""
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := len(segments) - 1; i >= 0; i-- {
		seg, err := url.PathUnescape(segments[i])
		if err != nil {
			seg = segments[i]
		}
		seg = strings.TrimSuffix(seg, filepath.Ext(seg))
		words := slugWord.FindAllString(seg, -1)
		lettered := 0
		for _, w := range words {
			if strings.IndexFunc(w, unicode.IsLetter) >= 0 && len(w) < 30 {
				lettered++
			}
		}
		if lettered < 2 {
			continue
		}
		t := []rune(strings.Join(words, " "))
		t[0] = unicode.ToUpper(t[0])
		return truncate(singleLine(string(t)), maxDerivedTitle)
	}
	return ""
}

// truncate shortens s to about n bytes at a word boundary, marking the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > n/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:-") + "…"
}

var nameDate = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])(?:[^0-9]|$)`)

// dateInName returns the YYYY-MM-DD date in a file name, or the zero time.
func dateInName(name string) time.Time {
	m := nameDate.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return time.Time{}
	}
	return t
}

// FormatSize formats a size in bytes for people: "50.0 MiB", "10 MiB", "512 bytes".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
