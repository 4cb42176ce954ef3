package channel

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	secs, err := ReadCSV("testdata/trace.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Second{
		{RTT: 0.040, Down: 800, Up: 400},
		{RTT: 0.040, Down: 0, Up: 400}, // empty cells carry the row above
		{RTT: 0.060, Down: 1600, Up: 400},
		{RTT: 0.060, Down: 800, Up: 200},
	}
	if !slices.Equal(secs, want) {
		t.Errorf("got %+v\nwant %+v", secs, want)
	}
	tr, err := Load("trace:testdata/trace.csv", "", 4)
	if err != nil {
		t.Fatal(err)
	}
	// 800 kbit/s at 4 bytes per token: 800000/32 = 25000 tokens/s; t_s
	// starts at 100 but the trace's second 0 is the first row.
	if got := tr.Download(0.5, 12500); got != 0.5 {
		t.Errorf("12500 tokens at 25000/s from 0.5 s: %v, want 0.5", got)
	}
	if tr.Name() != "testdata/trace.csv" || tr.Len() != 4 {
		t.Errorf("name %q, %d seconds", tr.Name(), tr.Len())
	}
}

func TestParseCSVRefuses(t *testing.T) {
	const head = "t_s,rtt_ms,down_kbps,up_kbps\n"
	for _, c := range []struct {
		name, text, want string
	}{
		{"empty", "", "f.csv: empty file, want a header with t_s, rtt_ms, down_kbps, up_kbps"},
		{"header only", head, "f.csv: no rows"},
		{"BOM, header only", "\ufeff" + head, "f.csv: no rows"},
		{"missing column", "t_s,rtt_ms,down_kbps\n0,1,2\n", "f.csv: no column up_kbps"},
		{"column twice", "t_s,rtt_ms,down_kbps,up_kbps,rtt_ms\n0,1,2,3,4\n", "f.csv: column rtt_ms twice"},
		{"first row empty", head + "0,,2,3\n", "f.csv line 2: rtt_ms is empty on the first row"},
		{"gap", head + "0,1,2,3\n1,1,2,3\n3,1,2,3\n", "f.csv line 4: t_s 3 after 1: want 2"},
		{"disorder", head + "5,1,2,3\n4,1,2,3\n", "f.csv line 3: t_s 4 after 5: want 6"},
		{"repeat", head + "5,1,2,3\n5,1,2,3\n", "f.csv line 3: t_s 5 after 5: want 6"},
		{"fractional t", head + "0.5,1,2,3\n", `f.csv line 2: t_s "0.5": want a whole number`},
		{"empty t", head + "0,1,2,3\n,1,2,3\n", `f.csv line 3: t_s "": want a whole number`},
		{"negative", head + "0,1,2,3\n1,1,-2,3\n", "f.csv line 3: down_kbps -2: want >= 0"},
		{"text", head + "0,1,2,fast\n", `f.csv line 2: up_kbps "fast": not a number`},
		{"NaN", head + "0,NaN,2,3\n", `f.csv line 2: rtt_ms "NaN": not a number`},
		{"infinite", head + "0,1,Inf,3\n", `f.csv line 2: down_kbps "Inf": not a number`},
		{"short row", head + "0,1,2,3\n1,1,2\n", "f.csv: record on line 3: wrong number of fields"},
	} {
		_, err := ParseCSV(strings.NewReader(c.text), "f.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	outage := filepath.Join(dir, "outage.csv")
	if err := os.WriteFile(outage, []byte("t_s,rtt_ms,down_kbps,up_kbps\n0,50,0,100\n1,50,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		spec string
		bpt  float64
		want string
	}{
		{"paper", 4, `channel "paper": want trace:ucc5g-static, trace:ucc5g-driving or trace:FILE`},
		{"trace:", 4, `channel "trace:": want`},
		{"ucc5g-static", 4, `channel "ucc5g-static": want`},
		{"trace:" + filepath.Join(dir, "none.csv"), 4, "trace: open " + filepath.Join(dir, "none.csv")},
		{"trace:ucc5g-static", 4, "ucc5g: open " + filepath.Join(dir, UCC5GZip)},
		{"trace:" + outage, 4, "trace " + outage + ": down capacity is 0 in every second: a transfer would never finish"},
		{"trace:testdata/trace.csv", 0, "bytes per token 0: want a finite number > 0"},
		{"trace:testdata/trace.csv", -1, "bytes per token -1"},
	} {
		_, err := Load(c.spec, dir, c.bpt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%q, bpt %v): error %v, want it to contain %q", c.spec, c.bpt, err, c.want)
		}
	}
}

// writeZip writes a zip of the named files.
func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ucc.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	slices.Reverse(names) // the loader must sort, not trust the zip's order
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

const uccHeader = "Timestamp,DL_bitrate,UL_bitrate,State,PINGAVG\n"

// The UCC layout in small: two Static files out of order, macOS metadata,
// another scenario and another app to leave out, pings to carry.
func TestLoadUCC5G(t *testing.T) {
	p := writeZip(t, map[string]string{
		"5G-production-dataset/Download/Static/B_2.csv":            uccHeader + "t,300,9,D,-\nt,0,0,I,70\nt,500,1,D,-\n",
		"5G-production-dataset/Download/Static/B_1.csv":            uccHeader + "t,100,9,D,-\nt,200,9,D,40\nt,250,9,D,-\n",
		"5G-production-dataset/Download/Static/.DS_Store":          "junk",
		"__MACOSX/5G-production-dataset/Download/Static/._B_1.csv": "junk",
		"5G-production-dataset/Download/Driving/B_9.csv":           uccHeader + "t,7,7,D,7\n",
		"5G-production-dataset/Netflix/Static/B_1.csv":             uccHeader + "t,7,7,D,7\n",
	})
	secs, err := LoadUCC5G(p, "Static")
	if err != nil {
		t.Fatal(err)
	}
	// B_1 then B_2; the first ping (40) backward, then each forward;
	// capacity from DL_bitrate both ways (UL_bitrate ignored).
	want := []Second{
		{0.04, 100, 100}, {0.04, 200, 200}, {0.04, 250, 250},
		{0.04, 300, 300}, {0.07, 0, 0}, {0.07, 500, 500},
	}
	if !slices.Equal(secs, want) {
		t.Errorf("got  %v\nwant %v", secs, want)
	}
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no files", map[string]string{"5G-production-dataset/Download/Driving/B_1.csv": uccHeader}, "no Download/Static/*.csv traces"},
		{"no ping", map[string]string{"d/Download/Static/B_1.csv": uccHeader + "t,1,1,D,-\n"}, "Download/Static: no second has a PINGAVG"},
		{"no column", map[string]string{"d/Download/Static/B_1.csv": "Timestamp,DL_bitrate\nt,1\n"}, "d/Download/Static/B_1.csv: no column PINGAVG"},
		{"bad rate", map[string]string{"d/Download/Static/B_1.csv": uccHeader + "t,1,1,D,5\nt,x,1,D,5\n"}, `d/Download/Static/B_1.csv line 3: DL_bitrate "x": not a number`},
		{"bad ping", map[string]string{"d/Download/Static/B_1.csv": uccHeader + "t,1,1,D,-5\n"}, "d/Download/Static/B_1.csv line 2: PINGAVG -5: want >= 0"},
	} {
		_, err := LoadUCC5G(writeZip(t, c.files), "Static")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := LoadUCC5G(filepath.Join(t.TempDir(), "none.zip"), "Static"); err == nil || !strings.Contains(err.Error(), "ucc5g: open") {
		t.Errorf("missing zip: error %v", err)
	}
}
