package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds on what Render shows, so an extract's reply fits one Discord
// message.
const (
	// maxReplyRunes is the longest extract reply, rendered: one Discord
	// message.
	maxReplyRunes = 2000
	// maxQuoteRunes bounds a quoted sentence; a longer one is cut at a
	// word and ends with "…".
	maxQuoteRunes = 400
	// maxNameRunes bounds an article's title or source; maxURLRunes its
	// link, which is left out when longer.
	maxNameRunes = 150
	maxURLRunes  = 300
)

// Render formats an answer for people, on a terminal or in Discord: the
// answer text with its markers, then one line per source:
//
//	[1] “exact sentence” — Title, Source, 2025-04-23 <https://…>
//
// A no-answer lists its sources as the closest sentences. Quotes, titles
// and sources are cut to a bound, and an overlong link is left out. Control characters
// are left out, so article text can't drive a terminal, and so are
// bidirectional controls, so it can't make a quote read other than it is.
func Render(a Answer) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(printable(a.Text)))
	if len(a.Citations) > 0 {
		if a.Mode == ModeNoAnswer {
			b.WriteString("\n\nClosest sentences:")
		} else {
			b.WriteString("\n\nSources:")
		}
		for _, c := range a.Citations {
			fmt.Fprintf(&b, "\n[%d] “%s” — %s", c.Marker, quote(printable(c.Text)), describe(c))
		}
	}
	return b.String()
}

// describe names a citation's article: title, source, date and link.
func describe(c Citation) string {
	title := cut(oneLine(printable(c.Title)), maxNameRunes)
	if title == "" {
		title = "Untitled"
	}
	parts := []string{title}
	if s := cut(oneLine(printable(c.Source)), maxNameRunes); s != "" {
		parts = append(parts, s)
	}
	if !c.Published.IsZero() {
		parts = append(parts, c.Published.UTC().Format(time.DateOnly))
	}
	out := strings.Join(parts, ", ")
	if u := oneLine(printable(c.URL)); u != "" && !strings.ContainsAny(u, "<> ") && utf8.RuneCountInString(u) <= maxURLRunes {
		out += " <" + u + ">"
	}
	return out
}

// printable drops control characters other than line breaks and tabs, and
// the bidirectional controls that reorder text on screen.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Bidi_Control, r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			return -1
		}
		return r
	}, s)
}

// quote returns a sentence as an answer quotes it: on one line, cut to
// maxQuoteRunes (see cut).
func quote(s string) string { return cut(oneLine(s), maxQuoteRunes) }

// cut returns s when it has at most n runes, and otherwise its beginning,
// ended at a word and followed by "…", in at most n runes. A word longer
// than half of n is itself cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	end, runes := 0, 0
	for i := range s {
		if runes == n-1 {
			end = i
			break
		}
		runes++
	}
	head := s[:end]
	next, _ := utf8.DecodeRuneInString(s[end:])
	if i := strings.LastIndexFunc(head, unicode.IsSpace); !unicode.IsSpace(next) && i >= 0 && utf8.RuneCountInString(head[:i]) >= n/2 {
		head = head[:i]
	}
	return strings.TrimRightFunc(head, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r) }) + "…"
}

// oneLine collapses white space, line breaks included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
