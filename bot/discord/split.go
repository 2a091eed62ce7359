package discord

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord's limits on what one message may carry, in characters.
const (
	MaxContent          = 2000 // message content
	MaxEmbedDescription = 4096 // embed description
)

var (
	// markerRE matches a citation marker: [1], [1, 2], [1-3].
	markerRE = regexp.MustCompile(`\[\d{1,4}(?: *[,–-] *\d{1,4})*\]`)
	// markerStartRE matches a citation marker at the start of a text.
	markerStartRE = regexp.MustCompile(`^` + markerRE.String())
	// linkRE matches a link, bare or already wrapped in <…>.
	linkRE = regexp.MustCompile(`<?https?://[^\s<>]+>?`)
)

// Split cuts text into parts of at most limit characters each (MaxContent
// for message content, MaxEmbedDescription for an embed), so that nothing is
// dropped: it cuts at a paragraph break if it can, else a line break, else
// the end of a sentence, else a space, never inside a citation marker or a
// link, and never separates a marker from the sentence before it. Only a
// single word or link longer than limit is cut through. It returns nil for
// blank text; limit must be positive.
func Split(text string, limit int) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for utf8.RuneCountInString(text) > limit {
		cut := cutPoint(text, limit)
		if part := strings.TrimRightFunc(text[:cut], unicode.IsSpace); part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns the byte offset at which to end the next part of text,
// which is longer than limit characters; the part is text[:offset].
func cutPoint(text string, limit int) int {
	// w is the byte offset just after the limit-th character.
	w, n := 0, 0
	for i := range text {
		if n == limit {
			w = i
			break
		}
		n++
	}
	spans := protectedSpans(text[:min(len(text), w+maxProtectedLookahead)])
	free := func(p int) bool {
		for _, s := range spans {
			if p > s[0] && p < s[1] {
				return false
			}
		}
		return true
	}
	// beforeMarker reports whether the text after p begins with a citation
	// marker, which belongs with the sentence before it.
	beforeMarker := func(p int) bool {
		rest := strings.TrimLeftFunc(text[p:], unicode.IsSpace)
		return markerStartRE.MatchString(rest[:min(len(rest), 64)])
	}
	window := text[:w+1] // the character at w, if a space, is a cut too
	if w+1 > len(text) {
		window = text
	}
	// Paragraph breaks, then line breaks.
	for _, sep := range []string{"\n\n", "\n"} {
		for p := strings.LastIndex(window, sep); p > 0; p = strings.LastIndex(window[:p], sep) {
			if free(p) {
				return p
			}
		}
	}
	// Sentence ends, then any space.
	for _, sentence := range []bool{true, false} {
		for p := len(window) - 1; p > 0; p-- {
			if window[p] != ' ' && window[p] != '\t' {
				continue
			}
			if !free(p) || beforeMarker(p) {
				continue
			}
			if sentence && !endsSentence(text[:p]) {
				continue
			}
			return p
		}
	}
	// One word or link longer than limit: cut through it, but not through a
	// marker or link that starts later in the window.
	for _, s := range spans {
		if w > s[0] && w < s[1] && s[0] > 0 {
			return s[0]
		}
	}
	return w
}

// maxProtectedLookahead is how far past the window protectedSpans looks, so
// that a marker or link crossing the window's end is seen whole.
const maxProtectedLookahead = 512

// protectedSpans returns the byte ranges of citation markers and links.
func protectedSpans(s string) [][2]int {
	var spans [][2]int
	for _, re := range []*regexp.Regexp{markerRE, linkRE} {
		for _, loc := range re.FindAllStringIndex(s, -1) {
			spans = append(spans, [2]int{loc[0], loc[1]})
		}
	}
	return spans
}

// endsSentence reports whether s ends with the end of a sentence: . ! ? or
// …, possibly followed by closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	s = strings.TrimRight(s, `"'”’»)]*_`)
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// forDiscord prepares text for a message: a masked link, [words](url), is
// shown as the plain text it is, so article or model text can't hide where
// a link goes behind other words; and links are wrapped in <…> (WrapLinks).
func forDiscord(text string) string {
	return WrapLinks(strings.ReplaceAll(text, "](", `]\(`))
}

// WrapLinks wraps every bare http(s) link in text in <…>, so Discord shows
// it without unfolding a preview. Links already wrapped stay as they are;
// trailing punctuation stays outside the brackets.
func WrapLinks(text string) string {
	var b strings.Builder
	last := 0
	for _, loc := range linkRE.FindAllStringIndex(text, -1) {
		link := text[loc[0]:loc[1]]
		if strings.HasPrefix(link, "<") {
			continue
		}
		link = strings.TrimSuffix(link, ">")
		link = trimLinkPunctuation(link)
		b.WriteString(text[last:loc[0]])
		b.WriteString("<" + link + ">")
		last = loc[0] + len(link)
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// trimLinkPunctuation drops the punctuation that ends the sentence around a
// link rather than the link itself, keeping a closing parenthesis the link
// opened.
func trimLinkPunctuation(link string) string {
	for len(link) > 0 {
		r, size := utf8.DecodeLastRuneInString(link)
		switch {
		case strings.ContainsRune(`.,;:!?'"”’*_]`, r):
		case r == ')' && strings.Count(link, "(") < strings.Count(link, ")"):
		default:
			return link
		}
		link = link[:len(link)-size]
	}
	return link
}

// preview prepares text in progress for one message (see forDiscord),
// shortened to limit characters, ending with " …", when longer.
func preview(text string, limit int) string {
	text = forDiscord(strings.TrimSpace(text))
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	parts := Split(text, limit-2)
	return parts[0] + " …"
}
