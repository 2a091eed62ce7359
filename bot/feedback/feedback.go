// Package feedback keeps what people said of newsbot's answers — helpful,
// or wrong or unsupported — so an operator can read it and turn the wrong
// answers into questions for `newsbot eval`. It stores them in the
// knowledge base's SQLite database (migration 0007_feedback.sql), with the
// answers that may still be rated (0009_feedback_answers.sql); people are
// kept only as a keyed one-way hash of their ID.
package feedback

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Verdict is what a person said of an answer.
type Verdict string

// The verdicts, as stored and as JSON shows them.
const (
	Helpful Verdict = "helpful"
	Wrong   Verdict = "wrong" // wrong or unsupported
)

// ErrInvalid means an entry lacks what a verdict needs: an answer, a
// user, a question, or a known verdict.
var ErrInvalid = errors.New("invalid feedback")

// Cited is one citation of an answer: the stored sentence a marker stood for.
type Cited struct {
	Marker     int    `json:"marker"`
	ArticleID  string `json:"article_id"`
	SentenceID string `json:"sentence_id"`
}

// Entry is one person's verdict on one answer.
type Entry struct {
	AnswerID   string    `json:"answer_id"`
	UserHash   string    `json:"user_hash"` // keyed one-way hash of the user's ID
	Verdict    Verdict   `json:"verdict"`
	Question   string    `json:"question"`
	Answer     string    `json:"answer"`
	Mode       string    `json:"mode"` // the answer's mode: model, extractive, no-answer
	Citations  []Cited   `json:"citations"`
	GuildID    string    `json:"guild_id,omitempty"` // empty in a direct message
	ChannelID  string    `json:"channel_id"`
	AnsweredAt time.Time `json:"answered_at"`
	VotedAt    time.Time `json:"voted_at"`
}

// Store keeps feedback in a database migrated by knowledge.Open.
type Store struct {
	db *sql.DB
	// Now is the clock verdicts are stamped with (default time.Now).
	Now func() time.Time

	mu  sync.Mutex
	key []byte
}

// New returns a Store over db, the knowledge base's database (Store.DB()).
func New(db *sql.DB) *Store { return &Store{db: db, Now: time.Now} }

// HashUser returns the keyed one-way hash that stands for a user: HMAC-SHA256
// of the ID under this database's secret key, made on first use. It
// returns an error when the key can't be read or made.
func (s *Store) HashUser(ctx context.Context, userID string) (string, error) {
	key, err := s.secret(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(userID))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// secret returns the database's hashing key, making it the first time.
func (s *Store) secret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("make feedback key: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO feedback_key (id, key) VALUES (1, ?)`, fresh); err != nil {
		return nil, fmt.Errorf("store feedback key: %w", err)
	}
	var key []byte
	if err := s.db.QueryRowContext(ctx, `SELECT key FROM feedback_key WHERE id = 1`).Scan(&key); err != nil {
		return nil, fmt.Errorf("read feedback key: %w", err)
	}
	s.key = key
	return key, nil
}

// Record stores userID's verdict on an answer, replacing the user's earlier
// verdict on it: one verdict per user per answer. e's UserHash and VotedAt
// are set here. It returns the verdict it replaced ("" for the first), and
// an error wrapping ErrInvalid for an incomplete entry or the database's.
func (s *Store) Record(ctx context.Context, userID string, e Entry) (Verdict, error) {
	if e.AnswerID == "" || userID == "" || strings.TrimSpace(e.Question) == "" || (e.Verdict != Helpful && e.Verdict != Wrong) {
		return "", fmt.Errorf("record feedback on answer %q: %w", e.AnswerID, ErrInvalid)
	}
	hash, err := s.HashUser(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	cited, err := json.Marshal(nonNil(e.Citations))
	if err != nil {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	defer tx.Rollback()
	var before Verdict
	err = tx.QueryRowContext(ctx, `SELECT verdict FROM feedback WHERE answer_id = ? AND user_hash = ?`, e.AnswerID, hash).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO feedback (answer_id, user_hash, verdict, question, answer, mode, citations, guild_id, channel_id, answered_at, voted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (answer_id, user_hash) DO UPDATE SET verdict = excluded.verdict, voted_at = excluded.voted_at`,
		e.AnswerID, hash, string(e.Verdict), e.Question, e.Answer, e.Mode, string(cited), e.GuildID, e.ChannelID,
		e.AnsweredAt.Unix(), s.Now().Unix())
	if err != nil {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("record feedback: %w", err)
	}
	return before, nil
}

// Remember keeps an answer people may give verdicts on — e's question,
// answer, mode, citations, place and AnsweredAt — under a new random ID,
// which it returns, and forgets the answers kept that were answered before
// forgetBefore. It returns an error when the database fails.
func (s *Store) Remember(ctx context.Context, e Entry, forgetBefore time.Time) (string, error) {
	var raw [8]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	id := hex.EncodeToString(raw[:])
	cited, err := json.Marshal(nonNil(e.Citations))
	if err != nil {
		return "", fmt.Errorf("remember answer: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM feedback_answers WHERE answered_at < ?`, forgetBefore.Unix()); err != nil {
		return "", fmt.Errorf("remember answer: forget old ones: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `
		INSERT INTO feedback_answers (id, question, answer, mode, citations, guild_id, channel_id, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, e.Question, e.Answer, e.Mode, string(cited), e.GuildID, e.ChannelID, e.AnsweredAt.Unix())
	if err != nil {
		return "", fmt.Errorf("remember answer: %w", err)
	}
	return id, nil
}

// Recall returns the answer Remember kept under id, with AnswerID set, if
// it was answered at or after since; ok is false when there is none. It
// returns an error when the database fails.
func (s *Store) Recall(ctx context.Context, id string, since time.Time) (e Entry, ok bool, err error) {
	var cited string
	var answered int64
	err = s.db.QueryRowContext(ctx, `
		SELECT question, answer, mode, citations, guild_id, channel_id, answered_at
		FROM feedback_answers WHERE id = ? AND answered_at >= ?`, id, since.Unix()).
		Scan(&e.Question, &e.Answer, &e.Mode, &cited, &e.GuildID, &e.ChannelID, &answered)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("recall answer %q: %w", id, err)
	}
	if err := json.Unmarshal([]byte(cited), &e.Citations); err != nil {
		return Entry{}, false, fmt.Errorf("recall answer %q: citations: %w", id, err)
	}
	e.AnswerID, e.AnsweredAt = id, time.Unix(answered, 0).UTC()
	return e, true, nil
}

// List returns the verdicts given at or after since (all for the zero
// time), newest first, at most limit of them (all for limit ≤ 0). It
// returns an error when the database fails.
func (s *Store) List(ctx context.Context, since time.Time, limit int) ([]Entry, error) {
	q := `SELECT answer_id, user_hash, verdict, question, answer, mode, citations, guild_id, channel_id, answered_at, voted_at
		FROM feedback WHERE voted_at >= ? ORDER BY voted_at DESC, answer_id, user_hash`
	args := []any{int64(0)}
	if !since.IsZero() {
		args[0] = since.Unix()
	}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var cited string
		var answered, voted int64
		if err := rows.Scan(&e.AnswerID, &e.UserHash, &e.Verdict, &e.Question, &e.Answer, &e.Mode, &cited, &e.GuildID, &e.ChannelID, &answered, &voted); err != nil {
			return nil, fmt.Errorf("list feedback: %w", err)
		}
		if err := json.Unmarshal([]byte(cited), &e.Citations); err != nil {
			return nil, fmt.Errorf("list feedback: answer %s: citations: %w", e.AnswerID, err)
		}
		e.AnsweredAt, e.VotedAt = time.Unix(answered, 0).UTC(), time.Unix(voted, 0).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	return out, nil
}

// Question is a wrong answer as a question of an eval question set, in
// ../shared/eval's format (read by knowledge/eval.ReadQuestions): the
// question, the date it was asked, and the articles the answer cited. It
// has no accepted answer, since only the wrong one is known; WrongAnswer,
// Cited and Reports say what was wrong and how often.
type Question struct {
	ID           string   `json:"id"`
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	Answers      []string `json:"answers"`
	QuestionDate string   `json:"question_date"`
	ArticleID    string   `json:"article_id"`
	ArticleIDs   []string `json:"article_ids"`
	Evidence     []any    `json:"evidence"`
	WrongAnswer  string   `json:"wrong_answer"`
	Mode         string   `json:"mode"`
	Cited        []Cited  `json:"cited"`
	Reports      int      `json:"reports"`
}

// WrongQuestions turns the answers marked wrong among entries into eval
// questions, one per answer however many marked it, oldest answer first.
func WrongQuestions(entries []Entry) []Question {
	byAnswer := map[string]*Question{}
	var order []Entry
	for _, e := range entries {
		if e.Verdict != Wrong {
			continue
		}
		if q, ok := byAnswer[e.AnswerID]; ok {
			q.Reports++
			continue
		}
		q := &Question{
			ID:           "feedback-" + e.AnswerID,
			Question:     e.Question,
			Answers:      []string{},
			QuestionDate: e.AnsweredAt.UTC().Format(time.RFC3339),
			Evidence:     []any{},
			WrongAnswer:  e.Answer,
			Mode:         e.Mode,
			Cited:        nonNil(e.Citations),
			ArticleIDs:   []string{},
			Reports:      1,
		}
		for _, c := range e.Citations {
			if c.ArticleID != "" && !slices.Contains(q.ArticleIDs, c.ArticleID) {
				q.ArticleIDs = append(q.ArticleIDs, c.ArticleID)
			}
		}
		if len(q.ArticleIDs) > 0 {
			q.ArticleID = q.ArticleIDs[0]
		}
		byAnswer[e.AnswerID] = q
		order = append(order, e)
	}
	slices.SortStableFunc(order, func(a, b Entry) int {
		if c := a.AnsweredAt.Compare(b.AnsweredAt); c != 0 {
			return c
		}
		return strings.Compare(a.AnswerID, b.AnswerID)
	})
	out := make([]Question, 0, len(order))
	for _, e := range order {
		out = append(out, *byAnswer[e.AnswerID])
	}
	return out
}

// WriteQuestions writes questions as JSON Lines and returns an error when
// w fails.
func WriteQuestions(w io.Writer, questions []Question) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range questions {
		if err := enc.Encode(q); err != nil {
			return fmt.Errorf("write question %s: %w", q.ID, err)
		}
	}
	return nil
}

func nonNil(c []Cited) []Cited {
	if c == nil {
		return []Cited{}
	}
	return c
}
