package main

import (
	"fmt"
	"github.com/bedside-ai/bedside/retrieval"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line progress bar on a terminal; elsewhere it is
// silent, so logs and pipes stay clean.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	label string
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(env *environment, label string) *progress {
	return &progress{w: env.stderr, on: env.interactive, label: label, start: time.Now()}
}

// update shows done of total (total 0 means unknown).
func (p *progress) update(done, total int, unit string) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.last = now
	const width = 30
	bar := ""
	if total > 0 {
		n := min(width, done*width/total)
		bar = "[" + strings.Repeat("=", n) + strings.Repeat(" ", width-n) + "] "
	}
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r%s %s%d/%d %s (%.0f/s)   ", p.label, bar, done, total, unit, rate)
	p.drawn = true
}

// done clears the bar.
func (p *progress) done() {
	if p == nil || !p.on || !p.drawn {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}

// ingested is a [retrieval.Options.Progress] hook.
func (p *progress) ingested(st retrieval.IngestStats) {
	p.update(st.Written+st.Unchanged, st.Documents, "documents")
}
