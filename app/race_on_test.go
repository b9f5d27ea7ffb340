//go:build race

package app_test

// raceDetector: the race detector slows the code five to ten times, so budgets in wall-clock
// time (start-up) are not asserted under it; everything else is.
const raceDetector = true
