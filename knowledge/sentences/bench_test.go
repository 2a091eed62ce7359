package sentences

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// newsText returns deterministic news-like text of n sentences with the
// constructs the splitter has to look at closely.
func newsText(n int) string {
	parts := []string{
		"WASHINGTON (Reuters) - The U.S. Senate voted 52-48 on Tuesday to approve a $1.5 billion aid package for Ukraine.",
		"Sen. Lindsey Graham, a Republican, said the vote sent a clear message to Moscow.",
		"\"We will not back down,\" he told reporters at 10 a.m. outside the Capitol.",
		"Prices rose 3.5% in the year to Jan. 31, the highest rate since 2008, according to the Office for National Statistics.",
		"Apple Inc. shares fell 2.1 percent after Chief Executive Tim Cook warned of weaker demand in China.",
		"George W. Bush, who met Gen. Keith Kellogg at St. Paul's Cathedral, declined to comment.",
		"Is this the end of the road?",
		"Officials in the U.K., France and Germany said talks would continue... but gave no date.",
		"“It is a historic day,” said Dr. Maria Lopez, a professor at the university.",
		"The company, which employs 12,000 people, said it expected revenue of about $4.2 billion in the fourth quarter, compared with $3.9 billion a year earlier.",
	}
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(parts[r.IntN(len(parts))])
		if r.IntN(8) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func TestNewsTextCount(t *testing.T) {
	if got := len(Split(newsText(1000))); got != 1000 {
		t.Errorf("Split of 1000 generated sentences found %d", got)
	}
}

func BenchmarkSplit(b *testing.B) {
	text := newsText(10000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += len(Split(text))
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
}
