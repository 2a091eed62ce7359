package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"newsbot/bot/model"
	"newsbot/knowledge"
	"newsbot/prompts"
)

// Searcher is the knowledge base as answering needs it; *knowledge.Store
// satisfies it.
type Searcher interface {
	Search(ctx context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error)
	// Sentences returns the stored sentences with these IDs; missing IDs
	// are simply absent.
	Sentences(ctx context.Context, ids []string) ([]knowledge.Sentence, error)
}

// Config tunes an Answerer. Zero values take the defaults.
type Config struct {
	// Prompts are the prompt templates (default: the built-in ones).
	Prompts *prompts.Set
	// EvidenceChars bounds the evidence shown to the model, in characters
	// (default prompts.DefaultEvidenceChars, about 2,000 tokens).
	EvidenceChars int
	// Strict removes the sentences of a model's answer that cite nothing
	// valid, or hold a number or name that none of their cited sentences
	// holds, instead of marking them with prompts.UnverifiedMark.
	Strict bool
	// Passages is how many passages a question retrieves (default 6),
	// Window how many neighbouring sentences each side of a match they
	// include (default 1), PerArticle the most passages from one article
	// (default 2), and Lead how many sentences after its match the best
	// passage also carries (default 1).
	Passages, Window, PerArticle, Lead int
	// RecencyHalfLife is how old an article is when its recency bonus in
	// retrieval is half a new one's (default: knowledge's, 14 days).
	RecencyHalfLife time.Duration
	// ExtractSentences is how many sentences an extract quotes (default 3),
	// besides the neighbour of the best that holds what the question asks
	// for when the best doesn't name it.
	ExtractSentences int
	// HistoryTurns is how many earlier turns inform a follow-up (default 3).
	HistoryTurns int
	// MaxQuestionRunes cuts longer questions (default 1,000).
	MaxQuestionRunes int
	// Now tells the time (default time.Now).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Prompts == nil {
		c.Prompts = prompts.Default()
	}
	if c.EvidenceChars <= 0 {
		c.EvidenceChars = prompts.DefaultEvidenceChars
	}
	if c.Passages <= 0 {
		c.Passages = 6
	}
	if c.Window <= 0 {
		c.Window = knowledge.DefaultWindow
	}
	if c.PerArticle <= 0 {
		c.PerArticle = knowledge.DefaultPerArticle
	}
	if c.Lead <= 0 {
		c.Lead = knowledge.DefaultLead
	}
	if c.ExtractSentences <= 0 {
		c.ExtractSentences = 3
	}
	if c.HistoryTurns <= 0 {
		c.HistoryTurns = 3
	}
	if c.MaxQuestionRunes <= 0 {
		c.MaxQuestionRunes = 1000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Answerer answers questions from a knowledge base, with a model when it has
// one. It is safe for concurrent use.
type Answerer struct {
	cfg   Config
	store Searcher
	model model.Model
	log   *slog.Logger
}

// New returns an Answerer over store. m may be nil: answers are then
// extracts of the best-supported sentences.
func New(cfg Config, store Searcher, m model.Model, log *slog.Logger) *Answerer {
	return &Answerer{cfg: cfg.withDefaults(), store: store, model: m, log: log}
}

// ExtractLabel is the first line of an answer that is an extract because no
// language model is configured; a conversation may show it once.
const ExtractLabel = extractNoModel

// The texts of answers that don't come from the model.
const (
	noAnswerText    = "The loaded articles don't answer this."
	emptyQuestion   = "Ask a question about the loaded news articles."
	extractNoModel  = "Extract from the loaded articles (no language model is configured):"
	extractFallback = "Here are the most relevant sentences from the loaded articles instead:"
)

// Answer answers question, using history (oldest first) for follow-ups.
// onText, when not nil, receives the whole answer text so far (unchecked,
// without a reasoning model's thinking) each time more streams in from the
// model. A model failure never fails the
// call: the answer falls back to an extract, and when ctx has a deadline the
// model must answer a little before it, so a slow model still leaves time
// for one. It returns an error only when the knowledge base fails or ctx
// ends.
func (a *Answerer) Answer(ctx context.Context, question string, history []Turn, onText func(partial string)) (Answer, error) {
	return a.AnswerAt(ctx, question, time.Time{}, history, onText)
}

// AnswerAt is Answer as of a time: articles published more than a day after
// asOf are left out, and recent means recent before it. The zero asOf means
// now, with nothing left out (see knowledge.SearchOptions.AsOf).
func (a *Answerer) AnswerAt(ctx context.Context, question string, asOf time.Time, history []Turn, onText func(partial string)) (Answer, error) {
	start := a.cfg.Now()
	ans, err := a.answer(ctx, start, question, asOf, history, onText)
	ans.Timings.TotalMS = a.cfg.Now().Sub(start).Milliseconds()
	if err == nil {
		a.log.Debug("answered", "mode", ans.Mode, "citations", len(ans.Citations),
			"retrieve_ms", ans.Timings.RetrieveMS, "model_ms", ans.Timings.ModelMS, "total_ms", ans.Timings.TotalMS)
	}
	return ans, err
}

func (a *Answerer) answer(ctx context.Context, start time.Time, question string, asOf time.Time, history []Turn, onText func(string)) (Answer, error) {
	ans := Answer{Question: question}
	q := prompts.Clean(question, a.cfg.MaxQuestionRunes)
	if q == "" {
		ans.Mode, ans.Text = ModeNoAnswer, emptyQuestion
		return ans, nil
	}
	if len(history) > a.cfg.HistoryTurns {
		history = history[len(history)-a.cfg.HistoryTurns:]
	}

	mctx, cancel := modelContext(ctx)
	defer cancel()
	queries, contextTerms, modelErr := a.searchQueries(mctx, q, history)
	if err := ctx.Err(); err != nil {
		return ans, err
	}
	passages, err := a.search(ctx, queries, asOf)
	if err != nil {
		return ans, err
	}
	ans.Timings.RetrieveMS = a.cfg.Now().Sub(start).Milliseconds()

	ev := prompts.NewEvidence(passages, a.cfg.EvidenceChars)
	asked, conv := analyse(q), newConversation(history, contextTerms)
	ranked := rankSources(ev, asked, conv)
	if !answerable(ranked) {
		// Don't trouble the model, nor quote sentences that don't answer.
		ans.Mode, ans.Text = ModeNoAnswer, noAnswerText
		return ans, nil
	}
	if len(history) == 0 && !specific(passages, asked) {
		// Words in common, but no more than a store this size shares with
		// any question by chance: offer the closest sentences, not an answer.
		stored, err := a.verify(ctx, ev)
		if err != nil {
			return ans, err
		}
		a.noAnswer(&ans, ranked, stored)
		return ans, nil
	}

	var text string
	if a.model != nil && modelErr == nil {
		modelStart := a.cfg.Now()
		text, ev, modelErr = a.complete(mctx, q, history, passages, ev, onText)
		ans.Timings.ModelMS = a.cfg.Now().Sub(modelStart).Milliseconds()
		if err := ctx.Err(); err != nil {
			return ans, err
		}
		if modelErr != nil {
			a.log.Warn("model failed; answering with an extract", "reason", model.ReasonOf(modelErr), "err", modelErr)
		}
		ranked = rankSources(ev, asked, conv) // the evidence may have shrunk
	}

	stored, err := a.verify(ctx, ev)
	if err != nil {
		return ans, err
	}
	switch {
	case a.model == nil:
		a.extract(&ans, extractNoModel, asked, ranked, stored)
	case modelErr != nil:
		a.extract(&ans, model.UserMessage(modelErr)+" "+extractFallback, asked, ranked, stored)
	default:
		checked := prompts.CheckCitations(text, q, func(n int) (string, bool) { s, ok := stored[n]; return s.Text, ok }, a.cfg.Strict)
		if len(checked.Cited) == 0 {
			a.noAnswer(&ans, ranked, stored)
			break
		}
		ans.Mode, ans.Text = ModeModel, checked.Text
		for i, n := range checked.Cited {
			ans.Citations = append(ans.Citations, citation(i+1, ev.Sources[n-1], stored[n]))
		}
		if checked.Unverified > 0 {
			a.log.Info("answer has sentences that no cited sentence backs", "count", checked.Unverified,
				"unsupported", checked.Unsupported, "strict", a.cfg.Strict)
		}
		if checked.Unrelated > 0 {
			a.log.Info("dropped citations of unrelated sentences", "count", checked.Unrelated)
		}
	}
	return ans, nil
}

// answerable reports whether the ranked evidence may answer the question:
// whether any sentence holds a word of it or of the conversation. It is
// the one place that decides, before the model is asked and before an
// extract is made, that the loaded articles don't answer.
func answerable(ranked []scored) bool {
	return slices.ContainsFunc(ranked, scored.relevant)
}

// The least a passage must hold of a question for it to be answered from
// the articles (see knowledge.Passage): the information of one and a half
// words that a single sentence of the store holds, and a good share of the
// question's own; or nearly all of the question, which in a store of a few
// articles, where no word can be very rare, is the only sign there is, when
// its article is about the question (see about).
const (
	minSpecificity   = 1.5
	minCoverage      = 0.4
	nearlyAllCovered = 0.9
)

// specificPassages is how many of the best passages are looked at.
const specificPassages = 3

// specific reports whether one of the best passages holds enough of the
// question to be more than a chance match: a follow-up is judged by the
// conversation instead, since its words lean on the turns before it.
func specific(passages []knowledge.Passage, q question) bool {
	for _, p := range passages[:min(specificPassages, len(passages))] {
		if p.Specificity >= minSpecificity && p.Coverage >= minCoverage ||
			p.Coverage >= nearlyAllCovered && about(p, passages, q) {
			return true
		}
	}
	return false
}

// about reports whether passage p comes from an article about question q,
// not from one that shares q's common words in a passing sentence ("the
// prime minister set the number of seats" for "What is a prime number?"):
// the article's title holds a word of q, or more than one of its sentences
// among passages holds every word of q that p holds, or no other article's
// passage holds nearly all of q, so that nothing else in the store is a
// likelier subject, as in a store of a few articles.
func about(p knowledge.Passage, passages []knowledge.Passage, q question) bool {
	if holds(q.keywords, readSentence(prompts.Clean(p.Article.Title, maxRankRunes)).stems) != 0 {
		return true
	}
	held := func(s knowledge.Sentence) uint64 {
		return holds(q.keywords, readSentence(prompts.Clean(s.Text, maxRankRunes)).stems)
	}
	var all uint64
	for _, s := range p.Sentences {
		all |= held(s)
	}
	n := 0
	seen := map[string]bool{}
	for _, o := range passages {
		for _, s := range o.Sentences {
			if o.Article.ID == p.Article.ID && !seen[s.ID] {
				seen[s.ID] = true
				if all != 0 && held(s)&all == all {
					n++
				}
			}
		}
	}
	if n > 1 {
		return true
	}
	return !slices.ContainsFunc(passages, func(o knowledge.Passage) bool {
		return o.Article.ID != p.Article.ID && o.Coverage >= nearlyAllCovered
	})
}

// errModelTime is why the model's share of an answer's time ran out.
var errModelTime = errors.New("no reply before the answer's deadline")

// modelContext returns the context for the model calls of an answer due by
// ctx's deadline: it ends a tenth of the time earlier (at most 5 s), so an
// extract can still be given when the model is too slow.
func modelContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Until(deadline)/10, 5*time.Second)
	return context.WithDeadlineCause(ctx, deadline.Add(-reserve), errModelTime)
}

// callModel sends msgs to the model under mctx (see modelContext). A call
// cut off by mctx's deadline fails as a model timeout; onText, when not
// nil, receives the reply so far without a reasoning model's thinking.
func (a *Answerer) callModel(mctx context.Context, msgs []model.Message, onText func(string)) (string, error) {
	var show func(string)
	if onText != nil {
		show = func(soFar string) {
			if s := prompts.WithoutReasoning(soFar); strings.TrimSpace(s) != "" {
				onText(s)
			}
		}
	}
	text, err := a.model.Complete(mctx, msgs, show)
	if err != nil && errors.Is(context.Cause(mctx), errModelTime) {
		err = &model.Error{Reason: model.Timeout, Err: err}
	}
	return text, err
}

// search returns the passages found for each query in turn, leaving out
// those an earlier query found.
func (a *Answerer) search(ctx context.Context, queries []string, asOf time.Time) ([]knowledge.Passage, error) {
	opts := knowledge.SearchOptions{
		Limit: a.cfg.Passages, Window: a.cfg.Window, PerArticle: a.cfg.PerArticle, Lead: a.cfg.Lead,
		RecencyHalfLife: a.cfg.RecencyHalfLife, AsOf: asOf,
	}
	var out []knowledge.Passage
	seen := map[string]bool{}
	for _, q := range queries {
		ps, err := a.store.Search(ctx, q, opts)
		if err != nil {
			return nil, fmt.Errorf("answer: search: %w", err)
		}
		for _, p := range ps {
			if len(p.Sentences) == 0 || seen[p.Sentences[0].ID] {
				continue
			}
			seen[p.Sentences[0].ID] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// complete asks the model, under mctx (see modelContext), to answer from
// ev, showing it the earlier turns of the conversation (history). When the
// prompt is too long for the model's window, it tries once more with half
// as much evidence. It returns the evidence the answer's markers refer to.
func (a *Answerer) complete(mctx context.Context, q string, history []Turn, passages []knowledge.Passage, ev prompts.Evidence, onText func(string)) (string, prompts.Evidence, error) {
	for retry := false; ; retry = true {
		p, err := a.cfg.Prompts.Answer(q, promptTurns(history), ev, a.cfg.Now())
		if err != nil {
			return "", ev, err
		}
		text, err := a.callModel(mctx, messages(p), onText)
		if model.ReasonOf(err) != model.ContextLength || retry || len(ev.Sources) <= 1 {
			return text, ev, err
		}
		budget := ev.Chars / 2
		a.log.Warn("prompt too long for the model; retrying with half the evidence", "evidence_chars", budget)
		ev = prompts.NewEvidence(passages, budget)
	}
}

func messages(p prompts.Prompt) []model.Message {
	return []model.Message{
		{Role: model.RoleSystem, Content: p.System},
		{Role: model.RoleUser, Content: p.User},
	}
}

// verify looks the evidence sentences up in the store and returns, by marker,
// those still stored with the same text: only they may be cited.
func (a *Answerer) verify(ctx context.Context, ev prompts.Evidence) (map[int]knowledge.Sentence, error) {
	ids := make([]string, len(ev.Sources))
	for i, s := range ev.Sources {
		ids[i] = s.Sentence.ID
	}
	found, err := a.store.Sentences(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("answer: check citations: %w", err)
	}
	byID := make(map[string]knowledge.Sentence, len(found))
	for _, s := range found {
		byID[s.ID] = s
	}
	stored := make(map[int]knowledge.Sentence, len(found))
	for _, src := range ev.Sources {
		s, ok := byID[src.Sentence.ID]
		if ok && s.Text == src.Sentence.Text && s.ArticleID == src.Article.ID {
			stored[src.Marker] = s
		}
	}
	return stored, nil
}

// extract makes ans an extract under label: the stored sentences that
// answer q best (see chooseExtract), the best answer first, each quoted
// and cited. Each quote is cut to maxQuoteRunes, and sentences that would
// take the rendered reply past maxReplyRunes are left out.
func (a *Answerer) extract(ans *Answer, label string, q question, ranked []scored, stored map[int]knowledge.Sentence) {
	picked := chooseExtract(ranked, stored, q, a.cfg.ExtractSentences)
	if len(picked) == 0 {
		a.noAnswer(ans, ranked, stored)
		return
	}
	ans.Mode, ans.Text, ans.Citations = ModeExtractive, label, nil
	for _, p := range picked {
		s := stored[p.source.Marker]
		n := len(ans.Citations) + 1
		next := *ans
		next.Text += fmt.Sprintf("\n“%s” [%d]", quote(s.Text), n)
		next.Citations = append(slices.Clip(ans.Citations), citation(n, p.source, s))
		if n > 1 && utf8.RuneCountInString(Render(next)) > maxReplyRunes {
			continue
		}
		*ans = next
	}
}

// noAnswer makes ans the honest answer that the articles don't say, with the
// closest stored sentences as its sources.
func (a *Answerer) noAnswer(ans *Answer, ranked []scored, stored map[int]knowledge.Sentence) {
	ans.Mode, ans.Text, ans.Citations = ModeNoAnswer, noAnswerText, nil
	for i, p := range pick(ranked, stored, a.cfg.ExtractSentences) {
		ans.Citations = append(ans.Citations, citation(i+1, p.source, stored[p.source.Marker]))
	}
}

// pick returns the first n ranked sources that are still stored.
func pick(ranked []scored, stored map[int]knowledge.Sentence, n int) []scored {
	var out []scored
	for _, r := range ranked {
		if len(out) == n {
			break
		}
		if _, ok := stored[r.source.Marker]; ok {
			out = append(out, r)
		}
	}
	return out
}

func citation(marker int, src prompts.Source, s knowledge.Sentence) Citation {
	return Citation{
		Marker:     marker,
		ArticleID:  s.ArticleID,
		SentenceID: s.ID,
		Text:       s.Text,
		Title:      src.Article.Title,
		Source:     src.Article.Source,
		Published:  src.Article.Published,
		URL:        src.Article.URL,
	}
}
