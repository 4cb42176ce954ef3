package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/replay"
)

// builtinData is the --data value that replays the packs built into
// evalrun even where a data directory exists.
const builtinData = "builtin"

// fetchHint says how to get the upstream files.
func fetchHint(dir string) string {
	return fmt.Sprintf("download them with `%s %s` (FETCH_DATA_MIRROR=DIR-or-URL for a mirror of the upstream hosts)", datadir.FetchCommand, dir)
}

// replayData is the data directory a replay of bench reads its upstream
// files from (its requests only, with ownJudgments: --judgments), or ""
// for the pack built into evalrun: --data builtin, a pack file, or no
// data directory anywhere. A directory the user named (--data,
// $EDGEROUTE_DATA) must hold the benchmark's files; one found beside the
// module or in the cache that does not (an interrupted download) is
// passed over for the built-in pack, with a note.
func replayData(flagValue, bench string, ownJudgments bool, stderr io.Writer) (string, error) {
	if flagValue == builtinData || replay.IsPackFile(bench) {
		return "", nil
	}
	dir, err := datadir.Resolve(flagValue)
	switch {
	case errors.Is(err, datadir.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	missing := replay.MissingUpstream(dir, bench, ownJudgments)
	if missing == "" {
		return dir, nil
	}
	if flagValue != "" || os.Getenv("EDGEROUTE_DATA") != "" {
		return "", fmt.Errorf("data directory %s has no %s, a file of %s: %s; or leave --data out (and EDGEROUTE_DATA unset) to replay the pack built into evalrun", dir, missing, bench, fetchHint(dir))
	}
	fmt.Fprintf(stderr, "evalrun: %s has no %s, so %s is replayed from the pack built into evalrun (%s)\n", dir, missing, bench, fetchHint(dir))
	return "", nil
}

// upstreamData is the data directory for what needs the upstream files
// themselves (importers matching upstream text, evalrun pack).
func upstreamData(flagValue string) (string, error) {
	dir, err := datadir.Resolve(flagValue)
	if errors.Is(err, datadir.ErrNotFound) {
		cache, _ := datadir.CacheDir()
		return "", fmt.Errorf("no data directory with the upstream files: pass --data DIR or set EDGEROUTE_DATA, or %s", fetchHint(cache))
	}
	return dir, err
}

// locateData points cfg at the data its replay reads (the link's trace,
// the benchmark's files or pack) and its notes at stderr.
func locateData(cfg *replay.Config, stderr io.Writer) error {
	var err error
	if cfg.ChannelData, err = channelData(cfg.DataDir, cfg.Channel); err != nil {
		return err
	}
	if cfg.DataDir, err = replayData(cfg.DataDir, cfg.Bench, cfg.Judgments != "", stderr); err != nil {
		return err
	}
	cfg.Stderr = stderr
	return nil
}

// channelData is the data directory of a measured link's trace: the UCC
// 5G traces are upstream files (GPL-3.0, not built into evalrun).
func channelData(flagValue, spec string) (string, error) {
	if !strings.HasPrefix(spec, "trace:ucc5g-") {
		return "", nil
	}
	if flagValue == builtinData {
		flagValue = ""
	}
	dir, err := upstreamData(flagValue)
	if err != nil {
		return "", fmt.Errorf("--channel %s reads %s: %v", spec, channel.UCC5GZip, err)
	}
	return dir, nil
}
