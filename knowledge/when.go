package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// timeFocus is what a question says about when its answer happened: how
// strongly it asks for the newest news, and which times it names.
type timeFocus struct {
	// recency is 0 when the question says nothing about recency, and up to
	// 1 when it asks about the last day or so ("today", "yesterday").
	recency float64
	// periods are the times the question names, each [from, to), in the
	// order found (YYYY-MM-DD dates first), without repeats. None reaches past the end of the as-of
	// day: nothing published later can be found.
	periods []period
}

// period is a span of time [from, to).
type period struct{ from, to time.Time }

// How strongly words ask for recent news. News questions say when they
// mean "the newest" in a few set ways, and how far back a phrase reaches
// says how strongly it does:
//
//   - recencyStrong, the last day or so: "today", "tonight", "yesterday",
//     "this morning", "last night", "this week". A reader asking these wants
//     what was published in the last few days and nothing older.
//   - recencyMedium, the last weeks: "latest", "recent", "recently",
//     "lately", "now", "currently", "current", "this month", "last week",
//     and a weekday named alone ("on Monday", which can only mean the last
//     seven days but often just repeats an article's own wording, as in
//     "What happens on Monday?"). They prefer the newest of several
//     stories but don't rule out an older one.
//
// Deliberately left out: "new" and "newest", which describe things more
// often than times ("New York", "the new law passed in 2019", "NATO's newest
// member"); "still" and "ongoing", which ask whether something lasts rather
// than for the latest report; "last month" and "this year", which reach too
// far back to say much beyond their periods.
//
// The strongest word counts; words don't add up.
const (
	recencyStrong = 1.0
	recencyMedium = 0.5
)

// recencyWords are the single words that ask for recent news (see
// recencyStrong); phrases and day names are read in timeReader.
var recencyWords = map[string]float64{
	"today": recencyStrong, "tonight": recencyStrong, "yesterday": recencyStrong,
	"latest": recencyMedium, "recent": recencyMedium, "recently": recencyMedium, "lately": recencyMedium,
	"now": recencyMedium, "currently": recencyMedium, "current": recencyMedium,
}

// pastFocusAge is how long before the end of the as-of day a named period
// must end for a recency word to be about that period rather than about
// the as-of time: "the latest on the strike in March 2020", asked in 2026,
// asks for the latest then.
const pastFocusAge = 31 * 24 * time.Hour

// readTimeFocus reads what question says about time, relative to asOf (the
// time the question is asked at; the caller puts time.Now() in for a zero
// as-of). Days are days in asOf's location.
//
// Named times resolve to the most recent such period that begins at or
// before asOf, cut at the end of asOf's day: "April 23" and "23 April" (also
// "the 23rd of April", "April 23, 2023", "2023-04-23") are that day; "in
// March" and "March 2023" that month; a four-digit year from 1900 to 2100
// standing alone that year, and "the 1990s" that decade; "today",
// "yesterday", "last night", "this week", "last week", "this month", "last
// month", "this year" and "last year" their periods; a weekday ("on Monday")
// the most recent such day, and "last Monday" the one before today; "the
// past week", "past month" and "past year" reach back from the as-of day.
// "since" stretches a named time to the end of the as-of day. Times after
// the as-of day ("next week", "in 2030" asked in 2026) name no period.
//
// "May", "March" and "August" are ordinary words as well as months, so they
// count only next to a day number or year, after "in", "on", "since", "by",
// "early", "late", "mid", "until", "before", "after" or "during", or
// capitalised inside a sentence and not after another capitalised word
// ("Theresa May"). Abbreviations ("Sept", "Jan") count only next to a day
// number or year.
func readTimeFocus(question string, asOf time.Time) timeFocus {
	r := newTimeReader(asOf)
	question = isoDate.ReplaceAllStringFunc(question, func(s string) string {
		y, _ := strconv.Atoi(s[0:4])
		m, _ := strconv.Atoi(s[5:7])
		d, _ := strconv.Atoi(s[8:10])
		r.exactDay(y, time.Month(m), d, false)
		return strings.Repeat(" ", len(s))
	})
	r.words = splitWords(question)
	for i := 0; i < len(r.words); {
		n := r.relative(i)
		if n == 0 {
			n = r.date(i)
		}
		if n == 0 {
			n = r.weekday(i)
		}
		if n == 0 {
			n = r.year(i)
		}
		if n == 0 {
			r.recent(recencyWords[r.words[i].lower])
			n = 1
		}
		i += n
	}
	for _, p := range r.focus.periods {
		if p.to.Before(r.end.Add(-pastFocusAge)) {
			r.focus.recency = 0
		}
	}
	return r.focus
}

// isoDate matches a YYYY-MM-DD date.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// timeReader holds the state of one readTimeFocus.
type timeReader struct {
	loc   *time.Location
	today time.Time // the start of the as-of day
	end   time.Time // the end of the as-of day: no period reaches past it
	words []word
	focus timeFocus
}

func newTimeReader(asOf time.Time) *timeReader {
	loc := asOf.Location()
	today := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, loc)
	// A day is 24 hours but for daylight-saving changes; never reach more
	// than a day past asOf.
	end := today.AddDate(0, 0, 1)
	if limit := asOf.Add(24 * time.Hour); end.After(limit) {
		end = limit
	}
	return &timeReader{loc: loc, today: today, end: end}
}

// recent raises the recency to at least v.
func (r *timeReader) recent(v float64) {
	r.focus.recency = max(r.focus.recency, v)
}

// add records the period [from, to) named from word i on, stretched to
// the end of the as-of day after "since".
func (r *timeReader) add(i int, from, to time.Time) {
	if r.since(i) {
		to = r.end
	}
	r.put(from, to)
}

// since reports whether the time named from word i on follows "since".
func (r *timeReader) since(i int) bool {
	return i > 0 && r.words[i-1].lower == "since"
}

// put records the period [from, to), cut at the end of the as-of day, and
// dropped when it begins after it or repeats one already recorded.
func (r *timeReader) put(from, to time.Time) {
	if to.After(r.end) {
		to = r.end
	}
	if !from.Before(to) {
		return
	}
	for _, p := range r.focus.periods {
		if p.from.Equal(from) && p.to.Equal(to) {
			return
		}
	}
	r.focus.periods = append(r.focus.periods, period{from, to})
}

func (r *timeReader) day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, r.loc)
}

// exactDay records the day y-m-d, when it exists, and reports whether it
// does; since stretches it to the end of the as-of day.
func (r *timeReader) exactDay(y int, m time.Month, d int, since bool) bool {
	from := r.day(y, m, d)
	if from.Year() != y || from.Month() != m || from.Day() != d {
		return false // February 30
	}
	to := from.AddDate(0, 0, 1)
	if since {
		to = r.end
	}
	r.put(from, to)
	return true
}

// Units of time that "this", "last" and "next" name.
var timeUnits = map[string]bool{
	"morning": true, "afternoon": true, "evening": true, "night": true,
	"week": true, "month": true, "year": true, "weekend": true,
}

// relative reads a time named relative to the as-of day at word i
// ("today", "last week", "next month") and returns how many words it took.
func (r *timeReader) relative(i int) int {
	w := r.words[i]
	switch w.lower {
	case "today", "tonight":
		r.add(i, r.today, r.today.AddDate(0, 0, 1))
		r.recent(recencyStrong)
		return 1
	case "yesterday":
		r.add(i, r.today.AddDate(0, 0, -1), r.today)
		r.recent(recencyStrong)
		return 1
	}
	if i+1 >= len(r.words) {
		return 0
	}
	next := r.words[i+1].lower
	switch w.lower {
	case "next", "coming":
		// A time still to come names no period of publication.
		if timeUnits[next] || weekdays[next] != nil || months[next] != nil {
			return 2
		}
	case "this":
		switch next {
		case "morning", "afternoon", "evening":
			r.add(i, r.today, r.today.AddDate(0, 0, 1))
			r.recent(recencyStrong)
		case "week":
			r.add(i, r.monday(), r.monday().AddDate(0, 0, 7))
			r.recent(recencyStrong)
		case "month":
			first := r.day(r.today.Year(), r.today.Month(), 1)
			r.add(i, first, first.AddDate(0, 1, 0))
			r.recent(recencyMedium)
		case "year":
			first := r.day(r.today.Year(), 1, 1)
			r.add(i, first, first.AddDate(1, 0, 0))
		default:
			return 0
		}
		return 2
	case "last", "past":
		if i+2 < len(r.words) && r.words[i+2].lower == "of" {
			return 0 // "the last week of June": June says when
		}
		if w.lower == "past" {
			// The past week, month or year: up to the as-of day.
			years, months, days := 0, 0, 0
			switch next {
			case "week":
				days = 7
				r.recent(recencyMedium)
			case "month":
				months = 1
			case "year":
				years = 1
			default:
				return 0
			}
			r.add(i, r.today.AddDate(-years, -months, -days), r.end)
			return 2
		}
		switch next {
		case "night":
			r.add(i, r.today.AddDate(0, 0, -1), r.today.AddDate(0, 0, 1)) // the night spans two dates
			r.recent(recencyStrong)
		case "week":
			r.add(i, r.monday().AddDate(0, 0, -7), r.monday())
			r.recent(recencyMedium)
		case "month":
			first := r.day(r.today.Year(), r.today.Month(), 1)
			r.add(i, first.AddDate(0, -1, 0), first)
		case "year":
			first := r.day(r.today.Year(), 1, 1)
			r.add(i, first.AddDate(-1, 0, 0), first)
		default:
			return 0
		}
		return 2
	}
	return 0
}

// monday is the start of the as-of week, which starts on Monday (ISO 8601).
func (r *timeReader) monday() time.Time {
	return r.today.AddDate(0, 0, -((int(r.today.Weekday()) + 6) % 7))
}

// monthName describes a month's name.
type monthName struct {
	month     time.Month
	ordinary  bool // also an ordinary word: "may", "march", "august"
	shortened bool // an abbreviation: "sept"
}

var months = map[string]*monthName{}

var weekdays = map[string]*time.Weekday{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		months[name] = &monthName{month: m, ordinary: name == "may" || name == "march" || name == "august"}
		if short := name[:3]; short != name {
			months[short] = &monthName{month: m, shortened: true}
		}
	}
	months["sept"] = &monthName{month: time.September, shortened: true}
	for d := time.Sunday; d <= time.Saturday; d++ {
		wd := d
		weekdays[strings.ToLower(d.String())] = &wd
	}
}

// monthContext are the words after which "may", "march" and "august" are
// months.
var monthContext = map[string]bool{
	"in": true, "on": true, "since": true, "by": true, "early": true, "late": true, "mid": true,
	"until": true, "before": true, "after": true, "during": true,
}

// date reads a date or month at word i ("April 23", "23rd of April, 2023",
// "in March", "May 2023") and returns how many words it took.
func (r *timeReader) date(i int) int {
	ws := r.words
	if d := ws[i].dayNumber(); d > 0 {
		// 23 April, 23rd of April
		j := i + 1
		if j < len(ws) && ws[j].lower == "of" {
			j++
		}
		if j >= len(ws) || months[ws[j].lower] == nil {
			return 0
		}
		return j - i + 1 + r.monthDay(i, months[ws[j].lower].month, d, j+1)
	}
	mn := months[ws[i].lower]
	if mn == nil {
		return 0
	}
	if i+1 < len(ws) {
		if d := ws[i+1].dayNumber(); d > 0 {
			return 2 + r.monthDay(i, mn.month, d, i+2) // April 23
		}
		if y := ws[i+1].yearNumber(); y > 0 {
			r.month(i, y, mn.month) // March 2023
			return 2
		}
	}
	if mn.shortened || mn.ordinary && !r.monthInContext(i) {
		return 0
	}
	y := r.today.Year()
	if mn.month > r.today.Month() {
		y--
	}
	r.month(i, y, mn.month)
	return 1
}

// monthInContext reports whether the ordinary word at i ("may") is used as
// a month, from the words before it.
func (r *timeReader) monthInContext(i int) bool {
	w := r.words[i]
	if i > 0 && monthContext[r.words[i-1].lower] {
		return true
	}
	if !w.capital || w.first {
		return false // "May I ask…", "may" as a verb
	}
	// "Theresa May", "Prime Minister May": part of a name.
	return i == 0 || !r.words[i-1].capital
}

// monthDay records day d of month m, with the year at word j when there is
// one there, and returns how many words the year took (0 or 1). The word
// at i is the date's first.
func (r *timeReader) monthDay(i int, m time.Month, d, j int) int {
	since := r.since(i)
	if j < len(r.words) {
		if y := r.words[j].yearNumber(); y > 0 {
			if !r.exactDay(y, m, d, since) {
				r.month(i, y, m) // "February 30, 2023": at least the month
			}
			return 1
		}
	}
	// The most recent such day at or before the as-of day; February 29
	// waits up to eight years for a leap year.
	y := r.today.Year()
	if m > r.today.Month() || m == r.today.Month() && d > r.today.Day() {
		y--
	}
	for k := range 8 {
		if r.exactDay(y-k, m, d, since) {
			break
		}
	}
	return 0
}

// month records month m of year y; the word at i is its first.
func (r *timeReader) month(i, y int, m time.Month) {
	first := r.day(y, m, 1)
	r.add(i, first, first.AddDate(0, 1, 0))
}

// weekday reads a day of the week at word i ("on Monday", "last Friday"):
// the most recent such day at or before the as-of day, or before it after
// "last".
func (r *timeReader) weekday(i int) int {
	wd := weekdays[r.words[i].lower]
	if wd == nil {
		return 0
	}
	back := (int(r.today.Weekday()) - int(*wd) + 7) % 7
	if back == 0 && i > 0 && r.words[i-1].lower == "last" {
		back = 7
	}
	from := r.today.AddDate(0, 0, -back)
	r.add(i, from, from.AddDate(0, 0, 1))
	r.recent(recencyMedium)
	return 1
}

// year reads a year standing alone ("in 2023") or a decade ("the 1990s")
// at word i.
func (r *timeReader) year(i int) int {
	w := r.words[i]
	if y := w.yearNumber(); y > 0 {
		first := r.day(y, 1, 1)
		r.add(i, first, first.AddDate(1, 0, 0))
		return 1
	}
	if w.decade > 0 {
		first := r.day(w.decade, 1, 1)
		r.add(i, first, first.AddDate(10, 0, 0))
		return 1
	}
	return 0
}

// word is one word of a question.
type word struct {
	lower    string // lower case, without a possessive "'s"
	capital  bool   // begins with a capital letter
	first    bool   // first word of a sentence
	number   int    // the value of a number of at most four digits ("23", "2023"), or -1
	digits   int    // how many digits the number has
	ordinal  int    // the value of "1st", "23rd", or 0
	decade   int    // 1990 for "1990s", or 0
	inFigure bool   // joined to a larger figure: "$2,023", "1.2023", "2023%"
}

// dayNumber returns the day of the month the word can be ("23", "23rd"),
// or 0.
func (w word) dayNumber() int {
	d := w.ordinal
	if w.number >= 0 && w.digits <= 2 && !w.inFigure {
		d = w.number
	}
	if d < 1 || d > 31 {
		return 0
	}
	return d
}

// yearNumber returns the year the word can be (four digits, 1900 to 2100,
// not part of a larger figure), or 0.
func (w word) yearNumber() int {
	if w.digits != 4 || w.inFigure || w.number < 1900 || w.number > 2100 {
		return 0
	}
	return w.number
}

// splitWords splits s into words: runs of letters, digits and apostrophes.
func splitWords(s string) []word {
	var ws []word
	sentence := true
	var prev rune // the character before the current one
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(c) {
			switch c {
			case '.', '?', '!', '\n', ';':
				sentence = true
			}
			prev = c
			i += size
			continue
		}
		start := i
		for i < len(s) {
			c, size = utf8.DecodeRuneInString(s[i:])
			if !isWordRune(c) {
				break
			}
			i += size
		}
		text := strings.Trim(s[start:i], "'’")
		if lower := strings.ToLower(text); strings.HasSuffix(lower, "'s") || strings.HasSuffix(lower, "’s") {
			text = strings.TrimRight(text[:strings.LastIndexAny(text, "'’")], "'’")
		}
		if text == "" {
			continue
		}
		w := word{lower: strings.ToLower(text), number: -1, first: sentence}
		first, _ := utf8.DecodeRuneInString(text)
		w.capital = unicode.IsUpper(first)
		w.readNumber()
		w.inFigure = w.digits > 0 && (figureBefore(s[:start], prev) || figureAfter(s[i:]))
		ws = append(ws, w)
		sentence = false
		prev, _ = utf8.DecodeLastRuneInString(s[start:i])
	}
	return ws
}

// readNumber fills in the word's number fields.
func (w *word) readNumber() {
	digits := len(w.lower) - len(strings.TrimLeft(w.lower, "0123456789"))
	if digits == 0 {
		return
	}
	suffix := w.lower[digits:]
	n, err := strconv.Atoi(w.lower[:min(digits, 5)])
	if err != nil {
		return
	}
	switch {
	case suffix == "" && digits <= 4:
		w.number, w.digits = n, digits
	case suffix == "":
		w.digits = digits
	case digits <= 2 && (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th"):
		w.ordinal = n
	case digits == 4 && suffix == "s" && n%10 == 0 && n >= 1900 && n <= 2100:
		w.decade = n
	}
}

// figureBefore reports whether the text before a number joins it to a
// larger figure: a currency sign, or a digit and a separator ("1,2023").
func figureBefore(before string, prev rune) bool {
	if strings.ContainsRune("$£€¥#", prev) {
		return true
	}
	if prev != ',' && prev != '.' {
		return false
	}
	rest, _ := strings.CutSuffix(before, string(prev))
	c, _ := utf8.DecodeLastRuneInString(rest)
	return '0' <= c && c <= '9'
}

// figureAfter reports whether the text after a number joins it to a larger
// figure: a percent sign, or a separator and a digit ("2023,5").
func figureAfter(after string) bool {
	if strings.HasPrefix(after, "%") {
		return true
	}
	if len(after) < 2 || after[0] != ',' && after[0] != '.' {
		return false
	}
	return '0' <= after[1] && after[1] <= '9'
}

func isWordRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsDigit(c) || c == '\'' || c == '’'
}
