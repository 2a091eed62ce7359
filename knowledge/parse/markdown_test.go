package parse

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a **bold** and __strong__ word", "a bold and strong word"},
		{"an *emphasis* and _italic_ one", "an emphasis and italic one"},
		{"***both***, ~~gone~~", "both, gone"},
		{"snake_case_name and 2 * 3 * 4", "snake_case_name and 2 * 3 * 4"},
		{"a [link](https://x.example/a_(b)) here", "a link here"},
		{`a [titled](https://x.example "Title") link`, "a titled link"},
		{"a [ref][1] link", "a ref link"},
		{"see ![alt text](img.png) this", "see this"},
		{"go to <https://x.example/p>", "go to https://x.example/p"},
		{"run `go test` now", "run go test now"},
		{`escaped \*stars\* and \_under\_`, "escaped *stars* and _under_"},
		{"line<br>break <b>bold</b>", "linebreak bold"},
		{"**Note:** done", "Note: done"},
	}
	for _, tt := range tests {
		if got := inline(tt.in); got != tt.want {
			t.Errorf("inline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdownArticle(t *testing.T) {
	tests := []struct {
		name       string
		md         string
		wantTitle  string
		wantPoints []string
		wantBody   string
		wantAuthor string
		wantDate   time.Time
		wantNote   string // a part of the one note wanted
		wantErr    string // a part of the error wanted
	}{
		{
			name:      "HeadingTitleNoFrontMatter",
			md:        "# Storm hits coast\n\n- Winds reached 150 km/h.\n- Ferries stopped.\n\nThe storm arrived overnight.",
			wantTitle: "Storm hits coast", wantPoints: []string{"Winds reached 150 km/h.", "Ferries stopped."},
			wantBody: "The storm arrived overnight.",
		},
		{
			name:      "SetextTitle",
			md:        "Storm hits coast\n================\n\nThe storm arrived.\n\nDamage\n------\n\nRoofs were torn off.",
			wantTitle: "Storm hits coast",
			wantBody:  "The storm arrived.\n\nRoofs were torn off.",
		},
		{
			name:      "FrontMatterTitleAndBullets",
			md:        "---\ntitle: Storm\n---\n* Winds high.\n\nText here.",
			wantTitle: "Storm", wantPoints: []string{"Winds high."},
			wantBody: "Text here.",
		},
		{
			name:      "FrontMatterKeyPointsList",
			md:        "---\ntitle: 'Storm: what we know'\nkey_points:\n  - \"Winds high.\"\n  - Ferries stopped.\n---\nText here.",
			wantTitle: "Storm: what we know", wantPoints: []string{"Winds high.", "Ferries stopped."},
			wantBody: "Text here.",
		},
		{
			name:      "NoTitleDerived",
			md:        "The storm arrived overnight. It was strong.\n\n---\n\n[1]: https://x.example\nMore text.",
			wantTitle: "The storm arrived overnight.",
			wantBody:  "The storm arrived overnight. It was strong.\n\nMore text.",
		},
		{
			name:    "ErrUnclosedFrontMatter",
			md:      "---\ntitle: Never closed\nk: v\nk: v\n\nThe storm arrived overnight.",
			wantErr: "never closed",
		},
		{
			name:    "ErrUnclosedFrontMatterOneLine",
			md:      "---",
			wantErr: "never closed",
		},
		{
			name:      "HeadingsAreNotText",
			md:        "# Storm hits coast\n\nThe storm arrived.\n\n## Storage\n\nGrain stores flooded.\n\n### Power\nLines fell.",
			wantTitle: "Storm hits coast",
			wantBody:  "The storm arrived.\n\nGrain stores flooded.\n\nLines fell.",
		},
		{
			name:      "BylineAndDatelineGiveAuthorAndDate",
			md:        "# Storm hits coast\n\nBy Sam Okafor · 7 March 2026\n\nThe storm arrived overnight.",
			wantTitle: "Storm hits coast", wantBody: "The storm arrived overnight.",
			wantAuthor: "Sam Okafor", wantDate: time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC),
		},
		{
			name:      "FrontMatterAuthorAndWrittenDate",
			md:        "---\ntitle: Storm\nauthor: By Jane Rivera\npublished: March 3, 2026\n---\nPublished March 6, 2026\n\nText here.",
			wantTitle: "Storm", wantBody: "Text here.",
			wantAuthor: "Jane Rivera", wantDate: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
		},
		{
			name:      "AmbiguousDateIsANote",
			md:        "---\ntitle: Storm\npublished: 03/04/2026\n---\nText here.",
			wantTitle: "Storm", wantBody: "Text here.",
			wantNote: "03/04/2026",
		},
		{
			name:      "SentenceStartingWithByStays",
			md:        "# Storm\n\nBy the end of the night, the storm had passed.",
			wantTitle: "Storm", wantBody: "By the end of the night, the storm had passed.",
		},
		{
			name:      "CodeFenceKeptHeadingInside",
			md:        "# T\n\n```\n# not a heading\n**raw**\n```\nAfter.",
			wantTitle: "T",
			wantBody:  "# not a heading\n**raw**\n\nAfter.",
		},
		{
			name:      "TableAndQuote",
			md:        "# T\n\n| Team | Score |\n|------|------:|\n| Reds | 3 |\n\n> > Nested quote.",
			wantTitle: "T",
			wantBody:  "Team | Score\n\nReds | 3\n\nNested quote.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, notes, err := markdownArticle(tt.md)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q (title %q)", err, tt.wantErr, a.Title)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.wantTitle || !reflect.DeepEqual(a.KeyPoints, tt.wantPoints) || a.Body != tt.wantBody {
				t.Errorf("got title %q points %q body %q\nwant title %q points %q body %q",
					a.Title, a.KeyPoints, a.Body, tt.wantTitle, tt.wantPoints, tt.wantBody)
			}
			if a.Author != tt.wantAuthor || !a.Published.Equal(tt.wantDate) {
				t.Errorf("author %q, published %v; want %q, %v", a.Author, a.Published, tt.wantAuthor, tt.wantDate)
			}
			if tt.wantNote == "" && len(notes) > 0 || tt.wantNote != "" && (len(notes) != 1 || !strings.Contains(notes[0], tt.wantNote)) {
				t.Errorf("notes %q, want one about %q", notes, tt.wantNote)
			}
		})
	}
}

func TestTextArticle(t *testing.T) {
	long := strings.Repeat("This very long opening line goes on without a break. ", 8)
	tests := []struct {
		name, text, wantTitle, wantBody string
		wantPoints                      []string
	}{
		{"CRLFAndBOM", "\uFEFFTitle here\r\n- Point one.\r\n\r\n- Point two.\r\nBody text.\r\n", "Title here", "Body text.", []string{"Point one.", "Point two."}},
		{"LeadingBlankLines", "\n\n  Title  \nBody.", "Title", "Body.", nil},
		{"BulletsLaterStayInBody", "Title\nBody first.\n- a later bullet", "Title", "Body first.\n- a later bullet", nil},
		{"LongFirstLineIsBody", long, "This very long opening line goes on without a break.", strings.TrimSpace(long), nil},
		{"ControlCharacters", "Ti\x07tle\nBo\x1bdy\u00a0text.", "Title", "Body text.", nil},
		{"InvisibleCharacters", "Ti\u202etle\nBo\u200bdy \u2066text.", "Title", "Body text.", nil},
		{"ParagraphFirstLineIsBody", "The storm arrived overnight. Roofs were torn off. Ferries stopped.\nCrews worked until dawn.",
			"The storm arrived overnight.", "The storm arrived overnight. Roofs were torn off. Ferries stopped.\nCrews worked until dawn.", nil},
		{"SentenceFirstLineWithoutBlankIsBody", "The storm arrived overnight.\nCrews worked until dawn.",
			"The storm arrived overnight.", "The storm arrived overnight.\nCrews worked until dawn.", nil},
		{"SentenceFirstLineWithBlankIsTitle", "Storm arrives, crews respond.\n\nCrews worked until dawn.",
			"Storm arrives, crews respond.", "Crews worked until dawn.", nil},
		{"OneLineFile", "The council approved the budget on Monday.", "The council approved the budget on Monday.", "The council approved the budget on Monday.", nil},
		{"OneTitleLikeLine", "Storm hits coast\n", "Storm hits coast", "Storm hits coast", nil},
		{"BylineAndDateLineAreNotText", "Storm hits coast\nBy Jane Rivera\nPublished March 6, 2026\n\nThe storm arrived.", "Storm hits coast", "The storm arrived.", nil},
		{"HeadingInBody", "Storm hits coast\n\nThe storm arrived.\n\nStorage\n\nGrain stores flooded.", "Storm hits coast", "The storm arrived.\n\nGrain stores flooded.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := File("x.txt", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			a := res.Articles[0].Article
			if a.Title != tt.wantTitle || a.Body != tt.wantBody || !reflect.DeepEqual(a.KeyPoints, tt.wantPoints) {
				t.Errorf("got title %q points %q body %q\nwant title %q points %q body %q",
					a.Title, a.KeyPoints, a.Body, tt.wantTitle, tt.wantPoints, tt.wantBody)
			}
		})
	}
}
