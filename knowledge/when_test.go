package knowledge

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// periodStrings shows periods as "FROM/TO" dates in their own location.
func periodStrings(ps []period) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.from.Format(time.DateOnly)+"/"+p.to.Format(time.DateOnly))
	}
	return out
}

func TestReadTimeFocus(t *testing.T) {
	thursday := time.Date(2026, 4, 23, 15, 0, 0, 0, time.UTC) // a Thursday
	monthStart := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // a Sunday
	newYear := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)    // a Friday
	newYearMonday := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	asOfDate, err := ParseAsOf("2026-04-23") // the end of the day, as the command line gives it
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2100, 6, 1, 0, 0, 0, 0, time.UTC)
	east := time.Date(2026, 4, 23, 1, 0, 0, 0, time.FixedZone("UTC+10", 10*3600)) // 2026-04-22 in UTC

	for _, tt := range []struct {
		name     string
		question string
		asOf     time.Time
		recency  float64
		periods  []string
	}{
		{"Nothing", "Who won the election?", thursday, 0, nil},
		{"Today", "What happened today?", thursday, 1, []string{"2026-04-23/2026-04-24"}},
		{"TodayPossessive", "What was in today's budget?", thursday, 1, []string{"2026-04-23/2026-04-24"}},
		{"Tonight", "Who plays tonight?", thursday, 1, []string{"2026-04-23/2026-04-24"}},
		{"Yesterday", "What did the minister say yesterday?", thursday, 1, []string{"2026-04-22/2026-04-23"}},
		{"ThisMorning", "What was announced this morning?", thursday, 1, []string{"2026-04-23/2026-04-24"}},
		{"LastNight", "Who spoke last night?", thursday, 1, []string{"2026-04-22/2026-04-24"}},
		{"ThisWeek", "What happened this week?", thursday, 1, []string{"2026-04-20/2026-04-24"}},
		{"LastWeek", "What happened last week?", thursday, 0.5, []string{"2026-04-13/2026-04-20"}},
		{"PastWeek", "What happened in the past week?", thursday, 0.5, []string{"2026-04-16/2026-04-24"}},
		{"PastMonth", "Strikes over the past month?", thursday, 0, []string{"2026-03-23/2026-04-24"}},
		{"LastWeekOfMonth", "What happened in the last week of June?", thursday, 0, []string{"2025-06-01/2025-07-01"}},
		{"Latest", "What is the latest on the strike?", thursday, 0.5, nil},
		{"Recently", "Who recently resigned?", thursday, 0.5, nil},
		{"Currently", "Who is currently leading?", thursday, 0.5, nil},
		{"Now", "Where is the ship now?", thursday, 0.5, nil},
		{"StrongestWins", "What is the latest from yesterday?", thursday, 1, []string{"2026-04-22/2026-04-23"}},
		{"NewIsNotRecency", "What did New York decide about the newest stadium?", thursday, 0, nil},
		{"ThisMonth", "What changed this month?", thursday, 0.5, []string{"2026-04-01/2026-04-24"}},
		{"LastMonth", "What happened last month?", thursday, 0, []string{"2026-03-01/2026-04-01"}},
		{"ThisYear", "How many storms this year?", thursday, 0, []string{"2026-01-01/2026-04-24"}},
		{"LastYear", "Who won last year?", thursday, 0, []string{"2025-01-01/2026-01-01"}},
		{"Next", "What is planned for next week and next March?", thursday, 0, nil},

		{"MonthDay", "What happened on April 23?", thursday, 0, []string{"2026-04-23/2026-04-24"}},
		{"DayMonth", "What happened on 22 April?", thursday, 0, []string{"2026-04-22/2026-04-23"}},
		{"OrdinalOfMonth", "What was signed on the 5th of March?", thursday, 0, []string{"2026-03-05/2026-03-06"}},
		{"DayAfterAsOf", "What happened on April 30?", thursday, 0, []string{"2025-04-30/2025-05-01"}},
		{"DayWithYear", "What happened on April 30, 2024?", thursday, 0, []string{"2024-04-30/2024-05-01"}},
		{"DayMonthYear", "Who spoke on 1st May 2024?", thursday, 0, []string{"2024-05-01/2024-05-02"}},
		{"ISODate", "What happened on 2023-04-23?", thursday, 0, []string{"2023-04-23/2023-04-24"}},
		{"LeapDay", "What happened on Feb 29?", thursday, 0, []string{"2024-02-29/2024-03-01"}},
		{"NoSuchDay", "What happened on February 30, 2023?", thursday, 0, []string{"2023-02-01/2023-03-01"}},
		{"FutureDay", "What happens on April 30, 2027?", thursday, 0, nil},

		{"InMonthEarlier", "What happened in March?", thursday, 0, []string{"2026-03-01/2026-04-01"}},
		{"InMonthLater", "What happened in June?", thursday, 0, []string{"2025-06-01/2025-07-01"}},
		{"InCurrentMonth", "What happened in April?", thursday, 0, []string{"2026-04-01/2026-04-24"}},
		{"MonthYear", "What happened in March 2023?", thursday, 0, []string{"2023-03-01/2023-04-01"}},
		{"AbbreviatedMonthYear", "Who led in Sept 2023?", thursday, 0, []string{"2023-09-01/2023-10-01"}},
		{"AbbreviationAlone", "What did Jan say?", thursday, 0, nil},
		{"Since", "What has changed since March?", thursday, 0, []string{"2026-03-01/2026-04-24"}},
		{"SinceYear", "What has changed since 2020?", thursday, 0, []string{"2020-01-01/2026-04-24"}},
		{"Year", "Who won in 2023?", thursday, 0, []string{"2023-01-01/2024-01-01"}},
		{"CurrentYear", "Who won in 2026?", thursday, 0, []string{"2026-01-01/2026-04-24"}},
		{"FutureYear", "What is planned for 2030?", thursday, 0, nil},
		{"Decade", "What happened in the 1990s?", thursday, 0, []string{"1990-01-01/2000-01-01"}},
		{"NumbersAreNotYears", "Did $2023 or 2023% or 2,023 people or 12345 go?", thursday, 0, nil},
		{"Repeated", "In March, or rather in March?", thursday, 0, []string{"2026-03-01/2026-04-01"}},
		{"LatestThen", "What was the latest on the strike in March 2020?", thursday, 0, []string{"2020-03-01/2020-04-01"}},
		{"LatestThisYear", "What is the latest this year?", thursday, 0.5, []string{"2026-01-01/2026-04-24"}},

		// "may", "march" and "august" are months only when the words around
		// them say so.
		{"MayVerb", "Who may win the vote?", thursday, 0, nil},
		{"MayFirstWord", "May I ask who won?", thursday, 0, nil},
		{"MayName", "Will Theresa May resign?", thursday, 0, nil},
		{"MayLowercaseIn", "What happened in may?", thursday, 0, []string{"2025-05-01/2025-06-01"}},
		{"MayCapitalised", "Did the vote take place May or later?", thursday, 0, []string{"2025-05-01/2025-06-01"}},
		{"MayDay", "What happened may 5?", thursday, 0, []string{"2025-05-05/2025-05-06"}},
		{"MayYear", "Elections held may 2024?", thursday, 0, []string{"2024-05-01/2024-06-01"}},
		{"MarchNoun", "How big was the protest march?", thursday, 0, nil},
		{"MarchEarly", "What was decided in early march?", thursday, 0, []string{"2026-03-01/2026-04-01"}},
		{"MarchMid", "Prices rose in mid-March", thursday, 0, []string{"2026-03-01/2026-04-01"}},
		{"AugustAdjective", "Who joined that august body?", thursday, 0, nil},
		{"AugustCapitalised", "What happened before the August recess?", thursday, 0, []string{"2025-08-01/2025-09-01"}},
		{"JuneLowercase", "What was agreed in june?", thursday, 0, []string{"2025-06-01/2025-07-01"}},

		{"Weekday", "What did she say on Monday?", thursday, 0.5, []string{"2026-04-20/2026-04-21"}},
		{"WeekdayToday", "What happened on Thursday?", thursday, 0.5, []string{"2026-04-23/2026-04-24"}},
		{"LastWeekday", "What happened last Thursday?", thursday, 0.5, []string{"2026-04-16/2026-04-17"}},
		{"WeekdayAfterAsOf", "What happened on Friday?", thursday, 0.5, []string{"2026-04-17/2026-04-18"}},
		{"NextWeekday", "What happens next Monday?", thursday, 0, nil},

		{"AsOfDateToday", "What happened today?", asOfDate, 1, []string{"2026-04-23/2026-04-24"}},
		{"AsOfZoneToday", "What happened today?", east, 1, []string{"2026-04-23/2026-04-24"}},

		// The as-of at the start of a month.
		{"MonthStartInMonth", "What happened in March?", monthStart, 0, []string{"2026-03-01/2026-03-02"}},
		{"MonthStartThisMonth", "What happened this month?", monthStart, 0.5, []string{"2026-03-01/2026-03-02"}},
		{"MonthStartLastMonth", "What happened last month?", monthStart, 0, []string{"2026-02-01/2026-03-01"}},
		{"MonthStartYesterday", "What happened yesterday?", monthStart, 1, []string{"2026-02-28/2026-03-01"}},
		{"MonthStartThisWeek", "What happened this week?", monthStart, 1, []string{"2026-02-23/2026-03-02"}},
		{"MonthStartDay", "What happened on March 1 and March 2?", monthStart, 0, []string{"2026-03-01/2026-03-02", "2025-03-02/2025-03-03"}},

		// Across a year boundary.
		{"NewYearLastWeek", "What happened last week?", newYear, 0.5, []string{"2025-12-22/2025-12-29"}},
		{"NewYearThisWeek", "What happened this week?", newYear, 1, []string{"2025-12-29/2026-01-03"}},
		{"NewYearMondayLastWeek", "What happened last week?", newYearMonday, 0.5, []string{"2025-12-29/2026-01-05"}},
		{"NewYearYesterday", "What happened yesterday?", newYear, 1, []string{"2026-01-01/2026-01-02"}},
		{"NewYearDecember", "What happened in December?", newYear, 0, []string{"2025-12-01/2026-01-01"}},
		{"NewYearLastYear", "What happened last year?", newYear, 0, []string{"2025-01-01/2026-01-01"}},

		// Years from 1900 to 2100 only.
		{"Year1899", "What happened in 1899?", late, 0, nil},
		{"Year1900", "What happened in 1900?", late, 0, []string{"1900-01-01/1901-01-01"}},
		{"Year2100", "What happened in 2100?", late, 0, []string{"2100-01-01/2100-06-02"}},
		{"Year2101", "What happened in 2101?", late, 0, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readTimeFocus(tt.question, tt.asOf)
			if got.recency != tt.recency || !slices.Equal(periodStrings(got.periods), tt.periods) {
				t.Errorf("readTimeFocus(%q, %s) = recency %v, periods %q; want %v, %q",
					tt.question, tt.asOf.Format(time.RFC3339), got.recency, periodStrings(got.periods), tt.recency, tt.periods)
			}
		})
	}
}

// TestReadTimeFocusZone checks that days are days in the as-of's location.
func TestReadTimeFocusZone(t *testing.T) {
	east := time.FixedZone("UTC+10", 10*3600)
	asOf := time.Date(2026, 4, 23, 1, 0, 0, 0, east)
	got := readTimeFocus("What happened yesterday?", asOf)
	want := period{time.Date(2026, 4, 22, 0, 0, 0, 0, east), time.Date(2026, 4, 23, 0, 0, 0, 0, east)}
	if len(got.periods) != 1 || !got.periods[0].from.Equal(want.from) || !got.periods[0].to.Equal(want.to) {
		t.Errorf("periods %v, want [%v]", got.periods, want)
	}
}

func FuzzReadTimeFocus(f *testing.F) {
	for _, q := range []string{
		"What happened on April 23?", "23rd of May, 2024", "in march 2023", "since 2020", "last week",
		"the 1990s", "Feb 29", "2023-02-30", "next Monday", "$2023,5%", "’s May’s", "this week's news",
	} {
		f.Add(q, int64(1776956400), 0)
	}
	f.Add("yesterday today tonight", int64(-62135596800), 600) // the zero time
	f.Add("in 2100", int64(4115318400), -720)
	f.Fuzz(func(t *testing.T, question string, unix int64, offsetMinutes int) {
		// Times from year 1 to 9999, in zones up to a day away from UTC.
		unix = -62135596800 + (unix%315537897600+315537897600)%315537897600
		zone := time.FixedZone("", (offsetMinutes%1440)*60)
		asOf := time.Unix(unix, 0).In(zone)
		got := readTimeFocus(question, asOf)
		if got.recency < 0 || got.recency > 1 {
			t.Errorf("recency %v, want 0 to 1", got.recency)
		}
		for i, p := range got.periods {
			if !p.from.Before(p.to) {
				t.Errorf("period %d: from %v not before to %v", i, p.from, p.to)
			}
			if p.to.After(asOf.Add(24 * time.Hour)) {
				t.Errorf("period %d ends %v, more than a day after the as-of %v", i, p.to, asOf)
			}
			for _, q := range got.periods[:i] {
				if p.from.Equal(q.from) && p.to.Equal(q.to) {
					t.Errorf("period %d repeats %v", i, fmt.Sprint(q))
				}
			}
		}
	})
}
