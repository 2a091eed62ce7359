package prompts

import (
	"slices"
	"testing"
)

// sampleEvidence are sentences of the bundled sample articles (the sixth
// with an ISO date), as an answer's numbered evidence.
var sampleEvidence = []string{
	"The Riverton city council voted 7-2 on Monday night to approve a $48 million repair of the Harbor Bridge, the 61-year-old crossing that carries about 40,000 vehicles a day.",
	"Mayor Alicia Moreno said ferry service between the north and south terminals will double during the closures, with boats leaving every 15 minutes at rush hour.",
	"The Sandhill solar farm, built on 1,200 acres of former grazing land east of Mesa Verde Junction, began sending power to the regional grid on Tuesday.",
	"Dr. Priya Natarajan, the utility's chief engineer, said the batteries were charged to 80% within the first week of testing.",
	"The Metro transit authority will run four new overnight bus routes starting February 1, its board announced on Monday.",
	"The Sandhill solar farm started delivering electricity on 2026-02-17.",
	"One lane in each direction will stay closed until October 2027, according to the city's transportation department.",
	"The authority expects the service to cost $3.2 million a year.",
	"The U.S. envoy will attend.",
	"凯洛格将出席伦敦会谈。",
}

func TestCheckCitationsSupport(t *testing.T) {
	const u = UnverifiedMark
	tests := []struct {
		name          string
		answer        string
		question      string
		strict        bool
		want          string
		wantCited     []int
		wantMissing   []string
		wantUnrelated int
	}{
		// Numbers compare by value.
		{name: "AmountWithoutCurrency", answer: "The council approved 48 million dollars for the bridge [1].",
			want: "The council approved 48 million dollars for the bridge [1].", wantCited: []int{1}},
		{name: "AmountWrittenOut", answer: "The repair costs $48,000,000 [1].", want: "The repair costs $48,000,000 [1].", wantCited: []int{1}},
		{name: "ThousandsSeparator", answer: "The farm covers 1200 acres [3].", want: "The farm covers 1200 acres [1].", wantCited: []int{3}},
		{name: "DecimalScaled", answer: "Night buses cost $3,200,000 a year to run [8].", want: "Night buses cost $3,200,000 a year to run [1].", wantCited: []int{8}},
		{name: "Percent", answer: "The batteries reached 80 percent in the first week [4].",
			want: "The batteries reached 80 percent in the first week [1].", wantCited: []int{4}},
		{name: "WrongAmount", answer: "The council approved a $50 million repair [1].",
			want: "The council approved a $50 million repair [1]." + u, wantCited: []int{1}, wantMissing: []string{"50"}},
		{name: "WrongAmountStrict", answer: "The council approved a $50 million repair [1]. Ferry service will double [2].", strict: true,
			want: "Ferry service will double [1].", wantCited: []int{2}, wantMissing: []string{"50"}},
		{name: "WrongDay", answer: "The night buses start on February 2 [5].",
			want: "The night buses start on February 2 [1]." + u, wantCited: []int{5}, wantMissing: []string{"2"}},
		{name: "ListNumbersAreNotClaims", answer: "1. The council approved $48 million [1]\n2. Ferry service will double [2]",
			want: "1. The council approved $48 million [1]\n2. Ferry service will double [2]", wantCited: []int{1, 2}},
		{name: "NumberFromQuestion", answer: "No, the council approved less than that [1].", question: "Did the council approve $60 million?",
			want: "No, the council approved less than that [1].", wantCited: []int{1}},

		// Dates: a year, month or weekday in an ISO date.
		{name: "MonthAndYearOfISODate", answer: "The farm started delivering electricity in February 2026 [6].",
			want: "The farm started delivering electricity in February 2026 [1].", wantCited: []int{6}},
		{name: "WeekdayOfISODate", answer: "The farm started delivering electricity on Tuesday [6].",
			want: "The farm started delivering electricity on Tuesday [1].", wantCited: []int{6}},
		{name: "WrongWeekday", answer: "The farm started delivering electricity on Friday [6].",
			want: "The farm started delivering electricity on Friday [1]." + u, wantCited: []int{6}, wantMissing: []string{"Friday"}},
		{name: "WrongMonth", answer: "One lane stays closed until November 2027 [7].",
			want: "One lane stays closed until November 2027 [1]." + u, wantCited: []int{7}, wantMissing: []string{"November"}},

		// Names.
		{name: "Possessive", answer: "Under Moreno's plan, ferry boats leave every 15 minutes [2].",
			want: "Under Moreno's plan, ferry boats leave every 15 minutes [1].", wantCited: []int{2}},
		{name: "UnsupportedName", answer: "Mayor Moreno and Dana Price said ferry service will double [2].",
			want: "Mayor Moreno and Dana Price said ferry service will double [1]." + u, wantCited: []int{2}, wantMissing: []string{"Dana", "Price"}},
		{name: "NameFromQuestion", answer: "Ferry service will double, Tom Lisle was told [2].", question: "What was Tom Lisle told about ferries?",
			want: "Ferry service will double, Tom Lisle was told [1].", wantCited: []int{2}},
		{name: "SentenceStartInitialsTitlesAndPronoun", answer: "Natarajan, as I read it, says Dr. P. Natarajan charged the batteries [4].",
			want: "Natarajan, as I read it, says Dr. P. Natarajan charged the batteries [1].", wantCited: []int{4}},
		{name: "ClauseStarts", answer: "Moreno said: \"Nobody\" will wait, as ferry service will double [2].",
			want: "Moreno said: \"Nobody\" will wait, as ferry service will double [1].", wantCited: []int{2}},
		{name: "DottedAbbreviation", answer: "The US envoy will attend [9].", want: "The US envoy will attend [1].", wantCited: []int{9}},
		{name: "NameInAnotherCitedSentence", answer: "Priya Natarajan said ferry service will double [2][4].",
			want: "Priya Natarajan said ferry service will double [1, 2].", wantCited: []int{2, 4}},

		// Markers on sentences that share no content word with their evidence.
		{name: "UnrelatedMarkerDropped", answer: "The council approved the repair [1][3].",
			want: "The council approved the repair [1].", wantCited: []int{1}, wantUnrelated: 1},
		{name: "OnlyUnrelatedMarker", answer: "Ferry service will double [3]. The council voted [1].",
			want: "Ferry service will double." + u + " The council voted [1].", wantCited: []int{1}, wantUnrelated: 1},
		{name: "UnrelatedRenumbered", answer: "Ferry service will double [3][2]. The farm covers 1,200 acres [3].",
			want: "Ferry service will double [1]. The farm covers 1,200 acres [2].", wantCited: []int{2, 3}, wantUnrelated: 1},
		{name: "StemmedWordsShared", answer: "Councillors approve repairs [1].", want: "Councillors approve repairs [1].", wantCited: []int{1}},
		{name: "NoContentWordToJudge", answer: "Yes [1].", want: "Yes [1].", wantCited: []int{1}},
		{name: "CJKSharesCharacters", answer: "凯洛格将出席[10]。天气很好[10]。",
			want: "凯洛格将出席 [1]。天气很好。" + u, wantCited: []int{10}, wantUnrelated: 1},
	}
	sentence := lines(sampleEvidence...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckCitations(tt.answer, tt.question, sentence, tt.strict)
			if got.Text != tt.want || !slices.Equal(got.Cited, tt.wantCited) || !slices.Equal(got.Unsupported, tt.wantMissing) ||
				got.Unrelated != tt.wantUnrelated {
				t.Errorf("CheckCitations(%q)\n got %q cited %v unsupported %q unrelated %d\nwant %q cited %v unsupported %q unrelated %d",
					tt.answer, got.Text, got.Cited, got.Unsupported, got.Unrelated, tt.want, tt.wantCited, tt.wantMissing, tt.wantUnrelated)
			}
			assertValid(t, got, sentence)
		})
	}
}

func TestStem(t *testing.T) {
	for _, forms := range [][]string{
		{"approve", "approved", "approves", "approving"},
		{"city", "cities"},
		{"supply", "supplies", "supplied", "supplying"},
		{"home", "homes"},
		{"bus", "buses"},
	} {
		for _, w := range forms[1:] {
			if stem(w) != stem(forms[0]) {
				t.Errorf("stem(%q) = %q, stem(%q) = %q; want them equal", w, stem(w), forms[0], stem(forms[0]))
			}
		}
	}
}
