package discord

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"newsbot/bot"
)

// Discord's limits on embeds, in characters.
const (
	MaxEmbedTitle = 256  // an embed's title
	MaxEmbedTotal = 6000 // all the embeds of one message together
)

// Bounds on what a source entry shows.
const (
	// maxSourceQuote bounds a quoted sentence in the sources embed; a
	// longer one is cut at a word and ends with "…".
	maxSourceQuote = 300
	// maxSourceTitle bounds an article's title or source name.
	maxSourceTitle = 150
	// maxSourceURL is the longest link a title is masked over; an article
	// with a longer one is named without a link.
	maxSourceURL = 512
	// maxContentQuote bounds a sentence an extract quotes in the content.
	maxContentQuote = 400
)

// The labels members read above an answer that is not a model's summary.
const (
	extractLabel = "From the articles, no summary:"
	sourcesTitle = "Sources"
	closestTitle = "Closest sentences in the articles"
)

// response is what a command shows: text split over as many messages as it
// needs, then the embeds, one per message (the first with the last part of
// the text), and the buttons under the last message.
type response struct {
	text    string
	embeds  []*discordgo.MessageEmbed
	buttons []discordgo.MessageComponent
}

// message is one message of a response.
type message struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
}

// textResponse is a response of text alone.
func textResponse(text string) response { return response{text: text} }

// messages lays the response out as messages Discord accepts: content of
// at most MaxContent characters (see Split), with links wrapped and masked
// links shown as text (forDiscord), and one embed in each.
func (resp response) messages() []message {
	var out []message
	for _, part := range Split(forDiscord(resp.text), MaxContent) {
		out = append(out, message{content: part})
	}
	for i, e := range resp.embeds {
		if i == 0 && len(out) > 0 {
			out[len(out)-1].embeds = []*discordgo.MessageEmbed{e}
			continue
		}
		out = append(out, message{embeds: []*discordgo.MessageEmbed{e}})
	}
	if len(out) == 0 {
		out = append(out, message{content: "(nothing to show)"})
	}
	out[len(out)-1].components = resp.buttons
	return out
}

// answerResponse renders an answer for Discord: its text, citation markers
// inline, as the content, and its sources in embeds (sourceEmbeds). An
// extract quotes its sentences once, in the content, under a label about
// the answer; its sources then name the articles without quoting again.
func answerResponse(a bot.Answer) response {
	text := strings.TrimSpace(clean(a.Text))
	quoted := false
	if a.Mode == bot.ModeExtractive && len(a.Citations) > 0 {
		lines := []string{extractLabel}
		for _, c := range a.Citations {
			lines = append(lines, fmt.Sprintf("“%s” [%d]", shorten(oneLine(clean(c.Text)), maxContentQuote), c.Marker))
		}
		text, quoted = strings.Join(lines, "\n"), true
	}
	title := sourcesTitle
	if a.Mode == bot.ModeNoAnswer {
		title = closestTitle
	}
	return response{text: text, embeds: sourceEmbeds(title, a.Citations, !quoted)}
}

// sourceEmbeds lists citations in embeds, one entry a line: the marker, the
// quoted sentence when withQuotes (shortened when long), and the article's
// title as a link to it, with its source and date. Entries fill an embed's
// description up to MaxEmbedDescription and then start another, so no
// citation is dropped; every entry fits one embed.
func sourceEmbeds(title string, citations []bot.Citation, withQuotes bool) []*discordgo.MessageEmbed {
	var embeds []*discordgo.MessageEmbed
	var desc strings.Builder
	flush := func() {
		if desc.Len() == 0 {
			return
		}
		t := title
		if len(embeds) > 0 {
			t += " (continued)"
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: t, Description: desc.String()})
		desc.Reset()
	}
	for _, c := range citations {
		entry := sourceEntry(c, withQuotes)
		if desc.Len() > 0 && utf8.RuneCountInString(desc.String())+1+utf8.RuneCountInString(entry) > MaxEmbedDescription {
			flush()
		}
		if desc.Len() > 0 {
			desc.WriteString("\n")
		}
		desc.WriteString(entry)
	}
	flush()
	return embeds
}

// sourceEntry is one citation as the sources embed lists it:
//
//	**[1]** “sentence” — [Title](https://…) · Source · 2025-04-23
//
// Article text is escaped, so it shows as written: it can't format the
// entry, mask a link or display as a mention.
func sourceEntry(c bot.Citation, withQuote bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**[%d]** ", c.Marker)
	if withQuote {
		fmt.Fprintf(&b, "“%s” — ", escapeMarkdown(shorten(oneLine(clean(c.Text)), maxSourceQuote)))
	}
	title := escapeMarkdown(shorten(oneLine(clean(c.Title)), maxSourceTitle))
	if title == "" {
		title = "Untitled"
	}
	if u, ok := linkTarget(c.URL); ok {
		fmt.Fprintf(&b, "[%s](%s)", title, u)
	} else {
		fmt.Fprintf(&b, "**%s**", title)
	}
	if s := escapeMarkdown(shorten(oneLine(clean(c.Source)), maxSourceTitle)); s != "" {
		b.WriteString(" · " + s)
	}
	if !c.Published.IsZero() {
		b.WriteString(" · " + c.Published.UTC().Format(time.DateOnly))
	}
	return b.String()
}

// linkTarget returns a URL as a masked link's target: an http(s) URL with
// a host, its parentheses and spaces escaped so it ends where it should,
// and not too long. ok is false for anything else.
func linkTarget(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	s := u.String()
	s = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(s)
	if utf8.RuneCountInString(s) > maxSourceURL || strings.ContainsFunc(s, unicode.IsSpace) {
		return "", false
	}
	return s, true
}

// markdownEscaper escapes the characters Discord's markdown gives a meaning
// to, and < so that <@id> and <#id> show as text rather than mentions.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, `#`, `\#`, `@`, "@\u200b",
)

// escapeMarkdown returns s shown as plain text in Discord's markdown;
// "@everyone" keeps its look but can't act as a mention.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// clean drops control characters other than line breaks and tabs, and the
// bidirectional controls that reorder text on screen.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Bidi_Control, r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			return -1
		}
		return r
	}, s)
}

// shorten returns s when it has at most n characters, and otherwise its
// beginning, cut at a word where one ends in its second half, followed by
// "…", in at most n characters.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	head := string(runes[:n-1])
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= 0 && !unicode.IsSpace(runes[n-1]) && utf8.RuneCountInString(head[:i]) >= n/2 {
		head = head[:i]
	}
	return strings.TrimRightFunc(head, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r) }) + "…"
}
