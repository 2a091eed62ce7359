//go:build !race

package eval_test

// raceEnabled reports whether the tests run with the race detector, which
// slows everything several times over.
const raceEnabled = false
