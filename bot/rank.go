package bot

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"newsbot/knowledge"
	"newsbot/prompts"
)

// conversation is what a follow-up keeps from the turns before it.
type conversation struct {
	// keywords are the words the conversation adds to the question's own.
	keywords []keyword
	// cited holds the articles the previous answer cited.
	cited map[string]bool
}

// newConversation returns what the follow-up keeps of history (oldest
// first), given the words the conversation added to its search.
func newConversation(history []Turn, added []string) conversation {
	c := conversation{keywords: keywordsOf(added)}
	if len(history) > 0 {
		for _, id := range history[len(history)-1].Articles {
			if c.cited == nil {
				c.cited = map[string]bool{}
			}
			c.cited[id] = true
		}
	}
	return c
}

// scored is an evidence sentence with how well it answers the question.
type scored struct {
	source prompts.Source
	words  sentence
	// covers has bit i set when the sentence holds the question's
	// keyword i; context the same for the conversation's keywords.
	covers, context uint64
	// own is the share of the question's keywords (those the evidence
	// holds at all) the sentence holds, article the share its article's
	// evidence and title hold together, fit how well it holds what the
	// question asks for (see fit).
	own, article, fit float64
	// articleHolds is the share of the question's keywords that its
	// article (title and evidence) holds, each counting alike.
	articleHolds float64
	// typed reports whether the sentence holds what the question asks
	// for: a name for which or who, a date for when, a number for how many.
	typed bool
	// aside marks a sentence outside the story a follow-up refers back to.
	aside bool
	score float64
}

// relevant reports whether the sentence holds a word of the question or,
// for a follow-up, of the conversation.
func (s scored) relevant() bool { return s.covers != 0 || s.context != 0 }

// answers reports whether the sentence may be quoted as an answer: it
// holds a word of the question or what the question asks for, or, for a
// question with no keywords of its own, a word of the conversation.
func (s scored) answers(q question) bool {
	if s.aside {
		return false
	}
	if len(q.keywords) == 0 {
		return s.context != 0 || s.fit > 0
	}
	return s.covers != 0 || s.fit > 0
}

// How much each part of a sentence's score weighs; fit weighs up to 1.25.
const (
	weightArticle      = 0.5  // the share its article holds
	weightContext      = 0.25 // the share of the conversation's words it holds
	weightFocusArticle = 0.5  // from an article the previous answer cited
)

// rankSources orders the evidence best answer first. A sentence scores by
// the share of the question's keywords it holds, the share its article
// holds (so a sentence of the article the question is about beats one
// that shares a word by chance), and how well it holds what the question
// asks for (a name for who, a date for when, a number next to the noun for
// how many). For a follow-up it also scores by the conversation's words,
// and sentences of the articles the previous answer cited come first; when
// the follow-up refers back ("How much will it cost?") and those articles
// hold something relevant, the other articles' sentences are set aside.
// Ties keep the search's order.
func rankSources(ev prompts.Evidence, q question, conv conversation) []scored {
	out := make([]scored, len(ev.Sources))
	type coverage struct{ question, context uint64 }
	byArticle := map[string]*coverage{}
	for i, src := range ev.Sources {
		s := scored{source: src, words: readSentence(prompts.Clean(src.Sentence.Text, maxRankRunes))}
		s.covers, s.context = holds(q.keywords, s.words.stems), holds(conv.keywords, s.words.stems)
		s.fit = fit(q, s.words)
		if q.want != kindNone {
			positions, exact := s.words.typed(q)
			s.typed = exact && len(positions) > 0
		}
		out[i] = s
		c := byArticle[src.Article.ID]
		if c == nil {
			title := readSentence(prompts.Clean(src.Article.Title, maxRankRunes)).stems
			c = &coverage{holds(q.keywords, title), holds(conv.keywords, title)}
			byArticle[src.Article.ID] = c
		}
		c.question |= s.covers
		c.context |= s.context
	}
	var found uint64 // the question's keywords that the evidence holds
	for _, c := range byArticle {
		found |= c.question
	}
	share := func(set, of uint64) float64 {
		if of == 0 {
			return 0
		}
		return float64(bits.OnesCount64(set&of)) / float64(bits.OnesCount64(of))
	}
	// A question's word weighs by how few of the evidence sentences hold
	// it: the words every retrieved sentence shares say least about which
	// one answers ("represent" over "US" and "talks" in "Who will represent
	// the US at the London talks?").
	weights := make([]float64, len(q.keywords))
	for k := range weights {
		n := 0
		for _, s := range out {
			if s.covers&(1<<k) != 0 {
				n++
			}
		}
		weights[k] = math.Log(1 + float64(len(out))/float64(max(n, 1)))
	}
	weighted := func(set, of uint64) float64 {
		sum, total := 0.0, 0.0
		for k, w := range weights {
			if of&(1<<k) != 0 {
				total += w
				if set&(1<<k) != 0 {
					sum += w
				}
			}
		}
		if total == 0 {
			return 0
		}
		return sum / total
	}
	allContext := uint64(1)<<len(conv.keywords) - 1

	focus := focusArticles(ev, conv, func(id string) float64 { return share(byArticle[id].context, allContext) })
	for i := range out {
		s := &out[i]
		s.own = weighted(s.covers, found)
		s.article = weighted(byArticle[s.source.Article.ID].question, found)
		s.articleHolds = 1 // a follow-up without keywords: the conversation decides
		if len(q.keywords) > 0 {
			s.articleHolds = share(byArticle[s.source.Article.ID].question, uint64(1)<<len(q.keywords)-1)
		}
		// What the question asks for counts as much as the article is
		// about the question, or for a follow-up about the conversation:
		// a number in an unrelated article answers "how many" nothing.
		s.fit *= max(s.article, share(byArticle[s.source.Article.ID].context, allContext))
		s.score = s.own + weightArticle*s.article + s.fit + weightContext*share(s.context, allContext)
		if focus[s.source.Article.ID] {
			s.score += weightFocusArticle
		}
	}
	if q.refersBack && len(focus) > 0 &&
		slices.ContainsFunc(out, func(s scored) bool { return focus[s.source.Article.ID] && s.answers(q) }) {
		for i := range out {
			out[i].aside = !focus[out[i].source.Article.ID]
		}
	}
	slices.SortStableFunc(out, func(x, y scored) int {
		return cmp.Or(
			compareBool(x.aside, y.aside),
			-cmp.Compare(x.score, y.score),
			-compareBool(x.source.Matched, y.source.Matched),
			cmp.Compare(x.source.Rank, y.source.Rank),
		)
	})
	return out
}

// minArticleHolds is the least share of the question's keywords an article
// holds for an extract to quote it beside the answer from another.
const minArticleHolds = 0.5

// maxRankRunes bounds how much of a sentence ranking reads.
const maxRankRunes = 2000

// focusArticles returns the articles of the evidence a follow-up is about:
// those the previous answer cited or, when it cited none of them, those
// that hold at least half as many of the conversation's words as the best.
func focusArticles(ev prompts.Evidence, conv conversation, contextShare func(id string) float64) map[string]bool {
	focus := map[string]bool{}
	for _, src := range ev.Sources {
		if conv.cited[src.Article.ID] {
			focus[src.Article.ID] = true
		}
	}
	if len(focus) > 0 || len(conv.keywords) == 0 {
		return focus
	}
	best := 0.0
	for _, src := range ev.Sources {
		best = max(best, contextShare(src.Article.ID))
	}
	for _, src := range ev.Sources {
		if best > 0 && contextShare(src.Article.ID) >= best/2 {
			focus[src.Article.ID] = true
		}
	}
	return focus
}

// holds returns the set of keywords (bit i for keyword i) that stems hold.
func holds(ks []keyword, stems map[string]bool) uint64 {
	var set uint64
	for i, k := range ks {
		if i < 64 && k.in(stems) {
			set |= 1 << i
		}
	}
	return set
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// chooseExtract returns up to n of the ranked sentences that answer q, as
// an extract quotes them: the best answer first, then those that add most
// to it, favouring the question's words it doesn't hold yet. When the best
// doesn't hold what q asks for and a sentence next to it does (see
// typedNeighbour), that one follows it, beyond the n. It leaves out
// sentences that score below half the best, sentences of another article
// than the best's that holds under minArticleHolds of the question's
// keywords (one that shares a word and an amount with the question is not
// about it), and near-duplicates of one already chosen (a key point that
// repeats a sentence of the body).
func chooseExtract(ranked []scored, stored map[int]knowledge.Sentence, q question, n int) []scored {
	var cands []scored
	for _, r := range ranked {
		if _, ok := stored[r.source.Marker]; ok && r.answers(q) {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	picked := []scored{cands[0]}
	covered := cands[0].covers
	if nb, ok := typedNeighbour(ranked, stored, q, cands[0]); ok {
		picked = append(picked, nb)
		covered |= nb.covers
		n++
	}
	var found uint64
	for _, c := range cands {
		found |= c.covers
	}
	for len(picked) < n {
		best, bestGain := -1, 0.0
		for i, c := range cands {
			if c.score < cands[0].score/2 || c.source.Article.ID != cands[0].source.Article.ID && c.articleHolds < minArticleHolds || slices.ContainsFunc(picked, func(p scored) bool {
				return p.source.Marker == c.source.Marker || nearDuplicate(p.words, c.words)
			}) {
				continue
			}
			gain := c.score
			if found != 0 {
				gain += float64(bits.OnesCount64(c.covers&^covered)) / float64(bits.OnesCount64(found))
			}
			if best < 0 || gain > bestGain {
				best, bestGain = i, gain
			}
		}
		if best < 0 {
			break
		}
		picked = append(picked, cands[best])
		covered |= cands[best].covers
	}
	return picked
}

// typedNeighbour returns the sentence next to best in its article that
// holds what q asks for when best doesn't: news names the one it speaks of
// in the sentence before or after ("Seats at Marlowe Cinemas will… The chain said…").
func typedNeighbour(ranked []scored, stored map[int]knowledge.Sentence, q question, best scored) (scored, bool) {
	if q.want == kindNone || best.typed {
		return scored{}, false
	}
	for _, r := range ranked {
		d := r.source.Sentence.Position - best.source.Sentence.Position
		if _, ok := stored[r.source.Marker]; ok && r.typed && !r.aside &&
			r.source.Article.ID == best.source.Article.ID && (d == 1 || d == -1) {
			return r, true
		}
	}
	return scored{}, false
}

// nearDuplicate reports whether two sentences say nearly the same: most of
// the keywords of the shorter are in the longer.
func nearDuplicate(a, b sentence) bool {
	ka, kb := contentStems(a), contentStems(b)
	if len(ka) > len(kb) {
		ka, kb = kb, ka
	}
	if len(ka) == 0 {
		return a.text == b.text
	}
	shared := 0
	for s := range ka {
		if kb[s] {
			shared++
		}
	}
	return len(ka) >= 3 && float64(shared) >= 0.7*float64(len(ka)) || shared == len(ka) && len(ka) == len(kb)
}

// contentStems returns the stems of a sentence's words that are not stop
// words.
func contentStems(s sentence) map[string]bool {
	out := map[string]bool{}
	for _, t := range s.tokens {
		if t.stem != "" && !knowledge.IsStopWord(t.lower) {
			out[t.stem] = true
		}
	}
	return out
}
