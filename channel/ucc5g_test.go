package channel

import (
	"archive/zip"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func sharedZip(t testing.TB) string {
	p := filepath.Join("..", "..", "shared", "data", UCC5GZip)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("UCC 5G traces: needs ../shared/data (%v)", err)
	}
	return p
}

// uccRow is what this test reads of a row, without the loader.
type uccRow struct {
	dl, ping float64 // kbit/s; ms, NaN when no ping ran
	state    string
}

// readUCC reads a scenario's Download CSVs with archive/zip and
// encoding/csv directly, in sorted order.
func readUCC(t *testing.T, zipPath, scenario string) []uccRow {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	prefix := "5G-production-dataset/Download/" + scenario + "/"
	var names []string
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, prefix) && strings.HasSuffix(f.Name, ".csv") {
			names = append(names, f.Name)
			byName[f.Name] = f
		}
	}
	slices.Sort(names)
	var rows []uccRow
	for _, n := range names {
		rc, err := byName[n].Open()
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, r := range recs[1:] {
			dl, err := strconv.ParseFloat(r[col["DL_bitrate"]], 64)
			if err != nil {
				t.Fatal(err)
			}
			ping := math.NaN()
			if p := r[col["PINGAVG"]]; p != "-" {
				if ping, err = strconv.ParseFloat(p, 64); err != nil {
					t.Fatal(err)
				}
			}
			rows = append(rows, uccRow{dl, ping, r[col["State"]]})
		}
	}
	return rows
}

// lower is the quantile SOURCES.md's figures use: the sorted value at
// index floor(q (n-1)) (numpy's method="lower").
func lower(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[int(math.Floor(q*float64(len(s)-1)))]
}

// SOURCES.md's figures for the Download traces, recomputed from the raw
// rows, and the loader's trace second by second against those rows.
func TestUCC5GMatchesSources(t *testing.T) {
	zp := sharedZip(t)
	for _, c := range []struct {
		scenario, trace string
		seconds, pings  int
		p50, p95, p99   float64 // ping, ms
		zeroWhileDL     float64 // share of downloading seconds at 0 kbit/s, %
	}{
		{"Static", "ucc5g-static", 15617, 1222, 69, 89, 215, 2.6},
		{"Driving", "ucc5g-driving", 27591, 1986, 80, 164, 350, 3.5},
	} {
		rows := readUCC(t, zp, c.scenario)
		var pings []float64
		zeros, downloading := 0, 0
		for _, r := range rows {
			if !math.IsNaN(r.ping) {
				pings = append(pings, r.ping)
			}
			if r.state == "D" {
				downloading++
				if r.dl == 0 {
					zeros++
				}
			}
		}
		if len(rows) != c.seconds || len(pings) != c.pings {
			t.Errorf("%s: %d seconds, %d pings; SOURCES.md: %d, %d", c.scenario, len(rows), len(pings), c.seconds, c.pings)
		}
		if got := [3]float64{lower(pings, 0.5), lower(pings, 0.95), lower(pings, 0.99)}; got != [3]float64{c.p50, c.p95, c.p99} {
			t.Errorf("%s: ping p50/p95/p99 %v; SOURCES.md: %v/%v/%v", c.scenario, got, c.p50, c.p95, c.p99)
		}
		if got := math.Round(1000*float64(zeros)/float64(downloading)) / 10; got != c.zeroWhileDL {
			t.Errorf("%s: %v%% of downloading seconds at 0; SOURCES.md: %v%%", c.scenario, got, c.zeroWhileDL)
		}

		tr, err := Load("trace:"+c.trace, filepath.Join("..", "..", "shared", "data"), 4)
		if err != nil {
			t.Fatal(err)
		}
		secs := tr.Seconds()
		if len(secs) != len(rows) {
			t.Fatalf("%s: loader has %d seconds, the CSVs %d", c.scenario, len(secs), len(rows))
		}
		first := slices.IndexFunc(rows, func(r uccRow) bool { return !math.IsNaN(r.ping) })
		ping := rows[first].ping // before the first ping: the first one
		for k, r := range rows {
			if !math.IsNaN(r.ping) {
				ping = r.ping
			}
			if want := (Second{RTT: ping / 1000, Down: r.dl, Up: r.dl}); secs[k] != want {
				t.Fatalf("%s second %d: loader %+v, CSV row gives %+v", c.scenario, k, secs[k], want)
			}
		}
	}
}
