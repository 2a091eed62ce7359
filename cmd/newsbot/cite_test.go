package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newsbot/bot/model/modeltest"
	"newsbot/prompts"
)

// samplesDB returns a database loaded from the bundled sample articles by
// the load command, as the README's first command does.
func samplesDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "newsbot.db")
	if code, _, stderr := askRun(t, "", "--db", db, "load", filepath.Join("..", "..", "knowledge", "samples")); code != 0 {
		t.Fatalf("load samples: exit %d, %s", code, stderr)
	}
	return db
}

// fakeModelCiting starts a fake OpenAI-compatible server that answers with
// format, its %d verbs replaced in turn by the markers of the evidence lines
// holding each of cites (the test fails when one is not in the evidence),
// and points the environment at it.
func fakeModelCiting(t *testing.T, format string, cites ...string) *modeltest.Server {
	t.Helper()
	line := regexp.MustCompile(`(?m)^\[(\d+)\] (.*)$`)
	srv := modeltest.New(t, func(_ int, req modeltest.Request) modeltest.Reply {
		evidence := line.FindAllStringSubmatch(req.Messages[len(req.Messages)-1].Content, -1)
		var markers []any
		for _, cite := range cites {
			n := 0
			for _, m := range evidence {
				if strings.Contains(m[2], cite) {
					n, _ = strconv.Atoi(m[1])
				}
			}
			if n == 0 {
				t.Errorf("no evidence line holds %q", cite)
			}
			markers = append(markers, n)
		}
		return modeltest.Reply{Text: fmt.Sprintf(format, markers...)}
	})
	t.Setenv("OPENAI_BASE_URL", srv.BaseURL())
	t.Setenv("OPENAI_MODEL", "test-model")
	t.Setenv("NEWSBOT_MODEL_TIMEOUT", "2s")
	return srv
}

// TestAskUnsupportedNumber: a model's sentence whose number no cited
// sentence holds comes back marked unverified, and without it when strict.
func TestAskUnsupportedNumber(t *testing.T) {
	db := samplesDB(t)
	const (
		question  = "How much will the Harbor Bridge repair cost?"
		fundLine  = "voted 7-2 on Monday to fund a $48 million repair"
		supported = "The Riverton city council voted to fund a $48 million repair of the Harbor Bridge [1]."
		invented  = "The repair will cost $12 million more than planned [1]."
	)
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprint("strict=", strict), func(t *testing.T) {
			askClearEnv(t)
			t.Setenv("NEWSBOT_STRICT", strconv.FormatBool(strict))
			fakeModelCiting(t, "The Riverton city council voted to fund a $48 million repair of the Harbor Bridge [%d]. "+
				"The repair will cost $12 million more than planned [%d].", fundLine, fundLine)
			out := askJSON(t, db, question)
			want := supported + " " + invented + prompts.UnverifiedMark
			if strict {
				want = supported
			}
			if out.Mode != "model" || out.Answer != want {
				t.Errorf("got %s answer %q, want %q", out.Mode, out.Answer, want)
			}
			if len(out.Citations) != 1 || !strings.Contains(out.Citations[0].Text, fundLine) {
				t.Errorf("citations = %+v, want the $48 million sentence alone", out.Citations)
			}
		})
	}
}

// TestAskUnrelatedMarkerDropped: a marker that cites a sentence sharing no
// content word with the model's sentence is dropped, from the text and from
// the citations.
func TestAskUnrelatedMarkerDropped(t *testing.T) {
	askClearEnv(t)
	db := samplesDB(t)
	const (
		workLine  = "Work is scheduled to begin in May"
		busesLine = "expects the service to cost $3.2 million a year"
	)
	fakeModelCiting(t, "Work is scheduled to begin in May [%d][%d].", workLine, busesLine)
	out := askJSON(t, db, "How much will the Harbor Bridge repair cost?")
	if want := "Work is scheduled to begin in May [1]."; out.Mode != "model" || out.Answer != want {
		t.Errorf("got %s answer %q, want %q", out.Mode, out.Answer, want)
	}
	if len(out.Citations) != 1 || !strings.Contains(out.Citations[0].Text, workLine) {
		t.Errorf("citations = %+v, want the work sentence alone", out.Citations)
	}
	for _, c := range out.Citations {
		if strings.Contains(c.Text, busesLine) {
			t.Errorf("the unrelated bus sentence is cited: %+v", c)
		}
	}
}
