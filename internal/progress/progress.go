// Package progress says on stderr how far a long step has come: a bar
// with rate and time left when stderr is a terminal, and in a log (CI, a
// redirected stderr) one line every few seconds, so a job that takes a
// minute is never silent and a short one prints nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// LogEvery is how often a log line is written when stderr is not a
// terminal.
const LogEvery = 5 * time.Second

// Bar follows n steps of one piece of work. Its methods are safe for
// concurrent use; a nil *Bar does nothing.
type Bar struct {
	mu         sync.Mutex
	bar        *progressbar.ProgressBar // at a terminal
	log        io.Writer                // elsewhere
	what, unit string
	n, done    int
	start      time.Time
	next       time.Time // of the next log line
}

// New starts a bar for n steps of the named work ("scoring mmlu",
// unit "texts") on w.
func New(w io.Writer, n int, what, unit string) *Bar {
	b := &Bar{what: what, unit: unit, n: n, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b.bar = progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	} else if w != nil {
		b.log, b.next = w, b.start.Add(LogEvery)
	}
	return b
}

// Add records k more steps done.
func (b *Bar) Add(k int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += k
	switch {
	case b.bar != nil:
		b.bar.Add(k)
	case b.log != nil:
		if now := time.Now(); !now.Before(b.next) {
			fmt.Fprintf(b.log, "evalrun: %s: %d/%d %s (%.0f s)\n", b.what, b.done, b.n, b.unit, now.Sub(b.start).Seconds())
			b.next = now.Add(LogEvery)
		}
	}
}

// Finish ends the bar (a terminal's bar is cleared).
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		b.bar.Finish()
	}
}
