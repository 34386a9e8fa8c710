//go:build unix

package grounding

import "syscall"

// cpuTime returns the user and system CPU time of the process in
// nanoseconds, or -1 if it is not available.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
