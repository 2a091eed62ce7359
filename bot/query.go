package bot

import (
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
			return []string{rewritten + " " + q}, without(knowledge.Keywords(rewritten), knowledge.Keywords(q)), nil
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
	p, err := a.cfg.Prompts.Rewrite(q, promptTurns(history))
	if err != nil {
		return "", err
	}
	out, err := a.callModel(ctx, messages(p), nil)
	if err != nil {
		return "", err
	}
	return tidyQuery(out), nil
}

// promptTurns returns history as a prompt shows it, without the labels
// newsbot puts on its own answers.
func promptTurns(history []Turn) []prompts.Turn {
	turns := make([]prompts.Turn, len(history))
	for i, t := range history {
		turns[i] = prompts.Turn{Question: t.Question, Answer: withoutLabels(t.Answer)}
	}
	return turns
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

func without(ts, drop []string) []string {
	var out []string
	for _, t := range ts {
		if !slices.Contains(drop, t) {
			out = append(out, t)
		}
	}
	return out
}
