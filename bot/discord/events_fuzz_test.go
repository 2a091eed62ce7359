package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"newsbot/bot"
	"newsbot/bot/discord/fakediscord"
	"newsbot/knowledge"
)

// panicLog counts the panics the bot recovered from.
type panicLog struct {
	mu     sync.Mutex
	panics []string
}

func (h *panicLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *panicLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *panicLog) WithGroup(string) slog.Handler            { return h }
func (h *panicLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "panic handling Discord event" {
		h.mu.Lock()
		defer h.mu.Unlock()
		s := ""
		r.Attrs(func(a slog.Attr) bool {
			s += a.String() + " "
			return true
		})
		h.panics = append(h.panics, s)
	}
	return nil
}

// echoLibrary is a knowledge base whose passages repeat the query, so
// outside text flows into every reply.
type echoLibrary struct{}

func (echoLibrary) Search(_ context.Context, q string, _ knowledge.SearchOptions) ([]knowledge.Passage, error) {
	return []knowledge.Passage{{Article: knowledge.Article{ID: q, Title: q, URL: q, Source: q},
		Sentences: []knowledge.Sentence{{ID: "s", Text: q}}, Matched: []string{"s"}}}, nil
}

func (echoLibrary) Articles(_ context.Context, opts knowledge.ListOptions) ([]knowledge.Article, error) {
	return []knowledge.Article{{ID: fmt.Sprint(opts.Offset), Title: "t"}}, nil
}

func (echoLibrary) Remove(_ context.Context, id string) error {
	return fmt.Errorf("remove %q: %w", id, knowledge.ErrNotFound)
}

// FuzzEvents feeds arbitrary gateway payloads for slash commands and
// messages to the bot's handlers: whatever arrives, nothing panics and
// every reply goes out.
func FuzzEvents(f *testing.F) {
	fake := &fakediscord.Server{}
	for _, in := range []fakediscord.Interaction{
		{ID: "1", Token: "t", Command: "ask", UserID: "11", ChannelID: "21", GuildID: "31",
			Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "who @everyone https://x.example/a [1]"}}},
		{ID: "2", Token: "t", Command: "search", UserID: "11", ChannelID: "21",
			Options: []fakediscord.Option{{Name: "query", Type: fakediscord.OptionString, Value: "<@123> `x`"}}},
		{ID: "3", Token: "t", Command: "articles", UserID: "11", ChannelID: "21",
			Options: []fakediscord.Option{{Name: "page", Type: fakediscord.OptionInteger, Value: 1e300}}},
		{ID: "4", Token: "t", Command: "load", UserID: "1", ChannelID: "21",
			Options:     []fakediscord.Option{{Name: "file", Type: fakediscord.OptionAttachment, Value: "9"}},
			Attachments: []fakediscord.Attachment{{ID: "9", Filename: "../../etc/passwd", URL: "file:///etc/passwd", Size: -1}}},
		{ID: "5", Token: "t", Command: "feeds", UserID: "1", ChannelID: "21",
			Options: []fakediscord.Option{{Name: "add", Type: fakediscord.OptionString, Value: "x"}}},
		{ID: "6", Token: "t", Command: "remove", UserID: "1", ChannelID: "21",
			Options: []fakediscord.Option{{Name: "id", Type: fakediscord.OptionInteger, Value: 3}}},
		{ID: "7", Token: "t", Command: "nope", UserID: "11", ChannelID: "21"},
	} {
		data, _ := json.Marshal(fake.InteractionPayload(in))
		f.Add(byte(0), data)
	}
	for _, m := range []fakediscord.Message{
		{ID: "1", ChannelID: "2", AuthorID: "3", Content: "<@42> who?", GuildID: "4", MentionsBot: true},
		{ID: "2", ChannelID: "2", AuthorID: "3", Content: ""},
		{ID: "3", ChannelID: "2", AuthorID: "42", Content: "me"},
	} {
		data, _ := json.Marshal(fake.MessagePayload(m))
		f.Add(byte(1), data)
	}
	f.Add(byte(0), []byte(`{"type":2,"id":"1","token":"t","data":null}`))
	f.Add(byte(0), []byte(`{"type":3,"id":"1","token":"t","data":{"custom_id":"x"}}`))
	f.Add(byte(1), []byte(`{"id":"1","author":null,"content":"hi"}`))

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1","channel_id":"2","content":""}`)
	}))
	defer srv.Close()
	log := &panicLog{}
	echo := answererFunc(func(_ context.Context, q string, _ []bot.Turn, onText func(string)) (bot.Answer, error) {
		if onText != nil {
			onText(q)
		}
		return bot.Answer{Question: q, Text: q + " [1]", Mode: bot.ModeModel,
			Citations: []bot.Citation{{Marker: 1, Text: q, Title: q, URL: q}}}, nil
	})
	b, err := New(Config{Token: "t", APIURL: srv.URL, AdminIDs: []string{"1"}, ProgressInterval: time.Millisecond},
		Deps{Answerer: echo, Library: echoLibrary{}, Loader: &countingLoader{}, Feeds: nil}, slog.New(log))
	if err != nil {
		f.Fatal(err)
	}
	b.botID.Store("42")
	b.appID.Store("7")

	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		b.seen = newSeenSet(64)
		b.limiter = newRateLimiter(100, time.Minute, time.Now)
		switch kind % 2 {
		case 0:
			var ev discordgo.InteractionCreate
			if json.Unmarshal(data, &ev) != nil {
				return
			}
			b.onInteraction(b.session, &ev)
		case 1:
			var ev discordgo.MessageCreate
			if json.Unmarshal(data, &ev) != nil {
				return
			}
			b.onMessage(b.session, &ev)
		}
		if !b.pool.wait(20 * time.Second) {
			t.Fatal("work did not finish")
		}
		log.mu.Lock()
		defer log.mu.Unlock()
		if len(log.panics) > 0 {
			t.Fatalf("handler panicked on %s: %s", data, log.panics[0])
		}
	})
}
