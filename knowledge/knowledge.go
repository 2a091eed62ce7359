// Package knowledge owns newsbot's news articles: their sentences, how they
// are stored in SQLite with a full-text index, and how passages that answer a
// question are found.
package knowledge

import (
	"errors"
	"time"
)

// Article is one news article as newsbot knows it.
type Article struct {
	// ID identifies the article: the ID given by its source, or one derived
	// from its URL, origin or content (see DeriveID).
	ID    string
	Title string
	URL   string // optional
	// Source is the publisher, e.g. "Reuters" or "Harbor Herald", or empty
	// when the article does not say; never a file name or an IP address.
	Source string
	// Author is the byline's name(s), e.g. "Jane Rivera", or empty.
	Author string
	// Origin is where an article without an ID or URL of its own was read
	// from: an absolute file path, or "path:line" for one line of a JSON
	// Lines or JSON array file. It is such an article's identity: the same
	// origin loaded again updates it. Empty means the content is its identity.
	Origin    string
	Published time.Time
	// KeyPoints are the article's summary bullets, without their "- ".
	KeyPoints []string
	Body      string
	// LoadedAt is when the article was first stored.
	LoadedAt time.Time
}

// Sentence is one sentence of an article's key points or body, with its exact text.
type Sentence struct {
	// ID is stable: the same text in the same article keeps its ID across
	// reloads. It is the article's ID, a colon, and a digest of the text.
	ID        string
	ArticleID string
	// Position orders the sentences of an article: key points first, then body.
	Position int
	// KeyPoint reports whether the sentence comes from a key point.
	KeyPoint bool
	Text     string
}

// Passage is a search result: sentences of one article around a match, in
// article order, with the article and a score (higher is better; Search
// returns passages in order of decreasing score).
type Passage struct {
	Article   Article // Body and KeyPoints are not filled in
	Score     float64
	Sentences []Sentence
	// Matched holds the IDs of the sentences in Sentences that matched the query.
	Matched []string
	// Coverage is the share of the query's informative weight that the
	// passage's sentences hold together: each word of the query weighs by
	// how rare it is among the store's sentences, so a passage that holds
	// the question's names and rare words covers much of it, and one that
	// shares only its common words covers little. A word no article holds
	// weighs most and is covered by none.
	Coverage float64
	// Specificity is how much of the question's information the passage
	// holds, in units of a word that only one sentence of the store holds:
	// the weight it covers over the logarithm of the number of sentences.
	// Below about one and a half, a store this size holds such a match by
	// chance: words a passage shares with the question then say little
	// about whether it answers.
	Specificity float64
}

// Errors returned by the store; wrapped with their operation.
var (
	// ErrNotFound means no article or sentence has the given ID.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input was rejected; the wrapping error says why.
	ErrInvalid = errors.New("invalid input")
)

// SearchOptions tune Search. Zero values take the defaults.
type SearchOptions struct {
	// Limit is the most passages returned (default 5).
	Limit int
	// Window is how many neighbouring sentences each side of a match a
	// passage may include (default 0, none): a neighbour joins when it is
	// tied to the match, opening with a word that refers back ("He", "But").
	Window int
	// PerArticle is the most passages from one article (default 2) while
	// other articles have matches to show; when fewer than Limit passages
	// are found, more from the same articles follow.
	PerArticle int
	// Lead is how many sentences after its match the best passage also
	// carries (default 0): the best match is the likeliest place of the
	// answer, and the sentences after it often finish its point.
	Lead int
	// RecencyHalfLife is how old an article is when its recency bonus is
	// half a new one's (default 14 days; see timePrior).
	RecencyHalfLife time.Duration
	// AsOf is the time the question is asked at. When set, articles
	// published more than a day after it are left out (a day's slack for
	// time zones), and "recent" means recent before it. The zero value means
	// now, and then nothing is left out: a wrongly future-dated article stays
	// findable.
	AsOf time.Time
}

// The passage shape answers use, shared by the answer core, the search
// command and the evaluation, so that what is measured is what users get.
const (
	DefaultLimit      = 5 // passages
	DefaultWindow     = 1 // tied neighbours each side of a match
	DefaultPerArticle = 2 // passages from one article while others have matches
	DefaultLead       = 1 // sentences after its match the best passage carries
)

// PutStatus says what Put did with one article.
type PutStatus string

// The outcomes of Put.
const (
	Loaded    PutStatus = "loaded"    // new article stored
	Updated   PutStatus = "updated"   // existing article's text or metadata changed
	Unchanged PutStatus = "unchanged" // already stored as given
	// Duplicate means the same text is stored as another article, from
	// another origin; nothing was changed. Put sets the article's ID to the
	// stored article's.
	Duplicate PutStatus = "duplicate"
)
