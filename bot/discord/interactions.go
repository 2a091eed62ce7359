package discord

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// onInteraction handles a slash command: checks who may run it and how
// often, acknowledges it at once, and does the work in the background.
func (b *Bot) onInteraction(_ *discordgo.Session, ev *discordgo.InteractionCreate) {
	defer b.recoverPanic("INTERACTION_CREATE", nil)
	in := ev.Interaction
	if in != nil && in.Type == discordgo.InteractionMessageComponent {
		b.onButton(in)
		return
	}
	if in == nil || in.Type != discordgo.InteractionApplicationCommand {
		return
	}
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || in.ID == "" || in.Token == "" {
		return
	}
	if !b.seen.first("interaction:" + in.ID) {
		b.log.Debug("duplicate interaction ignored", "id", in.ID)
		return
	}
	r := &request{b: b, in: in, data: data, userID: interactionUser(in)}
	cmd, ok := b.commands[data.Name]
	if !ok {
		b.refuse(r, kindly("I don't know that command. Try /help."))
		return
	}
	r.ephemeral = cmd.ephemeral
	if err := b.admit(r, cmd); err != nil {
		b.refuse(r, err)
		return
	}
	if err := r.deferReply(); err != nil {
		b.log.Error("acknowledge slash command", "command", data.Name, "err", err)
		b.pool.release()
		return
	}
	work := func(ctx context.Context) {
		defer b.recoverPanic("/"+data.Name, func() { r.finish(response{}, errInternal) })
		ctx, cancel := context.WithTimeout(ctx, b.cfg.AnswerTimeout)
		defer cancel()
		resp, err := cmd.do(ctx, r)
		r.finish(resp, err)
	}
	if cmd.asks {
		b.pool.start(b.workCtx, work)
	} else {
		b.pool.startNow(b.workCtx, work)
	}
}

// admit decides whether a command may run now, and reserves a place in the
// work pool if so. It returns the refusal to show otherwise.
func (b *Bot) admit(r *request, cmd *slashCommand) error {
	if b.closing.Load() {
		return errShuttingDown
	}
	if cmd.admin {
		if err := b.checkAdmin(r.userID); err != nil {
			return err
		}
	}
	if cmd.check != nil {
		if err := cmd.check(r); err != nil {
			return err
		}
	}
	return b.reserve(r.userID, cmd.asks)
}

// reserve takes a place in the work pool for a user's work, and first, for
// a question, one of the questions the user may ask, given back when the
// pool has no place. It returns the refusal to show when either is not to
// be had.
func (b *Bot) reserve(userID string, question bool) error {
	if question {
		if ok, wait := b.limiter.allow(userID); !ok {
			return rateLimited(wait)
		}
	}
	if !b.pool.tryAdmit() {
		if question {
			b.limiter.refund(userID)
		}
		if b.closing.Load() {
			return errShuttingDown
		}
		return errBusy
	}
	return nil
}

// refuse answers a slash command at once with a message only the caller sees.
func (b *Bot) refuse(r *request, err error) {
	b.log.Info("slash command refused", "command", r.data.Name, "user", r.userID, "reason", err)
	if err := r.respondNow(userMessage(err)); err != nil {
		b.log.Error("refuse slash command", "command", r.data.Name, "err", err)
	}
}

// checkAdmin allows only the users listed in NEWSBOT_ADMIN_IDS; Discord's
// Manage Server default only hides admin commands from most members.
func (b *Bot) checkAdmin(userID string) error {
	if len(b.cfg.AdminIDs) == 0 {
		return errNoAdmins
	}
	if userID == "" || !slices.Contains(b.cfg.AdminIDs, userID) {
		return errNotAdmin
	}
	return nil
}

// interactionUser returns the ID of who ran a command: a member in a server,
// a user in a DM.
func interactionUser(in *discordgo.Interaction) string {
	if in.Member != nil && in.Member.User != nil {
		return in.Member.User.ID
	}
	if in.User != nil {
		return in.User.ID
	}
	return ""
}

// checkQuestion enforces the cap on a question's length.
func (b *Bot) checkQuestion(q string) error {
	if strings.TrimSpace(q) == "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if example := b.exampleQuestion(ctx); example != "" {
			return kindly("Please ask a question, for example: %s", example)
		}
		return kindly("Please ask a question about the news.")
	}
	if n := utf8.RuneCountInString(q); n > b.cfg.MaxQuestionChars {
		return kindly("That question is %d characters long; please keep it under %d.", n, b.cfg.MaxQuestionChars)
	}
	return nil
}

// asker is who asked a question, and where.
type asker struct {
	userID, guildID, channelID string
}

// answer answers a question in the conversation of a user in a channel and
// returns the answer as Discord shows it (answerResponse), with the
// feedback buttons under it. progress, when not nil, gets the text so far.
func (b *Bot) answer(ctx context.Context, who asker, question string, progress func(string)) (response, error) {
	key := conversationKey(who.userID, who.channelID)
	a, err := b.deps.Answerer.Answer(ctx, question, b.memory.history(key), progress)
	if err != nil {
		return response{}, err
	}
	b.memory.add(key, a.Turn())
	resp := answerResponse(a)
	resp.buttons = b.feedbackButtons(ctx, a, question, who)
	return resp, nil
}

// progressEditor shows an answer's text while a model writes it, by
// editing the reply at most once per interval; edits never overlap.
type progressEditor struct {
	interval time.Duration
	edit     func(text string)

	mu      sync.Mutex
	text    string
	changed bool
	done    chan struct{}
	exited  chan struct{}
	stopped sync.Once
}

func newProgressEditor(interval time.Duration, edit func(string)) *progressEditor {
	p := &progressEditor{interval: interval, edit: edit, done: make(chan struct{}), exited: make(chan struct{})}
	go p.loop()
	return p
}

// update records the text so far; it never blocks on Discord.
func (p *progressEditor) update(text string) {
	p.mu.Lock()
	p.text, p.changed = text, true
	p.mu.Unlock()
}

func (p *progressEditor) loop() {
	defer close(p.exited)
	timer := time.NewTimer(p.interval)
	defer timer.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-timer.C:
		}
		p.mu.Lock()
		text, changed := p.text, p.changed
		p.changed = false
		p.mu.Unlock()
		start := time.Now()
		if changed && strings.TrimSpace(text) != "" {
			p.edit(text)
		}
		// The next edit starts at least one interval after this one started.
		timer.Reset(max(p.interval-time.Since(start), time.Millisecond))
	}
}

// stop ends the progress edits and waits for one in progress to finish, so
// the final answer is always the last edit. Calls after the first do nothing.
func (p *progressEditor) stop() {
	p.stopped.Do(func() {
		close(p.done)
		<-p.exited
	})
}
