package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQueryTerms bounds how many words of a question drive a search, so a
// 10,000-character question costs no more than a long sentence.
const maxQueryTerms = 32

// Terms returns the words of a user's text that drive a search: its
// Keywords, or when every word is a stop word, those words instead (the
// first maxQueryTerms, lower-cased, without repeats), so "Who is he?" still
// searches for something.
func Terms(text string) []string {
	if ks := Keywords(text); len(ks) > 0 {
		return ks
	}
	return distinct(words(text), func(string) bool { return true })
}

// Keywords returns the words of text that say what it is about: lower-cased
// runs of letters and digits, without stop words and repeats, in order of
// first appearance, at most maxQueryTerms of them. It returns none when
// every word is a stop word.
func Keywords(text string) []string {
	return distinct(words(text), func(w string) bool { return !stopWords[w] })
}

// distinct returns the first maxQueryTerms distinct words that keep
// accepts, in order.
func distinct(ws []string, keep func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range ws {
		if len(out) == maxQueryTerms {
			break
		}
		if !seen[w] && keep(w) {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// words splits text into lower-cased runs of letters and digits; an
// apostrophe ends a word, and the "s" of "Rubio's" is a stop word.
func words(text string) []string {
	var out []string
	eachWord(text, func(w string) {
		if w = strings.ToLower(w); len(w) < 64 {
			out = append(out, w)
		}
	})
	return out
}

// eachWord calls f with each run of letters and digits of text, in order,
// as it stands in text.
func eachWord(text string, f func(w string)) {
	for i := 0; i < len(text); {
		size := wordRuneSize(text[i:])
		if size < 0 {
			i -= size
			continue
		}
		start := i
		for i < len(text) {
			if size = wordRuneSize(text[i:]); size < 0 {
				break
			}
			i += size
		}
		f(text[start:i])
	}
}

// wordRuneSize returns the size of the rune that s begins with, negated
// when it is neither a letter nor a digit.
func wordRuneSize(s string) int {
	if c := s[0]; c < utf8.RuneSelf {
		if 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' {
			return 1
		}
		return -1
	}
	r, size := utf8.DecodeRuneInString(s)
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return size
	}
	return -size
}

// ftsQuery turns terms into an FTS5 query that matches any of them. Every
// term is a quoted string, so no user text is read as FTS5 syntax.
func ftsQuery(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
	}
	return b.String()
}

// stem reduces an English word to a rough stem for comparing words of a
// question with words of a sentence ("talks" and "talk", "represented" and
// "represent"). The index does its own stemming; this one only scores.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, suf := range []string{"ational", "ization", "fulness", "iveness", "ements", "ement", "ments", "ment", "ings", "ing", "edly", "ied", "ies", "ed", "es", "ly", "s"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// stopWords are words too common in questions and news to say what a text
// is about. "Against" is not one: who voted or ruled against what is news.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again all also am an and any are aren as at
		be because been before being below between both but by can cannot could couldn
		did didn do does doesn doing don down during each few for from further had hadn has hasn have haven having
		he her here hers herself him himself his how i if in into is isn it its itself just let me more most must mustn my myself
		no nor not now of off on once only or other ought our ours ourselves out over own same shall she should shouldn so some such
		than that the their theirs them themselves then there these they this those through to too under until up upon very
		was wasn we were weren what when where which while who whom whose why will with won would wouldn you your yours yourself yourselves
		s t d ll m re ve y says said say tell told according`) {
		m[w] = true
	}
	// Words that shape a question, or point at the text itself ("in the
	// article", "this story"), rather than say what it is about.
	for _, w := range strings.Fields(`name named happen happened happens kind type many much often example reason
		mean means meant describe described called call
		article articles story stories passage paragraph text mention mentioned mentions stated listed discussed referenced`) {
		m[w] = true
	}
	return m
}()
