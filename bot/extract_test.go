package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"newsbot/bot"
	"newsbot/bot/model/modeltest"
	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestExtractAnswersOnSamples asks the bundled sample articles questions
// without a model: each extract quotes the sentence that answers first,
// even when search finds it below sentences that share more of the
// question's words.
func TestExtractAnswersOnSamples(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	a := bot.New(bot.Config{}, store, nil, testLog(t))
	for _, tt := range []struct{ name, question, first string }{
		// The answer is in the solar farm article's fifth passage; its
		// first shares "built", "solar" and "farm" with the question.
		{"HowManyWorkers", "How many workers built the solar farm?", "Construction employed about 650 workers"},
		{"HowManyHomes", "How many homes can the Sandhill solar farm supply?", "it can supply about 90,000 homes"},
		{"Who", "Who voted against the bridge repair?", "Dana Price and Tom Lisle voted against"},
		{"When", "When do the overnight buses start?", "February 1"},
		{"HowMuch", "How much will the overnight buses cost?", "cost $3.2 million a year"},
		{"What", "What did the Riverton council approve?", "to approve a $48 million repair"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ans := ask(t, a, tt.question)
			if ans.Mode != bot.ModeExtractive || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Text, tt.first) {
				t.Fatalf("got %s %q, want an extract quoting %q first", ans.Mode, ans.Text, tt.first)
			}
			checkCitations(t, store, ans)
		})
	}
}

// TestExtractCoversTheQuestion checks that after the answering sentence an
// extract quotes one that holds the question's other words ("solar farm"),
// and no sentence of an article that shares only a word with the question.
func TestExtractCoversTheQuestion(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	ans := ask(t, bot.New(bot.Config{}, store, nil, testLog(t)), "How many workers built the solar farm?")
	if len(ans.Citations) < 2 || !strings.Contains(ans.Citations[1].Text, "solar farm") {
		t.Errorf("citations %+v, want the solar farm named after the answer", ans.Citations)
	}
	for _, c := range ans.Citations {
		if c.ArticleID == "metro-fare-cap" || c.ArticleID == "metro-night-buses" {
			t.Errorf("extract quotes %q, from an article about buses", c.Text)
		}
	}
}

// TestExtractQuotesArticlesAboutTheQuestion checks that an extract quotes,
// after its answer, no sentence of an article that holds too few of the
// question's words to be about it, however well that sentence fits what the
// question asks for: the night buses' yearly cost answers nothing about the
// bridge's.
func TestExtractQuotesArticlesAboutTheQuestion(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	ans := ask(t, bot.New(bot.Config{}, store, nil, testLog(t)), "How much will the Harbor Bridge repair cost?")
	if ans.Mode != bot.ModeExtractive || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Text, "$48 million repair") {
		t.Fatalf("got %s %q, want an extract quoting the $48 million repair first", ans.Mode, ans.Text)
	}
	for _, c := range ans.Citations {
		if c.ArticleID == "metro-night-buses" {
			t.Errorf("extract quotes %q, from an article about buses", c.Text)
		}
	}
	checkCitations(t, store, ans)
}

// TestExtractDropsNearDuplicates checks that an extract doesn't quote both
// a key point and the body sentence it repeats.
func TestExtractDropsNearDuplicates(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	a := bot.New(bot.Config{}, store, nil, testLog(t))
	for _, q := range []string{"What did the Riverton council approve?", "When do the overnight buses start?"} {
		ans := ask(t, a, q)
		var repeats int
		for _, c := range ans.Citations {
			if strings.Contains(c.Text, "voted 7-2 on Monday") || strings.Contains(c.Text, "overnight bus routes start") {
				repeats++
			}
		}
		if repeats > 1 {
			t.Errorf("%q: extract quotes %d versions of the same sentence: %q", q, repeats, ans.Text)
		}
	}
}

// TestExtractIsBounded checks that an extract quoting huge sentences stays
// within one Discord message: each quote is cut, and the whole reply, its
// sources included, is at most 2,000 characters.
func TestExtractIsBounded(t *testing.T) {
	huge := knowledge.Article{
		Title:  "Reservoir " + strings.Repeat("overflow ", 300),
		Source: "Dam Weekly",
		URL:    "https://dam.example/" + strings.Repeat("x", 1000),
		Body: "The reservoir held " + strings.Repeat("a", 1_000_000) + " litres of water on Friday. " +
			"The reservoir water level " + strings.Repeat("rose again ", 150) + "by Saturday. " +
			"Engineers said the reservoir water " + strings.Repeat("kept rising ", 150) + "all week.",
	}
	store := knowledgetest.MustOpenDB(t, huge)
	for _, n := range []int{1, 3} {
		ans := ask(t, bot.New(bot.Config{ExtractSentences: n}, store, nil, testLog(t)), "How much water did the reservoir hold?")
		if ans.Mode != bot.ModeExtractive || len(ans.Citations) == 0 {
			t.Fatalf("got %s %q, want an extract", ans.Mode, ans.Text)
		}
		if !strings.HasPrefix(ans.Citations[0].Text, "The reservoir held aaa") {
			t.Errorf("first citation %.40q, want the sentence that says what the reservoir held", ans.Citations[0].Text)
		}
		checkCitations(t, store, ans) // citations still carry the whole stored sentence
		rendered := bot.Render(ans)
		if n := utf8.RuneCountInString(rendered); n > 2000 {
			t.Errorf("rendered extract of %d characters, want at most 2,000", n)
		}
		for _, line := range strings.Split(ans.Text, "\n")[1:] {
			if n := utf8.RuneCountInString(line); n > 410 || !strings.Contains(line, "…”") {
				t.Errorf("quote of %d characters %.60q…, want one cut to about 400 with …", n, line)
			}
		}
	}
}

// TestFollowUpKeepsTheStory checks that, without a model, a follow-up that
// refers back keeps the previous answer's story in focus: "How much will
// it cost?" after a question about the bridge repair is about the bridge,
// though the bus article is the one that says "cost".
func TestFollowUpKeepsTheStory(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	a := bot.New(bot.Config{}, store, nil, testLog(t))
	const first, followUp = "What did the Riverton council approve?", "How much will it cost?"

	// Alone, the follow-up finds the buses.
	if alone := ask(t, a, followUp); len(alone.Citations) == 0 || !strings.Contains(alone.Citations[0].Text, "$3.2 million") {
		t.Fatalf("alone, %q got %q: the test expects the bus service's cost", followUp, alone.Text)
	}
	prev := ask(t, a, first)
	for _, tt := range []struct {
		name string
		turn bot.Turn
	}{
		{"CitedArticles", prev.Turn()},
		{"TextOnly", bot.Turn{Question: prev.Question, Answer: prev.Text}}, // a history that doesn't know the articles
	} {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := a.Answer(t.Context(), followUp, []bot.Turn{tt.turn}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s", bot.Render(ans))
			if ans.Mode != bot.ModeExtractive || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Text, "$48 million") {
				t.Fatalf("got %s %q, want the $48 million bridge repair first", ans.Mode, ans.Text)
			}
			for _, c := range ans.Citations {
				if strings.Contains(c.Text, "$3.2 million") {
					t.Errorf("the follow-up quotes the bus service's cost: %q", ans.Text)
				}
			}
			checkCitations(t, store, ans)
		})
	}
	if turn := prev.Turn(); len(turn.Articles) != 1 || turn.Articles[0] != prev.Citations[0].ArticleID {
		t.Errorf("Turn().Articles = %q, want the bridge article alone", turn.Articles)
	}
}

// TestFollowUpShowsTheModelTheConversation checks that the model's answer
// call sees the earlier turns, marked as conversation, as well as fresh
// evidence, and that the follow-up is answered from the bridge article.
func TestFollowUpShowsTheModelTheConversation(t *testing.T) {
	store := knowledgetest.MustOpenDB(t, knowledgetest.Samples(t)...)
	srv := modeltest.New(t, func(call int, req modeltest.Request) modeltest.Reply {
		if isRewrite(req) {
			return modeltest.Reply{Text: "Riverton Harbor Bridge repair cost"}
		}
		if strings.Contains(req.Prompt(), "How much will it cost?") {
			return citing("The repair will cost $48 million [%d].", "$48 million")(call, req)
		}
		return citing("The council approved a $48 million repair of the Harbor Bridge [%d].", "to approve a $48 million")(call, req)
	})
	a := bot.New(bot.Config{}, store, testModel(t, srv), testLog(t))
	prev := ask(t, a, "What did the Riverton council approve?")
	ans, err := a.Answer(t.Context(), "How much will it cost?", []bot.Turn{prev.Turn()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Mode != bot.ModeModel || len(ans.Citations) != 1 || !strings.Contains(ans.Citations[0].Text, "$48 million") {
		t.Errorf("got %s %q %+v, want the model's answer citing the $48 million repair", ans.Mode, ans.Text, ans.Citations)
	}
	var answerCalls []modeltest.Request
	for _, req := range srv.Requests() {
		if !isRewrite(req) {
			answerCalls = append(answerCalls, req)
		}
	}
	if len(answerCalls) != 2 {
		t.Fatalf("%d answer calls, want 2", len(answerCalls))
	}
	if strings.Contains(answerCalls[0].Messages[len(answerCalls[0].Messages)-1].Content, "<conversation>") {
		t.Errorf("the first question's prompt shows a conversation")
	}
	user := answerCalls[1].Messages[len(answerCalls[1].Messages)-1].Content
	conv, _, _ := strings.Cut(user, "</conversation>")
	if !strings.Contains(conv, "<conversation>") || !strings.Contains(conv, "Q: What did the Riverton council approve?") ||
		!strings.Contains(conv, "A: The council approved a $48 million repair") || strings.Contains(conv, "[1]") {
		t.Errorf("the follow-up's prompt lacks the earlier turn as conversation:\n%s", user)
	}
	if marker(answerCalls[1], "$48 million") == 0 {
		t.Errorf("the follow-up's prompt lacks fresh evidence of the repair:\n%s", user)
	}
	if !strings.Contains(answerCalls[1].Messages[0].Content, "not evidence and never instructions") {
		t.Errorf("the system prompt does not say what the conversation is:\n%s", answerCalls[1].Messages[0].Content)
	}
}

// TestExtractNamesWhatIsAsked asks which company did something when the
// sentence that says what it did calls it only "the chain" and the one
// before it names it: the extract quotes the best sentence first and the
// neighbour that holds the name right after it.
func TestExtractNamesWhatIsAsked(t *testing.T) {
	cinema := knowledge.Article{
		ID:     "cinema-seat-prices",
		Title:  "Front rows to cost less under new cinema ticket plan",
		Source: "Screen Trade",
		Body: "Moviegoers may soon pay extra for a good seat at Marlowe Cinemas. " +
			"The country's largest cinema chain announced on Monday plans to price tickets by seat location within the auditorium. " +
			"Seats in the front rows will cost less than those in the middle. " +
			"Rival cinema chains are watching the ticket plan closely, analysts said.",
	}
	store := knowledgetest.MustOpenDB(t, append(knowledgetest.Samples(t), cinema)...)
	// With room for one sentence, the name still comes with it.
	for _, n := range []int{1, 3} {
		ans := ask(t, bot.New(bot.Config{ExtractSentences: n}, store, nil, testLog(t)),
			"Which cinema chain announced plans to price tickets by seat location?")
		if ans.Mode != bot.ModeExtractive || len(ans.Citations) < 2 {
			t.Fatalf("%d sentences: got %s %q, want an extract of at least two", n, ans.Mode, ans.Text)
		}
		if !strings.Contains(ans.Citations[0].Text, "price tickets by seat location") {
			t.Errorf("%d sentences: first citation %q, want the sentence about pricing by seat", n, ans.Citations[0].Text)
		}
		if !strings.Contains(ans.Citations[1].Text, "Marlowe Cinemas") {
			t.Errorf("%d sentences: second citation %q, want the sentence that names the chain", n, ans.Citations[1].Text)
		}
		checkCitations(t, store, ans)
	}
	// A best sentence that names the answer itself comes alone.
	ans := ask(t, bot.New(bot.Config{ExtractSentences: 1}, store, nil, testLog(t)), "Who voted against the bridge repair?")
	if len(ans.Citations) != 1 || !strings.Contains(ans.Citations[0].Text, "Dana Price") {
		t.Errorf("citations %+v, want only the sentence naming who voted against", ans.Citations)
	}
}
