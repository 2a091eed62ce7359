// Package corpus generates a deterministic, news-like synthetic corpus for
// measuring loading and search speed at scale: articles whose words follow
// a Zipf-like distribution over a large vocabulary, with English function
// words at the top as in real news text, and questions drawn from them.
package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"newsbot/knowledge"
)

// SentencesPerArticle is the average number of sentences of a generated
// article (key points included).
const SentencesPerArticle = 30

// functionWords open the vocabulary, most frequent first, as in English text.
var functionWords = strings.Fields(`the of and to a in that is was for on with as he it by said at
	his from be have has an are were they not who will which their this but had its been would after
	also more than year one new about people two over government first when state last official`)

// Generator produces articles and questions from a seed; the same seed and
// size always give the same corpus.
type Generator struct {
	seed  uint64
	rng   *rand.Rand // for choosing questions
	vocab []string
	cdf   []float64 // cumulative Zipf weights over vocab
	epoch time.Time
}

// New returns a generator over a vocabulary of vocabSize words (default
// 50,000 when vocabSize ≤ 0).
func New(seed uint64, vocabSize int) *Generator {
	if vocabSize <= 0 {
		vocabSize = 50_000
	}
	g := &Generator{
		seed:  seed,
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		epoch: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	g.vocab = append(g.vocab, functionWords...)
	wordRng := rand.New(rand.NewPCG(seed+1, 7))
	seen := map[string]bool{}
	for _, w := range g.vocab {
		seen[w] = true
	}
	for len(g.vocab) < vocabSize {
		w := pseudoWord(wordRng)
		if !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	g.cdf = make([]float64, len(g.vocab))
	sum := 0.0
	for i := range g.vocab {
		sum += 1 / math.Pow(float64(i+1), 1.05)
		g.cdf[i] = sum
	}
	for i := range g.cdf {
		g.cdf[i] /= sum
	}
	return g
}

var (
	consonants = []string{"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "st", "tr", "ch", "sh", "gr"}
	vowels     = []string{"a", "e", "i", "o", "u", "ai", "ea", "ou", "io"}
)

// pseudoWord makes a pronounceable word of two to four syllables.
func pseudoWord(r *rand.Rand) string {
	var b strings.Builder
	for n := 2 + r.IntN(3); n > 0; n-- {
		b.WriteString(consonants[r.IntN(len(consonants))])
		b.WriteString(vowels[r.IntN(len(vowels))])
	}
	if r.IntN(3) == 0 {
		b.WriteString(consonants[r.IntN(len(consonants))])
	}
	return b.String()
}

// word draws one word from the Zipf distribution.
func (g *Generator) word(r *rand.Rand) string {
	x := r.Float64()
	lo, hi := 0, len(g.cdf)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cdf[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.vocab[lo]
}

// sentence writes one sentence of 8 to 30 words, sometimes with a number or
// money, drawing some words from the article's own topic words.
func (g *Generator) sentence(r *rand.Rand, topic []string) string {
	n := 8 + r.IntN(23)
	ws := make([]string, n)
	for i := range ws {
		switch k := r.IntN(20); {
		case k < 3:
			ws[i] = topic[r.IntN(len(topic))]
		case k == 3 && i > 0:
			ws[i] = fmt.Sprintf("$%d.%d billion", 1+r.IntN(99), r.IntN(10))
		default:
			ws[i] = g.word(r)
		}
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

// Article returns the i-th article, the same for the same seed whatever
// else was generated before. Its ID is "syn-<i>", its URL is unique,
// and its published time is spread over a year.
func (g *Generator) Article(i int) knowledge.Article {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	topic := make([]string, 6)
	for j := range topic {
		// Topic words come from the rarer part of the vocabulary.
		topic[j] = g.vocab[len(functionWords)+r.IntN(len(g.vocab)-len(functionWords))]
	}
	title := g.sentence(r, topic)
	title = strings.TrimSuffix(title, ".")
	if len(title) > 90 {
		title = strings.TrimSpace(title[:strings.LastIndex(title[:90], " ")])
	}
	a := knowledge.Article{
		ID:        fmt.Sprintf("syn-%d", i),
		Title:     title,
		URL:       fmt.Sprintf("https://news.example/%d", i),
		Source:    "Synthetic News",
		Published: g.epoch.Add(time.Duration(r.IntN(365*24)) * time.Hour),
	}
	for range 3 {
		a.KeyPoints = append(a.KeyPoints, g.sentence(r, topic))
	}
	body := make([]string, SentencesPerArticle-3-5+r.IntN(11))
	for j := range body {
		body[j] = g.sentence(r, topic)
	}
	a.Body = strings.Join(body, " ")
	return a
}

// Question returns a question built from words of a sentence of article a,
// as a reader would ask about it: a question word and three to six of the
// sentence's words.
func (g *Generator) Question(a knowledge.Article) string {
	parts := strings.Split(a.Body, ". ")
	ws := strings.Fields(strings.Trim(parts[g.rng.IntN(len(parts))], "."))
	n := min(3+g.rng.IntN(4), len(ws))
	picked := make([]string, 0, n)
	for _, j := range g.rng.Perm(len(ws))[:n] {
		picked = append(picked, strings.ToLower(ws[j]))
	}
	qw := []string{"Who", "What", "When", "Where", "Why", "How"}[g.rng.IntN(6)]
	return qw + " " + strings.Join(picked, " ") + "?"
}
