package parse

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"newsbot/knowledge"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestFileText(t *testing.T) {
	res, err := File("dir/harbour-bridge-2025-03-14.txt", readTestdata(t, "harbour-bridge-2025-03-14.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Articles) != 1 || len(res.Rejected) != 0 {
		t.Fatalf("got %d articles, %d rejected; want 1, 0", len(res.Articles), len(res.Rejected))
	}
	a := res.Articles[0].Article
	want := knowledge.Article{
		Title:  "Harbour bridge reopens after three-year repair",
		Source: "", // a file name is not a source
		KeyPoints: []string{
			"The Eastgate harbour bridge reopened to traffic on Friday after a $1.2 billion repair.",
			"Mayor Ana Ruiz said tolls will stay at 2.50 dollars until Jan. 1.",
		},
		Published: time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC),
	}
	if a.Title != want.Title || a.Source != want.Source || !a.Published.Equal(want.Published) || !reflect.DeepEqual(a.KeyPoints, want.KeyPoints) {
		t.Errorf("got %+v\nwant %+v", a, want)
	}
	if !strings.HasPrefix(a.Body, "The Eastgate harbour bridge reopened on Friday morning") || !strings.HasSuffix(a.Body, `she said.`) {
		t.Errorf("body = %q", a.Body)
	}
	if !strings.Contains(a.Body, "ribbon at 7 a.m. as the first buses crossed.\n\nThe repair cost") {
		t.Errorf("body lost its paragraph break: %q", a.Body)
	}
	if a.ID != "" || a.URL != "" {
		t.Errorf("ID %q, URL %q: want both empty", a.ID, a.URL)
	}
}

func TestFileMarkdown(t *testing.T) {
	res, err := File("budget.md", readTestdata(t, "budget.md"))
	if err != nil {
		t.Fatal(err)
	}
	a := res.Articles[0].Article
	if a.Title != "Council passes budget" || a.Source != "Example Gazette" || a.URL != "https://news.example.org/2025/05/02/council-passes-budget" {
		t.Errorf("front matter: got title %q, source %q, url %q", a.Title, a.Source, a.URL)
	}
	if !a.Published.Equal(time.Date(2025, 5, 2, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("published = %v", a.Published)
	}
	wantPoints := []string{"The council approved a $40 million budget.", "Libraries get more money."}
	if !reflect.DeepEqual(a.KeyPoints, wantPoints) {
		t.Errorf("key points = %q, want %q", a.KeyPoints, wantPoints)
	}
	wantBody := "The budget adds two new bus routes and a library branch. See the full plan at https://example.org/plan.\n\n" +
		"Table 1: spending by department\n\n" +
		"\"This is a good day,\" said Councillor Amy Chen.\n\n" +
		"- Parks get 5% more.\n- Roads get 3% more."
	if a.Body != wantBody {
		t.Errorf("body\n got %q\nwant %q", a.Body, wantBody)
	}
}

func TestFileSniffed(t *testing.T) {
	res, err := File("weather", readTestdata(t, "weather"))
	if err != nil {
		t.Fatal(err)
	}
	if a := res.Articles[0].Article; a.Title != "Short note about the weather" || !strings.HasPrefix(a.Body, "Rain is expected") {
		t.Errorf("got %+v", a)
	}
	res, err = File("page", readTestdata(t, "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	if a := res.Articles[0].Article; a.Title != "Kellogg to lead US delegation in London" {
		t.Errorf("sniffed HTML: title %q", a.Title)
	}
}

func TestFileHTML(t *testing.T) {
	res, err := File("saved/kellogg.html", readTestdata(t, "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	a := res.Articles[0].Article
	if a.Title != "Kellogg to lead US delegation in London" || a.Source != "Example News" || a.URL != "" {
		t.Errorf("got title %q, source %q, url %q", a.Title, a.Source, a.URL)
	}
	if !a.Published.Equal(time.Date(2025, 4, 23, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("published = %v", a.Published)
	}
	if !strings.Contains(a.Body, "General Keith Kellogg will represent the US at the discussions") {
		t.Errorf("body misses the article text: %q", a.Body)
	}
	for _, clutter := range []string{"premium subscription", "Most read", "All rights reserved", "font-family"} {
		if strings.Contains(a.Body, clutter) {
			t.Errorf("body keeps page clutter %q", clutter)
		}
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    string
		wantErr error
		wantMsg string
	}{
		{"Empty", "a.txt", "", ErrEmpty, "empty file"},
		{"OnlyWhitespace", "a.md", " \n\t\n", ErrEmpty, "only whitespace"},
		{"EmptyJSONL", "a.jsonl", "\n\n", ErrEmpty, "empty file"},
		{"Binary", "a.txt", "title\nbody\x00\x01\x02", ErrBinary, "NUL byte at offset 10"},
		{"ControlBytes", "a", strings.Repeat("\x01\x02\x03 text", 50), ErrBinary, "control bytes"},
		{"InvalidUTF8", "a.txt", "Title\nBody \xff here", ErrInvalidUTF8, "at byte 11 (line 2)"},
		{"UTF16", "a.txt", "\xff\xfeT\x00i\x00", ErrInvalidUTF8, "UTF-16"},
		{"PDF", "report.pdf", "%PDF-1.7 stuff", ErrUnknownFormat, ".pdf"},
		{"Feed", "feed", `<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>`, ErrFeed, "feeds add"},
		{"AtomFeed", "news.xml", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`, ErrFeed, "feeds add"},
		{"JSONFeed", "feed.json", `{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": []}`, ErrFeed, "feeds add"},
		{"NULInMarkdown", "a.md", "# T\n\nBody\x00 here.", ErrBinary, "NUL byte"},
		{"NULLateInText", "a.txt", "Title\n\n" + strings.Repeat("Body text here. ", 5000) + "\x00", ErrBinary, "NUL byte at offset 80007"},
		{"UnclosedFrontMatter", "a.md", "---\ntitle: Never closed\nk: v\n\nBody.", nil, "front matter opened with --- on line 1 is never closed"},
		{"JSONNoBody", "a.json", `{"title": "T", "body": "  "}`, ErrNoText, "no body or text"},
		{"JSONWrongType", "a.json", `{"title": 5, "body": "B."}`, nil, `field "title": got a JSON number, want string`},
		{"JSONKeyPointsType", "a.json", `{"key_points": "one", "body": "B."}`, nil, `field "key_points": got a JSON string, want an array of strings`},
		{"JSONMalformed", "a.json", "{\n\"title\": \"T\",\n\"body\": oops\n}", nil, "malformed JSON at line 3"},
		{"JSONScalar", "a.json", `"just a string"`, nil, "want an object or an array of objects"},
		{"JSONBadURL", "a.json", `{"url": "javascript:alert(1)", "body": "B."}`, nil, "want an http or https URL"},
		{"JSONArrayTruncated", "a.json", "[\n{\"body\": \"A.\"},\n{\"body\": ", nil, "malformed JSON"},
		{"JSONArrayEmpty", "a.json", "[]", ErrEmpty, "array is empty"},
		{"HTMLNoText", "a.html", "<html><head><title>T</title></head><body></body></html>", nil, "no article text"},
		{"HTMLBlank", "a.htm", " \n ", ErrEmpty, "only whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := File(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatalf("File(%q) = %+v, want error %q", tt.data, res, tt.wantMsg)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestFileTooLarge(t *testing.T) {
	defer func(old int64) { MaxFileSize = old }(MaxFileSize)
	MaxFileSize = 1 << 10
	_, err := File("big.txt", []byte(strings.Repeat("All work and no play. ", 100)))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "2.1 KiB, over the 1 KiB limit") {
		t.Errorf("err = %v, want ErrTooLarge with sizes", err)
	}
}

func TestFileJSON(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		want []Record
		// wantRejected maps a rejected line to part of its reason.
		wantRejected map[int]string
	}{
		{
			name: "Object",
			file: "one.json",
			data: `{"id": "abc-1", "title": "Talks", "url": "https://x.example/a", "source": "Wire", "published": "2025-04-23T10:00:00+02:00", "body": "Talks began.", "key_points": ["One.", "  ", "Two."], "extra": {"ignored": true}}`,
			want: []Record{{Article: knowledge.Article{ID: "abc-1", Title: "Talks", URL: "https://x.example/a", Source: "Wire", Published: time.Date(2025, 4, 23, 8, 0, 0, 0, time.UTC), Body: "Talks began.", KeyPoints: []string{"One.", "Two."}}}},
		},
		{
			name: "NullsTextAndNumberID",
			file: "dir/multi.json",
			data: `{"id": 42, "title": null, "url": null, "published": null, "text": "First sentence here. Second one.", "key_points": null}`,
			want: []Record{{Article: knowledge.Article{ID: "42", Title: "First sentence here.", Body: "First sentence here. Second one."}}},
		},
		{
			name: "TitleFromSlug",
			file: "a.json",
			data: `{"url": "https://news.example.com/world/2025/04/23/witkoff-heads-to-russia.html?ref=x", "published": "2025-04-23", "body": "Body."}`,
			want: []Record{{Article: knowledge.Article{Title: "Witkoff heads to russia", URL: "https://news.example.com/world/2025/04/23/witkoff-heads-to-russia.html?ref=x", Source: "news.example.com", Published: time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC), Body: "Body."}}},
		},
		{
			name: "TitleFromKeyPoint",
			file: "a.json",
			data: `{"key_points": ["Kellogg will represent the US at the London talks, which include officials from the U.K., France, and Germany advocating support."]}`,
			want: []Record{{Article: knowledge.Article{Title: "Kellogg will represent the US at the London talks, which include officials from the U.K., France…", KeyPoints: []string{"Kellogg will represent the US at the London talks, which include officials from the U.K., France, and Germany advocating support."}}}},
		},
		{
			name: "Array",
			file: "many.json",
			data: "[\n  {\"title\": \"A\", \"body\": \"A body.\"},\n  {\"title\": \"B\"},\n  7,\n  {\"title\": \"C\", \"body\": \"C body.\"}\n]\n",
			want: []Record{
				{Line: 2, Article: knowledge.Article{Title: "A", Body: "A body."}},
				{Line: 5, Article: knowledge.Article{Title: "C", Body: "C body."}},
			},
			wantRejected: map[int]string{3: "no body or text", 4: "want a JSON object"},
		},
		{
			name: "JSONLinesWithMalformedLine7",
			file: "feed.jsonl",
			data: jsonLines(8, 7, `{"title": "broken", "body": `),
			want: []Record{
				{Line: 1, Article: knowledge.Article{Title: "T1", Body: "Body 1."}},
				{Line: 2, Article: knowledge.Article{Title: "T2", Body: "Body 2."}},
				{Line: 3, Article: knowledge.Article{Title: "T3", Body: "Body 3."}},
				{Line: 4, Article: knowledge.Article{Title: "T4", Body: "Body 4."}},
				{Line: 5, Article: knowledge.Article{Title: "T5", Body: "Body 5."}},
				{Line: 6, Article: knowledge.Article{Title: "T6", Body: "Body 6."}},
				{Line: 8, Article: knowledge.Article{Title: "T8", Body: "Body 8."}},
			},
			wantRejected: map[int]string{7: "malformed JSON"},
		},
		{
			name: "JSONLinesInJSONFile",
			file: "a.json",
			data: "{\"title\": \"A\", \"body\": \"A.\"}\n{\"title\": \"B\", \"body\": \"B.\", \"published\": \"soon\"}\n\n{\"title\": \"C\", \"body\": \"C.\"}\n",
			want: []Record{
				{Line: 1, Article: knowledge.Article{Title: "A", Body: "A."}},
				{Line: 2, Article: knowledge.Article{Title: "B", Body: "B."}, Notes: []string{`field "published": date "soon": want a date such as 2026-03-03, March 3, 2026 or 3 March 2026; loaded without a date`}},
				{Line: 4, Article: knowledge.Article{Title: "C", Body: "C."}},
			},
		},
		{
			name: "JSONLinesSniffed",
			file: "export",
			data: "{\"title\": \"A\", \"body\": \"A.\"}\r\n{\"title\": \"B\", \"body\": \"B \xc3\"}\n[1]\n",
			want: []Record{
				{Line: 1, Article: knowledge.Article{Title: "A", Body: "A."}},
			},
			wantRejected: map[int]string{2: "invalid UTF-8 at byte 26 of the line", 3: "want an object on each line"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := File(tt.file, []byte(tt.data))
			if err != nil {
				t.Fatalf("File: %v", err)
			}
			if !reflect.DeepEqual(res.Articles, tt.want) {
				t.Errorf("articles\n got %+v\nwant %+v", res.Articles, tt.want)
			}
			if len(res.Rejected) != len(tt.wantRejected) {
				t.Fatalf("rejected %v, want lines %v", res.Rejected, tt.wantRejected)
			}
			for _, r := range res.Rejected {
				if !strings.Contains(r.Error(), tt.wantRejected[r.Line]) || tt.wantRejected[r.Line] == "" {
					t.Errorf("rejected %q, want line %d to say %q", r, r.Line, tt.wantRejected[r.Line])
				}
			}
		})
	}
}

// jsonLines returns n lines of articles T1..Tn, with line bad replaced.
func jsonLines(n, bad int, badLine string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i == bad {
			b.WriteString(badLine + "\n")
			continue
		}
		b.WriteString(`{"title": "T` + strconv.Itoa(i) + `", "body": "Body ` + strconv.Itoa(i) + `.", "unknown": [1, 2]}` + "\n")
	}
	return b.String()
}

func TestEveryArticleIsValid(t *testing.T) {
	for _, name := range []string{"harbour-bridge-2025-03-14.txt", "budget.md", "article.html", "weather"} {
		res, err := File(name, readTestdata(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkRecords(t, res)
	}
}

// checkRecords asserts what every article File returns must hold.
func checkRecords(t *testing.T, res Result) {
	t.Helper()
	for _, r := range res.Articles {
		a := r.Article
		if a.Title == "" {
			t.Errorf("line %d: empty title", r.Line)
		}
		if strings.TrimSpace(a.Body) == "" && len(a.KeyPoints) == 0 {
			t.Errorf("line %d: no body or key points", r.Line)
		}
		fields := append([]string{a.ID, a.Title, a.URL, a.Source, a.Author, a.Body}, a.KeyPoints...)
		for _, f := range fields {
			if !utf8.ValidString(f) {
				t.Errorf("line %d: invalid UTF-8 in %q", r.Line, f)
			}
			if strings.ContainsFunc(f, knowledge.Invisible) {
				t.Errorf("line %d: bidirectional control or zero-width character in %q", r.Line, f)
			}
			if strings.ContainsFunc(f, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
				t.Errorf("line %d: control character in %q", r.Line, f)
			}
		}
		for _, p := range a.KeyPoints {
			if strings.TrimSpace(p) == "" {
				t.Errorf("line %d: empty key point", r.Line)
			}
		}
		if isIPAddress(a.Source) || strings.HasPrefix(a.Source, "a.") || a.Source == "noext" {
			t.Errorf("line %d: source %q is an IP address or the file's name", r.Line, a.Source)
		}
		if strings.ContainsAny(a.Title, "\n\t") {
			t.Errorf("line %d: title %q spans lines", r.Line, a.Title)
		}
	}
	for _, r := range res.Rejected {
		if r.Line < 1 || r.Err == nil {
			t.Errorf("rejection %#v has no line or reason", r)
		}
	}
}

func FuzzFile(f *testing.F) {
	names := []string{"a.txt", "a.md", "a.json", "a.jsonl", "a.html", "noext"}
	for i, name := range []string{"harbour-bridge-2025-03-14.txt", "budget.md", "article.html", "weather"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(2), []byte(`[{"title":"A","body":"B"},{"key_points":["x"]},{"url":"https://a.b/c-d-e"}]`))
	f.Add(uint8(3), []byte(jsonLines(8, 7, "{")))
	f.Add(uint8(5), []byte("{\"text\":\"a\"}\n{\"body\":\"\\u0000\\ud800\"}\n"))
	f.Add(uint8(1), []byte("---\nkey_points:\n  - a\n  - b\n---\n**x** _y_ [z](w) \\*"))
	f.Add(uint8(4), []byte(`<html><head><meta property="article:published_time" content="2025-01-02"></head><body><p>Hi.</p><time datetime="2020-01-01">x</time></body></html>`))
	f.Add(uint8(0), []byte("Storm hits coast\nBy Sam Okafor · 7 March 2026\nPublished 03/04/2026\n\nStorage\n\nThe storm arrived. It left."))
	f.Add(uint8(0), []byte("One line only, as a sentence."))
	f.Add(uint8(1), []byte("---\ntitle: Never closed\nk: v"))
	f.Add(uint8(1), []byte("---\nauthor: By Jane Rivera\npublished: Tuesday, 3rd March 2026 at 2:15 p.m.\n---\n## Heading\nText\u202e here."))
	f.Add(uint8(2), []byte(`{"title":"T","body":"B.","published":"March 3, 2026","author":[{"name":"A"},"B"],"publisher":{"name":"P"}}`))
	f.Add(uint8(3), []byte("{\"title\":\"A\",\"body\":\"x\"}\n{\"title\":\"\x00\"}\n"))
	f.Add(uint8(4), []byte(`<html><head><title>A headline here | Site Name</title></head><body><p>By Jane Rivera</p><p>Published March 6, 2026</p><h2>Sub</h2><p>Text.</p></body></html>`))
	f.Add(uint8(5), []byte(`<rss version="2.0"><channel></channel></rss>`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		res, err := File(names[int(which)%len(names)], data)
		if err != nil {
			if len(res.Articles) > 0 || len(res.Rejected) > 0 {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		checkRecords(t, res)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-03", "March 3, 2026", "3rd March 2026 14:05 GMT", "Tue, 3 Mar 2026", "03/04/2026",
		"25/03/2026 at 2:15 p.m.", "March 3, 2026 12:00 +05:30", "Mar. 31 2026", "2026/3/3", "İİİİ March 3, 2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil && !d.IsZero() {
			t.Fatalf("ParseDate(%q) = %v with error %v", s, d, err)
		}
		if err == nil && !d.IsZero() && d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v, not in UTC", s, d)
		}
	})
}

func FuzzPage(f *testing.F) {
	types := []string{"", "text/html; charset=utf-8", "text/plain", "text/markdown", "application/json", "application/x-ndjson", "application/octet-stream", "application/rss+xml", "image/png"}
	f.Add(uint8(0), []byte("Storm hits coast\n\nThe storm arrived."))
	f.Add(uint8(1), []byte(`<html><head><title>A | B</title></head><body><p>By X</p><p>Text here.</p></body></html>`))
	f.Add(uint8(4), []byte(`[{"title":"A","body":"B."},{"id":1,"text":"C."}]`))
	f.Add(uint8(5), []byte("{\"title\":\"A\",\"body\":\"B.\"}\n{\"title\":\"\x00\"}\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		res, err := Page("http://192.0.2.1/news/story.txt", types[int(which)%len(types)], data)
		if err != nil {
			if len(res.Articles) > 0 || len(res.Rejected) > 0 {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		checkRecords(t, res)
	})
}
