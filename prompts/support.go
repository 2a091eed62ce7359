package prompts

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
)

// What CheckCitations checks about a cited sentence of an answer, beyond its
// markers pointing at evidence that exists:
//
//   - Relevance: a marker is kept only when the answer's sentence shares a
//     content word with the evidence sentence it cites (knowledge.Keywords,
//     stop words left out, compared after rough stemming: "approved" and
//     "approve", "cities" and "city"; pairs of characters in scripts written
//     without spaces, such as Chinese). A sentence with no content word at
//     all ("Yes [1].", "He did [2].") can't be judged and keeps its markers.
//   - Support: every number and proper name of the sentence must appear in
//     one of the sentences it cites (after relevance), or in the question.
//     Numbers compare by value: "$48 million", "48 million" and
//     "48,000,000" agree, "1,200" and "1200", "3.20" and "3.2", and "2026"
//     matches the year of a date such as 2026-02-18. A proper name is a
//     capitalised word that doesn't start the sentence or follow a colon, a
//     quotation mark or a bracket, and is not a stop word, a single letter
//     (initials, the pronoun "I") or a title (Dr, Gen, Mr); it compares
//     case-insensitively, a possessive ("Sweden's") as its name, a dotted
//     abbreviation ("U.S.") as its letters ("US"). A month or weekday name is
//     also supported by a cited ISO date (2026-02-17) in that month or on
//     that day.
//
// These are surface checks. They can't catch a wrong claim made of supported
// words: a paraphrase that reverses the meaning, numbers or names swapped
// between roles ("7-2 against" for "7-2 for", the wrong person as the
// speaker), a name the sentence holds used for the wrong thing, or numbers
// written as words ("twelve"); and they flag, wrongly, a number the model
// derived (a sum, a difference), a name it spelled differently ("United
// States" for "U.S."), and a date it took from an article's header rather than
// a cited sentence.

// facts is what one text offers as support for a claim.
type facts struct {
	content map[string]bool // its content words, stemmed
	keys    map[string]bool // its words (w:), numbers (n:), months (m:) and weekdays (d:)
}

// factsOf reads a text's facts.
func factsOf(text string) *facts {
	f := &facts{content: contentWords(text), keys: map[string]bool{}}
	toks := tokenize(text)
	for i, t := range toks {
		if t.number {
			for _, k := range numberKeys(text, toks, i) {
				f.keys[k] = true
			}
			if y, m, d, ok := isoDate(text, toks, i); ok {
				f.keys["m:"+itoa(int(m))] = true
				f.keys["d:"+itoa(int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()))] = true
			}
			continue
		}
		lower := strings.ToLower(t.text)
		f.keys["w:"+lower] = true
		if capitalised(t.text) {
			for _, k := range calendarKeys(lower) {
				f.keys[k] = true
			}
		}
	}
	return f
}

// sharesContent reports whether words (an answer sentence's content words)
// share one with f.
func (f *facts) sharesContent(words map[string]bool) bool {
	for w := range words {
		if f.content[w] {
			return true
		}
	}
	return false
}

// holds reports whether f holds any of keys.
func (f *facts) holds(keys []string) bool {
	for _, k := range keys {
		if f.keys[k] {
			return true
		}
	}
	return false
}

// specific is a number or proper name of an answer's sentence: a claim that
// a cited sentence must hold.
type specific struct {
	shown string   // as written
	keys  []string // a text holding any of them supports it
}

// listMarker matches a list item's bullet or number at the start of a line.
var listMarker = regexp.MustCompile(`^[ \t]*(?:[-*•+]|\d{1,3}[.)])[ \t]+`)

// specificsOf returns the numbers and proper names of one sentence of an
// answer (its markers already removed), in order.
func specificsOf(text string) []specific {
	if loc := listMarker.FindStringIndex(text); loc != nil {
		text = strings.Repeat(" ", loc[1]) + text[loc[1]:] // keep offsets
	}
	var out []specific
	toks := tokenize(text)
	for i, t := range toks {
		if t.number {
			keys := numberKeys(text, toks, i)
			if month, ok := isoMonth(text, toks, i); ok {
				keys = append(keys, "m:"+itoa(month))
			}
			out = append(out, specific{shown: t.text, keys: keys})
			continue
		}
		if i == 0 || !name(text, t) {
			continue
		}
		lower := strings.ToLower(t.text)
		out = append(out, specific{shown: t.text, keys: append([]string{"w:" + lower}, calendarKeys(lower)...)})
	}
	return out
}

// name reports whether the word t, not the first of its sentence, reads as
// a proper name.
func name(text string, t token) bool {
	if !capitalised(t.text) || utf8.RuneCountInString(t.text) < 2 || titles[strings.ToLower(t.text)] {
		return false
	}
	if len(knowledge.Keywords(t.text)) == 0 {
		return false // a stop word: "The", "According"
	}
	// A word that opens a clause or a quotation is capitalised for that.
	before := strings.TrimRight(text[:t.start], " \t*_")
	r, _ := utf8.DecodeLastRuneInString(before)
	return before != "" && !strings.ContainsRune(":\"“”„‘'«([{", r)
}

// titles are abbreviated titles written before names; they are not names.
var titles = map[string]bool{}

func init() {
	for _, w := range strings.Fields("mr mrs ms dr gen sen rep gov st lt col capt sgt prof jr sr") {
		titles[w] = true
	}
}

// token is a word (a letter followed by letters, digits and marks) or a
// number (a digit followed by digits, with thousands separators and one
// decimal point) of a text.
type token struct {
	text       string
	start, end int
	number     bool
}

// tokenize splits text into words and numbers. An apostrophe ends a word,
// so "Sweden's" reads as "Sweden" and "s". Single letters joined by full
// stops ("U.S.") read as one word ("US").
func tokenize(text string) []token {
	var toks []token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isDigit(r):
			end := scanNumber(text, i)
			toks = append(toks, token{text: text[i:end], start: i, end: end, number: true})
			i = end
		case unicode.IsLetter(r):
			end := i + size
			for end < len(text) {
				r, size := utf8.DecodeRuneInString(text[end:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
					break
				}
				end += size
			}
			t := token{text: text[i:end], start: i, end: end}
			if n := len(toks); n > 0 && initial(toks[n-1].text) && initial(t.text) &&
				toks[n-1].end+1 == i && text[toks[n-1].end] == '.' && !toks[n-1].number {
				// "U.S": join; the merged word keeps growing ("U.K.S").
				toks[n-1].text += t.text
				toks[n-1].end = end
				i = end
				continue
			}
			toks = append(toks, t)
			i = end
		default:
			i += size
		}
	}
	return toks
}

// initial reports whether w is a single letter, or a run of single letters
// already joined from "U.S." (upper-case, at most a few).
func initial(w string) bool {
	n := utf8.RuneCountInString(w)
	if n == 1 {
		return true
	}
	return n <= 4 && strings.ToUpper(w) == w && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// scanNumber returns the end of the number starting at text[i]: digits,
// with commas before groups of exactly three digits and at most one decimal
// point before a digit.
func scanNumber(text string, i int) int {
	point := false
	j := i
	for j < len(text) {
		c := text[j]
		switch {
		case c >= '0' && c <= '9':
			j++
		case c == ',' && digits3(text, j+1):
			j += 4
		case c == '.' && !point && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9':
			point = true
			j++
		default:
			return j
		}
	}
	return j
}

// digits3 reports whether text[i:] begins with exactly three digits.
func digits3(text string, i int) bool {
	if i+3 > len(text) {
		return false
	}
	for k := i; k < i+3; k++ {
		if text[k] < '0' || text[k] > '9' {
			return false
		}
	}
	return i+3 == len(text) || text[i+3] < '0' || text[i+3] > '9'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// scales are the words that multiply a number before them.
var scales = map[string]string{"thousand": "1000", "million": "1000000", "billion": "1000000000", "trillion": "1000000000000"}

// numberKeys returns the keys of the number toks[i]: its value ("n:1200"
// for "1,200", "n:16/5" for "3.20") and, before a scale word, the value it
// scales to ("48 million" is also "n:48000000").
func numberKeys(text string, toks []token, i int) []string {
	raw := strings.ReplaceAll(toks[i].text, ",", "")
	if len(raw) > 40 {
		return []string{"n:" + strings.TrimLeft(raw, "0")}
	}
	v, ok := new(big.Rat).SetString(raw)
	if !ok {
		return []string{"n:" + raw}
	}
	keys := []string{"n:" + v.RatString()}
	if i+1 < len(toks) && !toks[i+1].number && strings.TrimSpace(text[toks[i].end:toks[i+1].start]) == "" {
		if s, ok := scales[strings.ToLower(toks[i+1].text)]; ok {
			m, _ := new(big.Rat).SetString(s)
			keys = append(keys, "n:"+v.Mul(v, m).RatString())
		}
	}
	return keys
}

// isoDate reads an ISO date (2026-02-17) starting at toks[i].
func isoDate(text string, toks []token, i int) (y int, m time.Month, d int, ok bool) {
	if i+2 >= len(toks) || !toks[i+1].number || !toks[i+2].number || len(toks[i].text) != 4 ||
		len(toks[i+1].text) > 2 || len(toks[i+2].text) > 2 ||
		toks[i+1].start != toks[i].end+1 || toks[i+2].start != toks[i+1].end+1 ||
		text[toks[i].end] != '-' || text[toks[i+1].end] != '-' {
		return 0, 0, 0, false
	}
	y, m, d = atoi(toks[i].text), time.Month(atoi(toks[i+1].text)), atoi(toks[i+2].text)
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != m || t.Day() != d {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// isoMonth reports the month when toks[i] is the month of an ISO date.
func isoMonth(text string, toks []token, i int) (int, bool) {
	if i == 0 {
		return 0, false
	}
	if _, m, _, ok := isoDate(text, toks, i-1); ok {
		return int(m), true
	}
	return 0, false
}

// calendarKeys returns the month ("m:2") or weekday ("d:2") that a
// lower-cased word names, in full or abbreviated.
func calendarKeys(lower string) []string {
	if m, ok := months[lower]; ok {
		return []string{"m:" + itoa(m)}
	}
	if d, ok := weekdays[lower]; ok {
		return []string{"d:" + itoa(d)}
	}
	return nil
}

var months, weekdays = map[string]int{}, map[string]int{}

func init() {
	for i, names := range []string{"january jan", "february feb", "march mar", "april apr", "may", "june jun",
		"july jul", "august aug", "september sep sept", "october oct", "november nov", "december dec"} {
		for _, n := range strings.Fields(names) {
			months[n] = i + 1
		}
	}
	for i, names := range []string{"sunday sun", "monday mon", "tuesday tue tues", "wednesday wed",
		"thursday thu thur thurs", "friday fri", "saturday sat"} {
		for _, n := range strings.Fields(names) {
			weekdays[n] = i
		}
	}
}

func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// contentWords returns the stemmed content words of text: its
// knowledge.Keywords, stop words left out, and none of "yes", which answers
// rather than says what the text is about.
func contentWords(text string) map[string]bool {
	out := map[string]bool{}
	// Keywords returns at most a few dozen words; ask it a chunk at a time
	// so that a long text keeps all of its words.
	fields := strings.Fields(text)
	for len(fields) > 0 {
		n := min(len(fields), 16)
		for _, w := range knowledge.Keywords(strings.Join(fields[:n], " ")) {
			switch {
			case w == "yes":
			case strings.IndexFunc(w, unspaced) >= 0:
				// Chinese, Japanese, Thai… don't space their words: compare
				// pairs of characters instead.
				rs := []rune(w)
				for i := range max(len(rs)-1, 1) {
					out[string(rs[i:min(i+2, len(rs))])] = true
				}
			default:
				out[stem(w)] = true
			}
		}
		fields = fields[n:]
	}
	return out
}

// unspaced reports whether r belongs to a script written without spaces
// between words.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}

// stem reduces an English word to a rough stem, so that forms of one word
// compare equal: "approved", "approves" and "approve"; "cities" and "city".
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, suf := range []string{"ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			if suf == "ies" || suf == "ied" {
				w += "i"
			}
			break
		}
	}
	switch {
	case strings.HasSuffix(w, "y") && len(w) > 3:
		w = w[:len(w)-1] + "i"
	case strings.HasSuffix(w, "e") && len(w) > 3:
		w = w[:len(w)-1]
	}
	return w
}
