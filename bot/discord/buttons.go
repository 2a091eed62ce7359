package discord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"newsbot/bot"
	"newsbot/bot/feedback"
)

// Feedback stores what people say of answers, and the answers they may
// say it of; *feedback.Store is one.
type Feedback interface {
	// Remember keeps an answer that may be rated, forgetting those answered
	// before forgetBefore, and returns its new ID.
	Remember(ctx context.Context, e feedback.Entry, forgetBefore time.Time) (string, error)
	// Recall returns the answer kept under id if it was answered at or
	// after since.
	Recall(ctx context.Context, id string, since time.Time) (e feedback.Entry, ok bool, err error)
	// Record stores userID's verdict on an answer, replacing their earlier
	// one, and returns the verdict replaced ("" for none).
	Record(ctx context.Context, userID string, e feedback.Entry) (feedback.Verdict, error)
	// List returns the latest verdicts, newest first.
	List(ctx context.Context, since time.Time, limit int) ([]feedback.Entry, error)
}

// How long the buttons under a reply work, and how many listings' buttons
// are remembered at once (answers are kept by Feedback).
const (
	answerButtonsTTL = 24 * time.Hour
	pageButtonsTTL   = 15 * time.Minute
	maxRemembered    = 5000
)

// The labels of the buttons under an answer.
const (
	helpfulLabel = "Helpful"
	wrongLabel   = "Wrong or unsupported"
)

// Custom ID prefixes: fb:<answer>:<verdict> and pg:<pager>:<page>.
const (
	feedbackPrefix = "fb"
	pagePrefix     = "pg"
)

// feedbackButtons remembers an answer for feedback and returns the buttons
// that rate it, or nil when the bot keeps no feedback or can't remember
// the answer (the answer is shown all the same).
func (b *Bot) feedbackButtons(ctx context.Context, a bot.Answer, question string, who asker) []discordgo.MessageComponent {
	if b.deps.Feedback == nil {
		return nil
	}
	e := feedback.Entry{
		Question: question, Answer: a.Text, Mode: string(a.Mode),
		GuildID: who.guildID, ChannelID: who.channelID, AnsweredAt: b.deps.Now().UTC(),
	}
	for _, c := range a.Citations {
		e.Citations = append(e.Citations, feedback.Cited{Marker: c.Marker, ArticleID: c.ArticleID, SentenceID: c.SentenceID})
	}
	// The answer is done even when its time ran out at the last moment.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	id, err := b.deps.Feedback.Remember(ctx, e, e.AnsweredAt.Add(-answerButtonsTTL))
	if err != nil {
		b.log.Error("remember answer for feedback", "err", err)
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: helpfulLabel, Style: discordgo.SuccessButton, CustomID: customID(feedbackPrefix, id, string(feedback.Helpful))},
		discordgo.Button{Label: wrongLabel, Style: discordgo.DangerButton, CustomID: customID(feedbackPrefix, id, string(feedback.Wrong))},
	}}}
}

// pager is a listing that can be paged: who ran it, and what.
type pager struct {
	owner   string
	command string // "articles" or "search"
	query   string
}

// pageButtons returns Previous and Next buttons for page of a listing:
// Previous is off on the first page, Next when there is no more.
func (b *Bot) pageButtons(p pager, page int, more bool) []discordgo.MessageComponent {
	if page <= 1 && !more {
		return nil
	}
	id := b.pagers.put(p)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: customID(pagePrefix, id, strconv.Itoa(page-1)), Disabled: page <= 1},
		discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: customID(pagePrefix, id, strconv.Itoa(page+1)), Disabled: !more},
	}}}
}

func customID(parts ...string) string { return strings.Join(parts, ":") }

// onButton handles a press of one of the bot's buttons: it acknowledges
// with the answer (a new page, or an ephemeral note) once the work is done,
// which takes a database call at most.
func (b *Bot) onButton(in *discordgo.Interaction) {
	data, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok || in.ID == "" || in.Token == "" {
		return
	}
	if !b.seen.first("interaction:" + in.ID) {
		return
	}
	kind, id, arg := splitCustomID(data.CustomID)
	userID := interactionUser(in)
	if b.closing.Load() || !b.pool.tryAdmit() {
		b.respondButton(in, discordgo.InteractionResponseChannelMessageWithSource, message{content: userMessage(errBusy)}, true)
		return
	}
	b.pool.startNow(b.workCtx, func(ctx context.Context) {
		defer b.recoverPanic("button", func() {
			b.respondButton(in, discordgo.InteractionResponseChannelMessageWithSource, message{content: userMessage(errInternal)}, true)
		})
		ctx, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
		defer cancel()
		switch kind {
		case feedbackPrefix:
			note := b.rate(ctx, in, id, feedback.Verdict(arg), userID)
			b.respondButton(in, discordgo.InteractionResponseChannelMessageWithSource, message{content: note}, true)
		case pagePrefix:
			b.turnPage(ctx, in, id, arg, userID)
		default:
			b.respondButton(in, discordgo.InteractionResponseChannelMessageWithSource, message{content: "These buttons no longer work."}, true)
		}
	})
}

// splitCustomID splits prefix:id:arg.
func splitCustomID(s string) (kind, id, arg string) {
	kind, rest, _ := strings.Cut(s, ":")
	id, arg, _ = strings.Cut(rest, ":")
	return kind, id, arg
}

// rate stores a verdict on a remembered answer and returns the note that
// thanks the person for it.
func (b *Bot) rate(ctx context.Context, in *discordgo.Interaction, answerID string, v feedback.Verdict, userID string) string {
	if b.deps.Feedback == nil {
		return "This answer is too old to rate now. Ask again, and rate the new answer."
	}
	if v != feedback.Helpful && v != feedback.Wrong {
		return "These buttons no longer work."
	}
	e, ok, err := b.deps.Feedback.Recall(ctx, answerID, b.deps.Now().Add(-answerButtonsTTL))
	if err != nil {
		b.log.Error("recall answer for feedback", "answer", answerID, "err", err)
		return userMessage(errInternal)
	}
	if !ok {
		return "This answer is too old to rate now. Ask again, and rate the new answer."
	}
	e.Verdict = v
	before, err := b.deps.Feedback.Record(ctx, userID, e)
	if err != nil {
		b.log.Error("record feedback", "answer", answerID, "err", err)
		return userMessage(errInternal)
	}
	b.log.Info("feedback", "answer", answerID, "verdict", v, "changed", before != "" && before != v)
	said := "that this answer helped"
	if v == feedback.Wrong {
		said = "that this answer is wrong or unsupported; it will help test future answers"
	}
	switch {
	case before == v:
		return "You had already said " + said + "."
	case before != "":
		return "Changed: noted " + said + ". Thanks!"
	default:
		return "Thanks! Noted " + said + "."
	}
}

// turnPage answers a Previous or Next press with the page asked for, in
// place, if the person pressing ran the listing and its buttons still work.
func (b *Bot) turnPage(ctx context.Context, in *discordgo.Interaction, pagerID, arg, userID string) {
	note := func(s string) {
		b.respondButton(in, discordgo.InteractionResponseChannelMessageWithSource, message{content: s}, true)
	}
	p, ok := b.pagers.get(pagerID)
	page, err := strconv.Atoi(arg)
	switch {
	case !ok:
		note("These buttons have expired. Run the command again to page through the results.")
		return
	case err != nil || page < 1:
		note("There is no such page.")
		return
	case p.owner != userID:
		note("Only the person who ran /" + p.command + " can turn its pages. Run it yourself to page through the results.")
		return
	}
	var resp response
	switch p.command {
	case "articles":
		resp, err = b.articlesPage(ctx, page, p.owner)
	default:
		resp, err = b.searchPage(ctx, p.query, page, p.owner)
	}
	if err != nil {
		b.log.Error("turn page", "command", p.command, "page", page, "err", err)
		note(userMessage(err))
		return
	}
	b.respondButton(in, discordgo.InteractionResponseUpdateMessage, resp.messages()[0], false)
}

// respondButton answers a button press: with a message only the presser
// sees (ephemeral), or by updating the message the button is under.
func (b *Bot) respondButton(in *discordgo.Interaction, typ discordgo.InteractionResponseType, msg message, ephemeral bool) {
	data := &discordgo.InteractionResponseData{
		Content:         truncate(forDiscord(msg.content), MaxContent),
		AllowedMentions: noMentions(),
	}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	} else {
		data.Embeds, data.Components = nonNilEmbeds(msg.embeds), nonNilComponents(msg.components)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := b.session.InteractionRespond(in, &discordgo.InteractionResponse{Type: typ, Data: data}, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Error("answer button press", "err", err)
	}
}

// remembered keeps values for the buttons of recent replies under random
// IDs, each for ttl and at most max of them, forgetting the oldest first.
type remembered[T any] struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	now   func() time.Time
	items map[string]rememberedItem[T]
	order []string // IDs, oldest first
}

type rememberedItem[T any] struct {
	v  T
	at time.Time
}

func newRemembered[T any](ttl time.Duration, max int, now func() time.Time) *remembered[T] {
	return &remembered[T]{ttl: ttl, max: max, now: now, items: make(map[string]rememberedItem[T])}
}

// put remembers v and returns its new ID.
func (r *remembered[T]) put(v T) string {
	var raw [8]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	id := hex.EncodeToString(raw[:])
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	for len(r.order) > 0 {
		oldest := r.items[r.order[0]]
		if len(r.items) < r.max && now.Sub(oldest.at) <= r.ttl {
			break
		}
		delete(r.items, r.order[0])
		r.order = r.order[1:]
	}
	r.items[id] = rememberedItem[T]{v: v, at: now}
	r.order = append(r.order, id)
	return id
}

// get returns the value remembered under id, if it has not expired.
func (r *remembered[T]) get(id string) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	it, ok := r.items[id]
	if !ok || r.now().Sub(it.at) > r.ttl {
		var zero T
		return zero, false
	}
	return it.v, true
}

// errNoFeedback means the bot keeps no feedback.
var errNoFeedback = kindly("Feedback isn't kept on this bot.")

var feedbackCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "feedback",
		Description: "Admins: the latest verdicts members gave on answers",
	},
	admin:     true,
	ephemeral: true,
	run:       runFeedback,
}

// feedbackShown is how many verdicts /feedback lists.
const feedbackShown = 10

func runFeedback(ctx context.Context, r *request) (string, error) {
	store := r.b.deps.Feedback
	if store == nil {
		return "", errNoFeedback
	}
	list, err := store.List(ctx, time.Time{}, feedbackShown)
	if err != nil {
		return "", fmt.Errorf("list feedback: %w", err)
	}
	if len(list) == 0 {
		return "No one has rated an answer yet.", nil
	}
	lines := []string{fmt.Sprintf("**The latest %d verdicts** (newest first; `newsbot feedback` lists them all)", len(list))}
	for _, e := range list {
		verdict := "👍 helpful"
		if e.Verdict == feedback.Wrong {
			verdict = "👎 wrong or unsupported"
		}
		lines = append(lines, fmt.Sprintf("• %s, %s — “%s” (%s, %d citations)", verdict,
			e.VotedAt.UTC().Format("2006-01-02 15:04 UTC"), shorten(oneLine(clean(e.Question)), 150), e.Mode, len(e.Citations)))
	}
	return strings.Join(lines, "\n"), nil
}

var _ Feedback = (*feedback.Store)(nil)
