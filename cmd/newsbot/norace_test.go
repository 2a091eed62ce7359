//go:build !race

package main

import "time"

// raceEnabled says the tests, and so the binary they build, run with the
// race detector.
const raceEnabled = false

// raceStartup is what the race detector adds to a process's start-up,
// beyond the time limits the tests set.
const raceStartup time.Duration = 0
