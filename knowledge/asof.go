package knowledge

import (
	"fmt"
	"strings"
	"time"
)

// ParseAsOf reads an as-of time: a date (YYYY-MM-DD), meaning the end of
// that day in UTC, or an RFC 3339 time. It returns an error naming the text
// when it is neither.
func ParseAsOf(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: as-of %.40q is not a date (YYYY-MM-DD) or an RFC 3339 time", ErrInvalid, s)
}
