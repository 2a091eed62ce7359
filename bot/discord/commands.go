package discord

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"

	"newsbot/knowledge"
	"newsbot/knowledge/feeds"
	"newsbot/knowledge/load"
)

// slashCommand is one slash command: its definition as registered with
// Discord, next to its handler.
type slashCommand struct {
	def *discordgo.ApplicationCommand
	// admin commands are hidden from members without Manage Server and
	// allowed only to the users in NEWSBOT_ADMIN_IDS.
	admin bool
	// ephemeral replies are visible only to the caller.
	ephemeral bool
	// asks commands call the model: they are rate-limited per user and wait
	// their turn among the answers in progress.
	asks bool
	// check, when set, refuses bad input before the command is acknowledged.
	check func(r *request) error
	// run does the work and returns the reply's text; the caller delivers
	// it. Commands whose reply has embeds or buttons set respond instead.
	run     func(ctx context.Context, r *request) (string, error)
	respond func(ctx context.Context, r *request) (response, error)
}

// do runs the command and returns its response.
func (c *slashCommand) do(ctx context.Context, r *request) (response, error) {
	if c.respond != nil {
		return c.respond(ctx, r)
	}
	text, err := c.run(ctx, r)
	return textResponse(text), err
}

// commandTable lists every slash command, in the order they are registered.
var commandTable = []*slashCommand{
	&askCommand,
	&searchCommand,
	&articlesCommand,
	&loadCommand,
	&removeCommand,
	&feedsCommand,
	&feedbackCommand,
	&helpCommand,
}

// definitions returns the commands to register; admin commands require
// Manage Server by default.
func definitions() []*discordgo.ApplicationCommand {
	manageServer := int64(discordgo.PermissionManageGuild)
	defs := make([]*discordgo.ApplicationCommand, 0, len(commandTable))
	for _, c := range commandTable {
		d := *c.def
		d.Type = discordgo.ChatApplicationCommand
		if c.admin {
			d.DefaultMemberPermissions = &manageServer
		}
		defs = append(defs, &d)
	}
	return defs
}

const optString = discordgo.ApplicationCommandOptionString

var askCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "ask",
		Description: "Ask about the news; the answer cites the articles' own sentences",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: optString, Name: "question", Description: "Your question", Required: true,
		}},
	},
	asks: true,
	check: func(r *request) error {
		return r.b.checkQuestion(stringOption(r.data.Options, "question"))
	},
	respond: runAsk,
}

// writingNote ends the progress edits of an answer being written.
const writingNote = "\n\n*…writing*"

func runAsk(ctx context.Context, r *request) (response, error) {
	question := stringOption(r.data.Options, "question")
	editor := newProgressEditor(r.b.cfg.ProgressInterval, func(text string) {
		content := preview(text, MaxContent-len(writingNote)) + writingNote
		if err := r.editOriginal(ctx, content); err != nil && ctx.Err() == nil {
			r.b.log.Warn("show answer progress", "err", err)
		}
	})
	defer editor.stop() // also when the answer panics
	resp, err := r.b.answer(ctx, asker{userID: r.userID, guildID: r.in.GuildID, channelID: r.in.ChannelID}, question, editor.update)
	editor.stop()
	if err != nil {
		return response{}, fmt.Errorf("answer %q: %w", question, err)
	}
	return resp, nil
}

var searchCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "search",
		Description: "Find the passages of loaded articles that match your words",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: optString, Name: "query", Description: "Words to look for", Required: true,
		}},
	},
	check: func(r *request) error {
		return r.b.checkQuestion(stringOption(r.data.Options, "query"))
	},
	respond: runSearch,
}

// searchPerPage is how many passages a page of /search shows, and
// maxPassageChars how much of each.
const (
	searchPerPage   = 3
	maxPassageChars = 300
)

func runSearch(ctx context.Context, r *request) (response, error) {
	return r.b.searchPage(ctx, stringOption(r.data.Options, "query"), 1, r.userID)
}

// searchPage returns a page of the passages matching query, one message
// long, with Previous and Next buttons that owner can press.
func (b *Bot) searchPage(ctx context.Context, query string, page int, owner string) (response, error) {
	passages, err := b.deps.Library.Search(ctx, query, knowledge.SearchOptions{Limit: page*searchPerPage + 1})
	if err != nil {
		return response{}, fmt.Errorf("search %q: %w", query, err)
	}
	if len(passages) == 0 {
		return textResponse(fmt.Sprintf("No loaded article matches “%s”.", shorten(oneLine(query), 200))), nil
	}
	first := (page - 1) * searchPerPage
	if first >= len(passages) {
		return textResponse(fmt.Sprintf("There is no page %d of passages matching “%s”.", page, shorten(oneLine(query), 200))), nil
	}
	more := len(passages) > page*searchPerPage
	shown := passages[first:min(len(passages), page*searchPerPage)]
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Passages matching “%s”**", shorten(oneLine(query), 200))
	if page > 1 || more {
		fmt.Fprintf(&sb, " (page %d)", page)
	}
	sb.WriteString("\n")
	for i, p := range shown {
		fmt.Fprintf(&sb, "\n**%d. %s**%s\n", first+i+1, shorten(oneLine(p.Article.Title), 150), articleMeta(p.Article))
		texts := make([]string, len(p.Sentences))
		for j, s := range p.Sentences {
			texts[j] = oneLine(s.Text)
		}
		fmt.Fprintf(&sb, "> %s\n", shorten(strings.Join(texts, " "), maxPassageChars))
	}
	return response{
		text:    truncate(forDiscord(sb.String()), MaxContent),
		buttons: b.pageButtons(pager{owner: owner, command: "search", query: query}, page, more),
	}, nil
}

var articlesCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "articles",
		Description: "List the loaded articles, most recent first",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionInteger, Name: "page", Description: "Page number (10 per page)",
			MinValue: ptr(1.0),
		}},
	},
	respond: runArticles,
}

// articlesPerPage is how many articles one page of /articles lists.
const articlesPerPage = 10

func runArticles(ctx context.Context, r *request) (response, error) {
	return r.b.articlesPage(ctx, max(intOption(r.data.Options, "page", 1), 1), r.userID)
}

// articlesPage returns a page of the loaded articles, one message long,
// with Previous and Next buttons that owner can press.
func (b *Bot) articlesPage(ctx context.Context, page int, owner string) (response, error) {
	list, err := b.deps.Library.Articles(ctx, knowledge.ListOptions{Limit: articlesPerPage + 1, Offset: (page - 1) * articlesPerPage})
	if err != nil {
		return response{}, fmt.Errorf("list articles page %d: %w", page, err)
	}
	if len(list) == 0 {
		if page == 1 {
			return textResponse("No articles are loaded yet. Admins can add some with /load."), nil
		}
		return textResponse(fmt.Sprintf("There is no page %d; /articles starts at page 1.", page)), nil
	}
	more := len(list) > articlesPerPage
	list = list[:min(len(list), articlesPerPage)]
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Loaded articles, page %d** (most recent first)\n", page)
	for _, a := range list {
		fmt.Fprintf(&sb, "%s **%s**%s\n", code(a.ID), shorten(oneLine(a.Title), 120), articleMeta(a))
	}
	return response{
		text:    truncate(forDiscord(sb.String()), MaxContent),
		buttons: b.pageButtons(pager{owner: owner, command: "articles"}, page, more),
	}, nil
}

var loadCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "load",
		Description: "Admins: load articles from a web page or an attached file",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: optString, Name: "url", Description: "A web page to fetch"},
			{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A file: text, Markdown, JSON, JSON Lines or HTML"},
		},
	},
	admin:     true,
	ephemeral: true,
	run:       runLoad,
}

func runLoad(ctx context.Context, r *request) (string, error) {
	loader := r.b.deps.Loader
	if loader == nil {
		return "", kindly("Loading articles isn't set up on this bot.")
	}
	u := strings.TrimSpace(stringOption(r.data.Options, "url"))
	fileID := stringOption(r.data.Options, "file")
	var report load.Report
	var err error
	switch {
	case u != "" && fileID != "":
		return "", kindly("Give either a url or a file, not both.")
	case u != "":
		if !isWebURL(u) {
			return "", kindly("The url must be a web address starting with http:// or https://.")
		}
		report, err = loader.Load(ctx, []string{u})
		if err != nil {
			return "", &userError{msg: "I couldn't load " + WrapLinks(u) + ": " + shortReason(err), err: err}
		}
	case fileID != "":
		report, err = r.loadAttachment(ctx, loader, fileID)
		if err != nil {
			return "", err
		}
	default:
		return "", kindly("Give a url to fetch, or attach a file.")
	}
	return formatReport(report), nil
}

// loadAttachment fetches an attached file from Discord and loads it.
func (r *request) loadAttachment(ctx context.Context, loader Loader, id string) (load.Report, error) {
	var att *discordgo.MessageAttachment
	if r.data.Resolved != nil {
		att = r.data.Resolved.Attachments[id]
	}
	if att == nil || att.URL == "" {
		return load.Report{}, kindly("I couldn't find the attached file; please attach it again.")
	}
	limit := r.b.cfg.MaxAttachmentBytes
	if int64(att.Size) > limit {
		return load.Report{}, kindly("%s is %s; the limit is %s.", oneLine(att.Filename), byteSize(int64(att.Size)), byteSize(limit))
	}
	data, err := r.b.attachments.fetch(ctx, att.URL)
	if errors.Is(err, errTooLarge) {
		return load.Report{}, &userError{msg: fmt.Sprintf("%s is larger than the limit of %s.", oneLine(att.Filename), byteSize(limit)), err: err}
	}
	if err != nil {
		return load.Report{}, fmt.Errorf("load attachment %s: %w", att.Filename, err)
	}
	report, err := loader.LoadBytes(ctx, att.Filename, data)
	if err != nil {
		return load.Report{}, &userError{msg: "I couldn't load " + oneLine(att.Filename) + ": " + shortReason(err), err: err}
	}
	return report, nil
}

// formatReport says what a load did, one line per article.
func formatReport(rep load.Report) string {
	var lines []string
	for _, res := range rep.Results {
		switch res.Status {
		case load.StatusRejected:
			lines = append(lines, fmt.Sprintf("• rejected %s: %s", oneLine(WrapLinks(res.Origin)), oneLine(res.Reason)))
		default:
			lines = append(lines, fmt.Sprintf("• %s %s “%s”", res.Status, code(res.ArticleID), oneLine(res.Title)))
		}
	}
	if len(lines) == 0 {
		return "No articles found there."
	}
	loaded, updated, unchanged, rejected := rep.Counts()
	head := fmt.Sprintf("**Loaded %d, updated %d, unchanged %d, duplicates %d, rejected %d.**",
		loaded, updated, unchanged, rep.Count(load.StatusDuplicate), rejected)
	return head + "\n" + strings.Join(lines, "\n")
}

var removeCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "remove",
		Description: "Admins: remove an article by its ID",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: optString, Name: "id", Description: "The article's ID, as /articles shows it", Required: true,
		}},
	},
	admin:     true,
	ephemeral: true,
	run:       runRemove,
}

func runRemove(ctx context.Context, r *request) (string, error) {
	id := strings.TrimSpace(stringOption(r.data.Options, "id"))
	err := r.b.deps.Library.Remove(ctx, id)
	if errors.Is(err, knowledge.ErrNotFound) {
		return fmt.Sprintf("No article has ID %s; /articles lists them.", code(id)), nil
	}
	if err != nil {
		return "", fmt.Errorf("remove %q: %w", id, err)
	}
	return fmt.Sprintf("Removed article %s.", code(id)), nil
}

var feedsCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "feeds",
		Description: "Admins: the RSS, Atom and JSON feeds the bot follows",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Follow a feed",
				Options: []*discordgo.ApplicationCommandOption{{Type: optString, Name: "url", Description: "The feed's URL", Required: true}}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List the followed feeds"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Stop following a feed",
				Options: []*discordgo.ApplicationCommandOption{{Type: optString, Name: "url", Description: "The feed's URL", Required: true}}},
		},
	},
	admin:     true,
	ephemeral: true,
	run:       runFeeds,
}

func runFeeds(ctx context.Context, r *request) (string, error) {
	followed := r.b.deps.Feeds
	if followed == nil {
		return "", kindly("Following feeds isn't set up on this bot.")
	}
	if len(r.data.Options) != 1 || r.data.Options[0] == nil || r.data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "", kindly("Use /feeds add, /feeds list or /feeds remove.")
	}
	sub := r.data.Options[0]
	u := strings.TrimSpace(stringOption(sub.Options, "url"))
	switch sub.Name {
	case "add":
		f, err := followed.Add(ctx, u)
		if err != nil {
			return "", &userError{msg: "I couldn't follow " + WrapLinks(u) + ": " + shortReason(err), err: err}
		}
		title := ""
		if f.Title != "" {
			title = " (" + oneLine(f.Title) + ")"
		}
		return "Following " + WrapLinks(f.URL) + title + ". New articles from it are loaded at each poll.", nil
	case "list":
		list, err := followed.List(ctx)
		if err != nil {
			return "", fmt.Errorf("list feeds: %w", err)
		}
		if len(list) == 0 {
			return "No feeds are followed yet. Add one with /feeds add.", nil
		}
		lines := []string{fmt.Sprintf("**Following %d feeds**", len(list))}
		for _, f := range list {
			lines = append(lines, "• "+feedLine(f))
		}
		return strings.Join(lines, "\n"), nil
	case "remove":
		err := followed.Remove(ctx, u)
		if errors.Is(err, knowledge.ErrNotFound) {
			return "I don't follow " + WrapLinks(u) + "; /feeds list shows the feeds I follow.", nil
		}
		if err != nil {
			return "", fmt.Errorf("remove feed %q: %w", u, err)
		}
		return "Stopped following " + WrapLinks(u) + ".", nil
	default:
		return "", kindly("Use /feeds add, /feeds list or /feeds remove.")
	}
}

// feedLine describes one feed: its link, title, last poll and failures.
func feedLine(f feeds.Feed) string {
	s := WrapLinks(f.URL)
	if f.Title != "" {
		s += " — " + oneLine(f.Title)
	}
	if f.LastPolled.IsZero() {
		s += " — not polled yet"
	} else {
		s += " — polled " + f.LastPolled.UTC().Format("2006-01-02 15:04 UTC")
	}
	if f.Failures > 0 {
		s += fmt.Sprintf(" — failing (%d in a row): %s", f.Failures, oneLine(f.LastError))
	}
	return s
}

var helpCommand = slashCommand{
	def: &discordgo.ApplicationCommand{
		Name:        "help",
		Description: "What this bot does and how to ask it",
	},
	ephemeral: true,
	run: func(ctx context.Context, r *request) (string, error) {
		text := helpText
		if r.b.deps.Feedback != nil {
			text += feedbackHelp
		}
		if q := r.b.exampleQuestion(ctx); q != "" {
			text += "\n\nTry: **/ask** " + q
		}
		return text, nil
	},
}

// helpText is what /help says.
const helpText = `**newsbot** answers questions about the news from the articles loaded into it, and cites the exact sentences it relies on.

• **/ask** ` + "`question`" + ` — ask anything about the news. Follow-up questions remember your last few exchanges in this channel.
• **Direct message** me, or **mention** me in a channel, to ask the same way.
• **/search** ` + "`query`" + ` — the passages that match your words, with their articles.
• **/articles** — what is loaded, most recent first.
• Admins: **/load** a web page or a file, **/remove** an article, **/feeds** to follow news feeds.

Each claim in an answer carries a marker like [1]; the sources under the answer quote the sentence it stands on and link its article. When the loaded articles don't answer a question, I say so.`

// feedbackHelp is what /help adds when the bot keeps feedback.
const feedbackHelp = "\n\nUnder each answer, **Helpful** and **Wrong or unsupported** tell the bot's operator how it did; wrong answers become tests for future ones."

// stringOption returns a string option's value, or "" when it is absent or
// of another type.
func stringOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o != nil && o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// intOption returns an integer option's value, or def when it is absent or
// not a whole number.
func intOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string, def int) int {
	for _, o := range opts {
		if o != nil && o.Name == name {
			if f, ok := o.Value.(float64); ok && f == float64(int(f)) && f >= -1e9 && f <= 1e9 {
				return int(f)
			}
		}
	}
	return def
}

// articleMeta describes an article after its title: source, date and link.
func articleMeta(a knowledge.Article) string {
	var parts []string
	if a.Source != "" {
		parts = append(parts, oneLine(a.Source))
	}
	if !a.Published.IsZero() {
		parts = append(parts, a.Published.UTC().Format("2006-01-02"))
	}
	s := ""
	if len(parts) > 0 {
		s = " — " + strings.Join(parts, ", ")
	}
	if a.URL != "" {
		s += " " + WrapLinks(a.URL)
	}
	return s
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// oneLine folds whitespace, newlines included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// code shows an ID as inline code.
func code(s string) string {
	return "`" + strings.ReplaceAll(oneLine(s), "`", "'") + "`"
}

// shortReason is an error's message cut to a sentence's length.
func shortReason(err error) string {
	msg := oneLine(err.Error())
	if len([]rune(msg)) > 300 {
		msg = string([]rune(msg)[:300]) + "…"
	}
	return msg
}

// byteSize writes a size in bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

func ptr[T any](v T) *T { return &v }
