package parse

import (
	"strings"
	"unicode/utf8"

	"newsbot/knowledge"
	"newsbot/knowledge/sentences"
)

// Limits of what reads as a title line.
const (
	maxTitleRunes = 150 // longer first lines are body
	maxTitleWords = 25
)

// textArticle reads the plain text format. The first non-empty line is the
// title when it looks like one (see titleLine); bullet lines after it ("- ")
// are key points, the rest is the body. Otherwise every line is body and
// the title is derived from it, so a file of one line is one article.
// Byline, "Published …" and date lines at the top of the body give the
// author and date and are not body; neither are headings inside it.
func textArticle(text string) (knowledge.Article, []string, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := skipBlank(lines, 0)
	var a knowledge.Article
	if i < len(lines) && titleLine(lines, i) {
		a.Title = lines[i]
		i++
		a.KeyPoints, i = bullets(lines, i, stripBullet)
	}
	meta := takeMetaLines(lines[i:])
	a.Author, a.Published = meta.author, meta.published
	a.Body = strings.Join(dropHeadings(meta.rest), "\n")
	a, err := finish(a)
	return a, meta.notes, err
}

// titleLine reports whether lines[i], the first non-empty line, reads as a
// title: other text follows it, it is short, one sentence at most, and it
// either has no sentence-ending punctuation or a blank line after it.
func titleLine(lines []string, i int) bool {
	line := strings.TrimSpace(lines[i])
	if skipBlank(lines, i+1) >= len(lines) {
		return false // the only line: the article's text
	}
	if utf8.RuneCountInString(line) > maxTitleRunes || len(strings.Fields(line)) > maxTitleWords {
		return false
	}
	if _, ok := stripBullet(line); ok {
		return false
	}
	if len(sentences.Split(line)) > 1 {
		return false
	}
	blankAfter := i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == ""
	return !endsSentence(line) || blankAfter
}

// endsSentence reports whether a line ends as a sentence does.
func endsSentence(line string) bool {
	line = strings.TrimRight(strings.TrimSpace(line), `"'”’»)]`)
	return strings.HasSuffix(line, ".") || strings.HasSuffix(line, "!") || strings.HasSuffix(line, "?") || strings.HasSuffix(line, "…")
}

// dropHeadings leaves out the lines of a body that are headings: a short
// line without sentence-ending punctuation, standing alone between blank
// lines, with body text after it. A heading groups sentences; it is not one.
func dropHeadings(lines []string) []string {
	out := lines[:0:0]
	for i, line := range lines {
		if isHeadingLine(lines, i) {
			out = append(out, "")
			continue
		}
		out = append(out, line)
	}
	return out
}

// maxHeadingWords is the most words a heading line has.
const maxHeadingWords = 8

func isHeadingLine(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if t == "" || endsSentence(t) || len(strings.Fields(t)) > maxHeadingWords || strings.HasSuffix(t, ":") {
		return false
	}
	if _, ok := stripBullet(t); ok {
		return false
	}
	before := i == 0 || strings.TrimSpace(lines[i-1]) == ""
	after := i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == ""
	return before && after && skipBlank(lines, i+1) < len(lines)
}

// bullets collects the bullet lines from lines[i] on, across blank lines,
// and returns them with the index of the first line after them; reduce turns
// a bullet line into its text, returning false for a line that is not one.
func bullets(lines []string, i int, reduce func(string) (string, bool)) ([]string, int) {
	var points []string
	for j := skipBlank(lines, i); j < len(lines); j = skipBlank(lines, j+1) {
		p, ok := reduce(lines[j])
		if !ok {
			break
		}
		points = append(points, p)
		i = j + 1
	}
	return points, i
}

// stripBullet returns the text of a bullet line ("- ", "* " or "• ").
func stripBullet(line string) (string, bool) {
	t := strings.TrimLeft(line, " \t")
	for _, marker := range []string{"- ", "* ", "• ", "-\t", "*\t"} {
		if rest, ok := strings.CutPrefix(t, marker); ok {
			return rest, true
		}
	}
	return "", false
}

func skipBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}
