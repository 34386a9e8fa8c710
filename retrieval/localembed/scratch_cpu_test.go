package localembed

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func cpuSecs() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func TestScratchCPU(t *testing.T) {
	b, err := loadMedquad(filepath.Join(dataDir(), "medquad"))
	if err != nil {
		t.Skip(err)
	}
	var size int
	for _, d := range b.docs {
		size += len(d)
	}
	for _, dim := range []int{384, 1536} {
		e := newWithConfig(defaultConfig(dim))
		for range 2 {
			c0, w0 := cpuSecs(), time.Now()
			if _, err := e.Embed(t.Context(), b.docs); err != nil {
				t.Fatal(err)
			}
			t.Logf("dim %d: %d passages, %.1f MB: wall %v, CPU %.2fs", dim, len(b.docs), float64(size)/1e6, time.Since(w0).Round(time.Millisecond), cpuSecs()-c0)
		}
	}
}
