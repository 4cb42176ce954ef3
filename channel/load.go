package channel

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// UCC5GZip is where the University College Cork 5G production dataset
// (Raca et al., MMSys 2020) lies in the data directory, as published.
const UCC5GZip = "network/ucc5g/5G-production-dataset.zip"

// ucc5gScenarios maps the trace names to the dataset's folders.
var ucc5gScenarios = map[string]string{"ucc5g-static": "Static", "ucc5g-driving": "Driving"}

// Load reads the trace a --channel value names: trace:ucc5g-static or
// trace:ucc5g-driving (the UCC zip in dataDir, see LoadUCC5G), or
// trace:FILE (a CSV file, see ReadCSV; ./ucc5g-static names a file of
// that name). Tokens are bytesPerToken bytes on the wire.
func Load(spec, dataDir string, bytesPerToken float64) (*Trace, error) {
	name, ok := strings.CutPrefix(spec, "trace:")
	if !ok || name == "" {
		return nil, fmt.Errorf("channel %q: want trace:ucc5g-static, trace:ucc5g-driving or trace:FILE", spec)
	}
	var secs []Second
	var err error
	if scenario, ok := ucc5gScenarios[name]; ok {
		secs, err = LoadUCC5G(filepath.Join(dataDir, UCC5GZip), scenario)
	} else {
		secs, err = ReadCSV(name)
	}
	if err != nil {
		return nil, err
	}
	return NewTrace(name, secs, bytesPerToken)
}

// LoadUCC5G reads the Download traces of one scenario ("Static" or
// "Driving") from the UCC 5G production dataset's zip: the CSV files under
// Download/<scenario>/, in sorted order, concatenated in time, one row per
// second (the dataset's logging period; a timestamp can repeat when the
// logger slipped, the row is still a second). macOS metadata (__MACOSX,
// .DS_Store) is skipped.
//
// Capacity is DL_bitrate in both directions: in the Download traces the
// phone downloads continuously, so the downlink rate is what the link
// could carry, whereas UL_bitrate is only the acknowledgement traffic and
// says nothing of the uplink's capacity. A second at 0 kbit/s is an
// outage (idle seconds, State I, are 0 too). The round-trip time is
// PINGAVG, measured every 10 to 15 s ("-" in between): each second takes
// the last measured value, and the seconds before the first measurement
// the first one.
func LoadUCC5G(zipPath, scenario string) ([]Second, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, fmt.Errorf("ucc5g: %v", err)
	}
	defer zr.Close()
	var files []*zip.File
	for _, f := range zr.File {
		parts := strings.Split(f.Name, "/")
		base := parts[len(parts)-1]
		if len(parts) < 3 || parts[0] == "__MACOSX" || strings.HasPrefix(base, ".") || path.Ext(base) != ".csv" {
			continue
		}
		if parts[len(parts)-3] == "Download" && parts[len(parts)-2] == scenario {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Download/%s/*.csv traces", zipPath, scenario)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var secs []Second
	var measured []bool // whether a ping ran that second
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %v", zipPath, f.Name, err)
		}
		name := zipPath + ":" + f.Name
		err = readTable(rc, name, []string{"DL_bitrate", "PINGAVG"}, func(cells []string, line int) error {
			dl, err := number(cells[0], "DL_bitrate")
			if err != nil {
				return err
			}
			s := Second{Down: dl, Up: dl}
			ping := cells[1] != "-"
			if ping {
				ms, err := number(cells[1], "PINGAVG")
				if err != nil {
					return err
				}
				s.RTT = ms / 1000
			}
			secs = append(secs, s)
			measured = append(measured, ping)
			return nil
		})
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	first := -1
	for k := range secs {
		switch {
		case measured[k] && first < 0:
			first = k
		case !measured[k] && first >= 0:
			secs[k].RTT = secs[k-1].RTT
		}
	}
	if first < 0 {
		return nil, fmt.Errorf("%s: Download/%s: no second has a PINGAVG", zipPath, scenario)
	}
	for k := range first {
		secs[k].RTT = secs[first].RTT
	}
	return secs, nil
}

// ReadCSV reads a trace file: CSV with a header naming the columns t_s,
// rtt_ms, down_kbps and up_kbps (in any order; other columns are ignored),
// then one row per second: t_s counts whole seconds with no gap from any
// start, rtt_ms is the round-trip time in ms, down_kbps and up_kbps the
// capacities edge to device and device to edge in kbit/s (0: an outage).
// An empty cell repeats the value of the row above. For example:
//
//	t_s,rtt_ms,down_kbps,up_kbps
//	0,45,20000,5000
//	1,,0,
//	2,60,18000,4000
func ReadCSV(file string) ([]Second, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("trace: %v", err)
	}
	defer f.Close()
	return ParseCSV(f, file)
}

// ParseCSV is ReadCSV on a reader; name appears in errors.
func ParseCSV(r io.Reader, name string) ([]Second, error) {
	cols := []string{"t_s", "rtt_ms", "down_kbps", "up_kbps"}
	var secs []Second
	var t0 int64
	var vals [3]float64 // rtt_ms, down_kbps, up_kbps of the row, carried to the next
	err := readTable(r, name, cols, func(cells []string, line int) error {
		ts, err := strconv.ParseInt(cells[0], 10, 64)
		if err != nil {
			return fmt.Errorf("t_s %q: want a whole number of seconds", cells[0])
		}
		if len(secs) == 0 {
			t0 = ts
		} else if want := t0 + int64(len(secs)); ts != want {
			return fmt.Errorf("t_s %d after %d: want %d (one row per second, in order, no gaps)", ts, want-1, want)
		}
		for i, cell := range cells[1:] {
			switch {
			case cell != "":
				if vals[i], err = number(cell, cols[i+1]); err != nil {
					return err
				}
			case len(secs) == 0:
				return fmt.Errorf("%s is empty on the first row: no value to carry", cols[i+1])
			}
		}
		secs = append(secs, Second{RTT: vals[0] / 1000, Down: vals[1], Up: vals[2]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(secs) == 0 {
		return nil, fmt.Errorf("%s: no rows", name)
	}
	return secs, nil
}

// readTable reads CSV with a header from r and calls row with the cells
// of the wanted columns (trimmed, in the order of want) and the line
// number of each row. Errors name the file and the line.
func readTable(r io.Reader, name string, want []string, row func(cells []string, line int) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file, want a header with %s", name, strings.Join(want, ", "))
	}
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	idx := make([]int, len(want))
	for i, w := range want {
		idx[i] = -1
		for j, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) != w { // a BOM may open the file
				continue
			}
			if idx[i] >= 0 {
				return fmt.Errorf("%s: column %s twice", name, w)
			}
			idx[i] = j
		}
		if idx[i] < 0 {
			return fmt.Errorf("%s: no column %s (want %s)", name, w, strings.Join(want, ", "))
		}
	}
	cells := make([]string, len(want))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		for i, j := range idx {
			cells[i] = strings.TrimSpace(rec[j])
		}
		line, _ := cr.FieldPos(0)
		if err := row(cells, line); err != nil {
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
	}
}

// number parses a cell of column col: a finite number >= 0.
func number(cell, col string) (float64, error) {
	x, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%s %q: not a number", col, cell)
	}
	if x < 0 {
		return 0, fmt.Errorf("%s %v: want >= 0", col, x)
	}
	return x, nil
}
