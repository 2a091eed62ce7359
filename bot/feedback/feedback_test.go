package feedback_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"newsbot/bot/feedback"
	"newsbot/knowledge/eval"
	"newsbot/knowledge/knowledgetest"
)

func TestRecordKeepsOneVerdictPerUserPerAnswer(t *testing.T) {
	ctx := context.Background()
	s := feedback.New(knowledgetest.MustOpenDB(t).DB())
	at := time.Date(2026, 2, 18, 9, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return at }
	answer := feedback.Entry{
		AnswerID: "a1", Question: "Who will represent the US?", Answer: "Kellogg [1].", Mode: "model",
		Citations: []feedback.Cited{{Marker: 1, ArticleID: "london", SentenceID: "london-1"}}, ChannelID: "7", AnsweredAt: at,
	}
	for i, tc := range []struct {
		user       string
		verdict    feedback.Verdict
		wantBefore feedback.Verdict
	}{
		{"11", feedback.Wrong, ""},
		{"11", feedback.Helpful, feedback.Wrong},
		{"12", feedback.Wrong, ""},
	} {
		e := answer
		e.Verdict = tc.verdict
		before, err := s.Record(ctx, tc.user, e)
		if err != nil || before != tc.wantBefore {
			t.Errorf("record %d = %q, %v; want %q", i, before, err, tc.wantBefore)
		}
	}
	if _, err := s.Record(ctx, "11", feedback.Entry{AnswerID: "a1", Question: "q", Verdict: "maybe"}); !errors.Is(err, feedback.ErrInvalid) {
		t.Errorf("record an unknown verdict: err = %v, want ErrInvalid", err)
	}
	list, err := s.List(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("listed %d verdicts, want 2", len(list))
	}
	h11, _ := s.HashUser(ctx, "11")
	for _, e := range list {
		if e.UserHash == "11" || e.UserHash == "12" {
			t.Errorf("user stored as %q, want a hash", e.UserHash)
		}
		if e.UserHash == h11 && e.Verdict != feedback.Helpful {
			t.Errorf("user 11's verdict = %q, want the changed one, helpful", e.Verdict)
		}
		if len(e.Citations) != 1 || e.Citations[0].SentenceID != "london-1" || !e.AnsweredAt.Equal(at) {
			t.Errorf("entry = %+v, want its citations and time back", e)
		}
	}
	if later, _ := s.List(ctx, at.Add(time.Hour), 0); len(later) != 0 {
		t.Errorf("List since a later time = %d entries, want none", len(later))
	}

	questions := feedback.WrongQuestions(list)
	if len(questions) != 1 || questions[0].Question != answer.Question || questions[0].ArticleID != "london" || questions[0].Reports != 1 {
		t.Fatalf("wrong questions = %+v, want the one answer marked wrong", questions)
	}
	var b bytes.Buffer
	if err := feedback.WriteQuestions(&b, questions); err != nil {
		t.Fatal(err)
	}
	read, err := eval.ReadQuestions(&b)
	if err != nil || len(read) != 1 || read[0].ArticleIDs[0] != "london" {
		t.Fatalf("eval.ReadQuestions = %+v, %v", read, err)
	}
	if asOf, err := read[0].AsOf(); err != nil || !asOf.Equal(at) {
		t.Errorf("question date = %v, %v; want %v", asOf, err, at)
	}
}

func TestHashUserIsKeyedPerDatabase(t *testing.T) {
	ctx := context.Background()
	a, _ := feedback.New(knowledgetest.MustOpenDB(t).DB()).HashUser(ctx, "11")
	b, _ := feedback.New(knowledgetest.MustOpenDB(t).DB()).HashUser(ctx, "11")
	if a == "" || a == b {
		t.Errorf("hashes of one ID in two databases = %q and %q, want different keyed hashes", a, b)
	}
}

func TestRememberKeepsAnswersUntilTheyAreTooOld(t *testing.T) {
	ctx := context.Background()
	db := knowledgetest.MustOpenDB(t)
	at := time.Date(2026, 2, 18, 9, 30, 0, 0, time.UTC)
	answer := feedback.Entry{
		Question: "Who will represent the US?", Answer: "Kellogg [1].", Mode: "model", GuildID: "5", ChannelID: "7",
		Citations: []feedback.Cited{{Marker: 1, ArticleID: "london", SentenceID: "london-1"}}, AnsweredAt: at,
	}
	id, err := feedback.New(db.DB()).Remember(ctx, answer, at.Add(-24*time.Hour))
	if err != nil || id == "" {
		t.Fatalf("remember = %q, %v", id, err)
	}
	// Another Store over the same database, as after a restart.
	s := feedback.New(db.DB())
	got, ok, err := s.Recall(ctx, id, at.Add(-time.Hour))
	if err != nil || !ok {
		t.Fatalf("recall = %v, %v; want the answer", ok, err)
	}
	want := answer
	want.AnswerID = id
	if got.AnswerID != want.AnswerID || got.Question != want.Question || got.Answer != want.Answer || got.Mode != want.Mode ||
		got.GuildID != want.GuildID || got.ChannelID != want.ChannelID || !got.AnsweredAt.Equal(at) ||
		len(got.Citations) != 1 || got.Citations[0] != want.Citations[0] {
		t.Errorf("recalled %+v, want %+v", got, want)
	}
	if _, ok, err := s.Recall(ctx, id, at.Add(time.Second)); ok || err != nil {
		t.Errorf("recall of an answer older than asked = %v, %v; want none", ok, err)
	}
	if _, ok, err := s.Recall(ctx, "0123456789abcdef", time.Time{}); ok || err != nil {
		t.Errorf("recall of an unknown ID = %v, %v; want none", ok, err)
	}
	// Keeping an answer a day later forgets the first.
	later := answer
	later.AnsweredAt = at.Add(25 * time.Hour)
	second, err := s.Remember(ctx, later, later.AnsweredAt.Add(-24*time.Hour))
	if err != nil || second == id {
		t.Fatalf("remember again = %q, %v; want a new ID", second, err)
	}
	if _, ok, _ := s.Recall(ctx, id, time.Time{}); ok {
		t.Errorf("the first answer is still kept after it became too old")
	}
	if _, ok, _ := s.Recall(ctx, second, time.Time{}); !ok {
		t.Errorf("the second answer is not kept")
	}
}
