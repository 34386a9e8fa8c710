package openaitest

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// LeakGrace is how long [CheckGoroutines] lets new goroutines wind down
// (connections close asynchronously) before calling them leaked.
const LeakGrace = 5 * time.Second

// CheckGoroutines fails tb if goroutines started after the call are still
// running when tb's cleanups run (after a grace period of [LeakGrace]).
// Call it first in a test, before [New], so that its check runs after the
// server's Close. It cannot tell one test's goroutines from another's, so
// do not use it in tests that call t.Parallel.
func CheckGoroutines(tb testing.TB) {
	tb.Helper()
	before := goroutines()
	tb.Cleanup(func() {
		deadline := time.Now().Add(LeakGrace)
		for {
			var leaked []string
			for id, stack := range goroutines() {
				if _, ok := before[id]; !ok && !ignorable(stack) {
					leaked = append(leaked, stack)
				}
			}
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				tb.Errorf("%d goroutine(s) leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// goroutines returns every goroutine's stack keyed by its header
// "goroutine N".
func goroutines() map[string]string {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := make(map[string]string)
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		stack := string(g)
		id, _, ok := strings.Cut(stack, " [")
		if ok && strings.HasPrefix(id, "goroutine ") {
			out[id] = stack
		}
	}
	return out
}

// ignorable reports goroutines that belong to the test framework or the
// runtime rather than to the code under test.
func ignorable(stack string) bool {
	for _, s := range []string{
		"testing.tRunner(",
		"testing.(*T).Run(",
		"testing.runTests(",
		"testing.(*M).",
		"os/signal.signal_recv",
		"runtime.ensureSigM",
		"runtime/trace.",
	} {
		if strings.Contains(stack, s) {
			return true
		}
	}
	return false
}
