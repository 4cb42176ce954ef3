package textenc

import (
	"strings"
	"testing"
	"time"
)

func TestSpeedTmp(t *testing.T) {
	for _, m := range []struct{ dir string; n int }{{"tiny-bert", 512}, {"use-lite", 128}} {
		tk, err := Load("../../shared/models/"+m.dir+"/tokenizer.json", m.n)
		if err != nil { t.Fatal(err) }
		for _, s := range []string{strings.Repeat("word ", 20000), strings.Repeat("x", 100000), strings.Repeat("[CLS]", 20000), strings.Repeat("Natalia sold clips to 48 of her friends in April. ", 2000)} {
			t0 := time.Now()
			ids, err := tk.Encode(s)
			t.Logf("%s %q: %d ids %v %v", m.dir, s[:10], len(ids), err, time.Since(t0))
		}
	}
}
