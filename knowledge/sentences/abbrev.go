package sentences

import (
	"unicode"
	"unicode/utf8"
)

// abbreviation reports whether the full stop after word (text[next] being the
// start of what follows, which is not lowercase) belongs to an abbreviation
// or initial rather than ending the sentence.
func abbreviation(word, text string, next int) bool {
	if word == "" {
		return false
	}
	if neverEnds(word) {
		return true
	}
	if beforeNumber(word) {
		return isDigit(text[next])
	}
	if ambiguous(word) || isInitial(word) || isDotted(word) {
		// "the U.S. Senate", "George W. Bush", "10 a.m. Eastern" go on;
		// "in the U.S. The", "Apple Inc. He" end.
		return !startsNewSentence(text, next)
	}
	return false
}

// neverEnds reports whether word, followed by a full stop, is an abbreviation
// that is always followed by more of the sentence: a title before a name, or
// a Latin abbreviation.
func neverEnds(word string) bool {
	switch word {
	case "Mr", "Mrs", "Ms", "Mx", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Profs",
		"Gen", "Gens", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Lt", "Col",
		"Sgt", "Capt", "Maj", "Cmdr", "Adm", "Brig", "Cpl", "Pvt", "Spc", "Rev",
		"Hon", "Pres", "Supt", "Det", "Insp", "Amb", "Atty", "Msgr", "Mt", "Ft",
		"St", "Ste", "Rt",
		"vs", "v", "e.g", "i.e", "E.g", "I.e", "cf", "Cf", "viz", "approx", "Approx":
		return true
	}
	return false
}

// beforeNumber reports whether word is an abbreviation that is usually
// followed by a number: "No. 5", "Jan. 20", "p. 12".
func beforeNumber(word string) bool {
	switch word {
	case "No", "Nos", "no", "nos", "Art", "Sec", "Ch", "Fig", "fig", "Figs",
		"Vol", "vol", "Vols", "p", "pp", "Para", "para", "Ex", "Op", "Pt", "Nr",
		"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec":
		return true
	}
	return false
}

// ambiguous reports whether word is an abbreviation that can end a sentence
// as well as go on: "Apple Inc.", "Martin Luther King Jr.", "Springfield, Ill.".
func ambiguous(word string) bool {
	switch word {
	case "Inc", "Corp", "Ltd", "Co", "Cos", "Bros", "LLC", "Plc", "plc", "Jr", "Sr",
		"etc", "al", "Ave", "Blvd", "Rd", "Dept", "Univ", "Assn", "Intl", "Natl",
		"Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
		"Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill",
		"Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo",
		"Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Penn", "Tenn", "Tex", "Va",
		"Vt", "Wash", "Wis", "Wyo":
		return true
	}
	return false
}

// isInitial reports whether word is a single capital letter: "W" in
// "George W. Bush".
func isInitial(word string) bool {
	if len(word) == 1 {
		return 'A' <= word[0] && word[0] <= 'Z'
	}
	r, n := utf8.DecodeRuneInString(word)
	return n == len(word) && unicode.IsUpper(r)
}

// isDotted reports whether word is a dotted abbreviation such as "U.S",
// "a.m" or "Ph.D": letters in groups of one or two separated by full stops.
func isDotted(word string) bool {
	dots, run := 0, 0
	for k := 0; k < len(word); k++ {
		c := word[k]
		switch {
		case c == '.':
			if run == 0 {
				return false
			}
			dots++
			run = 0
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			run++
			if run > 2 {
				return false
			}
		default:
			return false
		}
	}
	return dots > 0 && run > 0
}

// startsNewSentence reports whether the word at next is one that commonly
// begins a sentence, or a quotation opens there.
func startsNewSentence(text string, next int) bool {
	switch text[next] {
	case '"', '\'', '(', '[':
		return true
	}
	if r, _ := utf8.DecodeRuneInString(text[next:]); r == '“' || r == '‘' || r == '«' {
		return true
	}
	end := next
	for end < len(text) && ('a' <= text[end] && text[end] <= 'z' || 'A' <= text[end] && text[end] <= 'Z') {
		end++
	}
	return starters[text[next:end]]
}

// starters are words that often begin a sentence in news text and seldom
// follow an abbreviation inside one.
var starters = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true,
	"They": true, "We": true, "I": true, "You": true, "His": true, "Her": true,
	"Its": true, "Their": true, "Our": true, "My": true, "Your": true,
	"This": true, "That": true, "These": true, "Those": true, "There": true,
	"Here": true, "In": true, "On": true, "At": true, "But": true, "And": true,
	"Or": true, "So": true, "Yet": true, "If": true, "When": true,
	"While": true, "After": true, "Before": true, "As": true, "For": true,
	"With": true, "Some": true, "Many": true, "Most": true, "All": true,
	"Both": true, "Each": true, "What": true, "Why": true, "How": true,
	"Who": true, "Where": true, "Which": true, "Meanwhile": true,
	"However": true, "Also": true, "Still": true, "Then": true, "Now": true,
	"Since": true, "By": true, "From": true, "Under": true, "According": true,
	"Despite": true, "Although": true, "Though": true, "Because": true,
	"Earlier": true, "Later": true, "Last": true, "Mr": true, "Mrs": true,
	"Ms": true, "Not": true, "Only": true, "Such": true, "To": true, "Did": true,
	"Is": true, "Are": true, "Was": true, "Were": true, "Do": true, "Does": true,
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
