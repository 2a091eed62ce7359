package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"newsbot/bot"
	"newsbot/bot/discord/fakediscord"
	"newsbot/bot/model"
	"newsbot/bot/model/modeltest"
	"newsbot/knowledge"
	"newsbot/knowledge/feeds"
	"newsbot/knowledge/knowledgetest"
	"newsbot/knowledge/load"
)

const (
	adminID = "500000000000000001"
	guildID = "300000000000000001"
)

func TestRegistersCommandsWithOneBulkOverwrite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, guild, path string
	}{
		{"Guild", guildID, "/applications/" + fakediscord.AppID + "/guilds/" + guildID + "/commands"},
		{"Global", "", "/applications/" + fakediscord.AppID + "/commands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := knowledgetest.MustOpenDB(t)
			h := startBot(t, nil, Config{GuildID: tc.guild}, Deps{Answerer: &citingAnswerer{store: store}}, store)
			if err := h.stop(); err != nil {
				t.Fatalf("Run = %v, want nil", err)
			}
			calls := h.fake.Calls()
			puts := find(calls, "PUT", "/applications/")
			if len(puts) != 1 || puts[0].Path != tc.path {
				t.Fatalf("registration calls = %v, want one PUT %s", puts, tc.path)
			}
			var cmds []struct {
				Name                     string  `json:"name"`
				Description              string  `json:"description"`
				DefaultMemberPermissions *string `json:"default_member_permissions"`
				Options                  []struct {
					Name     string `json:"name"`
					Type     int    `json:"type"`
					Required bool   `json:"required"`
				} `json:"options"`
			}
			if err := puts[0].Decode(&cmds); err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{"ask": false, "search": false, "articles": false, "help": false, "load": true, "remove": true, "feeds": true, "feedback": true}
			if len(cmds) != len(want) {
				t.Errorf("registered %d commands, want %d", len(cmds), len(want))
			}
			for _, c := range cmds {
				admin, ok := want[c.Name]
				if !ok {
					t.Errorf("unexpected command /%s", c.Name)
					continue
				}
				delete(want, c.Name)
				if c.Description == "" {
					t.Errorf("/%s has no description", c.Name)
				}
				switch {
				case admin && (c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != "32"):
					t.Errorf("/%s default_member_permissions = %v, want \"32\" (Manage Server)", c.Name, c.DefaultMemberPermissions)
				case !admin && c.DefaultMemberPermissions != nil:
					t.Errorf("/%s default_member_permissions = %q, want none", c.Name, *c.DefaultMemberPermissions)
				}
				if c.Name == "ask" && (len(c.Options) != 1 || c.Options[0].Name != "question" || c.Options[0].Type != 3 || !c.Options[0].Required) {
					t.Errorf("/ask options = %+v, want one required string option question", c.Options)
				}
			}
			if len(want) > 0 {
				t.Errorf("commands not registered: %v", want)
			}
			var identify struct {
				Intents int    `json:"intents"`
				Token   string `json:"token"`
			}
			if err := json.Unmarshal(h.fake.Identify(), &identify); err != nil {
				t.Fatal(err)
			}
			const messageContent = 1 << 15
			if identify.Intents != 1<<9|1<<12 || identify.Intents&messageContent != 0 {
				t.Errorf("intents = %d, want %d (guild messages and direct messages only)", identify.Intents, 1<<9|1<<12)
			}
		})
	}
}

func TestAskIsDeferredThenEditedWithTheCitedAnswer(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	// The model streams its answer over about 2.5 s.
	_, m := citingModel(t, "General Keith Kellogg will represent the US at the London talks [%d].", "Keith Kellogg will represent",
		func(r *modeltest.Reply) { r.StallAfter, r.Stall = 3, 2500*time.Millisecond })
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, m)}, store)

	in := h.ask("600000000000000001", "Who will represent the US at the London talks?")
	h.fake.WaitFor(15*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok
	})
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	calls := h.fake.Calls()

	cbs := exactly(calls, "POST", callbackPath(in))
	if len(cbs) != 1 {
		t.Fatalf("callbacks = %v, want 1", cbs)
	}
	if cb := decodeCallback(t, cbs[0]); cb.Type != 5 || cb.Data.Flags != 0 {
		t.Errorf("callback type %d flags %d, want a public deferral (type 5)", cb.Type, cb.Data.Flags)
	}
	if lag, ok := h.fake.DeferLag(in.ID); !ok || lag > 3*time.Second {
		t.Errorf("deferred after %v, want within 3s", lag)
	}
	final, _ := finalEdit(t, calls, in)
	if want := "General Keith Kellogg will represent the US at the London talks [1]."; final.Content != want {
		t.Errorf("answer content = %q, want the answer text with its marker, %q", final.Content, want)
	}
	if len(final.Embeds) != 1 || final.Embeds[0].Title != "Sources" {
		t.Fatalf("answer embeds = %+v, want one embed of sources", final.Embeds)
	}
	if got, want := final.Embeds[0].Description, "**[1]** “General Keith Kellogg will represent the US at the discussions in London on Wednesday.” — "+
		"[US envoy to attend London talks on Ukraine](https://news.example/world/london-talks) · Example News · 2025-04-23"; got != want {
		t.Errorf("sources = %q, want %q", got, want)
	}
	// Progress: the answer streamed over 2.5 s, so it was shown while being
	// written, by edits at least a second apart that came before the answer.
	edits := exactly(calls, "PATCH", originalPath(in))
	var progress []fakediscord.Call
	for _, e := range edits {
		if strings.HasSuffix(decodeMessage(t, e).Content, writingNote) {
			progress = append(progress, e)
		}
	}
	if len(progress) == 0 {
		t.Errorf("no progress edits while the answer streamed; edits: %v", edits)
	}
	for i := 1; i < len(edits); i++ {
		if gap := edits[i].At.Sub(edits[i-1].At); gap < 900*time.Millisecond && i < len(edits)-1 {
			t.Errorf("progress edits %d and %d only %v apart, want at most one a second", i-1, i, gap)
		}
	}
	if last := decodeMessage(t, edits[len(edits)-1]); strings.HasSuffix(last.Content, writingNote) {
		t.Errorf("last edit is a progress edit: %q", last.Content)
	}
}

func TestDirectMessageIsAnsweredWithAReplyAndRemembered(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	srv := modeltest.New(t, func(_ int, req modeltest.Request) modeltest.Reply {
		if strings.Contains(req.Messages[0].Content, "search query") {
			return modeltest.Reply{Text: "Rubio meeting London"}
		}
		cite := "Keith Kellogg will represent"
		if strings.Contains(req.Messages[len(req.Messages)-1].Content, "Who pulled out") {
			cite = "Marco Rubio pulled out"
		}
		for _, m := range evidenceLine.FindAllStringSubmatch(req.Prompt(), -1) {
			if strings.Contains(m[2], cite) {
				return modeltest.Reply{Text: m[2] + " [" + m[1] + "]"}
			}
		}
		return modeltest.Reply{Text: "The articles don't say."}
	})
	m, err := model.NewOpenAI(model.Config{BaseURL: srv.BaseURL(), Model: "test-model", Timeout: 5 * time.Second}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, m)}, store)

	const user, channel = "600000000000000002", "700000000000000002"
	first, err := h.fake.PostMessage(fakediscord.Message{AuthorID: user, ChannelID: channel, Content: "Who will represent the US at the London talks?"})
	if err != nil {
		t.Fatal(err)
	}
	replies := "/channels/" + channel + "/messages"
	h.fake.WaitFor(10*time.Second, "the reply", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", replies)) == 1
	})
	second, err := h.fake.PostMessage(fakediscord.Message{AuthorID: user, ChannelID: channel, Content: "Who pulled out of the meeting?"})
	if err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(10*time.Second, "the second reply", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", replies)) == 2
	})
	h.stop()
	calls := h.fake.Calls()

	sent := exactly(calls, "POST", replies)
	for i, want := range []struct {
		ref, text string
	}{
		{first.ID, "General Keith Kellogg will represent the US"},
		{second.ID, "Marco Rubio pulled out of the meeting"},
	} {
		m := decodeMessage(t, sent[i])
		if m.MessageReference == nil || m.MessageReference.MessageID != want.ref {
			t.Errorf("reply %d references %+v, want message %s", i, m.MessageReference, want.ref)
		}
		if !strings.Contains(m.Content, want.text) || !strings.Contains(m.Content, "[1]") || !strings.Contains(m.sources(), "**[1]** “") {
			t.Errorf("reply %d = %q with sources %q, want a cited answer containing %q", i, m.Content, m.sources(), want.text)
		}
	}
	typing := exactly(calls, "POST", "/channels/"+channel+"/typing")
	if len(typing) < 2 || !typing[0].At.Before(sent[0].At) {
		t.Errorf("typing calls = %v, want one before each reply", typing)
	}
	// The follow-up reached the answerer with the first exchange: it asked
	// the model to rewrite the question from the conversation.
	var rewrites []string
	for _, req := range srv.Requests() {
		if strings.Contains(req.Messages[0].Content, "search query") {
			rewrites = append(rewrites, req.Prompt())
		}
	}
	if len(rewrites) != 1 || !strings.Contains(rewrites[0], "Q: Who will represent the US at the London talks?") ||
		!strings.Contains(rewrites[0], "Last question: Who pulled out of the meeting?") {
		t.Errorf("rewrite requests = %q, want one for the follow-up, with the first exchange", rewrites)
	}
}

func TestMentionIsAnsweredOtherMessagesIgnored(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)

	const channel = "700000000000000003"
	// Not for the bot: no mention, or written by a bot.
	for _, m := range []fakediscord.Message{
		{GuildID: guildID, ChannelID: channel, Content: "Who will represent the US?"},
		{GuildID: guildID, ChannelID: channel, Content: "<@" + fakediscord.BotID + "> who?", MentionsBot: true, AuthorBot: true},
	} {
		if _, err := h.fake.PostMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	m, err := h.fake.PostMessage(fakediscord.Message{
		GuildID: guildID, ChannelID: channel, MentionsBot: true,
		Content: "<@" + fakediscord.BotID + "> Who will represent the US at the London talks?",
	})
	if err != nil {
		t.Fatal(err)
	}
	replies := "/channels/" + channel + "/messages"
	h.fake.WaitFor(10*time.Second, "the reply", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", replies)) > 0
	})
	h.stop()
	sent := exactly(h.fake.Calls(), "POST", replies)
	if len(sent) != 1 {
		t.Fatalf("replies = %v, want exactly one, to the mention", sent)
	}
	reply := decodeMessage(t, sent[0])
	if reply.MessageReference == nil || reply.MessageReference.MessageID != m.ID {
		t.Errorf("reply references %+v, want %s", reply.MessageReference, m.ID)
	}
	if !strings.Contains(reply.Content, "General Keith Kellogg") {
		t.Errorf("reply = %q, want the Kellogg answer", reply.Content)
	}
}

func TestLoadIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		admins []string
		want   string
	}{
		{"NotAdmin", []string{adminID}, "Only this bot's admins"},
		{"NoAdminsConfigured", nil, "NEWSBOT_ADMIN_IDS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := knowledgetest.MustOpenDB(t)
			loads := &countingLoader{}
			h := startBot(t, nil, Config{AdminIDs: tc.admins}, Deps{Answerer: &citingAnswerer{store: store}, Loader: loads}, store)
			in := h.slash(fakediscord.Interaction{
				Command: "load", UserID: "600000000000000009", GuildID: guildID,
				Options: []fakediscord.Option{{Name: "url", Type: fakediscord.OptionString, Value: "https://news.example/a"}},
			})
			calls := h.fake.WaitFor(10*time.Second, "the refusal", func(calls []fakediscord.Call) bool {
				return len(exactly(calls, "POST", callbackPath(in))) > 0
			})
			cb := decodeCallback(t, exactly(calls, "POST", callbackPath(in))[0])
			if cb.Type != 4 || cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, tc.want) {
				t.Errorf("refusal = type %d flags %d %q, want an ephemeral message (type 4, flags 64) containing %q", cb.Type, cb.Data.Flags, cb.Data.Content, tc.want)
			}
			h.stop()
			if n := loads.calls.Load(); n != 0 {
				t.Errorf("loader called %d times for a refused /load", n)
			}
		})
	}
}

func TestLoadRefusesWhatIsNotAWebURL(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t)
	loads := &countingLoader{}
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}}, Deps{Answerer: answerer(t, store, nil), Loader: loads}, store)
	var ins []fakediscord.Interaction
	for _, u := range []string{"/etc/passwd", "file:///etc/passwd", "../newsbot.db", "ftp://news.example/a"} {
		ins = append(ins, h.slash(fakediscord.Interaction{
			Command: "load", UserID: adminID, GuildID: guildID,
			Options: []fakediscord.Option{{Name: "url", Type: fakediscord.OptionString, Value: u}},
		}))
	}
	calls := h.fake.WaitFor(10*time.Second, "the refusals", func(calls []fakediscord.Call) bool {
		for _, in := range ins {
			if _, ok := finalEdit(t, calls, in); !ok {
				return false
			}
		}
		return true
	})
	h.stop()
	for _, in := range ins {
		if m := mustFinal(t, calls, in); !strings.Contains(m, "must be a web address") {
			t.Errorf("/load reply = %q, want a refusal", m)
		}
	}
	if n := loads.calls.Load(); n != 0 {
		t.Errorf("loader called %d times with paths", n)
	}
}

func TestLoadByAdminFromURLAndAttachment(t *testing.T) {
	t.Parallel()
	page := `<!doctype html><html><head><title>Ceasefire talks resume in Geneva</title>
<meta property="article:published_time" content="2025-06-02T08:00:00Z"></head>
<body><article><h1>Ceasefire talks resume in Geneva</h1>
<p>Negotiators from both sides returned to Geneva on Monday for a third round of ceasefire talks, officials said.</p>
<p>The mediator, Ambassador Lena Brandt, said the talks would focus on prisoner exchanges and humanitarian corridors.</p>
<p>Previous rounds ended without agreement after disputes over monitoring arrangements along the front line.</p>
</article></body></html>`
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer site.Close()

	store := knowledgetest.MustOpenDB(t)
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}},
		Deps{Answerer: &citingAnswerer{store: store}, Loader: &load.Loader{Store: store, Fetcher: testFetcher(t, site.Listener.Addr().String())}}, store)

	byURL := h.slash(fakediscord.Interaction{
		Command: "load", UserID: adminID, GuildID: guildID,
		Options: []fakediscord.Option{{Name: "url", Type: fakediscord.OptionString, Value: site.URL + "/geneva"}},
	})
	file := "Harvest festival draws record crowds\n- Attendance doubled.\nThe harvest festival in Lindenau drew a record crowd of 40,000 visitors on Saturday.\n"
	attURL := h.fake.ServeFile("harvest.txt", []byte(file))
	byFile := h.slash(fakediscord.Interaction{
		Command: "load", UserID: adminID, GuildID: guildID,
		Options:     []fakediscord.Option{{Name: "file", Type: fakediscord.OptionAttachment, Value: "900000000000000001"}},
		Attachments: []fakediscord.Attachment{{ID: "900000000000000001", Filename: "harvest.txt", URL: attURL, Size: len(file), ContentType: "text/plain"}},
	})
	calls := h.fake.WaitFor(15*time.Second, "both load reports", func(calls []fakediscord.Call) bool {
		_, a := finalEdit(t, calls, byURL)
		_, b := finalEdit(t, calls, byFile)
		return a && b
	})
	for _, tc := range []struct {
		in   fakediscord.Interaction
		want []string
	}{
		{byURL, []string{"Loaded 1", "loaded", "Ceasefire talks resume in Geneva"}},
		{byFile, []string{"Loaded 1", "loaded", "Harvest festival draws record crowds"}},
	} {
		cb := decodeCallback(t, exactly(calls, "POST", callbackPath(tc.in))[0])
		if cb.Type != 5 || cb.Data.Flags != 64 {
			t.Errorf("/load deferral type %d flags %d, want an ephemeral deferral", cb.Type, cb.Data.Flags)
		}
		report, _ := finalEdit(t, calls, tc.in)
		for _, w := range tc.want {
			if !strings.Contains(report.Content, w) {
				t.Errorf("/load report = %q, want it to contain %q", report.Content, w)
			}
		}
	}
	h.stop()
	list, err := store.Articles(context.Background(), knowledge.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range list {
		titles = append(titles, a.Title)
	}
	slices.Sort(titles)
	if want := []string{"Ceasefire talks resume in Geneva", "Harvest festival draws record crowds"}; !slices.Equal(titles, want) {
		t.Errorf("stored titles = %q, want %q", titles, want)
	}
}

func TestLoadRejectsAttachmentsNotFromDiscord(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t)
	loads := &countingLoader{}
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}}, Deps{Answerer: &citingAnswerer{store: store}, Loader: loads}, store)
	in := h.slash(fakediscord.Interaction{
		Command: "load", UserID: adminID, GuildID: guildID,
		Options:     []fakediscord.Option{{Name: "file", Type: fakediscord.OptionAttachment, Value: "900000000000000002"}},
		Attachments: []fakediscord.Attachment{{ID: "900000000000000002", Filename: "x.txt", URL: "http://169.254.169.254/latest/meta-data", Size: 10}},
	})
	calls := h.fake.WaitFor(10*time.Second, "the failure", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok
	})
	h.stop()
	msg, _ := finalEdit(t, calls, in)
	if !strings.Contains(msg.Content, "went wrong") {
		t.Errorf("reply = %q, want a kind failure message", msg.Content)
	}
	if n := loads.calls.Load(); n != 0 {
		t.Errorf("loader called %d times", n)
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}}, Deps{Answerer: &citingAnswerer{store: store}}, store)
	remove := func(id string) fakediscord.Interaction {
		return h.slash(fakediscord.Interaction{
			Command: "remove", UserID: adminID, GuildID: guildID,
			Options: []fakediscord.Option{{Name: "id", Type: fakediscord.OptionString, Value: id}},
		})
	}
	gone := remove(kelloggArticle.ID)
	h.fake.WaitFor(10*time.Second, "the first removal", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, gone)
		return ok
	})
	again := remove(kelloggArticle.ID)
	calls := h.fake.WaitFor(10*time.Second, "the second removal", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, again)
		return ok
	})
	h.stop()
	for _, tc := range []struct {
		in   fakediscord.Interaction
		want string
	}{
		{gone, "Removed article `london-talks`."},
		{again, "No article has ID `london-talks`"},
	} {
		if cb := decodeCallback(t, exactly(calls, "POST", callbackPath(tc.in))[0]); cb.Type != 5 || cb.Data.Flags != 64 {
			t.Errorf("/remove deferral type %d flags %d, want ephemeral", cb.Type, cb.Data.Flags)
		}
		if m, _ := finalEdit(t, calls, tc.in); !strings.Contains(m.Content, tc.want) {
			t.Errorf("/remove reply = %q, want %q", m.Content, tc.want)
		}
	}
	if _, _, err := store.Article(context.Background(), kelloggArticle.ID); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("article after /remove: err = %v, want ErrNotFound", err)
	}
}

// longAnswerer answers with many cited sentences and links, so the
// rendered answer needs several messages.
func longAnswerer(n int) answererFunc {
	return func(ctx context.Context, q string, _ []bot.Turn, _ func(string)) (bot.Answer, error) {
		var text strings.Builder
		a := bot.Answer{Question: q, Mode: bot.ModeModel}
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&text, "Finding number %d of the inquiry concerns the harbour expansion and its costs, see https://news.example/harbour/%d for details [%d, %d].", i, i, i, i%n+1)
			if i%7 == 0 {
				text.WriteString("\n\n")
			} else {
				text.WriteString(" ")
			}
			a.Citations = append(a.Citations, bot.Citation{
				Marker: i, ArticleID: "harbour", SentenceID: fmt.Sprint(i),
				Text:  fmt.Sprintf("The council's report lists finding %d about the harbour expansion in some detail.", i),
				Title: "Harbour expansion report", Source: "Port Gazette", URL: fmt.Sprintf("https://news.example/harbour/report-%d", i),
				Published: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
			})
		}
		a.Text = strings.TrimSpace(text.String())
		return a, nil
	}
}

func TestLongAnswerIsSplitIntoFollowUps(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t)
	answer := longAnswerer(60)
	h := startBot(t, nil, Config{}, Deps{Answerer: answer}, store)
	in := h.ask("600000000000000003", "What did the harbour inquiry find?")
	h.fake.WaitFor(15*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok
	})
	h.stop() // waits for the follow-ups to be sent
	calls := h.fake.Calls()

	first, _ := finalEdit(t, calls, in)
	msgs := []sentMessage{first}
	for _, c := range exactly(calls, "POST", followupPath(in)) {
		if c.Status != 200 {
			t.Errorf("follow-up refused: %v", c)
		}
		m := decodeMessage(t, c)
		if m.Flags != 0 {
			t.Errorf("follow-up flags = %d, want a public message", m.Flags)
		}
		msgs = append(msgs, m)
	}
	a, _ := answer(context.Background(), "q", nil, nil)
	var parts []string
	var sources []string
	for _, m := range msgs {
		if m.Content != "" {
			parts = append(parts, m.Content)
		}
		if len(m.Embeds) > 1 {
			t.Errorf("a message has %d embeds, want at most one", len(m.Embeds))
		}
		for _, e := range m.Embeds {
			if n := utf8.RuneCountInString(e.Description); n > MaxEmbedDescription {
				t.Errorf("embed description has %d characters", n)
			}
			sources = append(sources, strings.Split(e.Description, "\n")...)
		}
	}
	want := forDiscord(a.Text)
	if utf8.RuneCountInString(want) < 3*MaxContent {
		t.Fatalf("test answer is only %d characters", utf8.RuneCountInString(want))
	}
	checkParts(t, want, parts, MaxContent)
	if len(parts) < 3 {
		t.Errorf("sent %d messages for %d characters", len(parts), utf8.RuneCountInString(want))
	}
	if strings.Contains(strings.Join(parts, ""), " https://") {
		t.Error("a link was sent without <…>")
	}
	// Every citation is listed once, in order, linking its article.
	if len(sources) != len(a.Citations) {
		t.Fatalf("sources list %d entries, want %d", len(sources), len(a.Citations))
	}
	for i, c := range a.Citations {
		if want := fmt.Sprintf("**[%d]** “%s” — [%s](%s)", c.Marker, c.Text, c.Title, c.URL); !strings.HasPrefix(sources[i], want) {
			t.Errorf("source %d = %q, want it to start %q", i, sources[i], want)
		}
	}
	// The feedback buttons, when kept, are under the last message only.
	for i, m := range msgs {
		if len(m.Components) > 0 && i != len(msgs)-1 {
			t.Errorf("message %d of %d has buttons", i, len(msgs))
		}
	}
}

// checkParts checks that parts are text split for Discord: none over
// limit, nothing dropped or reordered, and no citation marker, link or word
// cut.
func checkParts(t *testing.T, text string, parts []string, limit int) {
	t.Helper()
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > limit || n == 0 {
			t.Errorf("part %d has %d characters, limit %d", i, n, limit)
		}
	}
	if got, want := strings.Fields(strings.Join(parts, "\n")), strings.Fields(text); !slices.Equal(got, want) {
		t.Errorf("parts do not add up to the text: %d words, want %d", len(got), len(want))
	}
	for i, p := range parts {
		if i > 0 && markerStartRE.MatchString(p) && !strings.HasPrefix(p, "[") {
			t.Errorf("part %d starts with a citation marker cut from its sentence", i)
		}
		for _, f := range strings.Fields(p) {
			if strings.Count(f, "<") != strings.Count(f, ">") {
				t.Errorf("part %d has a cut link %q", i, f)
			}
		}
		if strings.Count(p, "[") != strings.Count(p, "]") {
			t.Errorf("part %d has a cut citation marker: %q…%q", i, p[:min(len(p), 40)], p[max(0, len(p)-40):])
		}
	}
}

func TestEveryoneInAnArticleNeverPings(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, everyoneArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)
	in := h.ask("600000000000000004", "What did the mayor tell everyone about the festival?")
	dm, err := h.fake.PostMessage(fakediscord.Message{ChannelID: "700000000000000004", Content: "What did the invitation name @here?"})
	if err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(10*time.Second, "both answers", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok && len(exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")) > 0
	})
	h.stop()
	calls := h.fake.Calls()
	final, _ := finalEdit(t, calls, in)
	if !strings.Contains(final.Content, "@everyone") {
		t.Errorf("answer = %q, want the quoted sentence with @everyone", final.Content)
	}
	reply := decodeMessage(t, exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")[0])
	if !strings.Contains(reply.Content, "<@&555555555555555555>") {
		t.Errorf("reply = %q, want the quoted role mention", reply.Content)
	}
	// assertNoMentions (at cleanup) checks every send and edit.
	assertNoMentions(t, calls)
}

// TestFiftySimultaneousAsks sends bursts of 50 /ask at once: all must be
// acknowledged within Discord's 3 s and answered (or politely
// rate-limited), and p99 time to the deferred response must be ≤ 100 ms.
// The machine is shared, so a burst slowed by other processes is retried:
// the bar must hold in one of three bursts, and every figure is logged.
// Under the race detector, which slows everything several times over, the
// figures are only logged.
func TestFiftySimultaneousAsks(t *testing.T) {
	// Not parallel: it measures latency, so it runs alone, one shard and
	// then two, with the questions spread over servers on both.
	for _, shards := range []int{1, 2} {
		t.Run(fmt.Sprintf("Shards%d", shards), func(t *testing.T) {
			store := knowledgetest.MustOpenDB(t, kelloggArticle)
			_, quick := citingModel(t, "General Keith Kellogg will represent the US at the London talks [%d].", "Keith Kellogg will represent",
				func(r *modeltest.Reply) { r.Delay = 40 * time.Millisecond })
			h := startBot(t, nil, Config{UserRate: 1, UserRateWindow: time.Minute}, Deps{Answerer: answerer(t, store, quick)}, store,
				func(f *fakediscord.Server, _ *Bot) { f.SetGatewayBot(shards, shards) })
			if got := len(h.fake.ConnectedShards()); got != shards {
				t.Fatalf("%d shards connected, want %d", got, shards)
			}
			var guilds []string
			for shard := range shards {
				guilds = append(guilds, fakediscord.GuildOnShard(shard, shards, 0))
			}
			const bar = 100 * time.Millisecond
			var p99s []time.Duration
			for burst := range 3 {
				p99 := askBurst(t, h, burst, guilds)
				p99s = append(p99s, p99)
				if p99 <= bar {
					break
				}
			}
			if raceEnabled {
				t.Logf("race detector on: p99 %v not held to the %v bar", p99s, bar)
				return
			}
			if best := slices.Min(p99s); best > bar {
				t.Errorf("p99 time to deferred response = %v in each burst, want ≤ 100ms", p99s)
			}
		})
	}
}

// askBurst sends 50 /ask at once, in turn in each of guilds, checks they
// are all acknowledged within 3 s and answered or rate-limited, and
// returns the p99 time to the deferred response.
func askBurst(t *testing.T, h *harness, burst int, guilds []string) time.Duration {
	const n = 50
	var ins []fakediscord.Interaction
	for i := range n {
		// The last two users ask twice; their second question is rate-limited.
		user := fmt.Sprintf("61000000000000%d%02d", burst, min(i, n-3))
		ins = append(ins, h.slash(fakediscord.Interaction{
			Command: "ask", UserID: user, GuildID: guilds[i%len(guilds)],
			Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who will represent the US at the London talks?"}},
		}))
	}
	h.fake.WaitFor(3*time.Second, "all 50 acknowledged", func(calls []fakediscord.Call) bool {
		for _, in := range ins {
			if len(exactly(calls, "POST", callbackPath(in))) == 0 {
				return false
			}
		}
		return true
	})
	var lags []time.Duration
	for _, in := range ins {
		lag, ok := h.fake.DeferLag(in.ID)
		if !ok {
			t.Fatalf("interaction %s not acknowledged", in.ID)
		}
		lags = append(lags, lag)
	}
	slices.Sort(lags)
	p50, p99 := lags[len(lags)/2], lags[(len(lags)*99+99)/100-1]
	t.Logf("burst %d, 50 simultaneous /ask: time to deferred response p50 %v, p99 %v, max %v", burst+1, p50, p99, lags[len(lags)-1])

	calls := h.fake.WaitFor(30*time.Second, "all 50 answered", func(calls []fakediscord.Call) bool {
		for _, in := range ins {
			cb := exactly(calls, "POST", callbackPath(in))
			if len(cb) == 0 || (decodeCallback(t, cb[0]).Type == 5 && !answered(t, calls, in)) {
				return false
			}
		}
		return true
	})
	limited := 0
	for _, in := range ins {
		cb := decodeCallback(t, exactly(calls, "POST", callbackPath(in))[0])
		switch cb.Type {
		case 4:
			limited++
			if cb.Data.Flags != 64 || !strings.Contains(cb.Data.Content, "try again in") {
				t.Errorf("rate-limited reply = flags %d %q, want an ephemeral 'try again in N s'", cb.Data.Flags, cb.Data.Content)
			}
		case 5:
			if m, _ := finalEdit(t, calls, in); !strings.Contains(m.Content, "General Keith Kellogg") {
				t.Errorf("answer = %q, want the Kellogg answer", m.Content)
			}
		default:
			t.Errorf("callback type %d", cb.Type)
		}
	}
	if limited != 2 {
		t.Errorf("%d questions rate-limited, want 2", limited)
	}
	return p99
}

func TestModelDownStillAnswers(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	srv, m := citingModel(t, "unused [%d]", "Kellogg", func(r *modeltest.Reply) {
		r.Status, r.ErrMessage = 503, "the model is overloaded"
	})
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, m)}, store)
	in := h.ask("600000000000000005", "Who will represent the US at the London talks?")
	dm, err := h.fake.PostMessage(fakediscord.Message{ChannelID: "700000000000000005", Content: "Who will represent the US at the London talks?"})
	if err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(15*time.Second, "both answers", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok && len(exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")) > 0
	})
	h.stop()
	calls := h.fake.Calls()
	if srv.Calls() == 0 {
		t.Fatal("the model was never called")
	}
	final, _ := finalEdit(t, calls, in)
	reply := decodeMessage(t, exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")[0])
	for _, got := range []string{final.Content, reply.Content} {
		if !strings.Contains(got, "“General Keith Kellogg will represent the US") || !strings.Contains(got, "[1]") {
			t.Errorf("answer with the model down = %q, want a cited extract", got)
		}
	}
}

func TestFailureIsAKindMessageNeverThinking(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	broken := answererFunc(func(ctx context.Context, q string, _ []bot.Turn, onText func(string)) (bot.Answer, error) {
		if onText != nil {
			onText("General Keith")
		}
		return bot.Answer{}, errors.New("retrieve passages: database is locked")
	})
	h := startBot(t, nil, Config{}, Deps{Answerer: broken}, store)
	in := h.ask("600000000000000005", "Who will represent the US at the London talks?")
	dm, err := h.fake.PostMessage(fakediscord.Message{ChannelID: "700000000000000005", Content: "Who will represent the US?"})
	if err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(10*time.Second, "the failure messages", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", followupPath(in))) > 0 && len(exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")) > 0
	})
	h.stop()
	calls := h.fake.Calls()
	if len(exactly(calls, "DELETE", originalPath(in))) != 1 {
		t.Errorf("the public 'thinking…' response was not deleted; calls: %v", calls)
	}
	msg := decodeMessage(t, exactly(calls, "POST", followupPath(in))[0])
	if msg.Flags != 64 || !strings.Contains(msg.Content, "Sorry") || strings.Contains(msg.Content, "database") {
		t.Errorf("failure follow-up = flags %d %q, want a short, kind ephemeral message without details", msg.Flags, msg.Content)
	}
	reply := decodeMessage(t, exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")[0])
	if !strings.Contains(reply.Content, "Sorry") || reply.MessageReference == nil {
		t.Errorf("DM failure reply = %q, want a kind reply", reply.Content)
	}
}

func TestSIGTERMDuringAnAnswerFinishesIt(t *testing.T) {
	// Not parallel: it signals the whole test process.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	srv, slow := citingModel(t, "General Keith Kellogg will represent the US at the London talks [%d].", "Keith Kellogg will represent",
		func(r *modeltest.Reply) { r.Delay = 1500 * time.Millisecond })
	h := startBot(t, ctx, Config{ShutdownTimeout: 20 * time.Second}, Deps{Answerer: answerer(t, store, slow)}, store)
	in := h.ask("600000000000000006", "Who will represent the US at the London talks?")
	for deadline := time.Now().Add(10 * time.Second); srv.Calls() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the model was never called")
		}
	}
	signalled := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run = %v, want nil after a graceful shutdown", err)
		}
		h.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after the answer finished")
	}
	t.Logf("Run returned %v after SIGTERM", time.Since(signalled))
	m, ok := finalEdit(t, h.fake.Calls(), in)
	if !ok || !strings.Contains(m.Content, "General Keith Kellogg will represent the US at the London talks [1].") {
		t.Errorf("answer in flight at shutdown = %q, %v; want the model's answer delivered", m.Content, ok)
	}
}

func TestShutdownDeadlineCancelsKindly(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	_, stuck := citingModel(t, "never [%d]", "Kellogg", func(r *modeltest.Reply) { r.Delay = time.Minute })
	h := startBot(t, nil, Config{ShutdownTimeout: 300 * time.Millisecond}, Deps{Answerer: answerer(t, store, stuck)}, store)
	in := h.ask("600000000000000007", "Who will represent the US at the London talks?")
	h.fake.WaitFor(5*time.Second, "the deferral", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", callbackPath(in))) > 0
	})
	time.Sleep(100 * time.Millisecond) // the model is called
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	calls := h.fake.Calls()
	f := exactly(calls, "POST", followupPath(in))
	if len(f) != 1 || !strings.Contains(decodeMessage(t, f[0]).Content, "restarting") {
		t.Errorf("follow-ups = %v, want one saying the bot is restarting", f)
	}
}

func TestDuplicateEventsAreHandledOnce(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}}, store)
	in := fakediscord.Interaction{
		ID: "800000000000000001", Token: "tok-dup", Command: "ask", UserID: "600000000000000008", ChannelID: "700000000000000008", GuildID: guildID,
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who will represent the US?"}},
	}
	msg := fakediscord.Message{ID: "800000000000000002", ChannelID: "700000000000000009", AuthorID: "600000000000000008", Content: "Who will represent the US?"}
	for range 2 {
		h.slash(in)
		if _, err := h.fake.PostMessage(msg); err != nil {
			t.Fatal(err)
		}
	}
	h.fake.WaitFor(10*time.Second, "the answers", func(calls []fakediscord.Call) bool {
		_, ok := finalEdit(t, calls, in)
		return ok && len(exactly(calls, "POST", "/channels/"+msg.ChannelID+"/messages")) > 0
	})
	h.stop()
	calls := h.fake.Calls()
	if n := len(exactly(calls, "POST", callbackPath(in))); n != 1 {
		t.Errorf("%d callbacks for an interaction delivered twice, want 1", n)
	}
	if n := len(exactly(calls, "POST", "/channels/"+msg.ChannelID+"/messages")); n != 1 {
		t.Errorf("%d replies for a message delivered twice, want 1", n)
	}
}

func TestRefusalsAreImmediateAndEphemeral(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	block := make(chan struct{})
	defer close(block)
	blocking := answererFunc(func(ctx context.Context, q string, _ []bot.Turn, _ func(string)) (bot.Answer, error) {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return bot.Answer{Text: "done"}, nil
	})
	h := startBot(t, nil, Config{Concurrency: 1, QueueSize: 1, MaxQuestionChars: 50}, Deps{Answerer: blocking}, store)
	tooLong := h.ask("600000000000000010", strings.Repeat("why ", 20))
	running := h.ask("600000000000000011", "one")
	waiting := h.ask("600000000000000012", "two")
	h.fake.WaitFor(5*time.Second, "the first three", func(calls []fakediscord.Call) bool {
		return len(find(calls, "POST", "/interactions/")) >= 3
	})
	busy := h.ask("600000000000000013", "three")
	calls := h.fake.WaitFor(5*time.Second, "all four acknowledged", func(calls []fakediscord.Call) bool {
		return len(find(calls, "POST", "/interactions/")) >= 4
	})
	for _, tc := range []struct {
		in       fakediscord.Interaction
		wantType int
		want     string
	}{
		{tooLong, 4, "please keep it under 50"},
		{running, 5, ""},
		{waiting, 5, ""},
		{busy, 4, "a lot of questions"},
	} {
		cb := decodeCallback(t, exactly(calls, "POST", callbackPath(tc.in))[0])
		if cb.Type != tc.wantType || !strings.Contains(cb.Data.Content, tc.want) || (tc.wantType == 4 && cb.Data.Flags != 64) {
			t.Errorf("callback = type %d flags %d %q, want type %d containing %q", cb.Type, cb.Data.Flags, cb.Data.Content, tc.wantType, tc.want)
		}
	}
}

func TestSearchArticlesAndHelp(t *testing.T) {
	t.Parallel()
	var articles []knowledge.Article
	for i := range 12 {
		articles = append(articles, knowledge.Article{
			ID: fmt.Sprintf("filler-%02d", i), Title: fmt.Sprintf("Local market report %d", i), Source: "Town Crier",
			Body: fmt.Sprintf("The market sold %d crates of apples this week.", i+10),
		})
	}
	store := knowledgetest.MustOpenDB(t, append(articles, kelloggArticle)...)
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}}, store)
	search := h.slash(fakediscord.Interaction{Command: "search", GuildID: guildID,
		Options: []fakediscord.Option{{Name: "query", Type: fakediscord.OptionString, Value: "Kellogg London"}}})
	page1 := h.slash(fakediscord.Interaction{Command: "articles", GuildID: guildID})
	page2 := h.slash(fakediscord.Interaction{Command: "articles", GuildID: guildID,
		Options: []fakediscord.Option{{Name: "page", Type: fakediscord.OptionInteger, Value: 2}}})
	help := h.slash(fakediscord.Interaction{Command: "help"})
	ins := []fakediscord.Interaction{search, page1, page2, help}
	calls := h.fake.WaitFor(10*time.Second, "the replies", func(calls []fakediscord.Call) bool {
		for _, in := range ins {
			if _, ok := finalEdit(t, calls, in); !ok {
				return false
			}
		}
		return true
	})
	h.stop()
	for _, tc := range []struct {
		in     fakediscord.Interaction
		want   []string
		unwant []string
	}{
		{search, []string{"US envoy to attend London talks on Ukraine", "<https://news.example/world/london-talks>", "General Keith Kellogg will represent the US"}, nil},
		{page1, []string{"page 1", "`london-talks`"}, nil},
		{page2, []string{"page 2"}, nil},
		{help, []string{"/ask", "cites", "Try: **/ask** What do the articles say about “US envoy to attend London talks on Ukraine”?"}, nil},
	} {
		m, _ := finalEdit(t, calls, tc.in)
		for _, w := range tc.want {
			if !strings.Contains(m.Content, w) {
				t.Errorf("/%s reply = %q, want %q", tc.in.Command, m.Content, w)
			}
		}
		for _, w := range tc.unwant {
			if strings.Contains(m.Content, w) {
				t.Errorf("/%s reply = %q, want no %q", tc.in.Command, m.Content, w)
			}
		}
	}
	if n := strings.Count(mustFinal(t, calls, page1), "\n`"); n != 10 {
		t.Errorf("page 1 lists %d articles, want 10", n)
	}
	if n := strings.Count(mustFinal(t, calls, page2), "\n`"); n != 3 {
		t.Errorf("page 2 lists %d articles, want 3", n)
	}
}

func mustFinal(t *testing.T, calls []fakediscord.Call, in fakediscord.Interaction) string {
	m, ok := finalEdit(t, calls, in)
	if !ok {
		t.Fatalf("no reply to /%s", in.Command)
	}
	return m.Content
}

func TestFeedsCommand(t *testing.T) {
	t.Parallel()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Example feed</title><link>https://news.example/</link>
<item><title>Harbour opens</title><link>https://news.example/harbour</link><guid>h1</guid><description>The new harbour opened on Monday.</description></item>
</channel></rss>`)
	}))
	defer site.Close()
	store := knowledgetest.MustOpenDB(t)
	followed := feeds.New(store.DB(), testFetcher(t, site.Listener.Addr().String()), store, testLogger(t))
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}}, Deps{Answerer: answerer(t, store, nil), Feeds: followed}, store)
	sub := func(name string, opts ...fakediscord.Option) fakediscord.Interaction {
		in := h.slash(fakediscord.Interaction{Command: "feeds", UserID: adminID, GuildID: guildID,
			Options: []fakediscord.Option{{Name: name, Type: fakediscord.OptionSubCommand, Options: opts}}})
		h.fake.WaitFor(10*time.Second, "/feeds "+name, func(calls []fakediscord.Call) bool {
			_, ok := finalEdit(t, calls, in)
			return ok
		})
		return in
	}
	feedURL := site.URL + "/feed.xml"
	url := fakediscord.Option{Name: "url", Type: fakediscord.OptionString, Value: feedURL}
	add := sub("add", url)
	list := sub("list")
	remove := sub("remove", url)
	removeAgain := sub("remove", url)
	h.stop()
	calls := h.fake.Calls()
	for _, tc := range []struct {
		in   fakediscord.Interaction
		want string
	}{
		{add, "Following <" + feedURL + "> (Example feed)"},
		{list, "<" + feedURL + "> — Example feed — not polled yet"},
		{remove, "Stopped following <" + feedURL + ">."},
		{removeAgain, "I don't follow <" + feedURL + ">"},
	} {
		if cb := decodeCallback(t, exactly(calls, "POST", callbackPath(tc.in))[0]); cb.Data.Flags != 64 {
			t.Errorf("/feeds deferral flags %d, want ephemeral", cb.Data.Flags)
		}
		if m := mustFinal(t, calls, tc.in); !strings.Contains(m, tc.want) {
			t.Errorf("/feeds reply = %q, want %q", m, tc.want)
		}
	}
}

// TestPanicInAnswerLeavesNothingRunning checks that an answer that panics
// still gets a kind reply, and leaves no typing indicator or progress edits
// running behind it.
func TestPanicInAnswerLeavesNothingRunning(t *testing.T) {
	// Not parallel: it looks for the package's goroutines, so no other bot
	// may be running.
	store := knowledgetest.MustOpenDB(t)
	panicky := answererFunc(func(_ context.Context, _ string, _ []bot.Turn, onText func(string)) (bot.Answer, error) {
		if onText != nil {
			onText("General Keith")
		}
		panic("the answer broke")
	})
	h := startBot(t, nil, Config{}, Deps{Answerer: panicky}, store)
	in := h.ask("600000000000000020", "Who will represent the US?")
	dm, err := h.fake.PostMessage(fakediscord.Message{ChannelID: "700000000000000020", Content: "Who will represent the US?"})
	if err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(10*time.Second, "the kind replies", func(calls []fakediscord.Call) bool {
		return answered(t, calls, in) && len(exactly(calls, "POST", "/channels/"+dm.ChannelID+"/messages")) > 0
	})
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := ""
		for _, fn := range []string{"(*Bot).keepTyping", "(*progressEditor).loop"} {
			if strings.Contains(stacks, "discord."+fn) {
				left = fn
			}
		}
		if left == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still running after the bot stopped", left)
		}
	}
}

// TestArticleTextCannotMaskLinks checks that a masked link in an article,
// [text](url), reaches Discord as plain text with its real address showing,
// so no reply carries a link whose words hide where it goes.
func TestArticleTextCannotMaskLinks(t *testing.T) {
	t.Parallel()
	phish := knowledge.Article{
		ID: "harbour-vote", Title: "[Harbour vote: official results](https://evil.example/login)", Source: "Town Crier",
		Body: "The council published the [official results of the harbour vote](https://evil.example/login) on Monday.",
	}
	store := knowledgetest.MustOpenDB(t, phish)
	h := startBot(t, nil, Config{}, Deps{Answerer: answerer(t, store, nil)}, store)
	ask := h.ask("600000000000000021", "What did the council publish about the harbour vote?")
	search := h.slash(fakediscord.Interaction{Command: "search", GuildID: guildID,
		Options: []fakediscord.Option{{Name: "query", Type: fakediscord.OptionString, Value: "harbour vote"}}})
	dm, err := h.fake.PostMessage(fakediscord.Message{ChannelID: "700000000000000021", Content: "What did the council publish about the harbour vote?"})
	if err != nil {
		t.Fatal(err)
	}
	replies := "/channels/" + dm.ChannelID + "/messages"
	calls := h.fake.WaitFor(10*time.Second, "the replies", func(calls []fakediscord.Call) bool {
		_, a := finalEdit(t, calls, ask)
		_, s := finalEdit(t, calls, search)
		return a && s && len(exactly(calls, "POST", replies)) > 0
	})
	h.stop()
	askReply, _ := finalEdit(t, calls, ask)
	dmReply := decodeMessage(t, exactly(calls, "POST", replies)[0])
	for _, got := range []string{askReply.Content, mustFinal(t, calls, search), dmReply.Content} {
		if strings.Contains(got, "](") || !strings.Contains(got, "<https://evil.example/login>") {
			t.Errorf("reply = %q, want the masked link shown as plain text with its address", got)
		}
	}
	// In the sources, the article's title is text: its brackets escaped, so
	// the one link is the article's own (it has none here).
	for _, m := range []sentMessage{askReply, dmReply} {
		src := m.sources()
		if !strings.Contains(src, `**\[Harbour vote: official results\](https://evil.example/login)**`) || strings.Contains(strings.ReplaceAll(src, `\](`, ""), "](") {
			t.Errorf("sources = %q, want the title shown as escaped text, not a link", src)
		}
	}
}

// TestLongFailureMessageFits checks that a failure message that quotes a
// long input still fits in one message, so the caller sees it.
func TestLongFailureMessageFits(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t)
	h := startBot(t, nil, Config{AdminIDs: []string{adminID}},
		Deps{Answerer: &citingAnswerer{store: store}, Loader: failingLoader{errors.New("fetch: connection refused")}}, store)
	in := h.slash(fakediscord.Interaction{
		Command: "load", UserID: adminID, GuildID: guildID,
		Options: []fakediscord.Option{{Name: "url", Type: fakediscord.OptionString, Value: "https://news.example/" + strings.Repeat("a", 3000)}},
	})
	h.fake.WaitFor(10*time.Second, "the failure", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "PATCH", originalPath(in))) > 0
	})
	h.stop()
	edits := exactly(h.fake.Calls(), "PATCH", originalPath(in))
	msg := decodeMessage(t, edits[0])
	if edits[0].Status != 200 || !strings.HasPrefix(msg.Content, "I couldn't load") || utf8.RuneCountInString(msg.Content) > MaxContent {
		t.Errorf("failure edit = HTTP %d, %d characters %.60q…, want one message Discord accepts", edits[0].Status, utf8.RuneCountInString(msg.Content), msg.Content)
	}
}

// TestFailedReplyIsReplacedByAKindMessage checks that when Discord refuses
// the edit that delivers an answer, the caller is told so instead of being
// left looking at "thinking…".
func TestFailedReplyIsReplacedByAKindMessage(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "PATCH":
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"code":0,"message":"500: Internal Server Error"}`)
		case r.Method == "DELETE" || strings.HasSuffix(r.URL.Path, "/callback"):
			w.WriteHeader(http.StatusNoContent)
		default:
			io.WriteString(w, `{"id":"1","channel_id":"2","content":""}`)
		}
	}))
	defer srv.Close()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	b, err := New(Config{Token: "t", APIURL: srv.URL}, Deps{Answerer: &citingAnswerer{store: store}, Library: store}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	b.botID.Store("42")
	b.appID.Store("7")
	payload, _ := json.Marshal((&fakediscord.Server{}).InteractionPayload(fakediscord.Interaction{
		ID: "1", Token: "tok", Command: "ask", UserID: "11", ChannelID: "21", GuildID: guildID,
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who will represent the US?"}},
	}))
	var ev discordgo.InteractionCreate
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	b.onInteraction(b.session, &ev)
	if !b.pool.wait(10 * time.Second) {
		t.Fatal("the answer did not finish")
	}
	mu.Lock()
	defer mu.Unlock()
	deleted, told := false, false
	for _, c := range got {
		deleted = deleted || strings.HasPrefix(c, "DELETE ") && strings.HasSuffix(c, "/messages/@original ")
		told = told || strings.HasPrefix(c, "POST /api/v9/webhooks/") && strings.Contains(c, "went wrong") && strings.Contains(c, `"flags":64`)
	}
	if !deleted || !told {
		t.Errorf("calls after a refused answer edit = %q, want the reply deleted and an ephemeral apology", got)
	}
}

func TestBusyRefusalCostsNoQuestion(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	block := make(chan struct{})
	blocking := answererFunc(func(ctx context.Context, q string, _ []bot.Turn, _ func(string)) (bot.Answer, error) {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return bot.Answer{Text: "done"}, nil
	})
	h := startBot(t, nil, Config{Concurrency: 1, QueueSize: 1, UserRate: 1, UserRateWindow: time.Hour}, Deps{Answerer: blocking}, store)
	running := h.ask("600000000000000021", "one")
	waiting := h.ask("600000000000000022", "two")
	h.fake.WaitFor(5*time.Second, "both deferred", func(calls []fakediscord.Call) bool {
		return len(find(calls, "POST", "/interactions/")) >= 2
	})
	busy := h.ask("600000000000000023", "three")
	h.fake.WaitFor(5*time.Second, "the busy refusal", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", callbackPath(busy))) == 1
	})
	close(block)
	h.fake.WaitFor(5*time.Second, "both answered", func(calls []fakediscord.Call) bool {
		return answered(t, calls, running) && answered(t, calls, waiting)
	})
	// One question an hour: the refused one must not have used it up.
	again := h.ask("600000000000000023", "three again")
	calls := h.fake.WaitFor(5*time.Second, "the retry acknowledged", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", callbackPath(again))) == 1
	})
	for _, tc := range []struct {
		in       fakediscord.Interaction
		wantType int
		want     string
	}{
		{busy, 4, "a lot of questions"},
		{again, 5, ""},
	} {
		cb := decodeCallback(t, exactly(calls, "POST", callbackPath(tc.in))[0])
		if cb.Type != tc.wantType || !strings.Contains(cb.Data.Content, tc.want) {
			t.Errorf("callback = type %d %q, want type %d containing %q", cb.Type, cb.Data.Content, tc.wantType, tc.want)
		}
	}
	// The user's allowance is still one question an hour.
	limited := h.ask("600000000000000023", "three once more")
	calls = h.fake.WaitFor(5*time.Second, "the third ask acknowledged", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", callbackPath(limited))) == 1
	})
	if cb := decodeCallback(t, exactly(calls, "POST", callbackPath(limited))[0]); cb.Type != 4 || !strings.Contains(cb.Data.Content, "try again in") {
		t.Errorf("third ask: callback type %d %q, want a rate-limit refusal", cb.Type, cb.Data.Content)
	}
}
