//go:build !race

package discord

// raceEnabled reports whether the tests run with the race detector, which
// slows everything several times over.
const raceEnabled = false
