package web

import "runtime/debug"

// TuneRuntime sets the garbage collector for a server process. A page is built from many short-lived
// values, and with Go's default (collect when the heap has doubled) a busy server spends a fifth of
// its CPU collecting. Letting the heap grow to three times the live data before collecting halves
// that, and a soft memory limit keeps the growth in check on a small machine. GOGC and GOMEMLIMIT
// in the environment still win.
func TuneRuntime(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
}
