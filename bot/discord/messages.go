package discord

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// typingEvery is how often the typing indicator is renewed; Discord shows
// it for about ten seconds.
const typingEvery = 8 * time.Second

// onMessage answers a direct message, or a server message that mentions the
// bot or its managed role, as a question, replying to it.
func (b *Bot) onMessage(_ *discordgo.Session, ev *discordgo.MessageCreate) {
	defer b.recoverPanic("MESSAGE_CREATE", nil)
	m := ev.Message
	if m == nil || m.Author == nil || m.Author.Bot || m.WebhookID != "" || m.ID == "" {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	self := b.selfID()
	if self == "" || m.Author.ID == self {
		return
	}
	roleID := ""
	if m.GuildID != "" && !mentionsUser(m, self) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		id, ok := b.mentionsBotRole(ctx, m)
		cancel()
		if !ok {
			return
		}
		roleID = id
	}
	if !b.seen.first("message:" + m.ID) {
		b.log.Debug("duplicate message ignored", "id", m.ID)
		return
	}
	question := stripMention(m.Content, self, roleID)
	if err := b.admitMessage(m.Author.ID, question); err != nil {
		b.log.Info("message refused", "user", m.Author.ID, "reason", err)
		b.replyKindly(m, userMessage(err))
		return
	}
	b.pool.start(b.workCtx, func(ctx context.Context) {
		defer b.recoverPanic("message", func() { b.replyKindly(m, userMessage(errInternal)) })
		ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
		defer cancel()
		stopTyping := b.keepTyping(m.ChannelID)
		defer stopTyping() // also when the answer panics
		resp, err := b.answer(ctx, asker{userID: m.Author.ID, guildID: m.GuildID, channelID: m.ChannelID}, question, nil)
		stopTyping()
		if err != nil {
			b.log.Error("answer message failed", "user", m.Author.ID, "channel", m.ChannelID, "err", err)
			b.replyKindly(m, userMessage(err))
			return
		}
		sendCtx, cancelSend := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancelSend()
		if err := b.sendReply(sendCtx, m, resp); err != nil {
			b.log.Error("reply to message", "err", err)
		}
	})
}

// admitMessage decides whether a message's question is taken on, and
// reserves a place in the work pool if so.
func (b *Bot) admitMessage(userID, question string) error {
	if b.closing.Load() {
		return errShuttingDown
	}
	if err := b.checkQuestion(question); err != nil {
		return err
	}
	return b.reserve(userID, true)
}

// replyKindly replies to a message with a short note, logging a failure.
func (b *Bot) replyKindly(m *discordgo.Message, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.sendReply(ctx, m, textResponse(msg)); err != nil {
		b.log.Error("reply to message", "err", err)
	}
}

// keepTyping shows the typing indicator in a channel until the returned
// function is first called, which waits for a typing call in flight so the
// indicator always comes before the reply.
func (b *Bot) keepTyping(channelID string) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := b.session.ChannelTyping(channelID, discordgo.WithContext(ctx)); err != nil {
				b.log.Warn("show typing", "channel", channelID, "err", err)
			}
			cancel()
			select {
			case <-done:
				return
			case <-time.After(typingEvery):
			}
		}
	}()
	return sync.OnceFunc(func() {
		close(done)
		<-exited
	})
}

// mentionsUser reports whether a message mentions the user.
func mentionsUser(m *discordgo.Message, userID string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == userID {
			return true
		}
	}
	return false
}

// stripMention removes mentions of the bot (<@id> and <@!id>) and of its
// managed role (<@&roleID>, when roleID is set) from a message, leaving the
// question.
func stripMention(content, userID, roleID string) string {
	content = strings.ReplaceAll(content, "<@"+userID+">", " ")
	content = strings.ReplaceAll(content, "<@!"+userID+">", " ")
	if roleID != "" {
		content = strings.ReplaceAll(content, "<@&"+roleID+">", " ")
	}
	return strings.TrimSpace(content)
}
