//go:build race

package main

// raceEnabled says the tests, and so the binary they build, run with the
// race detector.
const raceEnabled = true
