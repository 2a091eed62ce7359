package parse

import (
	"strings"

	"newsbot/knowledge"
)

// maxTitleLine is the longest first line read as a title; a longer one is
// the start of the body.
const maxTitleLine = 300

// textArticle reads the plain text format: the first non-empty line is the
// title, the bullet lines after it ("- ") are key points, the rest is the body.
func textArticle(text, source string) (knowledge.Article, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := skipBlank(lines, 0)
	a := knowledge.Article{Source: source}
	if i < len(lines) && len(strings.TrimSpace(lines[i])) <= maxTitleLine {
		a.Title = lines[i]
		i++
		a.KeyPoints, i = bullets(lines, i, stripBullet)
	}
	a.Body = strings.Join(lines[i:], "\n")
	return finish(a)
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
