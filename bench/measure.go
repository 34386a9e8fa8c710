package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used, all
// threads included, so that garbage collection and the helper goroutines of
// a library count against it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadavg returns the 1-, 5- and 15-minute load averages, as
// /proc/loadavg shows them.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// A run is the outcome of calling an operation repeatedly.
type run struct {
	lat     []time.Duration // one per call, in call order
	wall    time.Duration
	cpu     time.Duration
	mallocs uint64
	bytes   uint64
}

func (r run) n() int { return len(r.lat) }

// cpuPer returns the process CPU time per call.
func (r run) cpuPer() time.Duration {
	if r.n() == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.n())
}

func (r run) allocsPer() float64 {
	if r.n() == 0 {
		return 0
	}
	return float64(r.mallocs) / float64(r.n())
}

// pct returns the p-th percentile (0 < p ≤ 100) of r's latencies, by the
// nearest-rank method.
func (r run) pct(p float64) time.Duration { return percentile(r.lat, p) }

func percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// A budget bounds how often an operation is timed: at least Min calls and
// until Time has passed, but never more than Max calls.
type budget struct {
	Min, Max int
	Time     time.Duration
}

// timed calls f(0), f(1), … single-threaded within b and records each call.
// Allocation counts come from runtime.MemStats, read once before and once
// after.
func timed(ctx context.Context, b budget, f func(i int) error) (run, error) {
	var r run
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0 := cpuTime()
	start := time.Now()
	for i := 0; i < b.Max && (i < b.Min || time.Since(start) < b.Time); i++ {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		t := time.Now()
		if err := f(i); err != nil {
			return r, err
		}
		r.lat = append(r.lat, time.Since(t))
	}
	r.wall = time.Since(start)
	r.cpu = cpuTime() - c0
	runtime.ReadMemStats(&m1)
	r.mallocs = m1.Mallocs - m0.Mallocs
	r.bytes = m1.TotalAlloc - m0.TotalAlloc
	return r, nil
}

// concurrent runs f from clients goroutines for about b.Time (and at least
// b.Min calls in all) and returns the calls completed per second.
func concurrent(ctx context.Context, clients int, b budget, f func(i int) error) (float64, error) {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if ctx.Err() != nil || i >= b.Max || (i >= b.Min && time.Since(start) >= b.Time) {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return 0, first
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

// runs holds the repeats of one measurement; its statistics are medians
// over the repeats.
type runs []run

func (rs runs) med(f func(run) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}

func (rs runs) p(p float64) time.Duration {
	return time.Duration(rs.med(func(r run) float64 { return float64(r.pct(p)) }))
}

func (rs runs) cpuPer() time.Duration {
	return time.Duration(rs.med(func(r run) float64 { return float64(r.cpuPer()) }))
}

func (rs runs) allocsPer() float64 { return rs.med(run.allocsPer) }

// calls returns the total number of timed calls.
func (rs runs) calls() int {
	n := 0
	for _, r := range rs {
		n += r.n()
	}
	return n
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianDur(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}

// Formatting.

// ms formats a duration in milliseconds with three significant digits.
func ms(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return sig3(float64(d)/1e6) + " ms"
}

// secs formats a duration in seconds with three significant digits.
func secs(d time.Duration) string { return sig3(d.Seconds()) + " s" }

// sig3 formats x with three significant digits (and no exponent).
func sig3(x float64) string {
	switch ax := max(x, -x); {
	case ax == 0:
		return "0"
	case ax >= 1000:
		return fmt.Sprintf("%.0f", x)
	case ax >= 100:
		return fmt.Sprintf("%.0f", x)
	case ax >= 10:
		return fmt.Sprintf("%.1f", x)
	case ax >= 1:
		return fmt.Sprintf("%.2f", x)
	case ax >= 0.1:
		return fmt.Sprintf("%.3f", x)
	case ax >= 0.01:
		return fmt.Sprintf("%.4f", x)
	default:
		return fmt.Sprintf("%.2g", x)
	}
}

// times formats a ratio as "12.3×".
func times(x float64) string {
	if x == 0 {
		return "–"
	}
	return sig3(x) + "×"
}

// count formats an integer with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// size formats a byte count.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return sig3(float64(n)/(1<<30)) + " GiB"
	case n >= 1<<20:
		return sig3(float64(n)/(1<<20)) + " MiB"
	case n >= 1<<10:
		return sig3(float64(n)/(1<<10)) + " KiB"
	}
	return fmt.Sprintf("%d B", n)
}

func rate(n int, d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return count(int(float64(n)/d.Seconds() + 0.5))
}
