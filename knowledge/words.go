package knowledge

import "strings"

// Words returns the words of text as knowledge compares them: lower-cased
// runs of letters and digits, in order, repeats and stop words included;
// an apostrophe ends a word, and words of 64 bytes or more are left out.
func Words(text string) []string { return words(text) }

// Stem returns the rough stem knowledge scores a word by ("talks" and
// "talk", "represented" and "represent" share one); word is lower-cased
// first. The full-text index does its own stemming.
func Stem(word string) string { return stem(strings.ToLower(word)) }

// Forms returns word, lower-cased, followed by the other forms of its word
// that Stem keeps apart ("lose" and "lost", "child" and "children"), as
// search matches them; for most words, word alone.
func Forms(word string) []string { return forms(strings.ToLower(word)) }

// IsStopWord reports whether word is too common to say what a text is
// about, as Keywords judges it.
func IsStopWord(word string) bool { return stopWords[strings.ToLower(word)] }
