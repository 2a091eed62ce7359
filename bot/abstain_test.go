package bot_test

import (
	"testing"

	"newsbot/bot"
	"newsbot/bot/model/modeltest"
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
