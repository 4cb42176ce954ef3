package textenc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/tokenizer/pretrained"
)

const models = "../../../shared/models"

type reference struct {
	Text     string  `json:"text"`
	InputIDs []int64 `json:"input_ids"`
}

func references(t *testing.T, model string) []reference {
	t.Helper()
	f, err := os.Open(filepath.Join(models, model, "reference.jsonl"))
	if err != nil {
		t.Skipf("needs the %s test model's reference.jsonl in %s (shared/ beside the checkout, the development and CI layout): %v", model, models, err)
	}
	defer f.Close()
	var refs []reference
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r reference
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	return refs
}

func load(t testing.TB, model string, maxLen int) *Tokenizer {
	t.Helper()
	path := filepath.Join(models, model, "tokenizer.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("needs the %s test model's tokenizer.json in %s (shared/ beside the checkout, the development and CI layout): %v", model, models, err)
	}
	tk, err := Load(path, maxLen)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// bertVocab maps wordpieces to ids by the line numbers of vocab.txt (a
// source independent of tokenizer.json and sugarme).
func bertVocab(t *testing.T) func(...string) []int64 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(models, "tiny-bert", "vocab.txt"))
	if err != nil {
		t.Skipf("needs tiny-bert's vocab.txt in %s (shared/ beside the checkout, the development and CI layout): %v", models, err)
	}
	ids := map[string]int64{}
	for i, w := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		ids[w] = int64(i)
	}
	return func(pieces ...string) []int64 {
		out := []int64{}
		for _, p := range pieces {
			id, ok := ids[p]
			if !ok {
				t.Fatalf("%q is not in vocab.txt", p)
			}
			out = append(out, id)
		}
		return out
	}
}

func head(x []int64) []int64 {
	if len(x) > 30 {
		return x[:30]
	}
	return x
}

// All 64 tiny-bert references: ids equal Hugging Face's exactly (8 of the
// texts are truncated to 512).
func TestBertReferenceIDs(t *testing.T) {
	refs := references(t, "tiny-bert")
	tk := load(t, "tiny-bert", 512)
	truncated := 0
	for i, r := range refs {
		got, err := tk.Encode(r.Text)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, r.InputIDs) {
			t.Errorf("line %d %.40q:\n got %v\nwant %v", i+1, r.Text, head(got), head(r.InputIDs))
		}
		if len(r.InputIDs) == 512 {
			truncated++
		}
	}
	if len(refs) != 64 || truncated != 8 {
		t.Errorf("%d references, %d truncated; the README says 64 and 8", len(refs), truncated)
	}
}

// The defects of sugarme's own BERT normalizer, each next to the ids
// Hugging Face's BertNormalizer leads to (wordpieces looked up in
// vocab.txt by hand).
func TestBertNormalization(t *testing.T) {
	ids := bertVocab(t)
	tk := load(t, "tiny-bert", 512)
	raw, err := pretrained.FromFile(filepath.Join(models, "tiny-bert", "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text   string
		pieces []string
		// sugarmeDiffers: its own normalizer gets this text wrong (the
		// reason for normalizing in Go).
		sugarmeDiffers bool
	}{
		{"café", []string{"cafe"}, true},                                    // precomposed é: NFD first, then drop the accent
		{"cafe\u0301", []string{"cafe"}, true},                              // already decomposed: the mark is not dropped
		{"naïve ÉCOLE", []string{"naive", "ecole"}, true},                   // accents and upper case
		{"a\u00a0b", []string{"a", "b"}, true},                              // no-break space is white space
		{"a\u3000b", []string{"a", "b"}, true},                              // so is the ideographic space
		{"zero\u200bwidth", []string{"zero", "##wi", "##dt", "##h"}, false}, // a format character is dropped
		{"日本", []string{"日", "本"}, false},                                   // CJK ideographs are words of their own
		{"[SEP] x [sep]", []string{"[SEP]", "x", "[", "sep", "]"}, false},   // special tokens only in their own case
		{"İstanbul", []string{"istanbul"}, false},
		{"", nil, false},
		{" \t\r\n\u3000\u00a0", nil, true},
	} {
		want := append(append([]int64{101}, ids(c.pieces...)...), 102)
		got, err := tk.Encode(c.text)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %v %v, want %v", c.text, got, err, want)
		}
		enc, err := raw.EncodeSingle(c.text, true)
		if err != nil {
			t.Fatal(err)
		}
		sugarme := make([]int64, len(enc.Ids))
		for i, id := range enc.Ids {
			sugarme[i] = int64(id)
		}
		if differs := !slices.Equal(sugarme, want); differs != c.sugarmeDiffers {
			t.Errorf("%q: sugarme alone gives %v (differs: %v, expected %v)", c.text, sugarme, differs, c.sugarmeDiffers)
		}
	}
}

// use-lite: the Unigram tokenizer.json reproduces the reference
// JavaScript tokenizer except on the two quirks its README documents, and
// there it gives what Hugging Face gives. The model reads the first 128.
func TestUnigramReferenceIDs(t *testing.T) {
	refs := references(t, "use-lite")
	tk := load(t, "use-lite", 128)
	quirks := 0
	for i, r := range refs {
		got, err := tk.Encode(r.Text)
		if err != nil {
			t.Fatal(err)
		}
		want := r.InputIDs[:min(len(r.InputIDs), 128)]
		switch {
		case strings.HasPrefix(r.Text, ":)"):
			// reference "▁ : )" = 30 57 52; tokenizer.json the piece "▁:)" = 658
			want = append([]int64{658}, want[3:]...)
			quirks++
		case strings.Contains(r.Text, "_____"):
			// a tie: reference "▁ __ __ _" = 30 6500 6500 435, HF "▁ _ __ __"
			at := slices.Index(want, 6500)
			if at < 0 || !slices.Equal(want[at-1:at+3], []int64{30, 6500, 6500, 435}) {
				t.Fatalf("line %d: the blank is not where the README says: %v", i+1, want)
			}
			want = slices.Clone(want)
			copy(want[at:], []int64{435, 6500, 6500})
			quirks++
		}
		if !slices.Equal(got, want) {
			t.Errorf("line %d %.40q:\n got %v\nwant %v", i+1, r.Text, head(got), head(want))
		}
	}
	if quirks != 2 {
		t.Errorf("%d texts with the documented quirks, want 2", quirks)
	}
}

func TestUnigramNormalization(t *testing.T) {
	tk := load(t, "use-lite", 128)
	for _, c := range []struct {
		text string
		want []int64
	}{
		{"", []int64{}},               // no text, no tokens (not even the prepended ▁)
		{" ", []int64{30, 30}},        // "▁" prepended, the space replaced: two "▁"
		{"hello", []int64{2002, 102}}, // ids from the README
		{"Hello", []int64{341, 4125}},
		{"Ｈｅｌｌｏ", []int64{341, 4125}}, // NFKC folds full-width letters
	} {
		got, err := tk.Encode(c.text)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v %v, want %v", c.text, got, err, c.want)
		}
	}
	// NFKC composes: a decomposed é tokenizes as the precomposed one.
	a, _ := tk.Encode("caf\u00e9")
	b, _ := tk.Encode("cafe\u0301")
	if !slices.Equal(a, b) {
		t.Errorf("precomposed %v, decomposed %v", a, b)
	}
}

// The Viterbi search on a vocabulary small enough to check by hand
// (scores in testdata/unigram.json; the unknown score is the lowest
// score minus 10: -14).
func TestUnigramSearch(t *testing.T) {
	tk, err := Load(filepath.Join("testdata", "unigram.json"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if tk.unigram == nil {
		t.Fatal("the Unigram search of this package is not in use")
	}
	for _, c := range []struct {
		text string
		want []int64
	}{
		{"abc", []int64{3, 4}},  // ab+c = -3.5 beats a+b+c = -4 and a+bc = -4
		{"de", []int64{8}},      // de = d+e = -2: the path found first (last piece starting earlier) wins
		{"xyab", []int64{0, 3}}, // x and y are unknown: one fused unknown token
		{"axb", []int64{1, 0, 2}},
		{"é", []int64{9}},  // a two-byte piece
		{"üx", []int64{0}}, // unknown characters of different widths fuse
		{"", []int64{}},
	} {
		got, err := tk.Encode(c.text)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v %v, want %v", c.text, got, err, c.want)
		}
	}
}

func TestTruncation(t *testing.T) {
	tk := load(t, "tiny-bert", 8)
	ids := bertVocab(t)
	text := "a b c d e f g h i j"
	front, _ := tk.Encode(text)
	back, _ := tk.EncodeTail(text)
	wantFront := append(append([]int64{101}, ids("a", "b", "c", "d", "e", "f")...), 102)
	wantBack := append(append([]int64{101}, ids("e", "f", "g", "h", "i", "j")...), 102)
	if !slices.Equal(front, wantFront) || !slices.Equal(back, wantBack) {
		t.Errorf("front %v, want %v; back %v, want %v", front, wantFront, back, wantBack)
	}
	// 512 with [CLS] and [SEP]: the first 510 wordpieces of the untruncated
	// encoding.
	full := load(t, "tiny-bert", 0)
	long := strings.Repeat("the quick brown fox jumps over the lazy dog. ", 120)
	all, _ := full.Encode(long)
	cut, _ := load(t, "tiny-bert", 512).Encode(long)
	if len(all) <= 512 || len(cut) != 512 || !slices.Equal(cut[:511], all[:511]) || cut[511] != 102 {
		t.Errorf("%d ids untruncated, %d truncated", len(all), len(cut))
	}
	if _, err := Load(filepath.Join(models, "tiny-bert", "tokenizer.json"), 2); err == nil {
		t.Error("a limit with no room for text accepted")
	}
}

// A 100,000-character prompt, with and without spaces, in both tokenizers:
// the limit's worth of ids.
func TestLongPrompts(t *testing.T) {
	for _, c := range []struct {
		model  string
		maxLen int
	}{{"tiny-bert", 512}, {"use-lite", 128}} {
		tk := load(t, c.model, c.maxLen)
		for _, text := range []string{strings.Repeat("word ", 20000), strings.Repeat("x", 100000), strings.Repeat("日本語", 33334)} {
			ids, err := tk.Encode(text)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(ids); n != c.maxLen && !(n < c.maxLen && !strings.Contains(text, " ")) {
				t.Errorf("%s, %d characters %.10q...: %d ids", c.model, len([]rune(text)), text, n)
			}
		}
	}
}

func TestLoadRejects(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "tokenizer.json")
	os.WriteFile(notJSON, []byte("{ not json"), 0o644)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.json"), "no such file"},
		{notJSON, "not a tokenizer.json"},
		{filepath.Join(models, "tiny-bert", "config.json"), "config.json"},
	} {
		if _, err := Load(c.path, 8); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.path, err, c.want)
		}
	}
}

func BenchmarkEncodeLong(b *testing.B) {
	for _, c := range []struct {
		model  string
		maxLen int
	}{{"tiny-bert", 512}, {"use-lite", 128}} {
		for _, text := range []string{strings.Repeat("word ", 20000), strings.Repeat("x", 100000)} {
			b.Run(fmt.Sprintf("%s/%.4s", c.model, text), func(b *testing.B) {
				tk := load(b, c.model, c.maxLen)
				for b.Loop() {
					if _, err := tk.Encode(text); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
