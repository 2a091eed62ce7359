package parse

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"newsbot/knowledge"
)

// jsonArticle is an article as JSON and JSON Lines files give it; other
// fields are ignored.
type jsonArticle struct {
	ID        json.RawMessage `json:"id"`
	Title     string          `json:"title"`
	URL       string          `json:"url"`
	Source    string          `json:"source"`
	Publisher json.RawMessage `json:"publisher"`
	Author    json.RawMessage `json:"author"`
	Byline    string          `json:"byline"`
	Published string          `json:"published"`
	Date      string          `json:"date"`
	Body      string          `json:"body"`
	Text      string          `json:"text"`
	KeyPoints []string        `json:"key_points"`
}

// decodeArticle reads one JSON object as an article, with notes on what
// was left out (a date that cannot be read). Its error says which field
// was wrong.
func decodeArticle(raw []byte) (knowledge.Article, []string, error) {
	var ja jsonArticle
	if err := json.Unmarshal(raw, &ja); err != nil {
		return knowledge.Article{}, nil, jsonError(raw, err)
	}
	id, err := jsonID(ja.ID)
	if err != nil {
		return knowledge.Article{}, nil, err
	}
	a := knowledge.Article{
		ID:        id,
		Title:     ja.Title,
		URL:       ja.URL,
		Source:    ja.Source,
		Author:    cmp.Or(jsonNames(ja.Author), ja.Byline),
		KeyPoints: ja.KeyPoints,
		Body:      ja.Body,
	}
	var notes []string
	field, date := "published", ja.Published
	if strings.TrimSpace(date) == "" {
		field, date = "date", ja.Date
	}
	if p, note := readDate("field \""+field+"\"", date); note != "" {
		notes = append(notes, note)
	} else {
		a.Published = p
	}
	if singleLine(a.Body) == "" {
		a.Body = ja.Text
	}
	if singleLine(a.Source) == "" {
		a.Source = jsonNames(ja.Publisher)
	}
	a, err = finish(a)
	return a, notes, err
}

// jsonNames reads a name given as a string, an object with a "name", or an
// array of either (joined with ", "), as schema.org authors and publishers
// are; anything else is no name.
func jsonNames(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var named struct {
		Name string `json:"name"`
	}
	if raw[0] == '{' && json.Unmarshal(raw, &named) == nil {
		return named.Name
	}
	var list []json.RawMessage
	if raw[0] == '[' && json.Unmarshal(raw, &list) == nil {
		var names []string
		for _, item := range list[:min(len(list), 10)] {
			if item = bytes.TrimSpace(item); len(item) > 0 && item[0] != '[' {
				if n := jsonNames(item); n != "" {
					names = append(names, n)
				}
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// jsonID reads an id given as a string or a number.
func jsonID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("field \"id\": %w", err)
		}
		return s, nil
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), nil
	}
	return "", errors.New(`field "id": want a string or a number`)
}

// jsonError words a decoding error for a person: where the JSON is broken,
// or which field has the wrong type.
func jsonError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) && bytes.Contains(data, []byte("\n")):
		return fmt.Errorf("malformed JSON at line %d: %v", lineAt(data, int(syntax.Offset)), err)
	case errors.As(err, &syntax):
		return fmt.Errorf("malformed JSON: %v", err)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("got a JSON %s, want an object", typ.Value)
	case errors.As(err, &typ):
		want := typ.Type.String()
		if want == "[]string" {
			want = "an array of strings"
		}
		return fmt.Errorf("field %q: got a JSON %s, want %s", typ.Field, typ.Value, want)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: unexpected end")
	}
	return fmt.Errorf("malformed JSON: %w", err)
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// readJSON reads a JSON file: one article object, or an array of them.
func readJSON(data []byte) (Result, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		if len(trimmed) == 0 || trimmed[0] != '{' {
			return Result{}, errors.New("malformed JSON: want an object or an array of objects")
		}
		a, notes, err := decodeArticle(data)
		if err != nil {
			return Result{}, err
		}
		return Result{Articles: []Record{{Article: a, Notes: notes}}}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return Result{}, jsonError(data, err)
	}
	var res Result
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return Result{}, jsonError(data, err)
		}
		end := int(dec.InputOffset())
		line := lineAt(data, end-len(raw))
		if raw[0] != '{' {
			res.Rejected = append(res.Rejected, &LineError{Line: line, Err: errors.New("want a JSON object")})
			continue
		}
		a, notes, err := decodeArticle(raw)
		if err != nil {
			res.Rejected = append(res.Rejected, &LineError{Line: line, Err: err})
			continue
		}
		res.Articles = append(res.Articles, Record{Article: a, Line: line, Notes: notes})
	}
	if _, err := dec.Token(); err != nil {
		return Result{}, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Result{}, fmt.Errorf("malformed JSON at line %d: data after the array", lineAt(data, int(dec.InputOffset())))
	}
	if len(res.Articles)+len(res.Rejected) == 0 {
		return Result{}, fmt.Errorf("%w: the JSON array is empty", ErrEmpty)
	}
	return res, nil
}

// readLines reads a JSON Lines file held in memory.
func readLines(r io.Reader) (Result, error) {
	var res Result
	for rec, err := range Lines(r) {
		var lineErr *LineError
		switch {
		case errors.As(err, &lineErr):
			res.Rejected = append(res.Rejected, lineErr)
		case err != nil:
			return Result{}, err
		default:
			res.Articles = append(res.Articles, rec)
		}
	}
	return res, nil
}

// Lines reads JSON Lines articles from r one line at a time, so a file of any
// size is read in memory bounded by its longest line.
//
// It yields each article with its line number, or a *LineError for a line
// that is rejected (malformed JSON, a bad field, invalid UTF-8, NUL bytes, no
// body or text, longer than MaxFileSize). Any other error ends the sequence:
// a failed read, or ErrEmpty when r holds no line with content.
func Lines(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		var buf []byte
		line, content := 0, false
		for {
			var tooLong bool
			var err error
			buf, tooLong, err = readLine(br, buf[:0], int(MaxFileSize))
			if err != nil && err != io.EOF {
				yield(Record{}, fmt.Errorf("read line %d: %w", line+1, err))
				return
			}
			if err == io.EOF && len(buf) == 0 && !tooLong {
				break
			}
			line++
			text := bytes.TrimSpace(buf)
			if line == 1 {
				text = bytes.TrimPrefix(text, bom)
			}
			if len(text) > 0 || tooLong {
				content = true
				rec, lineErr := decodeLine(text, tooLong)
				rec.Line = line
				if lineErr != nil {
					lineErr.Line = line
					if !yield(Record{}, lineErr) {
						return
					}
				} else if !yield(rec, nil) {
					return
				}
			}
			if err == io.EOF {
				break
			}
		}
		if !content {
			yield(Record{}, ErrEmpty)
		}
	}
}

// decodeLine reads one line of JSON Lines as an article.
func decodeLine(text []byte, tooLong bool) (Record, *LineError) {
	var err error
	switch {
	case tooLong:
		err = fmt.Errorf("%w: line longer than the %s limit", ErrTooLarge, FormatSize(MaxFileSize))
	case bytes.IndexByte(text, 0) >= 0:
		err = fmt.Errorf("%w: NUL byte at offset %d of the line", ErrBinary, bytes.IndexByte(text, 0))
	case !utf8.Valid(text):
		err = fmt.Errorf("%w at byte %d of the line", ErrInvalidUTF8, invalidUTF8At(text))
	case text[0] != '{':
		err = errors.New("malformed JSON: want an object on each line")
	default:
		var a knowledge.Article
		var notes []string
		a, notes, err = decodeArticle(text)
		if err == nil {
			return Record{Article: a, Notes: notes}, nil
		}
	}
	return Record{}, &LineError{Err: err}
}

// readLine reads one line from br into buf without its line end. A line
// longer than limit is read to its end but not kept: tooLong is set.
func readLine(br *bufio.Reader, buf []byte, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > limit+2 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), tooLong, nil
		default:
			return buf, tooLong, err
		}
	}
}
