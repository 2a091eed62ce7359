package discord

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/bot/discord/fakediscord"
	"newsbot/knowledge/knowledgetest"
)

// identifiedShards returns the [shard_id, shard_count] of every IDENTIFY,
// sorted.
func identifiedShards(ids []fakediscord.Identified) [][2]int {
	var out [][2]int
	for _, id := range ids {
		out = append(out, id.Shard)
	}
	slices.SortFunc(out, func(a, b [2]int) int { return a[0] - b[0] })
	return out
}

// askOn runs /ask in a server whose events arrive on shard of count, and
// waits for its answer.
func (h *harness) askOn(shard, count int, user, question string) {
	h.t.Helper()
	guild := fakediscord.GuildOnShard(shard, count, 0)
	if got := fakediscord.ShardOf(guild, count); got != shard {
		h.t.Fatalf("server %s is on shard %d, want %d", guild, got, shard)
	}
	in := h.slash(fakediscord.Interaction{
		Command: "ask", UserID: user, GuildID: guild,
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: question}},
	})
	calls := h.fake.WaitFor(10*time.Second, fmt.Sprintf("the answer on shard %d", shard), func(calls []fakediscord.Call) bool {
		return answered(h.t, calls, in)
	})
	if m, ok := finalEdit(h.t, calls, in); !ok || !strings.Contains(m.Content, "General Keith Kellogg") {
		h.t.Errorf("answer on shard %d = %q, want the Kellogg answer", shard, m.Content)
	}
}

func TestAutoShardsOpenOneSessionEachAndAnswerOnAll(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}}, store,
		func(f *fakediscord.Server, _ *Bot) { f.SetGatewayBot(2, 2) })

	ids := h.fake.Identifies()
	if got, want := identifiedShards(ids), [][2]int{{0, 2}, {1, 2}}; !slices.Equal(got, want) {
		t.Fatalf("sessions identified as %v, want %v", got, want)
	}
	for _, id := range ids {
		var p struct {
			Intents int `json:"intents"`
		}
		if err := json.Unmarshal(id.Payload, &p); err != nil || p.Intents != int(Intents) {
			t.Errorf("shard %v identified with intents %d (%v), want %d", id.Shard, p.Intents, err, Intents)
		}
	}
	if got := h.fake.ConnectedShards(); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("connected shards = %v, want [0 1]", got)
	}
	if puts := find(h.fake.Calls(), "PUT", "/applications/"); len(puts) != 1 {
		t.Errorf("commands registered %d times, want once for all shards", len(puts))
	}

	h.askOn(0, 2, "610000000000000001", "Who will represent the US at the London talks?")
	h.askOn(1, 2, "610000000000000002", "Who will represent the US at the London talks?")

	// A direct message has no server: Discord sends it on shard 0.
	const channel = "700000000000000090"
	if _, err := h.fake.PostMessage(fakediscord.Message{AuthorID: "610000000000000003", ChannelID: channel,
		Content: "Who will represent the US at the London talks?"}); err != nil {
		t.Fatal(err)
	}
	// A mention in a server on shard 1.
	const mentionChannel = "700000000000000091"
	if _, err := h.fake.PostMessage(fakediscord.Message{GuildID: fakediscord.GuildOnShard(1, 2, 1), ChannelID: mentionChannel,
		AuthorID: "610000000000000004", MentionsBot: true,
		Content: "<@" + fakediscord.BotID + "> Who will represent the US at the London talks?"}); err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(10*time.Second, "replies to the direct message and the mention", func(calls []fakediscord.Call) bool {
		return len(exactly(calls, "POST", "/channels/"+channel+"/messages")) == 1 &&
			len(exactly(calls, "POST", "/channels/"+mentionChannel+"/messages")) == 1
	})
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if got := h.fake.ConnectedShards(); len(got) != 0 {
		t.Errorf("shards still connected after stopping: %v", got)
	}
}

func TestShardRangeOpensOnlyItsShards(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	// Discord recommends one shard; the configured count wins.
	shards, err := ParseShards("1-1/2")
	if err != nil {
		t.Fatal(err)
	}
	h := startBot(t, nil, Config{Shards: shards}, Deps{Answerer: &citingAnswerer{store: store}}, store)

	if got, want := identifiedShards(h.fake.Identifies()), [][2]int{{1, 2}}; !slices.Equal(got, want) {
		t.Fatalf("sessions identified as %v, want only %v", got, want)
	}
	h.askOn(1, 2, "610000000000000011", "Who will represent the US at the London talks?")

	// Shard 0 is another process's: nothing here receives its events.
	_, err = h.fake.SlashCommand(fakediscord.Interaction{Command: "ask", GuildID: fakediscord.GuildOnShard(0, 2, 0),
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who?"}}})
	if err == nil || !strings.Contains(err.Error(), "shard 0") {
		t.Errorf("dispatch on shard 0 = %v, want no bot connected on shard 0", err)
	}
}

func TestShardsStartByMaxConcurrency(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	const wait = 300 * time.Millisecond
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}}, store,
		func(f *fakediscord.Server, b *Bot) {
			f.SetGatewayBot(4, 2)
			b.identifyWait = wait
		})
	ids := h.fake.Identifies()
	if got, want := identifiedShards(ids), [][2]int{{0, 4}, {1, 4}, {2, 4}, {3, 4}}; !slices.Equal(got, want) {
		t.Fatalf("sessions identified as %v, want %v", got, want)
	}
	// Two may start at once (rate-limit keys 0 and 1); shards 2 and 3 share
	// those keys, so they wait until 0 and 1 are connected, and then some.
	at := map[int]time.Time{}
	for _, id := range ids {
		at[id.Shard[0]] = id.At
	}
	firstGroupDone := at[0]
	if at[1].After(firstGroupDone) {
		firstGroupDone = at[1]
	}
	for _, later := range []int{2, 3} {
		if gap := at[later].Sub(firstGroupDone); gap < wait {
			t.Errorf("shard %d identified %v after shards 0 and 1, want at least %v", later, gap, wait)
		}
	}
	if d := at[1].Sub(at[0]).Abs(); d >= wait {
		t.Errorf("shards 0 and 1 identified %v apart, want them started together", d)
	}
	h.askOn(3, 4, "610000000000000021", "Who will represent the US at the London talks?")
}

func TestShardReconnectsOnItsOwn(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t, kelloggArticle)
	h := startBot(t, nil, Config{}, Deps{Answerer: &citingAnswerer{store: store}}, store,
		func(f *fakediscord.Server, b *Bot) {
			f.SetGatewayBot(2, 2)
			b.session.ShouldReconnectOnError = true
		})
	if err := h.fake.Reconnect(1); err != nil {
		t.Fatal(err)
	}
	h.fake.WaitFor(15*time.Second, "shard 1 to resume", func([]fakediscord.Call) bool {
		return len(h.fake.Resumes()) > 0 && slices.Equal(h.fake.ConnectedShards(), []int{0, 1})
	})
	resumes := h.fake.Resumes()
	if len(resumes) != 1 || resumes[0].Shard != 1 || resumes[0].Seq < 1 {
		t.Errorf("resumes = %+v, want one, of shard 1's session with its sequence number", resumes)
	}
	if got := identifiedShards(h.fake.Identifies()); !slices.Equal(got, [][2]int{{0, 2}, {1, 2}}) {
		t.Errorf("sessions identified as %v, want each shard once: shard 1 resumes, shard 0 is left alone", got)
	}
	h.askOn(1, 2, "610000000000000031", "Who will represent the US at the London talks?")
	h.askOn(0, 2, "610000000000000032", "Who will represent the US at the London talks?")
}
