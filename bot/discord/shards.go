package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Shards are the gateway shards one process runs: shards First to Last of
// Count. A bot in many servers splits its gateway traffic over shards,
// each a connection of its own that receives the events of the servers
// whose ID, shifted right by 22 bits, is its shard ID modulo Count; direct
// messages arrive on shard 0. The zero value means auto: every shard, as
// many as Discord recommends for the bot.
type Shards struct {
	// Count is the bot's total number of shards; 0 means the count
	// Discord recommends (GET /gateway/bot), all run by this process.
	Count int
	// First and Last are the IDs of the shards this process runs, from 0
	// to Count-1; they are ignored when Count is 0.
	First, Last int
}

// Auto reports whether the shard count is left to Discord.
func (s Shards) Auto() bool { return s.Count == 0 }

// String returns the shards as DISCORD_SHARDS spells them: "auto", "N",
// or "I-J/N" for part of a bot's shards.
func (s Shards) String() string {
	switch {
	case s.Auto():
		return "auto"
	case s.First == 0 && s.Last == s.Count-1:
		return strconv.Itoa(s.Count)
	default:
		return fmt.Sprintf("%d-%d/%d", s.First, s.Last, s.Count)
	}
}

// resolve returns the shards to run given the count Discord recommends
// (taken as 1 when it recommends none).
func (s Shards) resolve(recommended int) Shards {
	if !s.Auto() {
		return s
	}
	n := max(recommended, 1)
	return Shards{Count: n, First: 0, Last: n - 1}
}

// maxShards bounds a shard count, well past what any bot needs (Discord
// asks for one shard per 1,000 to 2,500 servers), so a typo cannot open a
// million connections.
const maxShards = 1 << 16

// ParseShards reads DISCORD_SHARDS: "auto" (or empty) for every shard
// Discord recommends, "N" for all N shards in this process, or "I-J/N" for
// shards I to J of N (so several processes can split one bot). It returns
// an error naming the value when it is none of these, or when I > J, J ≥ N
// or N is not between 1 and 65,536.
func ParseShards(v string) (Shards, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "auto") {
		return Shards{}, nil
	}
	bad := func(why string) (Shards, error) {
		return Shards{}, fmt.Errorf("%q: %s; want auto, a number of shards such as 2, or the shards this process runs such as 0-1/4", v, why)
	}
	number := func(s string) (int, bool) {
		s = strings.TrimSpace(s)
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	span, total, ranged := strings.Cut(v, "/")
	if !ranged {
		n, ok := number(v)
		if !ok {
			return bad("not a shard count")
		}
		if n < 1 || n > maxShards {
			return bad(fmt.Sprintf("the count must be 1 to %d", maxShards))
		}
		return Shards{Count: n, First: 0, Last: n - 1}, nil
	}
	n, ok := number(total)
	if !ok {
		return bad("the count after / is not a number")
	}
	if n < 1 || n > maxShards {
		return bad(fmt.Sprintf("the count must be 1 to %d", maxShards))
	}
	from, to, ok := strings.Cut(span, "-")
	if !ok {
		return bad("want a range I-J before /")
	}
	first, ok1 := number(from)
	last, ok2 := number(to)
	switch {
	case !ok1 || !ok2:
		return bad("the range before / is not two shard IDs")
	case first > last:
		return bad("the range's first shard is after its last")
	case last >= n:
		return bad(fmt.Sprintf("shard IDs run from 0 to %d", n-1))
	}
	return Shards{Count: n, First: first, Last: last}, nil
}

// identifyInterval is how long Discord wants between two session starts
// with the same rate-limit key (shard ID modulo max_concurrency).
const identifyInterval = 5 * time.Second

// connect opens one gateway session per shard this process runs, each
// identifying with [shard ID, shard count]. Shards start in groups of
// max_concurrency consecutive IDs, whose rate-limit keys differ, and a
// group starts identifyWait after the one before it is connected. It
// returns the READY of the first shard; an error when Discord cannot be
// reached, a shard cannot connect, or ctx ends first (every shard opened
// is then left for closeShards).
func (b *Bot) connect(ctx context.Context) (*discordgo.Ready, error) {
	shards, maxConcurrency, err := b.planShards(ctx)
	if err != nil {
		return nil, err
	}
	if shards.First > 0 {
		b.log.Info("this process runs no shard 0: direct messages go to the process that does", "shards", shards.String())
	}
	var first *discordgo.Ready
	for start := shards.First; start <= shards.Last; {
		if start > shards.First {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(b.identifyWait):
			}
		}
		end := min((start/maxConcurrency+1)*maxConcurrency-1, shards.Last)
		group := make([]*discordgo.Session, 0, end-start+1)
		for id := start; id <= end; id++ {
			s, err := b.newShard(id, shards.Count)
			if err != nil {
				return nil, err
			}
			group = append(group, s)
		}
		b.shards = append(b.shards, group...)
		errs := make([]error, len(group))
		var wg sync.WaitGroup
		for i, s := range group {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = openShard(s)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for _, s := range group {
			b.log.Info("connected to Discord's gateway", "shard", s.ShardID, "of", shards.Count)
		}
		if first == nil {
			first = readyOf(group[0])
		}
		start = end + 1
	}
	return first, nil
}

// planShards asks Discord (GET /gateway/bot) how many shards it
// recommends and how many may start at once, and returns the shards to run
// and that max_concurrency (at least 1). With a count configured, a
// failed request only costs the concurrency, taken as 1.
func (b *Bot) planShards(ctx context.Context) (Shards, int, error) {
	gw, err := b.session.GatewayBot(discordgo.WithContext(ctx))
	if err != nil {
		if b.cfg.Shards.Auto() {
			return Shards{}, 0, fmt.Errorf("connect to Discord: ask for the recommended shard count (or set DISCORD_SHARDS): %w", err)
		}
		b.log.Warn("could not read Discord's session start limit; starting one shard at a time", "err", err)
		gw = &discordgo.GatewayBotResponse{}
	}
	shards := b.cfg.Shards.resolve(gw.Shards)
	limit := gw.SessionStartLimit
	if n := shards.Last - shards.First + 1; limit.Total > 0 && limit.Remaining < n {
		b.log.Warn("Discord allows fewer session starts than there are shards to start",
			"remaining", limit.Remaining, "shards", n, "reset_after", time.Duration(limit.ResetAfter)*time.Millisecond)
	}
	if gw.Shards > shards.Count {
		b.log.Warn("Discord recommends more shards than configured", "recommended", gw.Shards, "DISCORD_SHARDS", shards.String())
	}
	return shards, max(limit.MaxConcurrency, 1), nil
}

// newShard returns an unopened gateway session for shard id of count. It
// shares the REST session's token, HTTP client, rate limits and
// reconnection setting, and hands its events to the bot's handlers.
func (b *Bot) newShard(id, count int) (*discordgo.Session, error) {
	s, err := discordgo.New(b.session.Token)
	if err != nil {
		return nil, fmt.Errorf("new discord session for shard %d: %w", id, err)
	}
	s.Client = b.session.Client
	s.Ratelimiter = b.session.Ratelimiter
	s.ShouldRetryOnRateLimit = b.session.ShouldRetryOnRateLimit
	s.ShouldReconnectOnError = b.session.ShouldReconnectOnError
	s.Identify.Intents = Intents
	s.StateEnabled = false
	// discordgo identifies with [ShardID, ShardCount] when the count is
	// above 1; one shard identifies with none, which Discord reads as [0, 1].
	s.ShardID, s.ShardCount = id, count
	s.AddHandler(b.onReady)
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	return s, nil
}

// openShard connects one shard and checks that its READY names the bot
// and its application.
func openShard(s *discordgo.Session) error {
	if err := s.Open(); err != nil {
		return fmt.Errorf("connect to Discord (shard %d of %d): %w", s.ShardID, s.ShardCount, err)
	}
	ready := readyOf(s)
	if ready.User == nil || ready.Application == nil || ready.Application.ID == "" {
		return fmt.Errorf("connect to Discord (shard %d of %d): the gateway's READY named no bot user or application", s.ShardID, s.ShardCount)
	}
	return nil
}

// readyOf returns a copy of the READY a session received last.
func readyOf(s *discordgo.Session) *discordgo.Ready {
	s.State.RLock()
	defer s.State.RUnlock()
	r := s.State.Ready
	return &r
}

// closeShards disconnects every shard at once (each takes a second to
// close cleanly).
func (b *Bot) closeShards() {
	var wg sync.WaitGroup
	for _, s := range b.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Close(); err != nil {
				b.log.Warn("close Discord session", "shard", s.ShardID, "err", err)
			}
		}()
	}
	wg.Wait()
}
