package parse

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrAmbiguousDate means a numeric date such as 03/04/2026 could be read
// day first or month first; it is not guessed.
var ErrAmbiguousDate = errors.New("ambiguous date")

// months are the month names and abbreviations dates are written with.
var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
	"november": 11, "nov": 11, "december": 12, "dec": 12,
}

const (
	weekdayPart = `(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+)?`
	monthPart   = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`
	dayPart     = `(\d{1,2})(?:st|nd|rd|th)?`
	// timePart is an optional time of day after a date, with an optional
	// zone: ", 10:30", " at 2:15 p.m.", " 14:05 GMT", "T09:00:00+02:00".
	timePart = `(?:\s*(?:,|\bat\b|-|–|—|·|\|)?\s*(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*([ap]\.?\s?m\.?)?\s*(utc|gmt|z|[+-]\d{2}:?\d{2})?)?`
)

var (
	writtenMDY = regexp.MustCompile(`^` + weekdayPart + monthPart + `\s+` + dayPart + `,?\s+(\d{4})` + timePart)
	writtenDMY = regexp.MustCompile(`^` + weekdayPart + dayPart + `\s+(?:of\s+)?` + monthPart + `,?\s+(\d{4})` + timePart)
	numericDMY = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4})` + timePart)
	isoDate    = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})` + timePart)
	// anyDate finds a written or numeric date inside a line of text.
	anyDate = regexp.MustCompile(`(?i)\b(?:` + weekdayPart + monthPart + `\s+` + dayPart + `,?\s+\d{4}|` + weekdayPart + dayPart + `\s+(?:of\s+)?` + monthPart + `,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b`)
)

// rfcLayouts are machine-written forms tried before the written ones.
var rfcLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
}

// ParseDate reads a published date as articles and pages write it: RFC 3339,
// YYYY-MM-DD (with or without a time), RFC 1123, and the written forms
// "March 3, 2026", "3 March 2026", "Mar. 3, 2026", "Tuesday, 3rd March 2026",
// each with an optional time ("at 2:15 p.m.", "14:05 GMT"). A time without a
// zone is read as UTC. A numeric date is read day first when its first
// number is over 12 and month first when its second is; otherwise (03/04/2026)
// it returns an error wrapping ErrAmbiguousDate. It returns the zero time and
// no error for an empty string, and an error saying what it wants otherwise.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 80 {
		return time.Time{}, fmt.Errorf("date %q: too long to be a date", truncate(s, 40))
	}
	for _, layout := range rfcLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	lower := strings.ToLower(s)
	t, n, err := leadingDate(lower)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", truncate(s, 40), err)
	}
	if n == 0 || strings.Trim(lower[n:], " .,") != "" {
		return time.Time{}, fmt.Errorf("date %q: want a date such as 2026-03-03, March 3, 2026 or 3 March 2026", truncate(s, 40))
	}
	return t, nil
}

// leadingDate reads the date (and time) that lower, a lower-case string,
// starts with, and returns it with its length; 0 when it starts with none.
func leadingDate(lower string) (time.Time, int, error) {
	var year, day int
	var month time.Month
	var m []string
	var whole string
	switch {
	case writtenMDY.MatchString(lower):
		m = writtenMDY.FindStringSubmatch(lower)
		month, day, year = months[m[1]], atoi(m[2]), atoi(m[3])
		whole, m = m[0], m[3:]
	case writtenDMY.MatchString(lower):
		m = writtenDMY.FindStringSubmatch(lower)
		day, month, year = atoi(m[1]), months[m[2]], atoi(m[3])
		whole, m = m[0], m[3:]
	case isoDate.MatchString(lower):
		m = isoDate.FindStringSubmatch(lower)
		year, month, day = atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3])
		whole, m = m[0], m[3:]
	case numericDMY.MatchString(lower):
		m = numericDMY.FindStringSubmatch(lower)
		a, b := atoi(m[1]), atoi(m[2])
		year = atoi(m[3])
		switch {
		case a > 12 && b <= 12:
			day, month = a, time.Month(b)
		case b > 12 && a <= 12:
			day, month = b, time.Month(a)
		case a == b:
			day, month = a, time.Month(a)
		case a <= 12 && b <= 12:
			return time.Time{}, 0, fmt.Errorf("%w: %d/%d could be day/month or month/day; write it as YYYY-MM-DD", ErrAmbiguousDate, a, b)
		default:
			return time.Time{}, 0, errors.New("not a date")
		}
		whole, m = m[0], m[3:]
	default:
		return time.Time{}, 0, nil
	}
	length := len(whole)
	hour, minute, sec := atoi(m[1]), atoi(m[2]), atoi(m[3])
	if pm := strings.ReplaceAll(strings.ReplaceAll(m[4], ".", ""), " ", ""); pm != "" {
		if hour < 1 || hour > 12 {
			return time.Time{}, 0, errors.New("not a time of day")
		}
		hour %= 12
		if pm == "pm" {
			hour += 12
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 || year < 1800 || year > 2200 {
		return time.Time{}, 0, errors.New("not a date")
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, 0, fmt.Errorf("%s has no day %d", month, day)
	}
	if zone := m[5]; zone != "" && zone != "utc" && zone != "gmt" && zone != "z" {
		z := strings.ReplaceAll(zone, ":", "")
		offset := (atoi(z[1:3])*60 + atoi(z[3:5])) * 60
		if z[0] == '+' {
			offset = -offset
		}
		t = t.Add(time.Duration(offset) * time.Second)
	}
	return t, length, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
