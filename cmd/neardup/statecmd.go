package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

const stateHelp = `Usage: neardup state show|verify|export --state DIR

What an operator needs of a nightly state on a bad morning. Each takes the
state's lock (exit 11 while a run holds it; --wait waits) and changes no
file of the state.

  show     the state at a glance: format, generation, parameters, the
           clock and cutoff, articles held, nights, the editors' decisions
           stored, and the last night's outputs with their sizes
  verify   read every file of the state and check it against its
           checksum: exit 0 when all hold, 14 naming the first that does
           not
  export   the stored articles as JSONL on standard output, one line each:
           id, title, source, night (the one it arrived), published, and
           canonical (the article it is hidden as a copy of; absent when
           kept), with the match's probability; for audits, and to compare
           two states without Go code

Flags:
`

func stateCmd(ctx context.Context, args []string, e env) error {
	var dir string
	var wait time.Duration
	fs, err := parseFlags("state", stateHelp, args, e, func(fs *pflag.FlagSet) {
		fs.StringVar(&dir, "state", "", "the state `DIR` (required)")
		fs.DurationVar(&wait, "wait", 0, "if a run holds the state, wait up to `DURATION` for it instead of exiting with 11")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 || dir == "" {
		return usagef("state: give one of show, verify, export and --state DIR")
	}
	what := fs.Arg(0)
	if what != "show" && what != "verify" && what != "export" {
		return usagef("state: %q: want show, verify or export", what)
	}
	st, err := state.Open(ctx, dir, state.Options{Wait: wait, Command: "neardup state " + what, ReadOnly: true})
	if err != nil {
		return err // a damaged state: exit 14, naming the file
	}
	defer st.Close()
	switch what {
	case "verify":
		fmt.Fprintf(e.stdout, "%s: every file holds (generation %d, %d articles, %d segments, %d outputs)\n",
			dir, st.Manifest.Generation, st.Len(), len(st.Manifest.Segments), len(st.Manifest.Outputs))
		return nil
	case "export":
		return exportState(e, st)
	}
	m := &st.Manifest
	unix := func(t int64) string {
		if t == 0 || m.Generation == 0 {
			return "none"
		}
		return time.Unix(t, 0).UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(e.stdout, "state %s: format %d, generation %d\n", dir, m.Format, m.Generation)
	if m.Generation == 0 {
		fmt.Fprintln(e.stdout, "no night committed yet")
		return nil
	}
	fmt.Fprintf(e.stdout, "parameters: %s; keep %s\n", paramLine(m.Params), m.Keep)
	if m.Clock == 0 {
		fmt.Fprintln(e.stdout, "no clock: no article was dated and --night was never given, so nothing leaves")
	} else {
		fmt.Fprintf(e.stdout, "clock %s, cutoff %s (articles published before it have left)\n", unix(m.Clock), unix(m.Cutoff))
	}
	fmt.Fprintf(e.stdout, "%d articles in %d segments; %d nights\n", m.Articles, len(m.Segments), len(m.Nights))
	if n := len(m.Decisions); n > 0 {
		same := 0
		for _, d := range m.Decisions {
			if d.Label == decisions.Same {
				same++
			}
		}
		fmt.Fprintf(e.stdout, "editors' decisions stored: %d (%d same story, %d not a copy)\n", n, same, n-same)
	}
	if last := st.Last(); last != nil {
		fmt.Fprintf(e.stdout, "last night %d (%s): %d read, %d new, %d hidden\n", last.Night, cmp.Or(last.Date, "no date"), last.Read, last.New, last.Duplicates)
	}
	for _, o := range m.Outputs {
		fmt.Fprintf(e.stdout, "  out/%s\t%d bytes\n", o.Name, o.Bytes)
	}
	return nil
}

// exportState writes the stored articles, one JSON line each, in the
// state's order.
func exportState(e env, st *state.State) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for i := range st.Len() {
		a := st.Article(i)
		line := struct {
			ID        string   `json:"id"`
			Title     string   `json:"title,omitempty"`
			Source    string   `json:"source,omitempty"`
			Night     int32    `json:"night"`
			Published string   `json:"published,omitempty"`
			Canonical string   `json:"canonical,omitempty"`
			P         *float64 `json:"p,omitempty"`
		}{ID: a.ID, Title: a.Title, Source: a.Source, Night: a.Night, Published: report.FormatDate(a.Published()), Canonical: a.Canonical}
		if !a.Kept() && a.Match.P >= 0 && a.Match.Reason != cluster.Canonical {
			p := report.Round4(a.Match.P)
			line.P = &p
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
