package model

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 4, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"Seconds", "3", 3 * time.Second},
		{"Fraction", "0.5", 500 * time.Millisecond},
		{"HTTPDate", "Wed, 23 Apr 2025 12:00:10 GMT", 10 * time.Second},
		{"DateInThePast", "Wed, 23 Apr 2025 11:00:00 GMT", 0},
		{"Empty", "", 0},
		{"Negative", "-4", 0},
		{"NaN", "NaN", 0},
		{"Absurd", "99999999", 0},
		{"Garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.header, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestBackoffGrowsWithinBounds(t *testing.T) {
	m := &OpenAI{cfg: Config{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second}.withDefaults()}
	for attempt, ceiling := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		ceiling *= time.Millisecond
		for range 50 {
			d := m.backoff(attempt)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
	if d := m.backoff(200); d > time.Second {
		t.Errorf("backoff(200) = %v, want at most MaxBackoff", d)
	}
}
