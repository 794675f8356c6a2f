package nightly

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/matchflags"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

// memOutputs is an output set in memory: what was written, and whether
// it was switched in.
type memOutputs struct {
	files     map[string][]byte
	committed bool
	failWrite bool
}

func (m *memOutputs) WriteFile(name string, write func(io.Writer) error) error {
	if m.failWrite {
		return errors.New("disk full")
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[name] = b.Bytes()
	return nil
}

func (m *memOutputs) Commit() error { m.committed = true; return nil }

// config is run's default config over one night's file of the wire
// test corpus's articles, under IDs and dates.
func config(t *testing.T, arts ...[3]string) dedup.Config {
	t.Helper()
	var b strings.Builder
	for _, a := range arts {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", "wire", a[0]+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		title, text, _ := strings.Cut(strings.TrimLeft(string(raw), "\n"), "\n")
		j, _ := json.Marshal(map[string]string{"id": a[1], "title": title, "text": text, "date": a[2]})
		b.Write(append(j, '\n'))
	}
	path := filepath.Join(t.TempDir(), "night.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var o matchflags.Options
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config("run", []string{path})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var story = [][3]string{
	{"000_d995efe7b01a9663", "orig", "2026-11-24T08:00:00Z"},
	{"000_r1_afp_trimmed", "copy1", "2026-11-24T09:00:00Z"},
	{"000_r2_reordered", "copy2", "2026-11-24T10:00:00Z"},
	{"002_b85c2fa3f61deca6", "other", "2026-11-24T11:00:00Z"},
}

// A night commits, then writes its outputs and switches them in; the same
// articles again are a retry that restores the same outputs, changes
// nothing, and ends as the night did.
func TestRunThenRetry(t *testing.T) {
	dir := t.TempDir()
	opt := Options{State: dir, Keep: 7 * 24 * time.Hour, Version: "test"}
	var first memOutputs
	done, err := Run(context.Background(), config(t, story...), opt, &first)
	if err != nil {
		t.Fatal(err)
	}
	if done.Retry || done.Night.Night != 1 || done.Night.New != 4 || done.Night.Duplicates != 2 || !first.committed {
		t.Fatalf("first night: %+v, outputs switched %v", done.Night, first.committed)
	}
	if got := string(first.files[report.DropFile]); got != "copy1\ncopy2\n" {
		t.Errorf("drop.txt = %q", got)
	}
	var again memOutputs
	done, err = Run(context.Background(), config(t, story...), opt, &again)
	if err != nil {
		t.Fatal(err)
	}
	if !done.Retry || done.Night.Night != 1 || done.Summary != nil {
		t.Fatalf("second run of the same night: retry %v, night %d", done.Retry, done.Night.Night)
	}
	for _, name := range []string{report.ClustersFile, report.DropFile, report.SummaryFile} {
		if !bytes.Equal(first.files[name], again.files[name]) {
			t.Errorf("%s restored differently", name)
		}
	}
	m, err := state.ReadHistory(dir)
	if err != nil || len(m.Nights) != 1 {
		t.Fatalf("history after a retry: %v, %d nights", err, len(m.Nights))
	}
}

// Outputs that cannot be written after the commit leave a committed
// state: the next run is a retry that restores them.
func TestRunOutputsLostAfterCommit(t *testing.T) {
	dir := t.TempDir()
	opt := Options{State: dir, Keep: 7 * 24 * time.Hour, Version: "test"}
	failing := memOutputs{failWrite: true}
	done, err := Run(context.Background(), config(t, story...), opt, &failing)
	if err == nil || done != nil || !strings.Contains(err.Error(), "the retry restores them") {
		t.Fatalf("outputs failing: done %v, err %v", done, err)
	}
	var out memOutputs
	if done, err = Run(context.Background(), config(t, story...), opt, &out); err != nil || !done.Retry {
		t.Fatalf("the run after: retry %v, err %v", done != nil && done.Retry, err)
	}
	if got := string(out.files[report.DropFile]); got != "copy1\ncopy2\n" || !out.committed {
		t.Errorf("restored drop.txt = %q, switched %v", got, out.committed)
	}
}

// Other parameters are refused before anything is written.
func TestRunOtherParameters(t *testing.T) {
	dir := t.TempDir()
	opt := Options{State: dir, Keep: 7 * 24 * time.Hour, Version: "test"}
	if _, err := Run(context.Background(), config(t, story...), opt, &memOutputs{}); err != nil {
		t.Fatal(err)
	}
	cfg := config(t, story[:1]...)
	cfg.LSH.Hashes *= 2
	var out memOutputs
	done, err := Run(context.Background(), cfg, opt, &out)
	if done != nil || !errors.As(err, new(*state.ParamsError)) || out.files != nil {
		t.Fatalf("other parameters: done %v, err %v, outputs %v", done, err, out.files)
	}
}

// The night's warnings, as summary.json gives them.
func TestWarnings(t *testing.T) {
	keep := 7 * 24 * time.Hour
	for _, c := range []struct {
		night state.Night
		want  []string
	}{
		{state.Night{Clock: 1}, nil},
		{state.Night{Clock: 1, Changed: 2}, []string{"2 articles have an ID the state already has"}},
		{state.Night{Clock: 1, TooOld: 3, Date: "2026-11-24"}, []string{"3 articles were published more than --keep 168h before the night's clock (2026-11-24)"}},
		{state.Night{Clock: 1, Ahead: 1}, []string{"1 articles are dated more than"}},
		{state.Night{Undated: 5}, []string{"no article is dated and --night was not given"}},
		{state.Night{Clock: 1, Undated: 5}, nil},
	} {
		got := warnings(&c.night, keep)
		if len(got) != len(c.want) {
			t.Errorf("%+v: warnings %q, want %d", c.night, got, len(c.want))
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) {
				t.Errorf("%+v: warning %q, want it to start %q", c.night, got[i], c.want[i])
			}
		}
	}
}

// The rate alarm: off, too few nights, within the limit, beyond it; the
// recent nights are the last seven that added articles.
func TestAlarm(t *testing.T) {
	nights := func(rates ...float64) []state.Night {
		var ns []state.Night
		for _, r := range rates {
			ns = append(ns, state.Night{New: 10, Rate: r})
		}
		return ns
	}
	for _, c := range []struct {
		limit, rate float64
		nights      []state.Night
		ring        bool
	}{
		{0, 0.9, nights(0.1, 0.1, 0.1), false},
		{0.1, 0.9, nights(0.1, 0.1), false},
		{0.1, 0.15, nights(0.1, 0.1, 0.1), false},
		{0.1, 0.25, nights(0.1, 0.1, 0.1), true},
		{0.1, 0.25, nights(0.3, 0.2, 0.1, 0.9), false}, // median of four: .25
		{0.1, 0.25, append(nights(0.1, 0.1, 0.1), state.Night{New: 0, Rate: 0}), true},
		{0.1, 0.1, nights(0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), false}, // the last seven only
	} {
		err := alarm(Options{MaxRateChange: c.limit}, c.rate, recentRates(c.nights))
		var a *RateAlarm
		if got := errors.As(err, &a); got != c.ring {
			t.Errorf("limit %v, rate %v over %d nights: alarm %v, want %v", c.limit, c.rate, len(c.nights), err, c.ring)
		}
	}
}
