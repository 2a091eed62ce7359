package parse

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestLinesStreams(t *testing.T) {
	defer func(old int64) { MaxFileSize = old }(MaxFileSize)
	MaxFileSize = 200
	long := `{"title": "long", "body": "` + strings.Repeat("x", 300) + `"}`
	input := "\uFEFF" + `{"title": "A", "body": "A."}` + "\n" + long + "\n\n" + `{"title": "C", "body": "C."}` // no final newline
	var got []string
	for rec, err := range Lines(strings.NewReader(input)) {
		var lineErr *LineError
		switch {
		case errors.As(err, &lineErr):
			got = append(got, fmt.Sprintf("reject %d %v", lineErr.Line, errors.Is(err, ErrTooLarge)))
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		default:
			got = append(got, fmt.Sprintf("%d %s %s", rec.Line, rec.Article.Title, rec.Article.Source))
		}
	}
	want := []string{"1 A ", "reject 2 true", "4 C "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLinesStopsEarly(t *testing.T) {
	n := 0
	for range Lines(strings.NewReader(jsonLines(5, 0, ""))) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("got %d, want 2", n)
	}
}

type failingReader struct{ data io.Reader }

func (r failingReader) Read(p []byte) (int, error) {
	n, err := r.data.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestLinesErrors(t *testing.T) {
	tests := []struct {
		name    string
		r       io.Reader
		wantErr string
		records int
	}{
		{"Empty", strings.NewReader(""), "empty file", 0},
		{"Blank", strings.NewReader("\n \n\t\n"), "empty file", 0},
		{"ReadFails", failingReader{strings.NewReader(jsonLines(3, 0, ""))}, "read line 4: disk on fire", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			records := 0
			var last error
			for _, err := range Lines(tt.r) {
				if err != nil {
					last = err
					continue
				}
				records++
			}
			if last == nil || !strings.Contains(last.Error(), tt.wantErr) || records != tt.records {
				t.Errorf("got %d records, error %v; want %d, %q", records, last, tt.records, tt.wantErr)
			}
		})
	}
}

// TestDetectJSONLines tells JSON Lines, which are read line by line, from
// the other formats.
func TestDetectJSONLines(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"Extension", "a.jsonl", "anything", true},
		{"NDJSON", "a.NDJSON", "{}", true},
		{"Sniffed", "export", "{\"a\":1}\n{\"a\":2}\n", true},
		{"JSONObject", "a.json", "{\n  \"title\": \"x\"\n}\n", false},
		{"JSONLinesNamedJSON", "a.json", "{\"a\":1}\n{\"a\":2", true},
		{"Text", "a.txt", "{\"a\":1}\n{\"a\":2}\n", false},
		{"Array", "a", "[{\"a\":1}]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Detect(tt.file, []byte(tt.head))
			if got := err == nil && f == JSONLines; got != tt.want {
				t.Errorf("Detect(%q, %q) = %v, %v; want JSON Lines %v", tt.file, tt.head, f, err, tt.want)
			}
		})
	}
}
