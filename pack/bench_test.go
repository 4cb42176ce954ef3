package pack

import "testing"

// Loading the embedded MMLU pack: 14,042 records, 28,084 judgments
// (issue 10: at most 50 ms).
func BenchmarkBuiltinMMLU(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := Builtin("mmlu")
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Records) != 14042 {
			b.Fatalf("%d records", len(p.Records))
		}
	}
}
