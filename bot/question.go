package bot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
)

// This file reads what a question asks for and what a sentence holds, so
// an extract can quote the sentence that answers rather than only one that
// shares the question's words. Words are compared as knowledge compares
// them (knowledge.Stem and knowledge.Forms), the same way search does.

// answerKind is what a question asks for.
type answerKind int

const (
	kindNone   answerKind = iota
	kindPerson            // who: a person's name
	kindTime              // when: a date, a day or a time
	kindNumber            // how many, how long: a number
	kindAmount            // how much: money, a share or a quantity
	kindPlace             // where: a place's name
	kindName              // which team, what film: a name of any kind
)

// keyword is a word of a question as the stems it matches: its own and its
// irregular forms' ("built" matches "build").
type keyword struct {
	word  string
	stems []string
}

func newKeyword(w string) keyword {
	k := keyword{word: w}
	for _, f := range knowledge.Forms(w) {
		if s := knowledge.Stem(f); !slices.Contains(k.stems, s) {
			k.stems = append(k.stems, s)
		}
	}
	return k
}

// keywordsOf returns ws, lower-cased words, as keywords.
func keywordsOf(ws []string) []keyword {
	out := make([]keyword, len(ws))
	for i, w := range ws {
		out[i] = newKeyword(w)
	}
	return out
}

// in reports whether a set of stems holds k.
func (k keyword) in(stems map[string]bool) bool {
	for _, s := range k.stems {
		if stems[s] {
			return true
		}
	}
	return false
}

// terms returns the stems of the keywords of text, none when all its words
// are stop words.
func terms(text string) []string {
	ts := knowledge.Keywords(text)
	for i, t := range ts {
		ts[i] = knowledge.Stem(t)
	}
	return ts
}

// question is what ranking needs to know about a question.
type question struct {
	keywords []keyword
	// words are all the question's lower-cased words, to tell what a
	// sentence adds from what the question already says.
	words map[string]bool
	want  answerKind
	// focus, when not nil, is the noun a count or an amount is asked of:
	// "workers" in "How many workers built the farm?".
	focus *keyword
	// refersBack reports whether the question leans on something said
	// earlier: it has a pronoun ("How much will it cost?"), or no
	// keywords of its own.
	refersBack bool
}

// analyse reads question q.
func analyse(q string) question {
	ws := knowledge.Words(q)
	out := question{keywords: keywordsOf(knowledge.Keywords(q)), words: map[string]bool{}}
	for _, w := range ws {
		out.words[w] = true
		out.refersBack = out.refersBack || backReferences[w]
	}
	out.refersBack = out.refersBack || len(out.keywords) == 0
	next := func(i int) string {
		if i < len(ws) {
			return ws[i]
		}
		return ""
	}
	for i, w := range ws {
		switch w {
		case "who", "whom", "whose":
			out.want = kindPerson
		case "when":
			out.want = kindTime
		case "where":
			out.want = kindPlace
		case "how":
			switch n := next(i + 1); {
			case n == "many":
				out.want = kindNumber
			case n == "much":
				out.want = kindAmount
			case n == "soon":
				out.want = kindTime
			case measureWords[n]:
				out.want = kindNumber
			}
			if out.want == kindNumber || out.want == kindAmount {
				// "how many workers", "how much money": the noun right after.
				if n := next(i + 2); n != "" && !knowledge.IsStopWord(n) {
					k := newKeyword(n)
					out.focus = &k
				}
			}
		case "what", "which":
			switch n := next(i + 1); {
			case timeNouns[n]:
				out.want = kindTime
			case amountNouns[n]:
				out.want = kindAmount
			case n == "number":
				out.want = kindNumber
			case placeNouns[n]:
				out.want = kindPlace
			case n != "" && !knowledge.IsStopWord(n) && !describeWords[n]:
				// "Which team…?", "what film…?": the answer is named.
				out.want = kindName
			}
		}
		if out.want != kindNone {
			break
		}
	}
	return out
}

// Word lists for reading questions and sentences.
var (
	backReferences = wordSet("it its they them their theirs he him his she her this these those")
	measureWords   = wordSet("long often far old big large fast high tall deep wide heavy")
	timeNouns      = wordSet("time date day year month week hour")
	amountNouns    = wordSet("percentage percent share price cost amount sum fee fare rate")
	placeNouns     = wordSet("city country town place state region village county street area")
	// describeWords after "what" or "which" ask for a description, not a name:
	// "what kind of…", "what happened to…".
	describeWords = wordSet("kind kinds type types sort happened happens caused causes")
	months        = wordSet("january february march april may june july august september october november december")
	weekdays      = wordSet("monday tuesday wednesday thursday friday saturday sunday")
	timeWords     = wordSet("today tomorrow yesterday tonight midnight noon")
	durationUnits = wordSet("minute minutes hour hours day days week weeks month months year years decade decades")
	numberWords   = wordSet(`two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
		sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
		hundred thousand million billion trillion dozen dozens hundreds thousands millions billions`)
	amountUnits = wordSet(`million billion trillion percent cents dollars euros pounds megawatts gigawatts kilowatts
		tons tonnes litres liters gallons barrels acres hectares kilometres kilometers miles`)
	titles = wordSet(`mr mrs ms dr prof professor sir dame mayor president minister senator governor general
		judge chief secretary chancellor premier king queen prince princess pope rep sen gen`)
	sayVerbs     = wordSet("said says told added argued wrote warned announced")
	placeWords   = wordSet("in at near from across outside inside into to toward towards between")
	placeEndings = wordSet(`bridge street road avenue river lake bay sea ocean island mountain mountains valley park
		city county state province junction station airport harbor harbour port square district
		council authority department university hospital school college ministry agency company farm`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// token is a word of a sentence: a run of letters and digits.
type token struct {
	text       string // as written
	lower      string // lower-cased; empty for words of 64 bytes or more
	stem       string
	start, end int // byte offsets in the sentence
}

// tokenize splits text into its words, as knowledge does (see
// knowledge.Words), keeping where each stands.
func tokenize(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			i += size
		}
		t := token{text: text[start:i], start: start, end: i}
		if len(t.text) < 64 {
			t.lower = strings.ToLower(t.text)
			t.stem = knowledge.Stem(t.lower)
		}
		out = append(out, t)
	}
	return out
}

// sentence is what ranking reads from one evidence sentence.
type sentence struct {
	text   string
	tokens []token
	stems  map[string]bool
}

func readSentence(text string) sentence {
	s := sentence{text: text, tokens: tokenize(text), stems: map[string]bool{}}
	for _, t := range s.tokens {
		if t.stem != "" {
			s.stems[t.stem] = true
		}
	}
	return s
}

// gap returns the text between tokens i and i+1.
func (s sentence) gap(i int) string { return s.text[s.tokens[i].end:s.tokens[i+1].start] }

// typed returns the positions of the tokens that could answer a question
// wanting kind, leaving out words of the question itself, and whether they
// are of the kind exactly: for an amount, money, a share or a quantity
// rather than a bare count.
func (s sentence) typed(q question) (positions []int, exact bool) {
	add := func(i int) {
		if !q.words[s.tokens[i].lower] {
			positions = append(positions, i)
		}
	}
	switch q.want {
	case kindNumber, kindAmount:
		var amounts []int
		for i, t := range s.tokens {
			if s.isNumber(i) && !q.words[t.lower] {
				positions = append(positions, i)
				if s.isAmount(i) {
					amounts = append(amounts, i)
				}
			}
		}
		if q.want == kindAmount {
			if len(amounts) > 0 {
				return amounts, true
			}
			return positions, false
		}
		exact = len(positions) > 0
	case kindTime:
		for i := range s.tokens {
			if s.isTime(i) {
				add(i)
			}
		}
		exact = len(positions) > 0
	case kindPerson, kindPlace, kindName:
		for _, run := range s.names(q) {
			if run.kind == q.want || q.want == kindName {
				for i := run.from; i < run.to; i++ {
					add(i)
				}
			}
		}
		exact = len(positions) > 0
	}
	return positions, exact
}

func (s sentence) isNumber(i int) bool {
	t := s.tokens[i]
	if t.text == "" {
		return false
	}
	if c := t.text[0]; '0' <= c && c <= '9' {
		return !s.isYear(i) || s.isAmount(i)
	}
	return numberWords[t.lower]
}

func (s sentence) isYear(i int) bool {
	t := s.tokens[i]
	if len(t.text) != 4 || !isDigits(t.text) || t.text < "1800" || t.text > "2100" {
		return false
	}
	// Not one part of "12,2026" or "3.2024".
	return i == 0 || (s.gap(i-1) != "," && s.gap(i-1) != ".") || !isDigits(s.tokens[i-1].text)
}

// isAmount reports whether the number at i is money, a share or a large
// quantity: "$48 million", "12%", "3.2 million".
func (s sentence) isAmount(i int) bool {
	t := s.tokens[i]
	before := strings.TrimRight(s.text[:t.start], ".,")
	if strings.HasSuffix(before, "$") || strings.HasSuffix(before, "€") || strings.HasSuffix(before, "£") || strings.HasSuffix(before, "¥") {
		return true
	}
	if strings.HasPrefix(s.text[t.end:], "%") {
		return true
	}
	return i+1 < len(s.tokens) && amountUnits[s.tokens[i+1].lower]
}

func (s sentence) isTime(i int) bool {
	t := s.tokens[i]
	switch {
	case months[t.lower] && t.text != t.lower: // "may" and "march" the verbs are lower-case
		return true
	case weekdays[t.lower], timeWords[t.lower], s.isYear(i):
		return true
	case isDigits(t.text) && i+1 < len(s.tokens):
		// 12:30, 5 a.m., 3 weeks
		return s.gap(i) == ":" || s.tokens[i+1].lower == "a" && strings.HasPrefix(s.text[s.tokens[i+1].start:], "a.m") ||
			s.tokens[i+1].lower == "p" && strings.HasPrefix(s.text[s.tokens[i+1].start:], "p.m") || s.isDuration(i)
	}
	return false
}

// isDuration reports whether the number at i counts time: "50 years",
// "a 61-year-old bridge".
func (s sentence) isDuration(i int) bool {
	return i+1 < len(s.tokens) && durationUnits[s.tokens[i+1].lower]
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// nameRun is a run of capitalised words [from, to) naming a person or a
// place.
type nameRun struct {
	from, to int
	kind     answerKind
}

// names returns the runs of capitalised words that name people and places,
// leaving out those that hold a word of the question (the name asked about
// is no answer).
func (s sentence) names(q question) []nameRun {
	capital := func(i int) bool {
		t := s.tokens[i]
		r, _ := utf8.DecodeRuneInString(t.text)
		return unicode.IsUpper(r) && t.lower != "" && !knowledge.IsStopWord(t.lower) &&
			!months[t.lower] && !weekdays[t.lower]
	}
	var out []nameRun
	for i := 0; i < len(s.tokens); {
		if !capital(i) {
			i++
			continue
		}
		j := i + 1
		for j < len(s.tokens) && s.gap(j-1) == " " && capital(j) {
			j++
		}
		run := nameRun{from: i, to: j}
		asked := false
		for k := i; k < j; k++ {
			asked = asked || q.words[s.tokens[k].lower]
		}
		prev, next := "", ""
		if i > 0 {
			prev = s.tokens[i-1].lower
		}
		if j < len(s.tokens) {
			next = s.tokens[j].lower
		}
		switch {
		case asked:
		case placeEndings[s.tokens[j-1].lower] || placeWords[prev] ||
			i > 1 && prev == "the" && placeWords[s.tokens[i-2].lower]:
			run.kind = kindPlace
		case j-i >= 2 || titles[prev] || sayVerbs[next]:
			run.kind = kindPerson
		case q.want == kindName && i > 0:
			// One capitalised word inside a sentence: a name, of a
			// company, a film, a team.
			run.kind = kindName
		}
		if run.kind != kindNone {
			out = append(out, run)
		}
		i = j
	}
	return out
}

// fit says how well sentence s holds what question q asks for: 1 when it
// holds it next to the question's words ("about 650 workers" for "How many
// workers…?"), a little when it holds it elsewhere or when any name would
// do ("Which chain…?"), 0 when it doesn't.
func fit(q question, s sentence) float64 {
	if q.want == kindNone {
		return 0
	}
	typed, exact := s.typed(q)
	if len(typed) == 0 {
		return 0
	}
	const near, close, some = 1.0, 6, 0.25
	if !exact || q.want == kindName {
		// "How much…?" of a sentence with a count but no amount; a name
		// of any kind, which most sentences of news hold.
		return some
	}
	if q.focus != nil {
		// "N workers": the number just before the noun counted; a number
		// of something else ("1,200 acres") answers little.
		for _, p := range typed {
			for d := 1; d <= 3 && p+d < len(s.tokens); d++ {
				if slices.Contains(q.focus.stems, s.tokens[p+d].stem) {
					return near
				}
			}
		}
		return some
	}
	for i, t := range s.tokens {
		if t.stem == "" || !slices.ContainsFunc(q.keywords, func(k keyword) bool { return slices.Contains(k.stems, t.stem) }) {
			continue
		}
		for _, p := range typed {
			if p != i && abs(p-i) <= close {
				return near
			}
		}
	}
	return some
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
