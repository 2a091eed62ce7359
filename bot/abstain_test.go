package bot_test

import (
	"strings"
	"testing"

	"newsbot/bot"
	"newsbot/bot/model/modeltest"
	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestAnswerAbstainsOnChanceMatches asks, over the bundled samples and the
// London article, questions that no article answers but whose words some
// sentence shares ("France" in the Kellogg sentence): the reply is the
// no-answer, with the closest sentences offered as such, and the model is
// not asked. Questions the articles do answer still get answers.
func TestAnswerAbstainsOnChanceMatches(t *testing.T) {
	articles := append(knowledgetest.Samples(t), knowledgetest.SharedArticle(t, knowledgetest.London))
	store := knowledgetest.MustOpenDB(t, articles...)
	srv := modeltest.New(t, modeltest.Text("Paris is the capital [1]."))
	for _, withModel := range []bool{false, true} {
		a := bot.New(bot.Config{}, store, nil, testLog(t))
		if withModel {
			a = bot.New(bot.Config{}, store, testModel(t, srv), testLog(t))
		}
		for _, q := range []string{
			"What is the capital of France?",
			"How do I bake sourdough bread at home?",
			"What is the boiling point of water in Fahrenheit?",
		} {
			ans := ask(t, a, q)
			if ans.Mode != bot.ModeNoAnswer || ans.Text != "The loaded articles don't answer this." {
				t.Errorf("model %v, %q: %s %q, want the no-answer", withModel, q, ans.Mode, ans.Text)
			}
			checkCitations(t, store, ans)
		}
		if srv.Calls() != 0 {
			t.Errorf("model asked %d times about questions no article answers", srv.Calls())
		}
		for _, q := range []string{
			"How many workers built the solar farm?",
			"What did the Riverton council approve?",
		} {
			if ans := ask(t, a, q); !withModel && ans.Mode != bot.ModeExtractive {
				t.Errorf("%q: %s %q, want an extract", q, ans.Mode, ans.Text)
			}
		}
	}
	if srv.Calls() == 0 {
		t.Error("the model was never asked about the questions the articles answer")
	}
}

// TestAnswerAbstainsOnPassingMentions asks questions whose words are common
// in the store, so that only covering all of them can answer: a question
// whose words meet in one passing sentence of each of two articles about
// something else is not answered, while one whose words an article's title
// holds, or more than one of its sentences, or that only one article holds,
// is.
func TestAnswerAbstainsOnPassingMentions(t *testing.T) {
	ferries := knowledge.Article{
		ID:     "harbour-ferries",
		Title:  "Harbour ferries add evening sailings",
		Source: "Harbour Post",
		Body: "The number of ferry passengers rose in March. " +
			"A record number of cyclists used the harbour path. " +
			"The harbour has a prime spot for watching boats. " +
			"Prime berths near the market stalls sold quickly. " +
			"The number of sailings will double in summer. " +
			"Cafe owners said the prime season starts in June. " +
			"Officials said the prime minister would announce the number of new berths on Friday. " +
			"Evening sailings leave the harbour every hour. " +
			"Sailings were cut last winter. " +
			"The evening crowds drew more cafes to the quay.",
	}
	quay := knowledge.Article{
		ID:     "quay-cafes",
		Title:  "Cafes open late along the quay",
		Source: "Harbour Post",
		Body: "Market stalls will stay open until ten on Fridays. " +
			"The harbour market has forty stalls. " +
			"Cafe owners said the evening trade has doubled. " +
			"The market stalls sell fish, bread and flowers. " +
			"Parking near the quay is free after six. " +
			"Stall holders said the prime minister had visited a number of cafes. " +
			"Evening sailings bring diners to the quay.",
	}
	store := knowledgetest.MustOpenDB(t, append(knowledgetest.Samples(t), ferries, quay)...)
	a := bot.New(bot.Config{}, store, nil, testLog(t))
	for _, tt := range []struct {
		name, question string
		want           bot.Mode
	}{
		{"OneSentenceOfAnotherStory", "What is a prime number?", bot.ModeNoAnswer},
		{"InTheTitle", "How many evening sailings?", bot.ModeExtractive},
		{"InTwoSentences", "Where are the market stalls?", bot.ModeExtractive},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ans := ask(t, a, tt.question)
			if ans.Mode != tt.want {
				t.Errorf("%q: %s %q, want %s", tt.question, ans.Mode, ans.Text, tt.want)
			}
			checkCitations(t, store, ans)
		})
	}
	// Where one article alone holds all of a question's words, it is the
	// one the question is about, however it words them.
	t.Run("OnlyArticleThatHoldsThem", func(t *testing.T) {
		store := knowledgetest.MustOpenDB(t, ferries)
		ans := ask(t, bot.New(bot.Config{}, store, nil, testLog(t)), "What is a prime number?")
		if ans.Mode != bot.ModeExtractive || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Text, "prime minister") {
			t.Errorf("%s %q, want an extract quoting the sentence that holds the question's words", ans.Mode, ans.Text)
		}
		checkCitations(t, store, ans)
	})
}
