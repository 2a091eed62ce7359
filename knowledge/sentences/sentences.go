// Package sentences splits news text into sentences.
//
// It is built for the text newsbot stores: article bodies and key points with
// abbreviations (U.S., Gen., Jan., a.m.), initials, decimals and money, quotes
// that close a sentence, ellipses, bullet lines, and headings or datelines
// without a full stop. Splitting is a single linear pass that allocates only
// the result, so it keeps up with bulk loads.
package sentences

import (
	"unicode"
	"unicode/utf8"
)

// Span is one sentence of a text: the bytes text[Start:End].
type Span struct{ Start, End int }

// Split returns the sentences of text as byte offsets, in order.
//
// Each text[Start:End] is one sentence with no leading or trailing
// whitespace; spans do not overlap, and every byte outside them is whitespace
// (as unicode.IsSpace defines it), so the sentences cover the text in order.
// Split never fails: text without sentence ends is one sentence, and
// whitespace-only text has none.
func Split(text string) []Span {
	s := splitter{text: text}
	s.run()
	return s.spans
}

// Strings returns the sentences of text as strings, in order; see Split.
func Strings(text string) []string {
	spans := Split(text)
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = text[sp.Start:sp.End]
	}
	return out
}

// interesting marks the bytes at which the splitter has to look closer:
// terminal punctuation, line breaks and the first byte of "…" (U+2026).
var interesting = [256]bool{'.': true, '!': true, '?': true, '\n': true, 0xE2: true}

type splitter struct {
	text  string
	spans []Span
	start int // first byte of the current sentence
	line  int // first byte of the current line
}

func (s *splitter) run() {
	text := s.text
	s.spans = make([]Span, 0, len(text)/100+1)
	s.skipTo(0)
	for i := s.start; i < len(text); {
		if !interesting[text[i]] {
			i++
			continue
		}
		switch text[i] {
		case '\n':
			if s.newlineEnds(i) {
				s.emit(i)
				s.line = i + 1
				s.skipTo(i + 1)
				i = s.start
				continue
			}
			s.line = i + 1
			i++
		case 0xE2:
			if !hasEllipsis(text, i) {
				i++
				continue
			}
			fallthrough
		default:
			end, ok := s.terminal(i)
			if ok {
				s.emit(end)
				s.skipTo(end)
				i = s.start
				continue
			}
			i = end
		}
	}
	if s.start < len(text) {
		s.emit(len(text))
	}
}

// emit ends the current sentence at end, dropping trailing whitespace.
func (s *splitter) emit(end int) {
	for end > s.start {
		r, n := utf8.DecodeLastRuneInString(s.text[s.start:end])
		if !isSpaceRune(r, n) {
			break
		}
		end -= n
	}
	if end > s.start {
		s.spans = append(s.spans, Span{s.start, end})
	}
}

// skipTo starts the next sentence at the first non-space byte from i,
// keeping track of the line it is on.
func (s *splitter) skipTo(i int) {
	text := s.text
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			if c == '\n' {
				s.line = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isSpaceRune(r, n) {
			break
		}
		i += n
	}
	s.start = i
}

// terminal looks at the punctuation starting at i ('.', '!', '?' or '…').
// It returns the offset just past the punctuation and any closing quotes or
// brackets, and whether a sentence ends there.
func (s *splitter) terminal(i int) (end int, ok bool) {
	text := s.text
	j := i
	single := true // one full stop, the only ambiguous case
	for j < len(text) {
		switch {
		case text[j] == '.':
			j++
		case text[j] == '!' || text[j] == '?':
			single = false
			j++
		case hasEllipsis(text, j):
			single = false
			j += 3
		default:
			goto closers
		}
	}
closers:
	if j-i > 1 {
		single = false
	}
	closed := false
	for j < len(text) {
		n := closerLen(text, j)
		if n == 0 {
			break
		}
		closed = true
		j += n
	}
	if j == len(text) {
		return j, true
	}
	if !spaceAt(text, j) {
		// "3.5", "U.S.-led", "example.com", "Yahoo!'s": inside a word.
		return j, false
	}
	next := nextToken(text, j)
	if next == len(text) {
		return j, true
	}
	if !startsSentence(text, next) {
		return j, false
	}
	if !single || closed {
		return j, true
	}
	word := wordBefore(text, i)
	if isListNumber(text, word, s.line) {
		return j, false
	}
	return j, !abbreviation(text[word:i], text, next)
}

// newlineEnds reports whether the line break at nl ends the current sentence.
func (s *splitter) newlineEnds(nl int) bool {
	text := s.text
	next := nl + 1
	for next < len(text) && (text[next] == ' ' || text[next] == '\t' || text[next] == '\r') {
		next++
	}
	if next == len(text) || text[next] == '\n' {
		return true // a blank line, or the end of the text
	}
	if bulletAt(text, next) || text[next] == '#' {
		return true
	}
	if startsLower(text, next) {
		return false // the sentence goes on after a wrapped line
	}
	first := nextToken(text[:nl], s.line) // the line's first non-space byte
	if first == nl {
		return false
	}
	if bulletAt(text, first) || text[first] == '#' {
		return true
	}
	line := trimSpace(text[max(first, s.start):nl])
	if last, ok := endsTerminal(line); ok {
		word := wordBefore(line, last)
		return !neverEnds(line[word:last])
	}
	// A heading is a line of its own: the sentence began at its start.
	return first == s.start && isHeading(line)
}

// isHeading reports whether a line that begins a sentence and breaks without
// terminal punctuation reads as a heading: short, and not cut off in the
// middle of a clause (a dateline "WASHINGTON (Reuters) -" ends in a dash).
func isHeading(line string) bool {
	if len(line) > 160 {
		return false
	}
	last := line[len(line)-1]
	switch last {
	case ',', ';', ':', '-', '(', '/', '&':
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	if r == '–' || r == '—' {
		return false
	}
	words := 0
	lastWord := 0
	inWord := false
	for k := 0; k < len(line); k++ {
		sp := line[k] == ' ' || line[k] == '\t'
		if !sp && !inWord {
			words++
			lastWord = k
		}
		inWord = !sp
	}
	if words > 16 {
		return false
	}
	return !connectors[line[lastWord:]]
}

// connectors are words a heading does not end with but a wrapped line of
// prose often does.
var connectors = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true,
	"of": true, "to": true, "in": true, "on": true, "at": true, "for": true,
	"with": true, "by": true, "from": true, "as": true, "that": true,
	"which": true, "who": true, "is": true, "are": true, "was": true,
	"were": true, "be": true, "has": true, "have": true, "had": true,
	"will": true, "would": true, "said": true, "than": true, "into": true,
	"its": true, "their": true, "his": true, "her": true, "this": true,
}

// endsTerminal reports whether line ends with terminal punctuation, possibly
// followed by closing quotes or brackets, and returns the offset of the first
// punctuation byte of that final run.
func endsTerminal(line string) (int, bool) {
	k := len(line)
	for k > 0 {
		r, n := utf8.DecodeLastRuneInString(line[:k])
		if !isCloser(r) {
			break
		}
		k -= n
	}
	end := k
	for k > 0 {
		c := line[k-1]
		if c == '.' || c == '!' || c == '?' {
			k--
			continue
		}
		if k >= 3 && hasEllipsis(line, k-3) {
			k -= 3
			continue
		}
		break
	}
	return k, k < end
}

// wordBefore returns the start of the word that ends at i, skipping opening
// quotes and brackets.
func wordBefore(text string, i int) int {
	k := i
	for k > 0 {
		c := text[k-1]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == '[' || c == '"' || c == '\'' {
			break
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeLastRuneInString(text[:k])
			if isSpaceRune(r, n) || r == '“' || r == '‘' || r == '«' {
				break
			}
			k -= n
			continue
		}
		k--
	}
	return k
}

// isListNumber reports whether the word at word is a list number ("1." or
// "12.") at the start of its line.
func isListNumber(text string, word, line int) bool {
	for k := line; k < word; k++ {
		if text[k] != ' ' && text[k] != '\t' {
			return false
		}
	}
	n := 0
	for k := word; k < len(text) && text[k] >= '0' && text[k] <= '9'; k++ {
		n++
	}
	return n > 0 && n <= 3 && word+n < len(text) && text[word+n] == '.'
}

// nextToken returns the offset of the first non-space byte at or after i.
func nextToken(text string, i int) int {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isSpaceRune(r, n) {
			return i
		}
		i += n
	}
	return i
}

// startsSentence reports whether what begins at i can begin a new sentence:
// not a lowercase word, and not punctuation that continues the current one.
func startsSentence(text string, i int) bool {
	switch text[i] {
	case ',', ';', ':', ')', ']', '.', '!', '?', '%':
		return false
	}
	return !startsLower(text, i)
}

func startsLower(text string, i int) bool {
	c := text[i]
	if c < utf8.RuneSelf {
		return 'a' <= c && c <= 'z'
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLower(r)
}

// bulletAt reports whether a bullet ("- ", "* ", "• ", "– ", "1. ") begins at i.
func bulletAt(text string, i int) bool {
	rest := text[i:]
	switch {
	case len(rest) >= 2 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+') && (rest[1] == ' ' || rest[1] == '\t'):
		return true
	case len(rest) >= 4 && (rest[:3] == "•" || rest[:3] == "–") && rest[3] == ' ':
		return true
	}
	// A numbered item: "1. ", "12) ".
	n := 0
	for n < len(rest) && n < 4 && isDigit(rest[n]) {
		n++
	}
	return n > 0 && n <= 3 && n+1 < len(rest) && (rest[n] == '.' || rest[n] == ')') && rest[n+1] == ' '
}

func hasEllipsis(text string, i int) bool {
	return i+3 <= len(text) && text[i] == 0xE2 && text[i+1] == 0x80 && text[i+2] == 0xA6
}

// closerLen returns the length of a closing quote or bracket at i, or 0.
func closerLen(text string, i int) int {
	switch c := text[i]; c {
	case '"', '\'', ')', ']':
		return 1
	case 0xE2, 0xC2:
		r, n := utf8.DecodeRuneInString(text[i:])
		if isCloser(r) {
			return n
		}
	}
	return 0
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»', '›':
		return true
	}
	return false
}

func spaceAt(text string, i int) bool {
	c := text[i]
	if c < utf8.RuneSelf {
		return asciiSpace[c]
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	return isSpaceRune(r, n)
}

var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// isSpaceRune reports whether a decoded rune is whitespace; an invalid byte
// (RuneError of width 1) is not.
func isSpaceRune(r rune, n int) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	return n > 1 && unicode.IsSpace(r)
}

func trimSpace(s string) string {
	i := nextToken(s, 0)
	s = s[i:]
	for len(s) > 0 {
		r, n := utf8.DecodeLastRuneInString(s)
		if !isSpaceRune(r, n) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}
