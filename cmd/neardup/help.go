package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/internal/matchflags"
)

// flagGroups are the headings a command's help lists its flags under, in
// this order, after the command's own flags: what a newcomer needs first,
// the veto stack's levers last.
var flagGroups = []struct {
	title string
	names []string
}{
	{"Output", []string{"out", "quiet", "wait", "html", "decisions"}},
	{"Input", []string{"on-error", "max-bytes", "id-field", "title-field", "text-field", "source-field", "date-field"}},
	{"Nightly use (with --state)", []string{"state", "keep", "night", "max-rate-change", "max-evict"}},
	{"Matching", []string{"model", "linkage", "window", "anti-chain", "shingle", "fold-accents", "boilerplate"}},
	{"Performance", []string{"jobs", "hashes", "signature", "candidate-threshold", "seed", "cpuprofile", "memprofile", "max-memory", "dry-run"}},
	{"Report", []string{"html-max-copies", "html-max-text", "html-budget"}},
	{"Veto stack levers (read with --model off only; a model file holds their weights)",
		slices.DeleteFunc(slices.Clone(matchflags.Levers), func(n string) bool { return n == "anti-chain" })},
}

// printFlags writes fs's flags under their headings (flagGroups): those
// of no group first, under "Flags". The levers, hidden from pflag's own
// listing because a model refuses them, are listed last under theirs when
// levers is set (the commands that read them with --model off).
func printFlags(w io.Writer, fs *pflag.FlagSet, levers bool) {
	grouped := map[string]bool{}
	for _, g := range flagGroups {
		for _, n := range g.names {
			grouped[n] = true
		}
	}
	section := func(title string, pick func(*pflag.Flag) bool) {
		sub := pflag.NewFlagSet(title, pflag.ContinueOnError)
		sub.SortFlags = false
		fs.VisitAll(func(f *pflag.Flag) {
			if pick(f) {
				c := *f
				c.Hidden = false
				sub.AddFlag(&c)
			}
		})
		if sub.HasFlags() {
			fmt.Fprintf(w, "\n%s:\n%s", title, sub.FlagUsages())
		}
	}
	section("Flags", func(f *pflag.Flag) bool { return !grouped[f.Name] && !f.Hidden })
	for i, g := range flagGroups {
		last := i == len(flagGroups)-1
		if last && !levers {
			continue
		}
		section(g.title, func(f *pflag.Flag) bool { return slices.Contains(g.names, f.Name) && (!f.Hidden || last) })
	}
}

// helpText is a command's help text without its closing "Flags:" line,
// which printFlags writes under each heading.
func helpText(help string) string {
	return strings.TrimSuffix(strings.TrimRight(help, "\n"), "Flags:")
}
