package pack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/internal/atomicfile"
)

var update = flag.Bool("update", false, "rewrite the built-in packs in builtin/ from ../shared/data")

// sharedData is the upstream files, beside the clone (../shared/data from
// the module root).
const sharedData = "../../shared/data"

func needShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedData, "MANIFEST.tsv")); err != nil {
		t.Skip("compares with the upstream files: needs ../shared/data")
	}
}

// The embedded packs are exactly what Build makes of the upstream files
// (with -update: becomes so).
func TestBuiltin(t *testing.T) {
	for _, name := range BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			needShared(t)
			p, err := Build(sharedData, name)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := atomicfile.Write(filepath.Join("builtin", name+".parquet"), fresh); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote builtin/%s.parquet: %d bytes", name, len(fresh))
				return
			}
			embedded, err := builtinFiles.ReadFile("builtin/" + name + ".parquet")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(embedded, fresh) {
				t.Errorf("builtin/%s.parquet (%d bytes) differs from a fresh Build (%d bytes): run go test ./pack -run TestBuiltin -update", name, len(embedded), len(fresh))
			}
		})
	}
}

// The licence files are the upstream ones (sha256 as in
// scripts/MANIFEST.tsv), and every pack has its own.
func TestBuiltinLicenses(t *testing.T) {
	want := manifestSums(t)
	files, err := fs.Glob(builtinFiles, "builtin/LICENSES/*/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("%v, %v", files, err)
	}
	for _, f := range files {
		b, _ := builtinFiles.ReadFile(f)
		rel := strings.TrimPrefix(f, "builtin/LICENSES/")
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want[rel] {
			t.Errorf("%s: not the upstream %s", f, rel)
		}
	}
	for _, name := range BuiltinNames() {
		text, err := BuiltinLicense(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range strings.Split(p.License.SPDX, " AND ") {
			if !strings.Contains(text, map[string]string{"MIT": "MIT License", "Apache-2.0": "Apache License"}[id]) {
				t.Errorf("%s: licence %s, but its licence files have no %s text", name, p.License.SPDX, id)
			}
		}
	}
}

// manifestSums reads scripts/MANIFEST.tsv from the checkout: path -> sha256.
func manifestSums(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../scripts/MANIFEST.tsv")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, "\t")
		m[f[0]] = f[2]
	}
	return m
}

// Build refuses a file that is not the upstream one.
func TestBuildChecksUpstream(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	for _, f := range []string{"question.jsonl", "judgements.jsonl", "contaminated_prompts.jsonl"} {
		b, err := os.ReadFile(filepath.Join(sharedData, "routellm", "mt_bench", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "question.jsonl" {
			b = bytes.Replace(b, []byte("Compose"), []byte("Write"), 1) // still valid JSON, another text
		}
		if err := os.MkdirAll(filepath.Join(dir, "routellm", "mt_bench"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "routellm", "mt_bench", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Build(dir, "mtbench")
	if err == nil || !strings.Contains(err.Error(), "question.jsonl: sha256 ") || !strings.Contains(err.Error(), "but the upstream file's (scripts/MANIFEST.tsv) is 119565adbab8") {
		t.Errorf("error %v, want the checksum mismatch of question.jsonl", err)
	}
	if _, err := Build(dir, "mmlu"); err == nil || !strings.Contains(err.Error(), "mmlu") {
		t.Errorf("no MMLU files: error %v", err)
	}
	if _, err := Build(dir, "hellaswag"); err == nil || !strings.Contains(err.Error(), `no built-in benchmark "hellaswag" (want gsm8k, mmlu, mtbench, mtbench101)`) {
		t.Errorf("unknown bench: %v", err)
	}
}
