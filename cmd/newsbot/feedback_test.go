package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/bot/discord/fakediscord"
	"newsbot/knowledge"
	"newsbot/knowledge/eval"
)

// TestFeedbackFromDiscordBecomesAQuestionSet runs `newsbot run` against a
// fake Discord, rates an answer with its buttons — one user twice, changing
// their verdict, another once — and then reads the verdicts back with
// `newsbot feedback --json`, exports the wrong answer with --export and
// runs `newsbot eval` on the export.
func TestFeedbackFromDiscordBecomesAQuestionSet(t *testing.T) {
	askClearEnv(t)
	fake := fakediscord.New(t)
	t.Setenv("DISCORD_TOKEN", fakediscord.Token)
	t.Setenv("DISCORD_API_URL", fake.URL)
	t.Setenv("DISCORD_GUILD_ID", "300000000000000001")
	t.Setenv("NEWSBOT_FEED_INTERVAL", "1h")
	t.Setenv("NEWSBOT_RETENTION", "")
	db := askDB(t, askArticles...)

	bot := startRun(t, fake, db)
	const guild, channel, asker, other = "300000000000000001", "700000000000000001", "600000000000000001", "600000000000000002"
	in, err := fake.SlashCommand(fakediscord.Interaction{
		Command: "ask", GuildID: guild, ChannelID: channel, UserID: asker,
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who will represent Sweden at the Geneva talks?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	edit := "/webhooks/" + fakediscord.AppID + "/" + in.Token + "/messages/@original"
	var answer struct {
		Components []struct {
			Components []struct {
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	fake.WaitFor(15*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		for _, c := range calls {
			if c.Method == "PATCH" && c.Path == edit {
				return json.Unmarshal(c.Body, &answer) == nil && len(answer.Components) > 0
			}
		}
		return false
	})
	buttons := map[string]string{}
	for _, c := range answer.Components[0].Components {
		buttons[c.Label] = c.CustomID
	}
	presses := []struct{ user, label string }{
		{asker, "Wrong or unsupported"}, {asker, "Helpful"}, {other, "Wrong or unsupported"},
	}
	for _, p := range presses {
		press, err := fake.PressButton(fakediscord.Press{CustomID: buttons[p.label], UserID: p.user, GuildID: guild, ChannelID: channel,
			MessageID: fake.OriginalID(in.Token)})
		if err != nil {
			t.Fatal(err)
		}
		fake.WaitFor(10*time.Second, "the thanks", func(calls []fakediscord.Call) bool {
			for _, c := range calls {
				if c.Method == "POST" && c.Path == "/interactions/"+press.ID+"/"+press.Token+"/callback" {
					return true
				}
			}
			return false
		})
	}
	bot.stop()

	code, out, errOut := askRun(t, "", "--db", db, "feedback", "--json")
	if code != 0 {
		t.Fatalf("feedback --json: exit %d: %s", code, errOut)
	}
	var verdicts []string
	for line := range strings.Lines(out) {
		var e struct {
			UserHash  string `json:"user_hash"`
			Verdict   string `json:"verdict"`
			Question  string `json:"question"`
			GuildID   string `json:"guild_id"`
			ChannelID string `json:"channel_id"`
			Citations []struct {
				ArticleID  string `json:"article_id"`
				SentenceID string `json:"sentence_id"`
			} `json:"citations"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("feedback --json line %q: %v", line, err)
		}
		if strings.Contains(e.UserHash, asker) || strings.Contains(e.UserHash, other) || len(e.UserHash) != 64 {
			t.Errorf("user_hash = %q, want a hash, not the ID", e.UserHash)
		}
		if e.Question != "Who will represent Sweden at the Geneva talks?" || e.GuildID != guild || e.ChannelID != channel ||
			len(e.Citations) == 0 || e.Citations[0].ArticleID == "" || e.Citations[0].SentenceID == "" {
			t.Errorf("verdict = %+v, want the question, where it was asked and what the answer cited", e)
		}
		verdicts = append(verdicts, e.Verdict)
	}
	slices.Sort(verdicts)
	if want := []string{"helpful", "wrong"}; !slices.Equal(verdicts, want) {
		t.Errorf("verdicts = %q, want %q (one per user, the asker's changed)", verdicts, want)
	}

	dir := t.TempDir()
	export := filepath.Join(dir, "wrong.jsonl")
	if code, _, errOut := askRun(t, "", "--db", db, "feedback", "--export", export); code != 0 {
		t.Fatalf("feedback --export: exit %d: %s", code, errOut)
	}
	f, err := os.Open(export)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	questions, err := eval.ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(questions) != 1 || questions[0].Question != "Who will represent Sweden at the Geneva talks?" || len(questions[0].ArticleIDs) == 0 {
		t.Fatalf("exported questions = %+v, want the one wrong answer's question with its cited articles", questions)
	}
	if _, err := questions[0].AsOf(); err != nil {
		t.Errorf("question_date: %v", err)
	}
	// newsbot eval reads the export beside the articles it cited.
	st, err := knowledge.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.Articles(t.Context(), knowledge.ListOptions{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var articles bytes.Buffer
	for _, a := range list {
		full := askArticles[slices.IndexFunc(askArticles, func(b knowledge.Article) bool { return b.Title == a.Title })]
		line, _ := json.Marshal(map[string]any{"id": a.ID, "title": a.Title, "published": a.Published.Format(time.DateOnly),
			"body": strings.Join(append(slices.Clone(full.KeyPoints), full.Body), " ")})
		articles.Write(append(line, '\n'))
	}
	articlesPath := filepath.Join(dir, "articles.jsonl")
	if err := os.WriteFile(articlesPath, articles.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = askRun(t, "", "eval", "--articles", articlesPath, "--questions", export)
	if code != 0 || !strings.Contains(out, "article recall") {
		t.Errorf("eval on the export: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
