// Package nightly runs one night of nightly deduplication over a state
// (package state): the protocol around the state's steps. It locks the
// state, loads it while tonight's inputs are read, checks the parameters,
// decides the night, renders its outputs (clusters.jsonl, drop.txt,
// summary.json with the night's warnings), commits the state, then writes
// the outputs into the caller's output set and switches it in; a night
// whose articles were already committed is a retry, which restores that
// night's outputs from the state and changes nothing; a dedup rate far
// from the recent nights' is an alarm, after the commit. Flags, printing
// and exit codes are the command's (cmd/neardup), as the outputs' set is
// (report.Set).
//
// The order is what makes a kill harmless: the state commits before the
// outputs switch, so a night killed between the two is a retry next time.
package nightly

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

// Options are one night's.
type Options struct {
	State         string        // the state's directory
	Wait          time.Duration // how long to wait for another run's lock
	Keep          time.Duration // articles published longer than this before the clock leave (positive)
	Clock         time.Time     // the night's clock; zero: from tonight's dates
	MaxRateChange float64       // alarm when tonight's rate is further than this from the recent median (0: off)
	MaxEvict      float64       // refuse a night that would evict more than this share of the state (0: DefaultMaxEvict(Keep))
	Out           string        // the outputs' directory, whose summary.json says which night it holds ("": not checked)
	Command       string        // who holds the lock, for another run's message
	Version       string        // the program's, for summary.json
	Hook          func(string)  // called at the state's commit points (tests); nil: none
	AfterRead     func()        // called when the inputs are read (a progress bar's end); nil: none
	Report        ReportFunc    // writes the HTML report; nil: none
}

// Outputs is where a night's outputs go, as one set: report.Set.
type Outputs interface {
	WriteFile(name string, write func(io.Writer) error) error
	Commit() error
}

// View is what a night's HTML report is made from.
type View struct {
	Read    *dedup.Result   // tonight's inputs, as read
	Result  *dedup.Result   // the night's clusters, decided; nil on a retry
	Summary *report.Summary // the night's summary; nil on a retry
	Outputs []state.Output  // a retry's restored outputs; nil otherwise
	Retry   bool
}

// ReportFunc writes the night's HTML report into the outputs (or beside
// them) before they switch.
type ReportFunc func(ctx context.Context, v View) error

// Done is a night's end, for the command to print and exit by.
type Done struct {
	Retry bool // the night was already committed: its outputs were restored
	// Published is set when the state's last night had not reached the
	// outputs: they were published, and tonight's input was not decided.
	Published bool
	Night     state.Night     // the night committed, or restored
	Summary   *report.Summary // the night's summary; nil on a retry
	Skipped   int             // input records skipped for errors (empty articles are not errors)
	Took      time.Duration
}

// RateAlarm reports a dedup rate far from the recent nights', after the
// night was committed.
type RateAlarm struct {
	Rate, Median, Limit float64
	Nights              int
}

func (a *RateAlarm) Error() string {
	return fmt.Sprintf("tonight's dedup rate %.1f %% is %.1f points from the median of the last %d nights (%.1f %%), more than --max-rate-change %.1f points: "+
		"check the feed and the parser; the night was committed", 100*a.Rate, 100*abs(a.Rate-a.Median), a.Nights, 100*a.Median, 100*a.Limit)
}

func abs(x float64) float64 { return max(x, -x) }

// DefaultMaxEvict is the share of the state a night may evict unless told
// otherwise: half, plus the share one day is of keep, since each night
// evicts about a day's articles (7d: .64; 3d and less: everything may go).
func DefaultMaxEvict(keep time.Duration) float64 {
	return min(1, 0.5+float64(24*time.Hour)/float64(keep))
}

// MinGuarded is the smallest state the eviction guard judges: in the
// first nights of a few articles, one article is a large share.
const MinGuarded = 20

// EvictAlarm refuses a night whose commit would evict more than the
// allowed share of the state: a clock moved far by --night, a --keep
// shortened. Nothing was written.
type EvictAlarm struct {
	Evicted, Stored int
	Limit           float64
	Clock, Previous string // the night's clock and the last night's, YYYY-MM-DD
}

func (a *EvictAlarm) Error() string {
	return fmt.Sprintf("tonight (clock %s; the last night's %s) would evict %d of the state's %d articles (%.0f %%), more than --max-evict %.2f: "+
		"check --night and --keep; to accept, run again with --max-evict 1; nothing changed",
		a.Clock, a.Previous, a.Evicted, a.Stored, 100*float64(a.Evicted)/float64(a.Stored), a.Limit)
}

// NothingNew reports a night whose articles were all in the state
// already (an older night re-run, or part of one): no night was
// committed, and the outputs were written all the same, hiding the copies
// it holds again.
type NothingNew struct {
	Read, Rehidden, TooOld int
}

func (e *NothingNew) Error() string {
	return fmt.Sprintf("nothing new: all %d articles read were in the state already or older than --keep (%d too old); no night committed, "+
		"the outputs hide the %d copies read again", e.Read, e.TooOld, e.Rehidden)
}

// Unpublished reports that the state's last night had not reached the
// outputs (a run killed between its commit and the switch, followed by
// another night's input): that night's outputs were published instead,
// and tonight's input was not decided.
type Unpublished struct {
	Night, Published int // the state's last night, and the one the outputs held (0: none)
}

func (e *Unpublished) Error() string {
	if e.Published == 0 {
		return fmt.Sprintf("the outputs held none of the state's nights (a new --out, or a first night killed after its commit): night %d's outputs are published now; "+
			"tonight's input was not read: consume these outputs, then run again", e.Night)
	}
	return fmt.Sprintf("the outputs held night %d but the state had committed night %d: night %d's outputs are published now (nights between are lost); "+
		"tonight's input was not read: consume these outputs, then run again", e.Published, e.Night, e.Night)
}

// Run runs one night of cfg's inputs over the state opt.State, writing
// its outputs into out. It returns the night's Done whenever the night
// was committed or restored, with a *RateAlarm when the rate alarm rang;
// a lock held elsewhere (lock.ErrLocked), other parameters
// (*state.ParamsError), a damaged state or a failed read return an error
// and no Done, the state and outputs as they were.
func Run(ctx context.Context, cfg dedup.Config, opt Options, out Outputs) (*Done, error) {
	start := time.Now()
	st, err := state.Lock(ctx, opt.State, state.Options{Wait: opt.Wait, Command: opt.Command, Hook: opt.Hook})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	in, err := read(ctx, cfg, st, opt.AfterRead)
	if err != nil {
		return nil, err
	}
	if cfg.Decisions != nil || len(st.Manifest.Decisions) > 0 {
		// The state's decisions, tonight's file's over them.
		if cfg.Decisions, err = decisions.With(st.Manifest.Decisions, cfg.Decisions); err != nil {
			return nil, fmt.Errorf("--decisions with the state's: %w", err)
		}
	}
	changed := cfg.Decisions != nil && !decisions.Equal(cfg.Decisions.List(), st.Manifest.Decisions)
	if last := st.Last(); last != nil && opt.Out != "" && (state.NightKey(in.res) != last.Key || changed) {
		if pub, ok := publishedNight(opt.Out); ok && pub < int(last.Night) {
			d, err := restore(ctx, cfg, opt, st, in, out, start)
			if err != nil {
				return nil, err
			}
			d.Retry, d.Published = false, true
			return d, &Unpublished{Night: int(last.Night), Published: pub}
		}
	}
	t := st.Night(cfg, in.res, opt.Clock, opt.Keep)
	if t.Retry {
		return restore(ctx, cfg, opt, st, in, out, start)
	}
	sum, outs, err := render(opt, cfg, st, t)
	if err != nil {
		return nil, err
	}
	if err := guard(opt, st, t); err != nil {
		return nil, err
	}
	if t.Night.New == 0 && !t.DecisionsChanged {
		return nothingNew(ctx, opt, st, in, t, sum, out, start)
	}
	inputs, err := in.inputs()
	if err != nil {
		return nil, err
	}
	recent := recentRates(st.Manifest.Nights)
	if err := st.Commit(t, state.ParamsOf(cfg), opt.Keep, inputs, outs, stageSeconds(t.Result)); err != nil {
		return nil, fmt.Errorf("committing the state (the previous state stands; outputs left as they were): %w", err)
	}
	if err := publish(ctx, opt, out, outs, View{Read: in.res, Result: t.Result, Summary: sum}); err != nil {
		return nil, err
	}
	d := &Done{Night: *st.Last(), Summary: sum, Skipped: inputErrors(in.res), Took: time.Since(start)}
	return d, alarm(opt, t.Night.Rate, recent)
}

// guard refuses a night that would evict more of the state than allowed.
func guard(opt Options, st *state.State, t *state.Tonight) error {
	limit := opt.MaxEvict
	if limit == 0 {
		limit = DefaultMaxEvict(opt.Keep)
	}
	evicted, stored := st.Evictions(t, opt.Keep)
	if stored < MinGuarded || float64(evicted) <= limit*float64(stored) {
		return nil
	}
	prev := ""
	if last := st.Last(); last != nil {
		prev = last.Date
	}
	return &EvictAlarm{Evicted: evicted, Stored: stored, Limit: limit, Clock: t.Night.Date, Previous: prev}
}

// nothingNew publishes the outputs of a night whose articles were all in
// the state already, without committing it: the summary says the state's
// last night, and drop.txt hides the copies read again.
func nothingNew(ctx context.Context, opt Options, st *state.State, in *input, t *state.Tonight, sum *report.Summary, out Outputs, start time.Time) (*Done, error) {
	last := st.Last()
	sum.State.NothingNew = true
	if last != nil {
		sum.State.Night, sum.State.Date = int(last.Night), last.Date
	}
	sum.Warnings = append(sum.Warnings, fmt.Sprintf("nothing new: every article read was in the state already (%d) or older than --keep (%d); no night was committed, and drop.txt hides the %d copies read again",
		t.Night.Already+t.Night.Changed, t.Night.TooOld, t.Night.Rehidden))
	var outs []state.Output
	for _, o := range renderers(t, sum) {
		var b bytes.Buffer
		if err := o.write(&b); err != nil {
			return nil, err
		}
		outs = append(outs, state.Output{Name: o.name, Data: b.Bytes()})
	}
	if err := publish(ctx, opt, out, outs, View{Read: in.res, Result: t.Result, Summary: sum}); err != nil {
		return nil, err
	}
	d := &Done{Summary: sum, Skipped: inputErrors(in.res), Took: time.Since(start)}
	if last != nil {
		d.Night = *last
	}
	return d, &NothingNew{Read: t.Night.Read, Rehidden: t.Night.Rehidden, TooOld: t.Night.TooOld}
}

// publishedNight is the night the outputs in dir hold, by their
// summary.json: 0 when dir holds none, or a plain run's (the state's
// nights never reached it: a first night killed after its commit, or a
// new --out); false when it cannot be read.
func publishedNight(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, report.SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, true // nothing published: a first night killed after its commit
	} else if err != nil {
		return 0, false
	}
	var sum report.Summary
	if json.Unmarshal(b, &sum) != nil || sum.State == nil {
		return 0, true // a batch run's set, or none readable: no night of the state's in it
	}
	return sum.State.Night, true
}

// input is tonight's inputs, read beside the state's load.
type input struct {
	res     *dedup.Result
	hashing chan hashed    // the inputs' checksums, for the night's record
	stdin   *hashingReader // standard input, hashed as it is read; nil if not read
}

type hashed struct {
	inputs []state.Input
	err    error
}

// read reads tonight's inputs while the state loads, then checks the
// state's parameters against cfg's before anything is decided or written,
// and starts hashing the input files for the night's record.
func read(ctx context.Context, cfg dedup.Config, st *state.State, afterRead func()) (*input, error) {
	start := time.Now()
	var loaded time.Duration
	loading := make(chan error, 1)
	go func() {
		err := st.Load()
		loaded = time.Since(start)
		loading <- err
	}()
	in := &input{hashing: make(chan hashed, 1)}
	var files []string
	cfg.Corpus.OnFile = func(path string) { files = append(files, path) }
	if slices.Contains(cfg.Inputs, "-") && cfg.Stdin != nil {
		in.stdin = &hashingReader{r: cfg.Stdin, h: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
		cfg.Stdin = in.stdin
	}
	cfg.Remember = true
	res, err := dedup.Read(ctx, cfg)
	if afterRead != nil {
		afterRead()
	}
	if lerr := <-loading; lerr != nil {
		return nil, lerr
	}
	if err := st.CheckParams(state.ParamsOf(cfg)); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if res.Stats.Read == 0 {
		return nil, fmt.Errorf("no articles read (%d files, %d records skipped): outputs and state left as they were", res.Stats.Files, res.Stats.SkippedTotal())
	}
	res.Stages = append([]dedup.Stage{{Name: "load_state (while reading)", Seconds: loaded.Seconds()}}, res.Stages...)
	in.res = res
	go func() {
		ins, err := state.HashInputs(files)
		in.hashing <- hashed{ins, err}
	}()
	return in, nil
}

// inputs are the night's inputs as its record keeps them.
func (in *input) inputs() ([]state.Input, error) {
	h := <-in.hashing
	if h.err != nil {
		return nil, fmt.Errorf("recording the inputs: %w", h.err)
	}
	if in.stdin != nil {
		return append(h.inputs, state.Input{Path: "-", Bytes: in.stdin.n, CRC32C: hex.EncodeToString(in.stdin.h.Sum(nil))}), nil
	}
	return h.inputs, nil
}

// restore is a retry: the last committed night's articles again. Its
// outputs are written from the state, the state is unchanged, and the
// night exits as it did (its alarm judged against the nights before it).
func restore(ctx context.Context, cfg dedup.Config, opt Options, st *state.State, in *input, out Outputs, start time.Time) (*Done, error) {
	outs, err := st.LastOutputs()
	if err != nil {
		return nil, err
	}
	if err := publish(ctx, opt, out, outs, View{Read: in.res, Outputs: outs, Retry: true}); err != nil {
		return nil, err
	}
	nights := st.Manifest.Nights
	last := nights[len(nights)-1]
	d := &Done{Retry: true, Night: last, Took: time.Since(start)}
	for _, o := range outs {
		if o.Name == report.SummaryFile {
			var sum report.Summary
			if err := json.Unmarshal(o.Data, &sum); err != nil {
				return nil, fmt.Errorf("the stored outputs of the night: %w", err)
			}
			d.Skipped = sum.Articles.SkippedTotal - sum.Articles.Skipped[string(corpus.Empty)]
		}
	}
	return d, alarm(opt, last.Rate, recentRates(nights[:len(nights)-1]))
}

// render makes the night's outputs: its summary, with the night's
// warnings, and the three files the state keeps for a retry.
func render(opt Options, cfg dedup.Config, st *state.State, t *state.Tonight) (*report.Summary, []state.Output, error) {
	sum := report.NewSummary(opt.Version, cfg, t.Result)
	sum.Format = report.NightFormatVersion
	n := &t.Night
	sum.State = &report.StateSummary{
		Night: int(n.Night), Date: n.Date, Keep: dedup.FormatDuration(opt.Keep),
		Before: st.Len(), New: n.New, Already: n.Already, Changed: n.Changed, ChangedIDs: t.Changed,
		TooOld: n.TooOld, Ahead: n.Ahead,
	}
	sum.State.Rehidden, sum.State.Unhidden = n.Rehidden, t.Unhidden
	sum.Warnings = append(sum.Warnings, warnings(n, opt.Keep)...)
	if n.New == 0 && !t.DecisionsChanged {
		return sum, nil, nil // nothingNew renders them
	}
	var outs []state.Output
	for _, o := range renderers(t, sum) {
		var b bytes.Buffer
		if err := o.write(&b); err != nil {
			return nil, nil, err
		}
		outs = append(outs, state.Output{Name: o.name, Data: b.Bytes()})
	}
	return sum, outs, nil
}

// renderers are the night's three outputs, by name.
func renderers(t *state.Tonight, sum *report.Summary) []struct {
	name  string
	write func(io.Writer) error
} {
	return []struct {
		name  string
		write func(io.Writer) error
	}{
		{report.ClustersFile, func(w io.Writer) error { return report.Clusters(w, t.Result) }},
		{report.DropFile, func(w io.Writer) error { return report.Drop(w, t.Result) }},
		{report.SummaryFile, func(w io.Writer) error { return sum.Write(w) }},
	}
}

// warnings are what summary.json says of a night that a reader of its
// outputs must know.
func warnings(n *state.Night, keep time.Duration) []string {
	var w []string
	if n.Changed > 0 {
		w = append(w, fmt.Sprintf("%d articles have an ID the state already has, with other text: the stored version stands (summary.json state.changed_ids)", n.Changed))
	}
	if n.TooOld > 0 {
		w = append(w, fmt.Sprintf("%d articles were published more than --keep %s before the night's clock (%s): kept, neither matched nor remembered", n.TooOld, dedup.FormatDuration(keep), n.Date))
	}
	if n.Ahead > 0 {
		w = append(w, fmt.Sprintf("%d articles are dated more than %s after the night's median date: they do not move the night's clock (%s)", n.Ahead, dedup.FormatDuration(state.MaxAhead), n.Date))
	}
	if n.Unhidden > 0 {
		w = append(w, fmt.Sprintf("%d stored copies an editor decided are not copies are un-hidden tonight: publish them (summary.json state.unhidden); they stay apart on every later night", n.Unhidden))
	}
	if n.Clock == 0 && n.Undated > 0 {
		w = append(w, "no article is dated and --night was not given: the nights have no clock, and nothing ever leaves the state; give --night DATE")
	}
	return w
}

// publish writes outs and the report into the output set and switches it
// in. The state is committed by then: a failure here is a retry's to
// mend.
func publish(ctx context.Context, opt Options, out Outputs, outs []state.Output, v View) error {
	for _, o := range outs {
		if err := out.WriteFile(o.Name, func(w io.Writer) error { _, err := w.Write(o.Data); return err }); err != nil {
			return fmt.Errorf("state committed, outputs not written (run again: the retry restores them): %w", err)
		}
	}
	if opt.Report != nil {
		if err := opt.Report(ctx, v); err != nil {
			return err
		}
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("state committed, outputs not switched (run again: the retry restores them): %w", err)
	}
	return nil
}

// alarm is the rate alarm: a *RateAlarm when rate is further than
// opt.MaxRateChange from the median of recent (three nights at least).
func alarm(opt Options, rate float64, recent []float64) error {
	if opt.MaxRateChange <= 0 || len(recent) < 3 {
		return nil
	}
	if med := median(recent); abs(rate-med) > opt.MaxRateChange {
		return &RateAlarm{Rate: rate, Median: med, Limit: opt.MaxRateChange, Nights: len(recent)}
	}
	return nil
}

// recentRates are the dedup rates of the last 7 nights that added articles.
func recentRates(nights []state.Night) []float64 {
	var rates []float64
	for i := len(nights) - 1; i >= 0 && len(rates) < 7; i-- {
		if nights[i].New > 0 {
			rates = append(rates, nights[i].Rate)
		}
	}
	return rates
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	n := len(s)
	return (s[n/2-1] + s[n/2]) / 2
}

// stageSeconds are the night's stage times, for its record.
func stageSeconds(res *dedup.Result) map[string]float64 {
	seconds := map[string]float64{}
	for _, s := range res.Stages {
		seconds[s.Name] = s.Seconds
	}
	return seconds
}

// inputErrors counts the records skipped for errors: empty articles are
// not errors.
func inputErrors(res *dedup.Result) int {
	return res.Stats.SkippedTotal() - res.Stats.Skipped[corpus.Empty]
}

// hashingReader hashes and counts what is read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}
