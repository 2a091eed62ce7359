package parse

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tt := range []struct {
		in      string
		want    time.Time
		wantErr error // nil: any error when wantOK is false
		wantOK  bool
	}{
		{in: "", want: time.Time{}, wantOK: true},
		{in: "2026-03-03", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "2026-03-03T09:30:00+02:00", want: day(2026, 3, 3, 7, 30), wantOK: true},
		{in: "2026-03-03 09:30", want: day(2026, 3, 3, 9, 30), wantOK: true},
		{in: "March 3, 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "march 3 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "Mar 3, 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "Mar. 3, 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "3 March 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "3rd March 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "Tuesday, March 3, 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "Tue, 3 Mar 2026", want: day(2026, 3, 3, 0, 0), wantOK: true},
		{in: "March 3, 2026 at 2:15 p.m.", want: day(2026, 3, 3, 14, 15), wantOK: true},
		{in: "March 3, 2026, 12:05 AM", want: day(2026, 3, 3, 0, 5), wantOK: true},
		{in: "3 March 2026 14:05 GMT", want: day(2026, 3, 3, 14, 5), wantOK: true},
		{in: "3 March 2026 14:05 +01:00", want: day(2026, 3, 3, 13, 5), wantOK: true},
		{in: "Tue, 03 Mar 2026 10:00:00 GMT", want: day(2026, 3, 3, 10, 0), wantOK: true},
		{in: "25/03/2026", want: day(2026, 3, 25, 0, 0), wantOK: true},
		{in: "03/25/2026", want: day(2026, 3, 25, 0, 0), wantOK: true},
		{in: "04/04/2026", want: day(2026, 4, 4, 0, 0), wantOK: true},
		{in: "03/04/2026", wantErr: ErrAmbiguousDate},
		{in: "3.4.2026", wantErr: ErrAmbiguousDate},
		{in: "February 30, 2026"},
		{in: "March 3, 2026 and more"},
		{in: "soon"},
		{in: "13/13/2026"},
		{in: "March 3, 2026 at 13:15 pm"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantOK {
				if err != nil || !got.Equal(tt.want) {
					t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseDate(%q) error %v, want %v", tt.in, err, tt.wantErr)
			}
		})
	}
}
