package discord

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/bot/discord/fakediscord"
	"newsbot/bot/feedback"
	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// press presses a button under a message and waits for the bot's answer to
// the press, which it returns.
func (h *harness) press(customID, userID, messageID string) callback {
	h.t.Helper()
	p, err := h.fake.PressButton(fakediscord.Press{CustomID: customID, UserID: userID, GuildID: guildID, MessageID: messageID})
	if err != nil {
		h.t.Fatal(err)
	}
	path := "/interactions/" + p.ID + "/" + p.Token + "/callback"
	calls := h.fake.WaitFor(10*time.Second, "the answer to a button press", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", path)) > 0
	})
	c := exactly(calls, "POST", path)[0]
	if c.Status >= 300 {
		h.t.Fatalf("the fake refused the answer to a press: %v", c)
	}
	return decodeCallback(h.t, c)
}

func TestExtractQuotesEachSentenceOnce(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)
	in := h.ask("600000000000000030", "Who will represent the US at the London talks?")
	calls := h.fake.WaitFor(10*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok
	})
	h.stop()
	final, _ := finalEdit(t, calls, in)
	if !strings.HasPrefix(final.Content, "From the articles, no summary:\n“General Keith Kellogg will represent the US at the discussions in London on Wednesday.” [1]") {
		t.Errorf("content = %q, want the labelled extract quoting its sentences with markers", final.Content)
	}
	if strings.Contains(final.Content, "language model") {
		t.Errorf("content = %q speaks of the bot's configuration", final.Content)
	}
	if len(final.Embeds) != 1 {
		t.Fatalf("embeds = %+v, want one of sources", final.Embeds)
	}
	all := final.Content + "\n" + final.sources()
	for _, sentence := range []string{"General Keith Kellogg will represent", "Marco Rubio pulled out", "Officials from Ukraine"} {
		if n := strings.Count(all, sentence); n > 1 {
			t.Errorf("%q is quoted %d times in the reply", sentence, n)
		}
	}
	if want := "**[1]** [US envoy to attend London talks on Ukraine](https://news.example/world/london-talks) · Example News · 2025-04-23"; !strings.HasPrefix(final.sources(), want) {
		t.Errorf("sources = %q, want them to start %q", final.sources(), want)
	}
}

func TestFeedbackButtonsStoreOneVerdictPerUser(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	votes := feedback.New(store.DB())
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}}, Deps{Answerer: answerer(t, store, nil), Feedback: votes}, store)
	const asker, other = "600000000000000031", "600000000000000032"
	in := h.ask(asker, "Who will represent the US at the London talks?")
	dm, err := h.fake.PostMessage(fakediscord.Message{AuthorID: other, ChannelID: "700000000000000031", Content: "Who pulled out of the London meeting?"})
	if err != nil {
		t.Fatal(err)
	}
	calls := h.fake.WaitFor(10*time.Second, "both answers", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok && len(exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")) > 0
	})
	answer, _ := finalEdit(t, calls, in)
	reply := decodeMessage(t, exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")[0])
	for _, m := range []sentMessage{answer, reply} {
		if m.button("Helpful") == "" || m.button("Wrong or unsupported") == "" {
			t.Fatalf("answer %q has buttons %+v, want Helpful and Wrong or unsupported", m.Content, m.Components)
		}
	}
	msgID := h.fake.OriginalID(in.Token)
	for i, p := range []struct {
		user, label, want string
	}{
		{asker, "Wrong or unsupported", "Thanks! Noted that this answer is wrong"},
		{asker, "Wrong or unsupported", "You had already said"},
		{asker, "Helpful", "Changed: noted that this answer helped"},
		{other, "Wrong or unsupported", "Thanks!"},
	} {
		cb := h.press(answer.button(p.label), p.user, msgID)
		if cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, p.want) {
			t.Errorf("press %d: type %d flags %d %q, want an ephemeral note containing %q", i, cb.Type, cb.Data.Flags, cb.Data.Content, p.want)
		}
	}
	h.press(reply.button("Helpful"), other, "")
	latest := h.slash(fakediscord.Interaction{Command: "feedback", UserID: adminID, GuildID: guildID})
	shown := mustFinal(t, h.fake.WaitFor(10*time.Second, "/feedback", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, latest)
		return ok
	}), latest)
	if !strings.Contains(shown, "latest 3 verdicts") || strings.Count(shown, "helpful") != 2 || strings.Count(shown, "wrong or unsupported") != 1 {
		t.Errorf("/feedback = %q, want the 3 verdicts", shown)
	}
	h.stop()

	list, err := votes.List(context.Background(), time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("stored %d verdicts, want 3 (one per user per answer): %+v", len(list), list)
	}
	byQuestion := map[string][]feedback.Entry{}
	for _, e := range list {
		byQuestion[e.Question] = append(byQuestion[e.Question], e)
		if e.UserHash == asker || e.UserHash == other || len(e.UserHash) != 64 {
			t.Errorf("user_hash = %q, want a one-way hash", e.UserHash)
		}
	}
	ask := byQuestion["Who will represent the US at the London talks?"]
	if len(ask) != 2 || ask[0].UserHash == ask[1].UserHash {
		t.Fatalf("verdicts on /ask = %+v, want two users'", ask)
	}
	verdicts := map[feedback.Verdict]int{}
	for _, e := range ask {
		verdicts[e.Verdict]++
		if e.GuildID != guildID || e.ChannelID == "" || e.Mode != "extractive" || len(e.Citations) == 0 ||
			e.Citations[0].ArticleID != kelloggArticle.ID || e.Citations[0].SentenceID == "" || !strings.Contains(e.Answer, "Kellogg") {
			t.Errorf("verdict = %+v, want the answer, its citations and where it was asked", e)
		}
	}
	if verdicts[feedback.Helpful] != 1 || verdicts[feedback.Wrong] != 1 {
		t.Errorf("verdicts = %v, want the asker's changed to helpful and the other's wrong", verdicts)
	}
	if dmVotes := byQuestion["Who pulled out of the London meeting?"]; len(dmVotes) != 1 || dmVotes[0].GuildID != "" {
		t.Errorf("verdicts on the DM answer = %+v, want one, from a DM", dmVotes)
	}
}

func TestFeedbackButtonsWorkAfterARestart(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	votes := feedback.New(store.DB())
	first := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil), Feedback: votes}, store)
	in := first.ask("600000000000000034", "Who will represent the US at the London talks?")
	calls := first.fake.WaitFor(10*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok
	})
	answer, _ := finalEdit(t, calls, in)
	wrong := answer.button("Wrong or unsupported")
	if wrong == "" {
		t.Fatalf("answer %q has no feedback buttons", answer.Content)
	}
	first.stop()

	second := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil), Feedback: feedback.New(store.DB())}, store)
	cb := second.press(wrong, "600000000000000035", "")
	if cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "Thanks! Noted that this answer is wrong") {
		t.Errorf("press after a restart = type %d flags %d %q, want the verdict noted", cb.Type, cb.Data.Flags, cb.Data.Content)
	}
	second.stop()
	list, err := votes.List(context.Background(), time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Verdict != feedback.Wrong || list[0].Question != "Who will represent the US at the London talks?" ||
		!strings.Contains(list[0].Answer, "Kellogg") || len(list[0].Citations) == 0 {
		t.Errorf("stored %+v, want the wrong verdict on the answer given before the restart", list)
	}
}

func TestFeedbackButtonOfAForgottenAnswerSaysSo(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil), Feedback: feedback.New(store.DB())}, store)
	cb := h.press("fb:0123456789abcdef:wrong", "600000000000000033", "")
	if cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "too old to rate") {
		t.Errorf("press = type %d flags %d %q, want an ephemeral note that the answer is too old", cb.Type, cb.Data.Flags, cb.Data.Content)
	}
}

func TestPagingButtons(t *testing.T) {
	t.Parallel()
	var articles []knowledge.Article
	for i := range 13 {
		articles = append(articles, knowledge.Article{
			ID: fmt.Sprintf("market-%02d", i), Title: fmt.Sprintf("Apple market report %d", i), Source: "Town Crier",
			Body: fmt.Sprintf("The apple market sold %d crates of apples this week.", i+10),
		})
	}
	store := knowledgetest.MustOpenDB(t, articles...)
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}, Now: now}, store)
	const owner, stranger = "600000000000000040", "600000000000000041"
	list := h.slash(fakediscord.Interaction{Command: "articles", GuildID: guildID, UserID: owner})
	search := h.slash(fakediscord.Interaction{Command: "search", GuildID: guildID, UserID: owner,
		Options: []fakediscord.Option{{Name: "query", Type: fakediscord.OptionString, Value: "apple market crates"}}})
	calls := h.fake.WaitFor(10*time.Second, "both listings", func(calls []fakediscord.Call) bool {
		_, a := finalEdit(t, calls, list)
		_, s := finalEdit(t, calls, search)
		return a && s
	})
	page1, _ := finalEdit(t, calls, list)
	if len(page1.Components) != 1 || len(page1.Components[0].Components) != 2 ||
		!page1.Components[0].Components[0].Disabled || page1.Components[0].Components[1].Disabled {
		t.Fatalf("page 1 buttons = %+v, want Previous (off) and Next", page1.Components)
	}
	next := page1.button("Next")
	if cb := h.press(next, stranger, h.fake.OriginalID(list.Token)); cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "Only the person who ran /articles") {
		t.Errorf("a stranger's press = type %d flags %d %q, want an ephemeral refusal", cb.Type, cb.Data.Flags, cb.Data.Content)
	}
	cb := h.press(next, owner, h.fake.OriginalID(list.Token))
	if cb.Type != 7 || !strings.Contains(cb.Data.Content, "page 2") || strings.Count(cb.Data.Content, "\n`") != 3 {
		t.Fatalf("the owner's press = type %d %q, want the message updated to page 2 with 3 articles", cb.Type, cb.Data.Content)
	}
	page2 := *cb.Data
	if prev := page2.button("Previous"); prev == "" || page2.Components[0].Components[1].Disabled != true {
		t.Errorf("page 2 buttons = %+v, want Previous and Next (off)", page2.Components)
	}
	if cb := h.press(page2.button("Previous"), owner, h.fake.OriginalID(list.Token)); cb.Type != 7 || !strings.Contains(cb.Data.Content, "page 1") {
		t.Errorf("Previous = type %d %q, want page 1", cb.Type, cb.Data.Content)
	}

	results, _ := finalEdit(t, calls, search)
	cb = h.press(results.button("Next"), owner, h.fake.OriginalID(search.Token))
	if cb.Type != 7 || !strings.Contains(cb.Data.Content, "(page 2)") || !strings.Contains(cb.Data.Content, "**4. ") {
		t.Errorf("search Next = type %d %q, want the next passages", cb.Type, cb.Data.Content)
	}

	skew.Store(int64(time.Hour))
	if cb := h.press(next, owner, h.fake.OriginalID(list.Token)); cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "expired") {
		t.Errorf("an old button = type %d flags %d %q, want an ephemeral note that it expired", cb.Type, cb.Data.Flags, cb.Data.Content)
	}
}

func TestRoleMentionIsAnswered(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)
	const channel = "700000000000000050"
	// Another bot's managed role is not a mention of this bot.
	if _, err := h.fake.PostMessage(fakediscord.Message{GuildID: guildID, ChannelID: channel,
		Content: "<@&100000000000000004> Who will represent the US?", MentionRoles: []string{"100000000000000004"}}); err != nil {
		t.Fatal(err)
	}
	m, err := h.fake.PostMessage(fakediscord.Message{GuildID: guildID, ChannelID: channel,
		Content:      "<@&" + fakediscord.BotRoleID + "> Who will represent the US at the London talks?",
		MentionRoles: []string{fakediscord.BotRoleID}})
	if err != nil {
		t.Fatal(err)
	}
	replies := "/channels/" + channel + "/messages"
	h.fake.WaitFor(10*time.Second, "the reply", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", replies)) > 0
	})
	h.stop()
	calls := h.fake.Calls()
	sent := exactly(calls, "POST", replies)
	if len(sent) != 1 {
		t.Fatalf("replies = %v, want one, to the mention of the bot's role", sent)
	}
	reply := decodeMessage(t, sent[0])
	if reply.MessageReference == nil || reply.MessageReference.MessageID != m.ID || !strings.Contains(reply.Content, "General Keith Kellogg") {
		t.Errorf("reply = %q to %+v, want the Kellogg answer to %s", reply.Content, reply.MessageReference, m.ID)
	}
	if n := len(exactly(calls, "GET", "/guilds/"+guildID+"/roles")); n != 1 {
		t.Errorf("looked up the server's roles %d times, want once (cached)", n)
	}
}

func TestEmptyQuestionSuggestsALoadedArticle(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)
	in := h.ask("600000000000000060", "   ")
	calls := h.fake.WaitFor(10*time.Second, "the hint", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", callbackPath(in))) > 0
	})
	cb := decodeCallback(t, exactly(calls, "POST", callbackPath(in))[0])
	if want := "What do the articles say about “US envoy to attend London talks on Ukraine”?"; cb.Type != 4 || !strings.Contains(cb.Data.Content, want) {
		t.Errorf("hint = %q, want it to suggest %q", cb.Data.Content, want)
	}
}
