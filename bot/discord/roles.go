package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"newsbot/knowledge"
)

// roleCacheTTL is how long the bot's managed role in a server is trusted
// before it is looked up again.
const roleCacheTTL = time.Hour

// roleCache remembers the bot's managed role in each server: the role
// Discord makes for a bot when it joins, and that its mention autocomplete
// often offers in place of the bot itself.
type roleCache struct {
	fetchMu sync.Mutex // one lookup at a time, so a burst of mentions makes one
	mu      sync.Mutex
	now     func() time.Time
	byGuild map[string]cachedRole
}

type cachedRole struct {
	id string // "" when the server has none for the bot
	at time.Time
}

func newRoleCache(now func() time.Time) *roleCache {
	return &roleCache{now: now, byGuild: make(map[string]cachedRole)}
}

// mentionsBotRole reports whether a server message mentions the bot's
// managed role. It looks the role up (GET /guilds/{id}/roles, cached) only
// for messages that mention some role.
func (b *Bot) mentionsBotRole(ctx context.Context, m *discordgo.Message) (string, bool) {
	if m.GuildID == "" || len(m.MentionRoles) == 0 {
		return "", false
	}
	id, err := b.botRole(ctx, m.GuildID)
	if err != nil {
		b.log.Warn("look up the bot's role", "guild", m.GuildID, "err", err)
		return "", false
	}
	return id, id != "" && slices.Contains(m.MentionRoles, id)
}

// botRole returns the ID of the bot's managed role in a server ("" if it
// has none): the role whose tags name the bot.
func (b *Bot) botRole(ctx context.Context, guildID string) (string, error) {
	c := b.roles
	lookup := func() (string, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		cached, ok := c.byGuild[guildID]
		return cached.id, ok && c.now().Sub(cached.at) < roleCacheTTL
	}
	if id, ok := lookup(); ok {
		return id, nil
	}
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if id, ok := lookup(); ok {
		return id, nil
	}
	endpoint := discordgo.EndpointGuildRoles(guildID)
	body, err := b.session.RequestWithBucketID("GET", endpoint, nil, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("list roles of server %s: %w", guildID, err)
	}
	var roles []struct {
		ID      string `json:"id"`
		Managed bool   `json:"managed"`
		Tags    struct {
			BotID string `json:"bot_id"`
		} `json:"tags"`
	}
	if err := json.Unmarshal(body, &roles); err != nil {
		return "", fmt.Errorf("list roles of server %s: %w", guildID, err)
	}
	id := ""
	for _, r := range roles {
		if r.Managed && r.Tags.BotID != "" && r.Tags.BotID == b.selfID() {
			id = r.ID
		}
	}
	c.mu.Lock()
	if len(c.byGuild) > 10000 {
		clear(c.byGuild)
	}
	c.byGuild[guildID] = cachedRole{id: id, at: c.now()}
	c.mu.Unlock()
	return id, nil
}

// exampleCache keeps the example question /help and the empty-question
// hint suggest, for a minute.
type exampleCache struct {
	mu       sync.Mutex
	now      func() time.Time
	question string
	at       time.Time
}

// exampleTTL is how long an example question is reused.
const exampleTTL = time.Minute

// exampleQuestion returns a question about the most recently loaded
// article, such as `What do the articles say about “Harbour reopens”?`, or
// "" when none is loaded or the list fails.
func (b *Bot) exampleQuestion(ctx context.Context) string {
	c := b.examples
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && c.now().Sub(c.at) < exampleTTL {
		return c.question
	}
	list, err := b.deps.Library.Articles(ctx, knowledge.ListOptions{Limit: 3})
	if err != nil {
		b.log.Warn("pick an example question", "err", err)
		return ""
	}
	c.question, c.at = "", c.now()
	for _, a := range list {
		title := strings.TrimRight(shorten(oneLine(clean(a.Title)), 100), " .!?:;,")
		if title != "" {
			c.question = "What do the articles say about “" + title + "”?"
			break
		}
	}
	return c.question
}
