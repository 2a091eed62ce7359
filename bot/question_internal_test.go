package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAnalyse(t *testing.T) {
	tests := []struct {
		question   string
		want       answerKind
		focus      string
		refersBack bool
	}{
		{"How many workers built the solar farm?", kindNumber, "workers", false},
		{"How much will it cost?", kindAmount, "", true},
		{"Who voted against the bridge repair?", kindPerson, "", false},
		{"When do the overnight buses start?", kindTime, "", false},
		{"Where was the farm built?", kindPlace, "", false},
		{"What year did voters approve the bond?", kindTime, "", false},
		{"What did the Riverton council approve?", kindNone, "", false},
		{"And when do they open?", kindTime, "", true},
		{"What did she say?", kindNone, "", true},
		{"Which team won the final?", kindName, "", false},
		{"What film did the studio release?", kindName, "", false},
		{"What kind of bridge was built?", kindNone, "", false},
	}
	for _, tt := range tests {
		q := analyse(tt.question)
		focus := ""
		if q.focus != nil {
			focus = q.focus.word
		}
		if q.want != tt.want || focus != tt.focus || q.refersBack != tt.refersBack {
			t.Errorf("analyse(%q) = kind %d, focus %q, refers back %v; want %d, %q, %v",
				tt.question, q.want, focus, q.refersBack, tt.want, tt.focus, tt.refersBack)
		}
	}
}

// TestFit checks that a sentence holding what the question asks for, next
// to the question's words, fits best, and one holding it elsewhere less.
func TestFit(t *testing.T) {
	tests := []struct {
		question, sentence string
		want               float64
	}{
		{"How many workers built the farm?", "Construction employed about 650 workers over two years.", 1},
		{"How many workers built the farm?", "The farm, built on 1,200 acres, opened on Tuesday.", 0.25},
		{"How many workers built the farm?", "The farm opened on Tuesday.", 0},
		{"How much will the buses cost?", "The service will cost $3.2 million a year.", 1},
		{"How much will the buses cost?", "Four bus routes start on February 1.", 0.25},
		{"Who voted against the repair?", "Council members Dana Price and Tom Lisle voted against the plan.", 1},
		{"Who voted against the repair?", "The council voted 7-2 on Monday to repair the Harbor Bridge.", 0},
		{"When do the buses start?", "Four bus routes start on February 1.", 1},
		{"When do the buses start?", "The buses cost $3.2 million.", 0},
		{"Where was the farm built?", "The farm was built east of Mesa Verde Junction.", 1},
		// Most sentences of news name something, so a name for "which"
		// fits a little wherever it stands.
		{"Which chain raised ticket prices?", "Tickets at Marlowe Cinemas cost more since the chain raised prices.", 0.25},
		{"Which chain raised ticket prices?", "The chain raised ticket prices on Monday.", 0},
	}
	for _, tt := range tests {
		if got := fit(analyse(tt.question), readSentence(tt.sentence)); got != tt.want {
			t.Errorf("fit(%q, %q) = %v, want %v", tt.question, tt.sentence, got, tt.want)
		}
	}
}

func TestNearDuplicate(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Four new overnight bus routes start on February 1.",
			"The Metro transit authority will run four new overnight bus routes starting February 1, its board announced on Monday.", true},
		{"The Riverton city council voted 7-2 on Monday to fund a $48 million repair of the Harbor Bridge.",
			"RIVERTON — The Riverton city council voted 7-2 on Monday night to approve a $48 million repair of the Harbor Bridge, the 61-year-old crossing.", true},
		{"The Sandhill solar farm started delivering electricity on Tuesday.",
			"The Sandhill solar farm, built on 1,200 acres of former grazing land east of Mesa Verde Junction, began sending power to the regional grid on Tuesday.", false},
		{"Price said no.", "Price said yes.", false},
	}
	for _, tt := range tests {
		if got := nearDuplicate(readSentence(tt.a), readSentence(tt.b)); got != tt.want {
			t.Errorf("nearDuplicate(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"Short", "The bridge opens in May.", 40, "The bridge opens in May."},
		{"AtAWord", "The bridge opens in May, after repairs.", 20, "The bridge opens in…"},
		{"NoSpace", strings.Repeat("a", 50), 10, "aaaaaaaaa…"},
		{"Runes", "Zürich’s Brücke öffnet im Mai wieder.", 16, "Zürich’s Brücke…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cut(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if utf8.RuneCountInString(got) > tt.n {
				t.Errorf("cut(%q, %d) has %d runes", tt.in, tt.n, utf8.RuneCountInString(got))
			}
		})
	}
}
