package parse

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// metaLines is what the top of a body says about the article rather than
// its news: a byline's author, a dateline's date.
type metaLines struct {
	rest      []string // the body without those lines
	author    string
	published time.Time
	notes     []string
}

// metaLineSpan is how many non-empty lines at the top of a body may be
// bylines and datelines.
const metaLineSpan = 4

var (
	bylineLine    = regexp.MustCompile(`(?i)^(?:written\s+)?by\s+(.+)$`)
	publishedLine = regexp.MustCompile(`(?i)^(?:first\s+)?(?:published|posted|updated|last\s+updated|date)(?:\s+on)?\s*:?\s*(.+)$`)
)

// takeMetaLines takes bylines ("By Jane Rivera", "By Sam Okafor · 7 March
// 2026"), "Published …" lines and lines that are only a date from the top
// of a body. The first date read is the published date; a date that cannot
// be read is a note.
func takeMetaLines(lines []string) metaLines {
	m := metaLines{}
	seen := 0
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			if seen > 0 || len(m.rest) > 0 {
				m.rest = append(m.rest, line)
			}
			continue
		}
		if seen >= metaLineSpan {
			m.rest = append(m.rest, lines[i:]...)
			break
		}
		seen++
		author, date, ok := metaLine(t)
		if !ok {
			m.rest = append(m.rest, line)
			continue
		}
		if author != "" && m.author == "" {
			m.author = author
		}
		if date != "" && m.published.IsZero() {
			p, note := readDate("date line", date)
			m.published = p
			if note != "" {
				m.notes = append(m.notes, note)
			}
		}
	}
	return m
}

// metaLine reads a byline or dateline: the author and the date text it
// holds, and whether it is one.
func metaLine(t string) (author, date string, ok bool) {
	if len(t) > 120 {
		return "", "", false
	}
	if m := bylineLine.FindStringSubmatch(t); m != nil {
		author, date = splitByline(m[1])
		if author == "" || !namesOnly(author) {
			return "", "", false
		}
		return author, date, true
	}
	if m := publishedLine.FindStringSubmatch(t); m != nil {
		if d := anyDate.FindString(m[1]); d != "" && strings.Index(m[1], d) <= 1 {
			return "", strings.TrimRight(m[1], " ."), true
		}
		return "", "", false
	}
	if d := anyDate.FindString(t); d != "" && len(d) >= len(strings.TrimRight(t, " ."))-24 && strings.HasPrefix(t, d) {
		if _, err := ParseDate(strings.TrimRight(t, " .")); err == nil || errors.Is(err, ErrAmbiguousDate) {
			return "", strings.TrimRight(t, " ."), true
		}
	}
	return "", "", false
}

// splitByline parts a byline's text after "By" into the author and any date
// it carries: "Sam Okafor · 7 March 2026", "a staff reporter, Veldmark, 14
// March 2031".
func splitByline(s string) (author, date string) {
	if loc := anyDate.FindStringIndex(s); loc != nil {
		date = strings.TrimSpace(s[loc[0]:])
		s = s[:loc[0]]
	}
	for _, sep := range []string{" · ", " | ", " • ", " — ", " – ", " - "} {
		if before, _, ok := strings.Cut(s, sep); ok {
			s = before
		}
	}
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ",;:·|•—–-"))
	return s, date
}

// namesOnly reports whether s reads as people's names rather than the start
// of a sentence ("By the end of May, …"): a few words, most capitalised.
func namesOnly(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 10 || endsSentence(s) && !strings.HasSuffix(s, ".") {
		return false
	}
	lower := map[string]bool{"a": true, "and": true, "staff": true, "reporter": true, "correspondent": true, "our": true,
		"de": true, "van": true, "von": true, "der": true, "la": true, "da": true, "del": true, "bin": true, "al": true, "&": true, "in": true}
	capital := 0
	for _, w := range words {
		r := []rune(strings.Trim(w, ",.'’"))
		switch {
		case len(r) == 0:
		case unicode.IsUpper(r[0]):
			capital++
		case !lower[strings.ToLower(string(r))]:
			return false
		}
	}
	return capital > 0 || strings.Contains(strings.ToLower(s), "staff") || strings.Contains(strings.ToLower(s), "reporter")
}

// readDate reads the date a field gives; what cannot be read becomes a note
// saying why the article has no date.
func readDate(field, s string) (time.Time, string) {
	t, err := ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%s: %v; loaded without a date", field, err)
	}
	if !t.IsZero() && !plausible(t) {
		return time.Time{}, fmt.Sprintf("%s %s is not a plausible publication date; loaded without a date", field, t.Format(time.DateOnly))
	}
	return t, ""
}

// cleanAuthor makes a byline an author: "By Jane Rivera" is "Jane Rivera";
// a URL or an e-mail address alone is no author.
func cleanAuthor(s string) string {
	s = singleLine(s)
	if m := bylineLine.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	s, _ = splitByline(s)
	if strings.Contains(s, "://") || strings.HasPrefix(s, "www.") || (strings.Contains(s, "@") && !strings.Contains(s, " ")) {
		return ""
	}
	return truncate(s, 120)
}

// isIPAddress reports whether host is an IP address, which names a machine
// and not a publisher.
func isIPAddress(host string) bool {
	return net.ParseIP(strings.Trim(host, "[]")) != nil
}
