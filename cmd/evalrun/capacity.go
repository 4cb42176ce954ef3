package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/edgeroute/edgeroute/replay"
	"github.com/edgeroute/edgeroute/reports"
	"github.com/edgeroute/edgeroute/reports/figures"
)

// defaultCapacityCounts are the device counts evalrun capacity sweeps
// unless --devices says.
var defaultCapacityCounts = countList{1, 2, 4, 8, 16, 32, 64, 128, 256}

// runCapacity is `evalrun capacity --bench NAME --max-p95 S`: how many
// phones one edge server carries at the target quality within a p95
// latency, per router. Every replay flag applies; --devices is the list
// of counts swept.
func runCapacity(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun capacity", flag.ContinueOnError)
	flags := defineReplayFlags(fs)
	maxP95 := optFloat(fs, "max-p95", "p95 latency limit per request, in `seconds` (required)")
	figDir := fs.String("figures", "", "`directory` to write <bench>_capacity.png and .svg into (p95 at the target against phones; default: no figure)")
	const prefix = "evalrun capacity"
	if code, done := e.command(fs, args, fmt.Sprintf("Usage: evalrun capacity --bench NAME --max-p95 SECONDS [--devices 1,2,4,...] [--router LIST] [flags]\n\n"+
		"Replays the benchmark with many phones sharing one edge server at each count of --devices (default %s)\n"+
		"and reports, per router, the largest count at which a stable operating point reaches the target quality\n"+
		"with p95 latency at most --max-p95, and the p95 at the target at every count. Every flag of a replay\n"+
		"applies (evalrun help); --format table, markdown or json.", defaultCapacityCounts.String()), "max-p95", "devices", "figures"); done {
		return code
	}
	counts := *flags.devices
	if len(counts) == 0 {
		counts = defaultCapacityCounts
	}
	cfg, out, err := flags.config(fs)
	switch {
	case err != nil:
	case math.IsNaN(*maxP95):
		err = fmt.Errorf("--max-p95 is required: the p95 latency limit per request, s")
	case !(*maxP95 > 0) || math.IsInf(*maxP95, 0):
		err = fmt.Errorf("--max-p95 %v: want a finite number of seconds > 0", *maxP95)
	case out.format.name != "table" && out.format.name != "markdown" && out.format.name != "json":
		err = fmt.Errorf("--format %s: evalrun capacity writes table, markdown or json", out.format.name)
	}
	if err == nil && *figDir != "" {
		err = os.MkdirAll(*figDir, 0o755)
	}
	if err == nil {
		err = locateData(&cfg, e.stderr)
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	rep, rows, err := replay.Capacity(ctx, cfg, counts, *maxP95)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	c := &reports.CapacityReport{Bench: rep.Bench, N: rep.N, Target: rep.Target, MaxP95: *maxP95, Profile: rep.Profile, Contention: rep.Contention, Routers: rows}
	var buf bytes.Buffer
	switch out.format.name {
	case "json":
		err = reports.WriteJSON(&buf, c)
	default:
		err = reports.WriteCapacity(&buf, c, out.format.name == "markdown")
	}
	if err == nil && *figDir != "" {
		var files []string
		files, err = figures.WriteCapacity(*figDir, rep.Bench, *maxP95, rows)
		if err == nil {
			fmt.Fprintf(e.stderr, "%s: wrote %s\n", prefix, strings.Join(files, ", "))
		}
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return e.fail(prefix, err)
	}
	return exitOK
}
