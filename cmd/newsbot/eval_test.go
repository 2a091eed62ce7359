package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestEvalCommandAnswersAndOfftopic(t *testing.T) {
	dir := loadFiles(t, map[string]string{
		"articles.jsonl": `{"id": "bridge", "title": "Council approves harbour bridge", "published": "2023-01-04", "body": "The city council approved a new harbour bridge on Tuesday. Norvik Engineering will build the harbour bridge from spring. Ferry operators asked for a delay."}
{"id": "chess", "title": "Teenager wins chess title", "published": "2023-03-10", "body": "Ada Lindqvist won the national chess championship on Sunday. She beat the defending champion in the final round."}
`,
		"questions.jsonl": `{"id": "q1", "question": "Which company will build the harbour bridge the council approved?", "question_date": "2023-01-05", "article_ids": ["bridge"], "answers": ["Norvik Engineering"], "evidence": []}
{"id": "q2", "question": "Who won the national chess championship?", "question_date": "2023-03-12", "article_ids": ["chess"], "answers": ["Ada Lindqvist"], "evidence": []}
`,
		"offtopic.txt": "# none of these is news\n\nHow many legs does a spider have?\nWhat is the boiling point of water in Kelvin?\n",
		"comments.txt": "# nothing but comments\n\n",
		"bad.jsonl":    `{"id": "q1", "question": "Who won?", "question_date": "last week", "article_ids": ["chess"], "answers": ["Ada"]}` + "\n",
	})
	path := func(name string) string { return filepath.Join(dir, name) }

	code, stdout, stderr := askRun(t, "", "eval", "--articles", path("articles.jsonl"), "--questions", path("questions.jsonl"),
		"--offtopic", path("offtopic.txt"))
	if code != 0 {
		t.Fatalf("eval: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, want := range []string{
		`dates: each question as of its question_date`,
		// No question has gold evidence: the figure does not apply.
		`evidence recall +newsbot +n/a +n/a +n/a +n/a\n`,
		`answer-in-context +bm25 articles +n/a +n/a +n/a +n/a\n`,
		`article recall +newsbot +1\.000 +1\.000 +1\.000 +1\.000\n`,
		`article recall +bm25 articles +1\.000 `,
		`accepted answer shown \(text or sources\) +1\.000\n`,
		`answered no-answer +0\.000\n`,
		`ratio newsbot/bm25 +\d+\.\d\d +\d+\.\d\d\n`,
		`off-topic questions: 2\nanswered no-answer: 1\.000\n`,
	} {
		if !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, _ = askRun(t, "", "eval", "--no-dates", "--articles", path("articles.jsonl"), "--questions", path("questions.jsonl"))
	if code != 0 || !strings.Contains(stdout, "dates: off") {
		t.Errorf("--no-dates: exit %d, stdout %q", code, stdout)
	}
	// Off-topic questions alone need no question set.
	code, stdout, _ = askRun(t, "", "eval", "--articles", path("articles.jsonl"), "--offtopic", path("offtopic.txt"))
	if code != 0 || strings.Contains(stdout, "article recall") || !strings.Contains(stdout, "off-topic questions: 2") {
		t.Errorf("--offtopic alone: exit %d, stdout %q", code, stdout)
	}

	for _, tt := range []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"ErrBadDate", []string{"--questions", path("bad.jsonl")}, "last week"},
		{"ErrMissingOfftopic", []string{"--offtopic", path("missing.txt")}, "missing.txt"},
		{"ErrNoOfftopicQuestions", []string{"--offtopic", path("comments.txt")}, "no questions"},
		{"ErrNoQuestionFile", nil, "usage: newsbot eval"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := askRun(t, "", append([]string{"eval", "--articles", path("articles.jsonl")}, tt.args...)...)
			wantCode := 1
			if tt.name == "ErrNoQuestionFile" {
				wantCode = 2
			}
			if code != wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, wantCode, tt.wantStderr)
			}
		})
	}
}
