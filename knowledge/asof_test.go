package knowledge

import (
	"errors"
	"testing"
	"time"
)

func TestParseAsOf(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2023-01-05", time.Date(2023, 1, 5, 23, 59, 59, 0, time.UTC)},
		{" 2023-01-05 ", time.Date(2023, 1, 5, 23, 59, 59, 0, time.UTC)},
		{"2023-01-05T10:00:00Z", time.Date(2023, 1, 5, 10, 0, 0, 0, time.UTC)},
		{"2023-01-05T10:00:00+02:00", time.Date(2023, 1, 5, 8, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseAsOf(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseAsOf(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "yesterday", "2023-13-01", "05/01/2023"} {
		if _, err := ParseAsOf(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseAsOf(%q) error = %v, want ErrInvalid", in, err)
		}
	}
}
