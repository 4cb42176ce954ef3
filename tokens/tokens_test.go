package tokens

import (
	"strings"
	"testing"
)

func TestWordsCount(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"", 0},
		{"   ", 0},
		{"one", 1},
		{"Janet’s ducks lay 16 eggs", 5},
		{"a\tb\nc  d", 4},
		{"no\u00a0break space", 3}, // U+00A0 is white space for strings.Fields
		{" lead and trail ", 3},
		{"ideographic\u3000space", 2},
		{"\v\f\r\x85 x\x00y", 2}, // ASCII separators; a lone \x85 byte is not U+0085, nor NUL a space
		{"next\u0085line", 2},    // U+0085 is
		{"bad\xff\xfe bytes", 2}, // invalid UTF-8 is a word's
	}
	for _, c := range cases {
		if got := (Words{}).Count(c.text); got != c.want {
			t.Errorf("Count(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

func FuzzWordsMatchesFields(f *testing.F) {
	for _, s := range []string{"", "a b", "x\u00a0y\u2028z", "\xff\xfe a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := (Words{}).Count(s), len(strings.Fields(s)); got != want {
			t.Fatalf("Count(%q) = %d, strings.Fields gives %d", s, got, want)
		}
	})
}

// BenchmarkWordsCount counts the words of a prompt of 80 words (a
// replay counts every prompt's).
func BenchmarkWordsCount(b *testing.B) {
	text := strings.Repeat("word ", 80)
	for b.Loop() {
		Words{}.Count(text)
	}
}
