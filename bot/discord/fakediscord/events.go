package fakediscord

import (
	"time"
)

// Option types of slash command options, as Discord numbers them.
const (
	OptionSubCommand = 1
	OptionString     = 3
	OptionInteger    = 4
	OptionAttachment = 11
)

// Option is one option a user filled in for a slash command.
type Option struct {
	Name    string
	Type    int
	Value   any
	Options []Option // of a subcommand
}

// Attachment is a file attached to a slash command.
type Attachment struct {
	ID          string
	Filename    string
	URL         string
	Size        int
	ContentType string
}

// Interaction is a slash command as a user runs it. Zero IDs are filled in.
type Interaction struct {
	ID          string
	Token       string
	Command     string
	Options     []Option
	UserID      string
	ChannelID   string
	GuildID     string // empty: the command is run in a DM with the bot
	Attachments []Attachment
}

// SlashCommand dispatches an INTERACTION_CREATE for a slash command and
// returns it with its IDs filled in.
func (s *Server) SlashCommand(in Interaction) (Interaction, error) {
	if in.ID == "" {
		in.ID = s.Snowflake()
	}
	if in.Token == "" {
		in.Token = "itoken-" + in.ID
	}
	if in.UserID == "" {
		in.UserID = s.Snowflake()
	}
	if in.ChannelID == "" {
		in.ChannelID = s.Snowflake()
	}
	return in, s.Dispatch("INTERACTION_CREATE", s.InteractionPayload(in))
}

// InteractionPayload returns the gateway payload of a slash command, as
// Discord sends it: snowflakes and permissions as JSON strings.
func (s *Server) InteractionPayload(in Interaction) map[string]any {
	user := map[string]any{"id": in.UserID, "username": "user-" + in.UserID, "discriminator": "0"}
	data := map[string]any{
		"id":      s.Snowflake(),
		"name":    in.Command,
		"type":    1,
		"options": options(in.Options),
	}
	if len(in.Attachments) > 0 {
		atts := map[string]any{}
		for _, a := range in.Attachments {
			atts[a.ID] = map[string]any{
				"id": a.ID, "filename": a.Filename, "url": a.URL, "proxy_url": a.URL,
				"size": a.Size, "content_type": a.ContentType,
			}
		}
		data["resolved"] = map[string]any{"attachments": atts}
	}
	p := map[string]any{
		"id":              in.ID,
		"application_id":  AppID,
		"type":            2,
		"token":           in.Token,
		"version":         1,
		"channel_id":      in.ChannelID,
		"data":            data,
		"app_permissions": "274877975552",
		"locale":          "en-US",
	}
	if in.GuildID != "" {
		p["guild_id"] = in.GuildID
		p["member"] = map[string]any{"user": user, "roles": []any{}, "permissions": "2248473465835073", "joined_at": time.Now().UTC().Format(time.RFC3339)}
		p["context"] = 0
	} else {
		p["user"] = user
		p["context"] = 1
	}
	return p
}

func options(opts []Option) []any {
	out := []any{}
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type}
		if o.Value != nil {
			m["value"] = o.Value
		}
		if len(o.Options) > 0 {
			m["options"] = options(o.Options)
		}
		out = append(out, m)
	}
	return out
}

// Message is a message a user posts. Zero IDs are filled in.
type Message struct {
	ID        string
	ChannelID string
	GuildID   string // empty: a direct message to the bot
	AuthorID  string
	AuthorBot bool
	Content   string
	// MentionsBot lists the bot among the message's mentions, as Discord
	// does when the content holds <@BotID>.
	MentionsBot bool
	// MentionRoles are the IDs of the roles the message mentions, as
	// Discord lists them when the content holds <@&ID>.
	MentionRoles []string
}

// PostMessage dispatches a MESSAGE_CREATE and returns the message with its
// IDs filled in.
func (s *Server) PostMessage(m Message) (Message, error) {
	if m.ID == "" {
		m.ID = s.Snowflake()
	}
	if m.ChannelID == "" {
		m.ChannelID = s.Snowflake()
	}
	if m.AuthorID == "" {
		m.AuthorID = s.Snowflake()
	}
	return m, s.Dispatch("MESSAGE_CREATE", s.MessagePayload(m))
}

// MessagePayload returns the gateway payload of a posted message.
func (s *Server) MessagePayload(m Message) map[string]any {
	mentions := []any{}
	if m.MentionsBot {
		mentions = append(mentions, map[string]any{"id": BotID, "username": BotName, "bot": true, "discriminator": "0"})
	}
	roles := []any{}
	for _, r := range m.MentionRoles {
		roles = append(roles, r)
	}
	p := map[string]any{
		"id":            m.ID,
		"channel_id":    m.ChannelID,
		"author":        map[string]any{"id": m.AuthorID, "username": "user-" + m.AuthorID, "bot": m.AuthorBot, "discriminator": "0"},
		"content":       m.Content,
		"timestamp":     time.Now().UTC().Format(time.RFC3339),
		"type":          0,
		"mentions":      mentions,
		"mention_roles": roles,
		"tts":           false,
		"attachments":   []any{},
		"embeds":        []any{},
	}
	if m.GuildID != "" {
		p["guild_id"] = m.GuildID
	}
	return p
}

// Press is a user pressing a button under one of the bot's messages. Zero
// IDs are filled in.
type Press struct {
	ID        string
	Token     string
	CustomID  string
	UserID    string
	ChannelID string
	GuildID   string // empty: the message is in a DM with the bot
	MessageID string // the message the button is under
}

// PressButton dispatches an INTERACTION_CREATE for a button press (a
// message component interaction, type 3) and returns it with its IDs
// filled in.
func (s *Server) PressButton(p Press) (Press, error) {
	if p.ID == "" {
		p.ID = s.Snowflake()
	}
	if p.Token == "" {
		p.Token = "btoken-" + p.ID
	}
	if p.UserID == "" {
		p.UserID = s.Snowflake()
	}
	if p.ChannelID == "" {
		p.ChannelID = s.Snowflake()
	}
	if p.MessageID == "" {
		p.MessageID = s.Snowflake()
	}
	user := map[string]any{"id": p.UserID, "username": "user-" + p.UserID, "discriminator": "0"}
	payload := map[string]any{
		"id":             p.ID,
		"application_id": AppID,
		"type":           3,
		"token":          p.Token,
		"version":        1,
		"channel_id":     p.ChannelID,
		"data":           map[string]any{"custom_id": p.CustomID, "component_type": 2},
		"message": map[string]any{
			"id": p.MessageID, "channel_id": p.ChannelID, "type": 0, "content": "",
			"author":    map[string]any{"id": BotID, "username": BotName, "bot": true, "discriminator": "0"},
			"timestamp": time.Now().UTC().Format(time.RFC3339),
		},
		"app_permissions": "274877975552",
		"locale":          "en-US",
	}
	if p.GuildID != "" {
		payload["guild_id"] = p.GuildID
		payload["member"] = map[string]any{"user": user, "roles": []any{}, "permissions": "2248473465835073", "joined_at": time.Now().UTC().Format(time.RFC3339)}
		payload["context"] = 0
	} else {
		payload["user"] = user
		payload["context"] = 1
	}
	return p, s.Dispatch("INTERACTION_CREATE", payload)
}
