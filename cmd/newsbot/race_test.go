//go:build race

package main

import "time"

// raceEnabled says the tests, and so the binary they build, run with the
// race detector.
const raceEnabled = true

// raceStartup is what the race detector adds to a process's start-up,
// beyond the time limits the tests set.
const raceStartup = 500 * time.Millisecond
