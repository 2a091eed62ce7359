package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/bot"
	"newsbot/bot/discord/fakediscord"
	"newsbot/knowledge"
)

// testLogger sends the bot's logs to t.Log until the test ends.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// harness is a bot connected to a fake Discord.
type harness struct {
	t     *testing.T
	fake  *fakediscord.Server
	bot   *Bot
	store *knowledge.Store
	done  chan error // Run's result

	stopOnce sync.Once
	cancel   context.CancelFunc
	runErr   error
}

// startBot starts a bot on a fake Discord with cfg and deps (the Library
// defaults to store) and waits until it has registered its commands. The
// bot is stopped, and every message it sent checked for allowed mentions,
// when the test ends. ctx, when not nil, is the context Run gets; setup
// functions, when given, see the fake and the bot before it runs.
func startBot(t *testing.T, ctx context.Context, cfg Config, deps Deps, store *knowledge.Store, setup ...func(*fakediscord.Server, *Bot)) *harness {
	t.Helper()
	fake := fakediscord.New(t)
	cfg.Token = fakediscord.Token
	cfg.APIURL = fake.URL
	if deps.Library == nil {
		deps.Library = store
	}
	b, err := New(cfg, deps, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b.session.ShouldReconnectOnError = false
	for _, f := range setup {
		f(fake, b)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	h := &harness{t: t, fake: fake, bot: b, store: store, done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		h.stop()
		assertNoMentions(t, fake.Calls())
	})
	fake.WaitFor(10*time.Second, "command registration", func(calls []fakediscord.Call) bool {
		select {
		case err := <-h.done:
			t.Fatalf("Run returned before registering commands: %v", err)
		default:
		}
		return len(find(calls, "PUT", "/applications/")) > 0
	})
	return h
}

// stop shuts the bot down gracefully and returns Run's result; all work
// in flight has finished when it returns.
func (h *harness) stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.runErr = <-h.done:
		case <-time.After(60 * time.Second):
			h.t.Fatal("Run did not return within 60s of cancelling")
		}
	})
	return h.runErr
}

// ask runs /ask in a server channel.
func (h *harness) ask(userID, question string) fakediscord.Interaction {
	h.t.Helper()
	return h.slash(fakediscord.Interaction{
		Command: "ask", UserID: userID, GuildID: "300000000000000001",
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: question}},
	})
}

// slash dispatches a slash command.
func (h *harness) slash(in fakediscord.Interaction) fakediscord.Interaction {
	h.t.Helper()
	in, err := h.fake.SlashCommand(in)
	if err != nil {
		h.t.Fatalf("dispatch /%s: %v", in.Command, err)
	}
	return in
}

// find returns the calls with the method whose path starts with prefix.
func find(calls []fakediscord.Call, method, prefix string) []fakediscord.Call {
	var out []fakediscord.Call
	for _, c := range calls {
		if c.Method == method && strings.HasPrefix(c.Path, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// callbackPath, originalPath and followupPath are where an interaction is
// acknowledged, its response edited, and follow-ups posted.
func callbackPath(in fakediscord.Interaction) string {
	return "/interactions/" + in.ID + "/" + in.Token + "/callback"
}
func originalPath(in fakediscord.Interaction) string {
	return "/webhooks/" + fakediscord.AppID + "/" + in.Token + "/messages/@original"
}
func followupPath(in fakediscord.Interaction) string {
	return "/webhooks/" + fakediscord.AppID + "/" + in.Token
}

// sentMessage is the JSON body of a message the bot sent or edited, or of
// an interaction callback's data.
type sentMessage struct {
	Content         string              `json:"content"`
	Flags           int                 `json:"flags"`
	Embeds          []fakediscord.Embed `json:"embeds"`
	Components      []actionRow         `json:"components"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

// actionRow is a row of buttons under a message.
type actionRow struct {
	Type       int `json:"type"`
	Components []struct {
		Type     int    `json:"type"`
		Style    int    `json:"style"`
		Label    string `json:"label"`
		CustomID string `json:"custom_id"`
		Disabled bool   `json:"disabled"`
	} `json:"components"`
}

// button returns the custom ID of the button labelled label under m, or "".
func (m sentMessage) button(label string) string {
	for _, row := range m.Components {
		for _, c := range row.Components {
			if c.Label == label {
				return c.CustomID
			}
		}
	}
	return ""
}

// sources returns the descriptions of m's embeds, joined by line breaks.
func (m sentMessage) sources() string {
	var parts []string
	for _, e := range m.Embeds {
		parts = append(parts, e.Description)
	}
	return strings.Join(parts, "\n")
}

type callback struct {
	Type int          `json:"type"`
	Data *sentMessage `json:"data"`
}

func decodeCallback(t *testing.T, c fakediscord.Call) callback {
	t.Helper()
	var cb callback
	if err := c.Decode(&cb); err != nil {
		t.Fatal(err)
	}
	if cb.Data == nil {
		cb.Data = &sentMessage{}
	}
	return cb
}

func decodeMessage(t *testing.T, c fakediscord.Call) sentMessage {
	t.Helper()
	var m sentMessage
	if err := c.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// exactly returns the calls with the method and exact path.
func exactly(calls []fakediscord.Call, method, path string) []fakediscord.Call {
	var out []fakediscord.Call
	for _, c := range calls {
		if c.Method == method && c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// finalEdit returns the last edit of an interaction's response that is not
// a progress edit, if any.
func finalEdit(t *testing.T, calls []fakediscord.Call, in fakediscord.Interaction) (sentMessage, bool) {
	edits := exactly(calls, "PATCH", originalPath(in))
	for i := len(edits) - 1; i >= 0; i-- {
		m := decodeMessage(t, edits[i])
		if !strings.HasSuffix(m.Content, writingNote) {
			return m, true
		}
	}
	return sentMessage{}, false
}

// answered reports whether an interaction got its final edit or an
// ephemeral follow-up (the failure path).
func answered(t *testing.T, calls []fakediscord.Call, in fakediscord.Interaction) bool {
	if _, ok := finalEdit(t, calls, in); ok {
		return true
	}
	return len(exactly(calls, "POST", followupPath(in))) > 0
}

// assertNoMentions checks that every message the bot sent or edited told
// Discord to parse no mentions at all.
func assertNoMentions(t *testing.T, calls []fakediscord.Call) {
	t.Helper()
	for _, c := range calls {
		var body []byte
		switch {
		case c.Method == "POST" && strings.HasSuffix(c.Path, "/callback"):
			var cb struct {
				Data json.RawMessage `json:"data"`
			}
			if err := c.Decode(&cb); err != nil {
				t.Error(err)
				continue
			}
			body = cb.Data
		case c.Method == "PATCH" && strings.HasPrefix(c.Path, "/webhooks/"),
			c.Method == "POST" && strings.HasPrefix(c.Path, "/webhooks/"),
			c.Method == "POST" && strings.HasPrefix(c.Path, "/channels/") && strings.HasSuffix(c.Path, "/messages"):
			body = c.Body
		default:
			continue
		}
		var m struct {
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("%s: body %q: %v", c, body, err)
			continue
		}
		var am map[string]json.RawMessage
		if err := json.Unmarshal(m.AllowedMentions, &am); err != nil || string(am["parse"]) != "[]" || am["users"] != nil || am["roles"] != nil {
			t.Errorf("%s %s: allowed_mentions = %s, want {\"parse\":[]}", c.Method, c.Path, m.AllowedMentions)
		}
	}
}

var kelloggArticle = knowledge.Article{
	ID:        "london-talks",
	Title:     "US envoy to attend London talks on Ukraine",
	URL:       "https://news.example/world/london-talks",
	Source:    "Example News",
	Published: time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC),
	Body: "General Keith Kellogg will represent the US at the discussions in London on Wednesday. " +
		"Secretary of State Marco Rubio pulled out of the meeting at short notice. " +
		"Officials from Ukraine, Britain, France and Germany are expected to attend.",
}

var everyoneArticle = knowledge.Article{
	ID:        "town-party",
	Title:     "Mayor invites the whole town to the square",
	Source:    "Town Crier",
	Published: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC),
	Body: "The mayor told @everyone to gather at the square at noon for the festival. " +
		"The invitation also named @here, <@&555555555555555555> and <@444444444444444444>.",
}

// citingAnswerer answers like the real pipeline without a model: the best
// matching stored sentence, cited. It streams the text word by word with
// pause between words when pause is set.
type citingAnswerer struct {
	store *knowledge.Store
	pause time.Duration
}

func (c *citingAnswerer) Answer(ctx context.Context, q string, history []bot.Turn, onText func(string)) (bot.Answer, error) {
	passages, err := c.store.Search(ctx, q, knowledge.SearchOptions{Limit: 1})
	if err != nil {
		return bot.Answer{}, err
	}
	if len(passages) == 0 || len(passages[0].Matched) == 0 {
		return bot.Answer{Question: q, Mode: bot.ModeNoAnswer, Text: "The loaded articles don't answer this."}, nil
	}
	// The matched sentence sharing most words with the question.
	p := passages[0]
	var s knowledge.Sentence
	best := -1
	for _, cand := range p.Sentences {
		if !slices.Contains(p.Matched, cand.ID) {
			continue
		}
		shared := 0
		for _, w := range strings.Fields(strings.ToLower(q)) {
			if len(w) > 3 && strings.Contains(strings.ToLower(cand.Text), strings.Trim(w, "?.,")) {
				shared++
			}
		}
		if shared > best {
			s, best = cand, shared
		}
	}
	text := s.Text + " [1]"
	if c.pause > 0 && onText != nil {
		words := strings.Fields(text)
		for i := range words {
			onText(strings.Join(words[:i+1], " "))
			select {
			case <-time.After(c.pause):
			case <-ctx.Done():
				return bot.Answer{}, ctx.Err()
			}
		}
	}
	return bot.Answer{
		Question: q, Text: text, Mode: bot.ModeModel,
		Citations: []bot.Citation{{
			Marker: 1, ArticleID: p.Article.ID, SentenceID: s.ID, Text: s.Text,
			Title: p.Article.Title, Source: p.Article.Source, Published: p.Article.Published, URL: p.Article.URL,
		}},
	}, nil
}

// answererFunc is an Answerer made of a function.
type answererFunc func(ctx context.Context, q string, history []bot.Turn, onText func(string)) (bot.Answer, error)

func (f answererFunc) Answer(ctx context.Context, q string, history []bot.Turn, onText func(string)) (bot.Answer, error) {
	return f(ctx, q, history, onText)
}

var _ Answerer = answererFunc(nil)
var _ Answerer = (*citingAnswerer)(nil)
var _ Library = (*knowledge.Store)(nil)
