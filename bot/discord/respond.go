package discord

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/bwmarrin/discordgo"

	"newsbot/knowledge"
)

// noMentions is set on every message the bot sends or edits, so that
// neither article text nor a model can ping @everyone, roles or users.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// userError is a failure with a short, kind message for the person who
// asked; err, when set, carries the details for the log.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *userError) Unwrap() error { return e.err }

// kindly returns an error whose message is shown to the user as it is.
func kindly(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...)}
}

// The failures people can meet, in their words.
var (
	errBusy         = kindly("I'm answering a lot of questions right now. Please try again in a minute.")
	errShuttingDown = kindly("I'm restarting. Please ask again in a minute.")
	errNotAdmin     = kindly("Only this bot's admins can use that command.")
	errNoAdmins     = kindly("Admin commands are turned off on this bot. Its operator can turn them on by listing admin user IDs, comma-separated, in NEWSBOT_ADMIN_IDS and restarting it.")
)

// rateLimited tells a user how long to wait.
func rateLimited(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return kindly("You're asking faster than I can keep up. Please try again in %d s.", max(secs, 1))
}

// userMessage is the one place that turns an error into what a user reads;
// details stay in the log.
func userMessage(err error) string {
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return ue.msg
	case errors.Is(err, context.DeadlineExceeded):
		return "That took too long, sorry. Please try again in a moment."
	case errors.Is(err, context.Canceled):
		return errShuttingDown.(*userError).msg
	case errors.Is(err, knowledge.ErrNotFound):
		return "I couldn't find that."
	case errors.Is(err, knowledge.ErrInvalid):
		return "I couldn't use that input. Please check it and try again."
	default:
		return "Sorry, something went wrong on my side. Please try again in a moment."
	}
}

// request is one slash command being handled.
type request struct {
	b         *Bot
	in        *discordgo.Interaction
	data      discordgo.ApplicationCommandInteractionData
	userID    string
	ephemeral bool // the deferred reply is visible only to the caller
}

func (r *request) flags() discordgo.MessageFlags {
	if r.ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// respondNow answers the interaction at once with a message only the caller
// sees; it is how refusals (rate limits, permissions, busy) are sent.
func (r *request) respondNow(content string) error {
	err := r.b.session.InteractionRespond(r.in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         truncate(forDiscord(content), MaxContent),
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		return fmt.Errorf("respond to /%s: %w", r.data.Name, err)
	}
	return nil
}

// deferReply acknowledges the interaction (response type 5), which shows
// "thinking…" until the original response is edited.
func (r *request) deferReply() error {
	err := r.b.session.InteractionRespond(r.in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Flags:           r.flags(),
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		return fmt.Errorf("defer /%s: %w", r.data.Name, err)
	}
	return nil
}

// editOriginal replaces the deferred response's content with text, as a
// progress edit does, leaving its embeds and buttons alone. It uses a rate
// limit bucket per interaction, as Discord does, so answers to different
// people don't wait on each other.
func (r *request) editOriginal(ctx context.Context, content string) error {
	return r.edit(ctx, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions()})
}

// editOriginalTo makes the deferred response msg: its content, embeds and
// buttons (none where msg has none).
func (r *request) editOriginalTo(ctx context.Context, msg message) error {
	embeds, components := nonNilEmbeds(msg.embeds), nonNilComponents(msg.components)
	return r.edit(ctx, &discordgo.WebhookEdit{
		Content: &msg.content, Embeds: &embeds, Components: &components, AllowedMentions: noMentions(),
	})
}

func (r *request) edit(ctx context.Context, edit *discordgo.WebhookEdit) error {
	endpoint := discordgo.EndpointWebhookMessage(r.in.AppID, r.in.Token, "@original")
	if _, err := r.b.session.RequestWithBucketID("PATCH", endpoint, edit, endpoint, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("edit reply to /%s: %w", r.data.Name, err)
	}
	return nil
}

// followup sends one more message after the original response.
func (r *request) followup(ctx context.Context, msg message, flags discordgo.MessageFlags) error {
	_, err := r.b.session.FollowupMessageCreate(r.in, true, &discordgo.WebhookParams{
		Content:         msg.content,
		Embeds:          msg.embeds,
		Components:      msg.components,
		Flags:           flags,
		AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("follow up /%s: %w", r.data.Name, err)
	}
	return nil
}

func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// finish delivers a command's result: its messages (see
// response.messages), the first as the original response and the rest as
// follow-ups, or, on failure (the delivery's own included), a short kind
// message only the caller sees, never leaving "thinking…" behind. Details
// go to the log.
func (r *request) finish(resp response, err error) {
	// Replies go out even when the work's own context has ended.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err != nil {
		r.b.log.Error("slash command failed", "command", r.data.Name, "user", r.userID, "err", err)
		r.fail(ctx, userMessage(err))
		return
	}
	msgs := resp.messages()
	if err := r.editOriginalTo(ctx, msgs[0]); err != nil {
		r.b.log.Error("reply to slash command", "command", r.data.Name, "err", err)
		r.fail(ctx, userMessage(errInternal))
		return
	}
	for _, msg := range msgs[1:] {
		if err := r.followup(ctx, msg, r.flags()); err != nil {
			r.b.log.Error("reply to slash command", "command", r.data.Name, "err", err)
			return
		}
	}
}

// fail replaces the deferred response with msg so only the caller sees it:
// an ephemeral response is edited; a public one is deleted and msg sent as
// an ephemeral follow-up (or, if deleting fails, edited in). A msg too long
// for one message is cut.
func (r *request) fail(ctx context.Context, msg string) {
	msg = truncate(forDiscord(msg), MaxContent)
	if !r.ephemeral {
		err := r.b.session.InteractionResponseDelete(r.in, discordgo.WithContext(ctx))
		if err == nil {
			if err := r.followup(ctx, message{content: msg}, discordgo.MessageFlagsEphemeral); err != nil {
				r.b.log.Error("tell user about a failure", "command", r.data.Name, "err", err)
			}
			return
		}
		r.b.log.Warn("delete failed reply", "command", r.data.Name, "err", err)
	}
	if err := r.editOriginal(ctx, msg); err != nil {
		r.b.log.Error("tell user about a failure", "command", r.data.Name, "err", err)
	}
}

// sendReply answers a message with resp's messages: the first replies to
// it (without pinging its author), the rest follow in the same channel.
func (b *Bot) sendReply(ctx context.Context, m *discordgo.Message, resp response) error {
	for i, msg := range resp.messages() {
		send := &discordgo.MessageSend{Content: msg.content, Embeds: msg.embeds, Components: msg.components, AllowedMentions: noMentions()}
		if i == 0 {
			failIfGone := false
			send.Reference = &discordgo.MessageReference{
				MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &failIfGone,
			}
		}
		if _, err := b.session.ChannelMessageSendComplex(m.ChannelID, send, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("reply to message %s: %w", m.ID, err)
		}
	}
	return nil
}

// truncate shortens s to at most limit characters at a word boundary.
func truncate(s string, limit int) string {
	parts := Split(s, limit)
	if len(parts) == 0 {
		return ""
	}
	return parts[0]
}
