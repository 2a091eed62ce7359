package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Render formats an answer for people, on a terminal or in Discord: the
// answer text with its markers, then one line per source:
//
//	[1] “exact sentence” — Title, Source, 2025-04-23 <https://…>
//
// A no-answer lists its sources as the closest sentences. Control characters
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
			fmt.Fprintf(&b, "\n[%d] “%s” — %s", c.Marker, oneLine(printable(c.Text)), describe(c))
		}
	}
	return b.String()
}

// describe names a citation's article: title, source, date and link.
func describe(c Citation) string {
	title := oneLine(printable(c.Title))
	if title == "" {
		title = "Untitled"
	}
	parts := []string{title}
	if s := oneLine(printable(c.Source)); s != "" {
		parts = append(parts, s)
	}
	if !c.Published.IsZero() {
		parts = append(parts, c.Published.UTC().Format(time.DateOnly))
	}
	out := strings.Join(parts, ", ")
	if u := oneLine(printable(c.URL)); u != "" && !strings.ContainsAny(u, "<> ") {
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
