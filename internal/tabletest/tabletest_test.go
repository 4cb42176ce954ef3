package tabletest

import (
	"slices"
	"testing"
)

func TestRow(t *testing.T) {
	text := "┌───┬───┐\n│ a │ 1 │\n│ b │   │\n└───┴───┘\n\n| c | 2.5 | x |\n|---|---|---|\n"
	for _, c := range []struct {
		first []string
		want  []string
	}{
		{[]string{"a"}, []string{"a", "1"}},
		{[]string{"b"}, []string{"b", ""}},
		{[]string{"c", "2.5"}, []string{"c", "2.5", "x"}},
		{[]string{"c", "3"}, nil},
		{[]string{"d"}, nil},
	} {
		if got := Row(text, c.first...); !slices.Equal(got, c.want) {
			t.Errorf("Row(%q): %q, want %q", c.first, got, c.want)
		}
	}
}
