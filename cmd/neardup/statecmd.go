package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

const stateHelp = `Usage: neardup state show|verify|export --state DIR

What an operator needs of a nightly state on a bad morning. Each takes the
state's lock (exit 11 while a run holds it; --wait waits); all but clock
change no file of the state.

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
  clock DATE
           repair the clock (YYYY-MM-DD or RFC 3339) that a far-future date
           or a --night typo moved, so that tonight's real articles are no
           longer all "older than --keep": a new generation with the same
           articles, decisions and last outputs, the clock at DATE and the
           cutoff DATE less --keep; articles that left stay gone. A DATE
           that would make stored articles leave (a later one than meant)
           is refused with exit 15 unless --max-evict allows it. The one
           command that changes the state; recorded, and listed by show

Flags:
`

func stateCmd(ctx context.Context, args []string, e env) error {
	var dir string
	var wait time.Duration
	var maxEvict float64
	fs, err := parseFlags("state", stateHelp, args, e, func(fs *pflag.FlagSet) {
		fs.StringVar(&dir, "state", "", "the state `DIR` (required)")
		fs.DurationVar(&wait, "wait", 0, "if a run holds the state, wait up to `DURATION` for it instead of exiting with 11")
		fs.Float64Var(&maxEvict, "max-evict", 0, "clock: the `SHARE` of the stored articles the new cutoff may make leave (0: none; 1: any)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() < 1 || dir == "" {
		return usagef("state: give one of show, verify, export, clock DATE and --state DIR")
	}
	what := fs.Arg(0)
	var clock time.Time
	switch {
	case what == "clock" && fs.NArg() == 2:
		if clock, err = parseNight(fs.Arg(1)); err != nil {
			return usagef("state clock: %q: want YYYY-MM-DD or RFC 3339", fs.Arg(1))
		}
	case what == "clock":
		return usagef("state clock: give the DATE to set the clock to")
	case fs.NArg() != 1 || what != "show" && what != "verify" && what != "export":
		return usagef("state: %q: want show, verify, export or clock DATE", strings.Join(fs.Args(), " "))
	}
	if what == "clock" {
		// Opened to write: a mistyped DIR must not become a new state
		// (an existing one that lost its CURRENT is damage, exit 14).
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return fmt.Errorf("state clock: %s does not exist: no state to repair", dir)
		}
	}
	if !(maxEvict >= 0 && maxEvict <= 1) {
		return usagef("state: --max-evict %v: want a share from 0 to 1", maxEvict)
	}
	st, err := state.Open(ctx, dir, state.Options{Wait: wait, Command: "neardup state " + what, ReadOnly: what != "clock"})
	if err != nil {
		return err // a damaged state: exit 14, naming the file
	}
	defer st.Close()
	unix := func(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }
	switch what {
	case "clock":
		r, err := st.SetClock(clock, maxEvict)
		if err != nil {
			return fmt.Errorf("state clock: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s: clock set from %s to %s, cutoff from %s to %s (generation %d): stored articles published from the new cutoff on are matched again; what left the state stays gone\n",
			dir, unix(r.FromClock), unix(r.ToClock), unix(r.FromCutoff), unix(r.ToCutoff), st.Manifest.Generation)
		if r.Evicted > 0 {
			fmt.Fprintf(e.stdout, "%s: %d stored articles left at the new cutoff (--max-evict %.2f)\n", dir, r.Evicted, maxEvict)
		}
		return nil
	case "verify":
		fmt.Fprintf(e.stdout, "%s: every file holds (generation %d, %d articles, %d segments, %d outputs)\n",
			dir, st.Manifest.Generation, st.Len(), len(st.Manifest.Segments), len(st.Manifest.Outputs))
		return nil
	case "export":
		return exportState(e, st)
	}
	m := &st.Manifest
	when := func(t int64) string {
		if t == 0 || m.Generation == 0 {
			return "none"
		}
		return unix(t)
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
		fmt.Fprintf(e.stdout, "clock %s, cutoff %s (articles published before it have left)\n", when(m.Clock), when(m.Cutoff))
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
	for _, r := range m.Repairs {
		fmt.Fprintf(e.stdout, "clock repaired after night %d: from %s to %s (neardup state clock, %s)\n", r.After, unix(r.FromClock), unix(r.ToClock), r.At.Format(time.RFC3339))
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
