package main

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/report"
)

// checkPaths refuses, as usage errors before anything is read or written,
// the paths of a run that would read its own files back or overwrite
// what it must not: --state and --out the same or one inside the other,
// an INPUT inside either, and --html, --cpuprofile or --memprofile
// inside --state, onto an INPUT (or a file of an INPUT directory) or onto
// a directory (the profiles also
// inside --out, which the output set owns). Names are compared resolved,
// symbolic links and all.
func checkPaths(o *runOptions, inputs []string) error {
	out, err := report.Resolve(o.out)
	if err != nil {
		return err
	}
	st := ""
	if o.state != "" {
		if st, err = report.Resolve(o.state); err != nil {
			return err
		}
		if st == out || within(st, out) || within(out, st) {
			return usagef("run: --state %s and --out %s are the same directory or one holds the other: each needs its own", o.state, o.out)
		}
	}
	var ins []string
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		r, err := report.Resolve(in)
		if err != nil {
			return err
		}
		if r == out || within(r, out) {
			return usagef("run: INPUT %s is --out %s or inside it: neardup would read its own outputs as articles", in, o.out)
		}
		if st != "" && (r == st || within(r, st)) {
			return usagef("run: INPUT %s is --state %s or inside it: neardup would read the state's files as articles", in, o.state)
		}
		ins = append(ins, r)
	}
	for _, f := range []struct{ flag, path string }{{"--html", o.report.html}, {"--cpuprofile", o.cpuProfile}, {"--memprofile", o.memProfile}} {
		if f.path == "" {
			continue
		}
		r, err := report.Resolve(f.path)
		if err != nil {
			return err
		}
		switch fi, err := os.Stat(r); {
		case err == nil && fi.IsDir():
			return usagef("run: %s %s is a directory: give a file", f.flag, f.path)
		case st != "" && (r == st || within(r, st)):
			return usagef("run: %s %s is inside --state %s: it would overwrite the state's own files", f.flag, f.path, o.state)
		case f.flag != "--html" && (r == out || within(r, out)):
			return usagef("run: %s %s is inside --out %s, which holds the output set alone", f.flag, f.path, o.out)
		}
		_, exists := os.Stat(r)
		for _, in := range ins {
			// A file the walk would read as an article (a known format, not
			// hidden, not in OUT): overwriting it loses an input.
			read := corpus.Known(r) && !strings.HasPrefix(filepath.Base(r), ".") && !within(r, out)
			if r == in || within(r, in) && exists == nil && read {
				return usagef("run: %s %s is an INPUT or a file in one: it would overwrite it", f.flag, f.path)
			}
		}
	}
	return nil
}

// within reports whether path lies inside dir (both resolved).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// cpuProfile writes a CPU profile of the rest of the run to path, into a
// temporary file beside it, renamed onto path by the returned stop once
// the run has succeeded (ok): a failed run leaves path as it was.
func cpuProfile(path string) (stop func(ok bool) error, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return func(ok bool) error {
		pprof.StopCPUProfile()
		err := f.Close()
		if ok && err == nil {
			err = os.Rename(f.Name(), path)
		}
		if !ok || err != nil {
			os.Remove(f.Name())
		}
		return err
	}, nil
}
