package parse

import (
	"reflect"
	"strings"
	"testing"
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
			wantBody:  "The storm arrived.\n\nDamage\n\nRoofs were torn off.",
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
			name:      "UnclosedFrontMatterIsARule",
			md:        "---\nThe storm arrived overnight.",
			wantTitle: "The storm arrived overnight.",
			wantBody:  "The storm arrived overnight.",
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
			a, err := markdownArticle(tt.md, "src.md")
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.wantTitle || !reflect.DeepEqual(a.KeyPoints, tt.wantPoints) || a.Body != tt.wantBody {
				t.Errorf("got title %q points %q body %q\nwant title %q points %q body %q",
					a.Title, a.KeyPoints, a.Body, tt.wantTitle, tt.wantPoints, tt.wantBody)
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
