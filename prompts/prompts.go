// Package prompts owns what newsbot says to a language model and how it reads
// the model's citations: the prompt templates (embedded .tmpl files, which an
// operator may replace with a directory of their own), the numbered evidence
// built from retrieved passages within a size budget, and the checking of the
// [n] markers in an answer.
//
// Evidence reaches the model as one line per sentence, "[n] text", grouped
// under each article's title, source and date, inside an <evidence> block.
// Article text is neutralised first (see Clean), so an article cannot start a
// line of its own, fake a marker or close the block.
package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/template"
	"time"
)

//go:embed *.tmpl
var embedded embed.FS

// The templates every prompt set defines.
const (
	tmplRules         = "citation_rules"
	tmplAnswerSystem  = "answer_system"
	tmplAnswerUser    = "answer_user"
	tmplRewriteSystem = "rewrite_system"
	tmplRewriteUser   = "rewrite_user"
)

var required = []string{tmplRules, tmplAnswerSystem, tmplAnswerUser, tmplRewriteSystem, tmplRewriteUser}

// defaultSet is parsed once, when the program starts; the embedded templates
// are part of the build, so a failure is a programming error.
var defaultSet = func() *Set {
	s, err := parse(embedded, "embedded prompts")
	if err != nil {
		panic(err)
	}
	return s
}()

// Set is a parsed set of prompt templates. It is safe for concurrent use.
type Set struct {
	tmpl *template.Template
	name string // where the templates came from, for errors
}

// Default returns the prompt templates built into newsbot.
func Default() *Set { return defaultSet }

// Load parses the prompt templates in dir (every *.tmpl file), which must
// define the same templates as the built-in ones: citation_rules,
// answer_system, answer_user, rewrite_system and rewrite_user. It returns an
// error naming dir when the directory can't be read, a template doesn't
// parse, one is missing, or one fails on sample data.
func Load(dir string) (*Set, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load prompts from %s: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load prompts from %s: not a directory", dir)
	}
	return parse(os.DirFS(dir), dir)
}

func parse(fsys fs.FS, name string) (*Set, error) {
	t, err := template.New("prompts").Option("missingkey=error").ParseFS(fsys, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("load prompts from %s: %w", name, err)
	}
	var missing []string
	for _, r := range required {
		if t.Lookup(r) == nil {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("load prompts from %s: missing template %s (each set defines %s; start from the built-in prompts/*.tmpl)",
			name, strings.Join(missing, ", "), strings.Join(required, ", "))
	}
	s := &Set{tmpl: t, name: name}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("load prompts from %s: %w", name, err)
	}
	return s, nil
}

// check renders every prompt with sample data, so a template that refers to
// a field that doesn't exist fails when it is loaded, not when a user asks.
func (s *Set) check() error {
	ev := NewEvidence(samplePassages(), 0)
	history := []Turn{{Question: "Who will represent the US?", Answer: "Keith Kellogg [1]."}}
	if _, err := s.Answer("And what did Moscow say?", history, ev, time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	_, err := s.Rewrite("And what did Moscow say?", history)
	return err
}

// Prompt is a rendered prompt: the system instructions and the user message.
type Prompt struct {
	System string
	User   string
}

// AnswerData is what the answer_system and answer_user templates see.
type AnswerData struct {
	Question string // the user's question, on one line
	Today    string // YYYY-MM-DD
	// Conversation holds the earlier exchanges of a follow-up, oldest
	// first, each on one line and cut short (see Answer); none for a
	// first question.
	Conversation []Turn
	Articles     []EvidenceArticle
}

// EvidenceArticle is one article's evidence sentences, in article order.
type EvidenceArticle struct {
	Title  string
	Source string
	Date   string // YYYY-MM-DD, empty when unknown
	URL    string
	Lines  []EvidenceLine
}

// EvidenceLine is one numbered evidence sentence, neutralised to one line.
type EvidenceLine struct {
	Marker int
	Text   string
}

// RewriteData is what the rewrite_system and rewrite_user templates see.
type RewriteData struct {
	Question string // the follow-up question, on one line
	Turns    []Turn // earlier exchanges, oldest first, each on one line
}

// Turn is one earlier exchange of a conversation.
type Turn struct {
	Question string
	Answer   string
}

// Answer renders the prompt that asks the model to answer question from ev,
// after the earlier exchanges of history (oldest first): the last
// maxConversationTurns of them, their questions and answers cut to
// maxConversationRunes and without citation markers, which pointed at
// other evidence. It returns an error only when an operator's template
// fails to execute.
func (s *Set) Answer(question string, history []Turn, ev Evidence, now time.Time) (Prompt, error) {
	data := AnswerData{
		Question: Clean(question, maxQuestionRunes),
		Today:    now.UTC().Format(time.DateOnly),
		Articles: ev.articles,
	}
	if len(history) > maxConversationTurns {
		history = history[len(history)-maxConversationTurns:]
	}
	for _, t := range history {
		data.Conversation = append(data.Conversation, Turn{
			Question: Clean(t.Question, maxConversationRunes),
			Answer:   Clean(StripMarkers(t.Answer), maxConversationRunes),
		})
	}
	return s.render(tmplAnswerSystem, tmplAnswerUser, data)
}

// maxConversationTurns and maxConversationRunes bound the conversation an
// answer prompt shows: the last few turns, each question and answer cut to
// a few hundred characters.
const (
	maxConversationTurns = 3
	maxConversationRunes = 300
)

// maxHistoryAnswerRunes bounds each earlier answer in a rewrite prompt.
const maxHistoryAnswerRunes = 400

// maxQuestionRunes bounds a question in a prompt.
const maxQuestionRunes = 2000

// Rewrite renders the prompt that asks the model to turn a follow-up question
// into a standalone search query, given the earlier turns (oldest first).
// It returns an error only when an operator's template fails to execute.
func (s *Set) Rewrite(question string, history []Turn) (Prompt, error) {
	data := RewriteData{Question: Clean(question, maxQuestionRunes)}
	for _, t := range history {
		data.Turns = append(data.Turns, Turn{
			Question: Clean(t.Question, maxQuestionRunes),
			Answer:   Clean(StripMarkers(t.Answer), maxHistoryAnswerRunes),
		})
	}
	return s.render(tmplRewriteSystem, tmplRewriteUser, data)
}

func (s *Set) render(system, user string, data any) (Prompt, error) {
	var p Prompt
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, system, data); err != nil {
		return p, fmt.Errorf("render prompt %s from %s: %w", system, s.name, err)
	}
	p.System = strings.TrimSpace(b.String())
	b.Reset()
	if err := s.tmpl.ExecuteTemplate(&b, user, data); err != nil {
		return p, fmt.Errorf("render prompt %s from %s: %w", user, s.name, err)
	}
	p.User = strings.TrimSpace(b.String())
	return p, nil
}
