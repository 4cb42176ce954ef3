package progress

import (
	"strings"
	"testing"
	"time"
)

// Not at a terminal: nothing for a step shorter than LogEvery, then one
// line per LogEvery with the count and the time since the start.
func TestLogLines(t *testing.T) {
	var w strings.Builder
	b := New(&w, 10, "bootstrap of random", "resamples")
	b.Add(3)
	if w.Len() != 0 {
		t.Errorf("a step shorter than %v printed %q", LogEvery, w.String())
	}
	// As if the work had started 7 s ago and the next line were due.
	b.start, b.next = time.Now().Add(-7*time.Second), time.Now().Add(-time.Millisecond)
	b.Add(2)
	if want := "evalrun: bootstrap of random: 5/10 resamples (7 s)\n"; w.String() != want {
		t.Errorf("log %q, want %q", w.String(), want)
	}
	b.Add(1) // the next line is due LogEvery later
	b.Finish()
	if strings.Count(w.String(), "\n") != 1 {
		t.Errorf("log %q: a second line within %v", w.String(), LogEvery)
	}
}

// A nil *Bar, and a bar without a writer, do nothing.
func TestNothingToShow(t *testing.T) {
	var nilBar *Bar
	nilBar.Add(1)
	nilBar.Finish()
	b := New(nil, 3, "x", "steps")
	b.start, b.next = time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)
	b.Add(3)
	b.Finish()
}
