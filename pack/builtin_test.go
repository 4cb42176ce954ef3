package pack

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
