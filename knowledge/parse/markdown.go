package parse

import (
	"cmp"
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
)

// markdownArticle reads Markdown: optional front matter (title, url, source,
// author, published, id, key_points), else the title from the first "# "
// heading; bullets right after the title are key points; the body is the
// rest with Markdown syntax reduced to plain text, without its headings and
// without the bylines and date lines at its top (which give the author and
// date). A date that cannot be read is left out, and a note says why. Front
// matter opened with "---" and never closed is an error.
func markdownArticle(text string) (knowledge.Article, []string, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	fm, body, err := frontMatter(text)
	if err != nil {
		return knowledge.Article{}, nil, err
	}
	a := knowledge.Article{
		ID:     fm.get("id"),
		Title:  inline(fm.get("title")),
		URL:    fm.get("url", "link"),
		Source: fm.get("source", "publisher", "site"),
		Author: fm.get("author", "byline", "by"),
	}
	var notes []string
	if d := fm.get("published", "date"); d != "" {
		var note string
		a.Published, note = readDate("front matter published", d)
		if note != "" {
			notes = append(notes, note)
		}
	}

	lines := strings.Split(body, "\n")
	h, next := titleHeading(lines)
	switch {
	case h >= 0 && (a.Title == "" || a.Title == inline(headingText(lines[h]))):
		a.Title = inline(headingText(lines[h]))
		points, end := bullets(lines, next, markdownBullet)
		a.KeyPoints = points
		lines = append(lines[:h:h], lines[end:]...)
	case a.Title != "":
		a.KeyPoints, next = bullets(lines, 0, markdownBullet)
		lines = lines[next:]
	}
	if points := fm.list["key_points"]; len(points) > 0 {
		a.KeyPoints = a.KeyPoints[:0]
		for _, p := range points {
			a.KeyPoints = append(a.KeyPoints, inline(p))
		}
	}
	meta := takeMetaLines(strings.Split(reduceMarkdown(lines), "\n"))
	a.Author = cmp.Or(a.Author, meta.author)
	if a.Published.IsZero() && len(notes) == 0 {
		a.Published = meta.published
		notes = append(notes, meta.notes...)
	}
	a.Body = strings.Join(meta.rest, "\n")
	a, err = finish(a)
	return a, notes, err
}

// frontMatterFields are the "key: value" lines of front matter; list holds
// keys given as "- item" lines.
type frontMatterFields struct {
	value map[string]string
	list  map[string][]string
}

// get returns the first of keys that has a value.
func (f frontMatterFields) get(keys ...string) string {
	for _, k := range keys {
		if v := f.value[k]; v != "" {
			return v
		}
	}
	return ""
}

// frontMatter splits text into its front matter (between "---" lines at the
// very start) and the rest. Text that does not start with "---" is all rest;
// front matter that is never closed is an error.
func frontMatter(text string) (frontMatterFields, string, error) {
	f := frontMatterFields{value: map[string]string{}, list: map[string][]string{}}
	rest := strings.TrimLeft(text, " \t\n")
	first, rest, ok := strings.Cut(rest, "\n")
	if strings.TrimSpace(first) != "---" {
		return f, text, nil
	}
	if !ok {
		return f, "", errors.New("front matter opened with --- on line 1 is never closed with ---")
	}
	block, after, found := "", "", false
	for off := 0; off <= len(rest); {
		line, _, _ := strings.Cut(rest[off:], "\n")
		if t := strings.TrimSpace(line); t == "---" || t == "..." {
			block, after, found = rest[:off], rest[min(off+len(line)+1, len(rest)):], true
			break
		}
		off += len(line) + 1
	}
	if !found {
		return f, "", errors.New("front matter opened with --- on line 1 is never closed with ---")
	}
	key := ""
	for _, line := range strings.Split(block, "\n") {
		t := strings.TrimSpace(line)
		if item, ok := strings.CutPrefix(t, "- "); ok && key != "" && line != t {
			f.list[key] = append(f.list[key], unquote(item))
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok || strings.HasPrefix(t, "#") {
			key = ""
			continue
		}
		key = strings.ToLower(strings.TrimSpace(k))
		f.value[key] = unquote(v)
	}
	return f, after, nil
}

// unquote trims a front matter value and the quotes around it.
func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
	}
	return strings.TrimSpace(v)
}

// titleHeading finds the first level-one heading outside code blocks, ATX
// ("# Title") or setext ("Title" over "==="). It returns its line index and
// the index of the line after it, or -1.
func titleHeading(lines []string) (int, int) {
	inFence := false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if isFence(t) {
			inFence = !inFence
			continue
		}
		if inFence || t == "" {
			continue
		}
		if strings.HasPrefix(t, "# ") || t == "#" {
			return i, i + 1
		}
		if i+1 < len(lines) && isUnderline(strings.TrimSpace(lines[i+1]), '=') {
			return i, i + 2
		}
	}
	return -1, 0
}

// headingText returns the text of an ATX heading line, or the line itself.
func headingText(line string) string {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "#") {
		return t
	}
	t = strings.TrimLeft(t, "#")
	t = strings.TrimSpace(t)
	if trimmed := strings.TrimRight(t, "#"); trimmed != t && (trimmed == "" || strings.HasSuffix(trimmed, " ")) {
		t = strings.TrimSpace(trimmed)
	}
	return t
}

func isATXHeading(t string) bool {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(t) || t[n] == ' ' || t[n] == '\t')
}

func isFence(t string) bool { return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") }

// isUnderline reports whether t is a setext heading underline of c.
func isUnderline(t string, c byte) bool {
	if len(t) < 2 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c {
			return false
		}
	}
	return true
}

var (
	ruleLine      = regexp.MustCompile(`^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	referenceLine = regexp.MustCompile(`^\[[^\]]+\]:\s*\S+`)
	tableRule     = regexp.MustCompile(`^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$`)
)

// markdownBullet returns the reduced text of a list item line.
func markdownBullet(line string) (string, bool) {
	t := strings.TrimLeft(line, " \t")
	if ruleLine.MatchString(strings.TrimSpace(t)) {
		return "", false
	}
	for _, marker := range []string{"- ", "* ", "+ ", "• "} {
		if rest, ok := strings.CutPrefix(t, marker); ok {
			return inline(rest), true
		}
	}
	return "", false
}

// reduceMarkdown turns Markdown lines into plain text: headings left out,
// links and emphasis reduced to their text, images, rules and
// link definitions dropped, code kept as text.
func reduceMarkdown(lines []string) string {
	out := make([]string, 0, len(lines))
	inFence := false
	for _, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case isFence(t):
			inFence = !inFence
			out = append(out, "")
		case inFence:
			out = append(out, line)
		case t == "":
			out = append(out, "")
		case isATXHeading(t):
			// A heading groups sentences; it is not one.
			out = append(out, "")
		case (isUnderline(t, '=') || isUnderline(t, '-')) && len(out) > 0 && out[len(out)-1] != "":
			out = append(out[:len(out)-1], "", "")
		case ruleLine.MatchString(t), referenceLine.MatchString(t), tableRule.MatchString(t) && strings.Contains(t, "|"):
			out = append(out, "")
		default:
			for strings.HasPrefix(t, ">") {
				t = strings.TrimSpace(t[1:])
			}
			if p, ok := markdownBullet(t); ok {
				t = "- " + p
			} else {
				t = strings.TrimSpace(inline(t))
			}
			if strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1 {
				t = strings.TrimSpace(t[1 : len(t)-1])
			}
			out = append(out, t)
		}
	}
	return strings.Join(out, "\n")
}

var (
	mdImage    = regexp.MustCompile(` ?!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutoLink = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdCode     = regexp.MustCompile("`+")
	htmlTag    = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>`)
)

// inline reduces inline Markdown in one line to its text.
func inline(s string) string {
	if !strings.ContainsAny(s, "[]<>`*_~\\!") {
		return s
	}
	s = mdImage.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = mdCode.ReplaceAllString(s, "")
	return stripEmphasis(s)
}

// escapable are the characters a backslash escapes in Markdown.
const escapable = "\\`*_{}[]()#+-.!>~|<\"'"

// stripEmphasis removes runs of *, _ and ~ that open or close emphasis, and
// the backslashes of escaped punctuation. A run inside a word ("snake_case")
// or between spaces ("2 * 3") is text and stays.
func stripEmphasis(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := ' '
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte(escapable, s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			prev = rune(s[i+1])
			i += 2
			continue
		}
		if c == '*' || c == '_' || c == '~' {
			j := i
			for j < len(s) && s[j] == c {
				j++
			}
			next := ' '
			if j < len(s) {
				next, _ = utf8.DecodeRuneInString(s[j:])
			}
			left := !unicode.IsSpace(next) && (unicode.IsSpace(prev) || unicode.IsPunct(prev))
			right := !unicode.IsSpace(prev) && (unicode.IsSpace(next) || unicode.IsPunct(next))
			if (left || right) && (j-i <= 3) && !(c == '~' && j-i != 2) {
				i = j
				continue
			}
			b.WriteString(s[i:j])
			prev = rune(c)
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+n])
		prev = r
		i += n
	}
	return b.String()
}
