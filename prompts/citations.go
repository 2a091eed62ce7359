package prompts

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// UnverifiedMark is appended to a sentence of an answer that no loaded
// article is shown to back: one with no valid citation, or one whose numbers
// or names none of its cited sentences holds. In strict mode such sentences
// are removed instead.
const UnverifiedMark = " [unverified]"

// MaxRange is the widest marker range [a-b] read as a citation (b-a+1 ≤
// MaxRange); a wider one is malformed and ignored.
const MaxRange = 20

// maxMarker bounds the numbers read in a marker; larger ones are malformed.
const maxMarker = 999_999

// Checked is a model's answer after its citations were checked.
type Checked struct {
	// Text is the answer with its markers renumbered [1], [2], … in order of
	// first use; a marker that cites several sentences reads [1, 2].
	Text string
	// Cited maps Text's markers to the evidence: marker [k] cites evidence
	// sentence Cited[k-1].
	Cited []int
	// Unverified counts the answer's sentences marked with UnverifiedMark,
	// or removed when strict: those without a valid citation and those with
	// an unsupported number or name.
	Unverified int
	// Unsupported lists, as the model wrote them, the numbers and names of
	// cited sentences that none of their cited sentences, nor the question,
	// holds.
	Unsupported []string
	// Unrelated counts the markers dropped because their sentence shares no
	// content word with the evidence sentence they cite.
	Unrelated int
}

// CheckCitations reads the citation markers of a model's answer to question
// — [1], [1, 2], [1][2] and ranges [1-3] — and keeps only those that cite
// evidence: sentence returns the text of evidence sentence n, and false when
// there is none. Malformed markers, markers pointing at no evidence and
// markers whose sentence shares no content word with the evidence they cite
// are dropped; the rest are renumbered in order of first use. A sentence of
// the answer left without a valid citation, or holding a number or proper
// name that none of the sentences it cites holds (nor the question), is
// marked with UnverifiedMark, or removed when strict; the comment at the top
// of support.go says exactly what is compared. A trailing list of sources
// that the model wrote itself is removed. Every marker in the returned Text
// is valid; when the answer cites nothing valid, Cited is empty.
func CheckCitations(answer, question string, sentence func(n int) (string, bool), strict bool) Checked {
	answer = dropSourceList(WithoutReasoning(answer))
	c := &checker{answer: answer, sentence: sentence, evidence: map[int]*facts{},
		question: factsOf(question), renumber: map[int]int{}}
	var (
		out   []piece
		res   Checked
		carry string // white space of removed sentences, kept when it breaks a paragraph
	)
	for _, sn := range segment(answer, scanClusters(answer)) {
		j := c.judge(sn)
		unverified := j.claim && (!j.cites() || len(j.missing) > 0)
		if unverified {
			res.Unverified++
			res.Unsupported = append(res.Unsupported, j.missing...)
		}
		var content []piece
		if !unverified || !strict {
			content = c.render(sn, j.kept)
		}
		if len(content) == 0 {
			if newlines(sn.sep) > newlines(carry) {
				carry = sn.sep
			}
			continue
		}
		if unverified {
			content = append(content, piece{text: UnverifiedMark})
		}
		sep := sn.sep
		if newlines(carry) > newlines(sep) {
			sep = carry
		}
		carry = ""
		if len(out) > 0 {
			out = append(out, piece{text: sep})
		}
		out = append(out, content...)
	}
	res.Text = join(out)
	res.Cited = c.cited
	res.Unrelated = c.unrelated
	return res
}

// checker judges the citations of an answer and renumbers those kept in
// order of first use.
type checker struct {
	answer    string
	sentence  func(int) (string, bool)
	evidence  map[int]*facts // evidence number → its facts; nil when there is no such sentence
	question  *facts
	renumber  map[int]int // evidence number → new marker
	cited     []int       // new marker k cites evidence number cited[k-1]
	unrelated int
}

// judgement is what the checker found in one sentence of the answer.
type judgement struct {
	kept    [][]int  // for each citation cluster of the sentence, the evidence numbers it keeps
	claim   bool     // the sentence holds a letter or digit
	missing []string // its numbers and names that no sentence it cites holds
}

func (j judgement) cites() bool {
	for _, k := range j.kept {
		if len(k) > 0 {
			return true
		}
	}
	return false
}

// judge decides, before anything is numbered, which citations of a
// sentence stand, and which of its numbers and names they leave unsupported.
func (c *checker) judge(sn sentence) judgement {
	var plain strings.Builder
	pos := sn.start
	for _, cl := range sn.clusters {
		plain.WriteString(c.answer[pos:cl.start])
		plain.WriteByte(' ')
		pos = cl.end
	}
	if pos < sn.end {
		plain.WriteString(c.answer[pos:sn.end])
	}
	text := plain.String()
	j := judgement{claim: hasWord(text), kept: make([][]int, len(sn.clusters))}
	words := contentWords(text)
	var cited []*facts
	for i, cl := range sn.clusters {
		for _, n := range cl.nums {
			f := c.facts(n)
			if f == nil {
				continue
			}
			if len(words) > 0 && !f.sharesContent(words) {
				c.unrelated++
				continue
			}
			j.kept[i] = append(j.kept[i], n)
			cited = append(cited, f)
		}
	}
	if !j.claim || len(cited) == 0 {
		return j
	}
	for _, s := range specificsOf(text) {
		if !c.question.holds(s.keys) && !slices.ContainsFunc(cited, func(f *facts) bool { return f.holds(s.keys) }) {
			j.missing = append(j.missing, s.shown)
		}
	}
	return j
}

// facts returns the facts of evidence sentence n, or nil when there is none.
func (c *checker) facts(n int) *facts {
	f, seen := c.evidence[n]
	if !seen {
		if text, ok := c.sentence(n); ok {
			f = factsOf(text)
		}
		c.evidence[n] = f
	}
	return f
}

// render returns the pieces of one sentence of the answer, keeping for each
// of its citation clusters the evidence numbers in kept, renumbered; the
// clusters that keep none are left out.
func (c *checker) render(sn sentence, kept [][]int) []piece {
	var (
		content []piece
		text    strings.Builder
	)
	flush := func() {
		if text.Len() > 0 {
			content = append(content, piece{text: text.String()})
			text.Reset()
		}
	}
	pos := sn.start
	for i, cl := range sn.clusters {
		before := strings.TrimRight(text.String()+c.answer[pos:cl.start], " \t")
		text.Reset()
		text.WriteString(before)
		pos = skipSpaceBeforePunct(c.answer, cl.end)
		marks := c.marks(kept[i])
		if len(marks) == 0 {
			continue
		}
		if before != "" && !strings.HasSuffix(before, "(") {
			text.WriteByte(' ')
		}
		flush()
		content = append(content, piece{text: formatMarker(marks), marker: true})
	}
	pos = min(pos, sn.end)
	text.WriteString(c.answer[pos:sn.end])
	flush()
	return trimPieces(content)
}

// marks returns the new markers for the evidence numbers of a citation,
// numbering those cited for the first time.
func (c *checker) marks(nums []int) []int {
	var marks []int
	for _, n := range nums {
		k, ok := c.renumber[n]
		if !ok {
			c.cited = append(c.cited, n)
			k = len(c.cited)
			c.renumber[n] = k
		}
		if !slices.Contains(marks, k) {
			marks = append(marks, k)
		}
	}
	return marks
}

// skipSpaceBeforePunct returns where the text after a marker ending at i
// resumes: past spaces that only separate it from punctuation, as in "[2] ,".
func skipSpaceBeforePunct(s string, i int) int {
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j > i && j < len(s) && strings.IndexByte(",.;:!?)", s[j]) >= 0 {
		return j
	}
	return i
}

// WithoutReasoning removes the <think>…</think> block in which reasoning
// models (DeepSeek R1, Qwen3 and others served by Ollama or llama.cpp) think
// aloud before they answer; an unclosed block leaves nothing.
func WithoutReasoning(s string) string {
	trimmed := strings.TrimLeftFunc(s, unicode.IsSpace)
	rest, ok := strings.CutPrefix(trimmed, "<think>")
	if !ok {
		return s
	}
	_, after, closed := strings.Cut(rest, "</think>")
	if !closed {
		return ""
	}
	return strings.TrimLeftFunc(after, unicode.IsSpace)
}

// piece is part of a checked answer: text, or a marker the checker wrote.
type piece struct {
	text   string
	marker bool
}

// join concatenates pieces, then turns any citation-like group that the
// checker did not write itself (one formed where removed text used to be)
// into parentheses, so every marker left is a checked one.
func join(pieces []piece) string {
	var b strings.Builder
	ours := map[int]bool{}
	for _, p := range pieces {
		if p.marker {
			ours[b.Len()] = true
		}
		b.WriteString(p.text)
	}
	s := b.String()
	var bytes []byte
	for _, g := range scanGroups(s) {
		if ours[g.start] {
			continue
		}
		if bytes == nil {
			bytes = []byte(s)
		}
		bytes[g.start] = '('
		bytes[g.end-1] = ')'
	}
	if bytes != nil {
		return string(bytes)
	}
	return s
}

// trimPieces trims white space from the start and end of a sentence.
func trimPieces(ps []piece) []piece {
	for len(ps) > 0 && !ps[0].marker {
		ps[0].text = strings.TrimLeft(ps[0].text, " \t")
		if ps[0].text != "" {
			break
		}
		ps = ps[1:]
	}
	for len(ps) > 0 && !ps[len(ps)-1].marker {
		last := &ps[len(ps)-1]
		last.text = strings.TrimRight(last.text, " \t")
		if last.text != "" {
			break
		}
		ps = ps[:len(ps)-1]
	}
	return ps
}

func formatMarker(marks []int) string {
	slices.Sort(marks)
	var b strings.Builder
	b.WriteByte('[')
	for i, k := range marks {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(k))
	}
	b.WriteByte(']')
	return b.String()
}

func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

func newlines(s string) int { return strings.Count(s, "\n") }

// sourceList matches a heading that starts a list of sources at the end of an
// answer: "Sources:", "**References**", "## Citations".
var sourceList = regexp.MustCompile(`(?im)^[ \t#*_]*(sources|references|citations)[ \t*_]*:?[ \t*_]*$`)

// dropSourceList removes a list of sources the model appended.
func dropSourceList(s string) string {
	if loc := sourceList.FindStringIndex(s); loc != nil {
		return s[:loc[0]]
	}
	return s
}

// group is a citation-like bracket group: '[' and ']' on one line around
// digits, spaces, commas, semicolons and dashes, with at least one digit.
type group struct {
	start, end int   // byte offsets of '[' and just after ']'
	nums       []int // the cited numbers; nil when malformed
}

// scanGroups returns the citation-like groups of s in order.
func scanGroups(s string) []group {
	var groups []group
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		digit := false
		j := i + 1
	scan:
		for j < len(s) {
			c := s[j]
			switch {
			case c >= '0' && c <= '9':
				digit = true
				j++
			case c == ' ' || c == '\t' || c == ',' || c == ';' || c == '-':
				j++
			case strings.HasPrefix(s[j:], "–"), strings.HasPrefix(s[j:], "—"):
				j += len("–")
			default:
				break scan
			}
		}
		if j < len(s) && s[j] == ']' && digit {
			groups = append(groups, group{start: i, end: j + 1, nums: parseMarker(s[i+1 : j])})
			i = j
			continue
		}
		i = j - 1 // resume at the character that ended the scan, which may be '['
	}
	return groups
}

// parseMarker reads the inside of a citation-like group: numbers and ranges
// separated by commas or semicolons. It returns nil when the group is
// malformed: an empty item, a number out of bounds, a reversed or too wide
// range.
func parseMarker(inner string) []int {
	var nums []int
	items := strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ';' })
	if len(items) != strings.Count(inner, ",")+strings.Count(inner, ";")+1 {
		return nil // an empty item: "[1,,2]", "[1,]"
	}
	for _, item := range items {
		lo, hi, isRange := cutDash(strings.TrimSpace(item))
		a, ok := number(lo)
		if !ok {
			return nil
		}
		b := a
		if isRange {
			if b, ok = number(hi); !ok || b < a || b-a+1 > MaxRange {
				return nil
			}
		}
		for n := a; n <= b; n++ {
			nums = append(nums, n)
		}
	}
	return nums
}

// cutDash splits "1-3" (or with an en or em dash) into its bounds.
func cutDash(s string) (lo, hi string, ok bool) {
	for _, d := range []string{"-", "–", "—"} {
		if lo, hi, ok = strings.Cut(s, d); ok {
			return strings.TrimSpace(lo), strings.TrimSpace(hi), true
		}
	}
	return s, "", false
}

// number reads a marker number: 1 to 6 digits. Zero reads, and then cites
// nothing.
func number(s string) (int, bool) {
	if s == "" || len(s) > 6 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxMarker {
		return 0, false
	}
	return n, true
}

// cluster is a run of citation groups with only spaces, commas or semicolons
// between them, such as "[1][2]" or "[1], [3-4]": one citation.
type cluster struct {
	start, end int
	nums       []int // the numbers of its well-formed groups, in order
}

func scanClusters(s string) []cluster {
	var out []cluster
	for _, g := range scanGroups(s) {
		if n := len(out); n > 0 && strings.Trim(s[out[n-1].end:g.start], " \t,;") == "" {
			out[n-1].end = g.end
			out[n-1].nums = append(out[n-1].nums, g.nums...)
			continue
		}
		out = append(out, cluster{start: g.start, end: g.end, nums: g.nums})
	}
	return out
}

// sentence is one sentence of an answer: its content s[start:end], without
// surrounding white space, the white space before it, and its citations.
type sentence struct {
	start, end int
	sep        string
	clusters   []cluster
}

// segment splits an answer into sentences. A sentence ends at a line break,
// or at terminal punctuation followed by white space and not by a lower-case
// word, unless the full stop ends an abbreviation or an initial. Citations
// right after the punctuation ("… talks. [1]") belong to the sentence before.
func segment(s string, clusters []cluster) []sentence {
	var cuts []int
	ci := 0
	for i := 0; i < len(s); {
		if ci < len(clusters) && i == clusters[ci].start {
			i = clusters[ci].end
			ci++
			continue
		}
		if s[i] == '\n' {
			// A line break ends a sentence; the white space after it
			// separates it from the next.
			cuts = append(cuts, i)
			for i < len(s) && unicode.IsSpace(rune(s[i])) && s[i] < utf8.RuneSelf {
				i++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isTerminal(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			c, n := utf8.DecodeRuneInString(s[j:])
			if !isCloser(c) {
				break
			}
			j += n
		}
		k, attached := j, false
		for {
			m := k
			for m < len(s) && (s[m] == ' ' || s[m] == '\t') {
				m++
			}
			if ci < len(clusters) && clusters[ci].start == m {
				k = clusters[ci].end
				ci++
				attached = true
				continue
			}
			break
		}
		if endsSentence(s, i, r, k, attached) {
			cuts = append(cuts, k)
		}
		i = k
	}
	cuts = append(cuts, len(s))

	var out []sentence
	prev, ci := 0, 0
	for _, cut := range cuts {
		raw := s[prev:cut]
		body := strings.TrimLeftFunc(raw, unicode.IsSpace)
		start := prev + len(raw) - len(body)
		end := start + len(strings.TrimRightFunc(body, unicode.IsSpace))
		sn := sentence{start: start, end: end, sep: s[prev:start]}
		for ci < len(clusters) && clusters[ci].start < end {
			sn.clusters = append(sn.clusters, clusters[ci])
			ci++
		}
		out = append(out, sn)
		prev = cut
	}
	return out
}

// endsSentence reports whether the terminal punctuation r at s[i] ends a
// sentence, given that the sentence would run to s[k].
func endsSentence(s string, i int, r rune, k int, attached bool) bool {
	if k >= len(s) {
		return false
	}
	if r == '。' || r == '！' || r == '？' {
		return true
	}
	next, _ := utf8.DecodeRuneInString(s[k:])
	if !unicode.IsSpace(next) {
		return false
	}
	if attached {
		return true
	}
	if r == '.' && (abbreviation(s[:i]) || enumerator(s[:i])) {
		return false
	}
	rest := strings.TrimLeftFunc(s[k:], unicode.IsSpace)
	first, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(first)
}

func isTerminal(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '。' || r == '！' || r == '？'
}

func isCloser(r rune) bool {
	return r == '"' || r == '\'' || r == '”' || r == '’' || r == ')' || r == '»' || r == '*' || r == '_'
}

// abbreviation reports whether text ends with an initial ("J", the "S" of
// "U.S") or a title or month commonly abbreviated before a name or number.
func abbreviation(text string) bool {
	start := len(text)
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.IsLetter(r) {
			break
		}
		start -= size
	}
	word := text[start:]
	if utf8.RuneCountInString(word) == 1 {
		return true
	}
	return abbreviations[strings.ToLower(word)]
}

// enumerator reports whether text ends a line's list number ("2" of
// "2. Rubio stays"), whose full stop doesn't end a sentence.
func enumerator(text string) bool {
	line := strings.TrimLeft(text[strings.LastIndexByte(text, '\n')+1:], " \t")
	if line == "" || len(line) > 3 {
		return false
	}
	for i := 0; i < len(line); i++ {
		if line[i] < '0' || line[i] > '9' {
			return false
		}
	}
	return true
}

var abbreviations = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`mr mrs ms dr gen sen rep gov st lt col capt sgt prof jr sr vs
		jan feb mar apr jun jul aug sep sept oct nov dec`) {
		m[w] = true
	}
	return m
}()
