package bot

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsbot/bot/model"
	"newsbot/knowledge"
	"newsbot/prompts"
)

// maxContextTerms bounds the words a conversation adds to a follow-up's search.
const maxContextTerms = 12

// maxQueryRunes bounds a search query the model rewrote.
const maxQueryRunes = 300

// searchQueries returns what to search for to answer q after history, and
// the words the conversation added to q's own. For a follow-up it asks the
// model for a standalone query when there is a model. Otherwise it searches
// twice: for q with the earlier turns' keywords, which a question like "what
// did he say?" needs, and, when q has keywords of its own ("and what did
// Moscow say?"), for q alone, first, so the conversation's words don't crowd
// out the new ones. When the model is down, it returns the model's error too,
// so the answer doesn't wait for it a second time. mctx is the context for
// model calls (see modelContext).
func (a *Answerer) searchQueries(mctx context.Context, q string, history []Turn) (queries, added []string, modelErr error) {
	if len(history) == 0 {
		return []string{q}, nil, nil
	}
	if a.model != nil {
		rewritten, err := a.rewrite(mctx, q, history)
		if err == nil && rewritten != "" {
			return []string{rewritten + " " + q}, without(terms(rewritten), terms(q)), nil
		}
		// A model error, a timeout included; not the answer being cancelled.
		if err != nil && (mctx.Err() == nil || model.ReasonOf(err) != "") {
			a.log.Warn("model failed to rewrite a follow-up; searching with the conversation's keywords", "err", err)
			if r := model.ReasonOf(err); r != "" && r != model.ContextLength && r != model.BadResponse {
				modelErr = err
			}
		}
	}
	added = conversationTerms(q, history)
	withContext := q + " " + strings.Join(added, " ")
	if len(terms(q)) == 0 {
		return []string{withContext}, added, modelErr
	}
	return []string{q, withContext}, added, modelErr
}

// rewrite asks the model to turn the follow-up q into a standalone query.
func (a *Answerer) rewrite(ctx context.Context, q string, history []Turn) (string, error) {
	turns := make([]prompts.Turn, len(history))
	for i, t := range history {
		turns[i] = prompts.Turn{Question: t.Question, Answer: withoutLabels(t.Answer)}
	}
	p, err := a.cfg.Prompts.Rewrite(q, turns)
	if err != nil {
		return "", err
	}
	out, err := a.callModel(ctx, messages(p), nil)
	if err != nil {
		return "", err
	}
	return tidyQuery(out), nil
}

// tidyQuery reads the model's rewritten query: its first non-empty line,
// without a "Query:" label or quotes.
func tidyQuery(s string) string {
	for line := range strings.Lines(prompts.WithoutReasoning(s)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if label, rest, ok := strings.Cut(line, ":"); ok && strings.Contains(strings.ToLower(label), "query") {
			line = rest
		}
		line = strings.Trim(line, " \"'“”‘’`*")
		return prompts.Clean(line, maxQueryRunes)
	}
	return ""
}

// conversationTerms returns the keywords of the earlier questions, newest
// first, then the names in the latest answer, leaving out q's own.
func conversationTerms(q string, history []Turn) []string {
	var words []string
	for i := len(history) - 1; i >= 0; i-- {
		words = append(words, knowledge.Terms(history[i].Question)...)
	}
	words = append(words, names(withoutLabels(history[len(history)-1].Answer))...)
	own := knowledge.Terms(q)
	var out []string
	for _, w := range words {
		if len(out) == maxContextTerms {
			break
		}
		if !slices.Contains(own, w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// names returns the capitalised words of text (people, places,
// organisations, mostly), lower-cased and without stop words.
func names(text string) []string {
	var out []string
	for _, f := range strings.Fields(prompts.StripMarkers(text)) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if r, _ := utf8.DecodeRuneInString(f); unicode.IsUpper(r) && utf8.RuneCountInString(f) >= 3 {
			out = append(out, knowledge.Terms(f)...)
		}
	}
	return out
}

// withoutLabels removes the labels newsbot puts on its own answers.
func withoutLabels(answer string) string {
	for _, label := range []string{extractNoModel, extractFallback, noAnswerText} {
		if _, rest, ok := strings.Cut(answer, label); ok {
			answer = rest
		}
	}
	return answer
}

// terms returns the stems of the keywords of text, none when all its words
// are stop words.
func terms(text string) []string {
	ts := knowledge.Keywords(text)
	for i, t := range ts {
		ts[i] = stem(t)
	}
	return ts
}

// stem strips a common English ending, enough to match "talks" with "talk".
func stem(w string) string {
	for _, suffix := range []string{"ing", "ed", "es", "s"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 3 {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

// related reports whether two stems are the same word: equal, or sharing a
// beginning of six letters or more ("negotiat-ion", "negotiat-e").
func related(a, b string) bool {
	if a == b {
		return true
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 6
}

func without(ts, drop []string) []string {
	var out []string
	for _, t := range ts {
		if !slices.Contains(drop, t) {
			out = append(out, t)
		}
	}
	return out
}

// scored is an evidence sentence with how well it supports the question:
// how many of the question's keywords it holds, and of those a
// conversation added.
type scored struct {
	source            prompts.Source
	question, context float64
}

func (s scored) relevant() bool { return s.question+s.context > 0 }

// rankSources orders the evidence best first: sentences that share a word
// with the question itself, then those that matched the search, in the
// search's rank order, then by the question's and the conversation's
// keywords they hold; ties keep the evidence order.
func rankSources(ev prompts.Evidence, question, added []string) []scored {
	out := make([]scored, len(ev.Sources))
	for i, src := range ev.Sources {
		words := terms(src.Sentence.Text)
		out[i] = scored{source: src, question: overlap(words, question), context: overlap(words, added)}
	}
	slices.SortStableFunc(out, func(x, y scored) int {
		return cmp.Or(
			-cmp.Compare(min(x.question, 1), min(y.question, 1)),
			-compareBool(x.source.Matched, y.source.Matched),
			cmp.Compare(x.source.Rank, y.source.Rank),
			-cmp.Compare(x.question, y.question),
			-cmp.Compare(x.context, y.context),
		)
	})
	return out
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

// overlap counts the wanted terms that words hold.
func overlap(words, want []string) float64 {
	n := 0.0
	for _, w := range want {
		if slices.ContainsFunc(words, func(x string) bool { return related(x, w) }) {
			n++
		}
	}
	return n
}

// oneLine collapses white space, line breaks included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
