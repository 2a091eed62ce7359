// Package bot answers questions about the news from the knowledge base with
// checked, sentence-level citations. It is independent of Discord; the
// Discord adapter lives in bot/discord.
package bot

import (
	"slices"
	"time"
)

// Mode says how an Answer was produced.
type Mode string

// The answer modes, as they appear in JSON output.
const (
	ModeModel      Mode = "model"      // written by the model, citations checked
	ModeExtractive Mode = "extractive" // quoted sentences, no model involved
	ModeNoAnswer   Mode = "no-answer"  // the loaded articles don't answer the question
)

// Citation is one numbered source of an Answer: the exact stored sentence a
// marker [n] points at.
type Citation struct {
	Marker     int       `json:"marker"`
	ArticleID  string    `json:"article_id"`
	SentenceID string    `json:"sentence_id"`
	Text       string    `json:"text"`
	Title      string    `json:"title"`
	Source     string    `json:"source"`
	Published  time.Time `json:"published"`
	URL        string    `json:"url"`
}

// Timings records how long the parts of answering took.
type Timings struct {
	RetrieveMS int64 `json:"retrieve_ms"`
	ModelMS    int64 `json:"model_ms"`
	TotalMS    int64 `json:"total_ms"`
}

// Answer is a checked answer: Text carries markers [n], each of which is in Citations.
type Answer struct {
	Question  string     `json:"question"`
	Text      string     `json:"answer"`
	Mode      Mode       `json:"mode"`
	Citations []Citation `json:"citations"`
	Timings   Timings    `json:"timings"`
}

// Turn is one earlier exchange of a conversation, used for follow-up questions.
type Turn struct {
	Question string
	Answer   string
	// Articles are the IDs of the articles the answer cited: a follow-up
	// answered without a model keeps them in focus. Empty for a no-answer.
	Articles []string
}

// Turn returns the exchange that a asked and answered, for the history of
// the next question.
func (a Answer) Turn() Turn {
	t := Turn{Question: a.Question, Answer: a.Text}
	if a.Mode == ModeNoAnswer {
		return t
	}
	for _, c := range a.Citations {
		if !slices.Contains(t.Articles, c.ArticleID) {
			t.Articles = append(t.Articles, c.ArticleID)
		}
	}
	return t
}
