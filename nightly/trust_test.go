package nightly

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

// Regression tests for the ways a nightly job could be tricked into
// forgetting (issue 25, defects 1–3), each failing before its fix.

func week(dir string) Options {
	return Options{State: dir, Keep: 7 * 24 * time.Hour, Version: "test"}
}

func mustRun(t *testing.T, opt Options, arts ...[3]string) (*Done, *memOutputs) {
	t.Helper()
	var out memOutputs
	done, err := Run(context.Background(), config(t, arts...), opt, &out)
	if err != nil {
		t.Fatal(err)
	}
	return done, &out
}

func nights(t *testing.T, dir string) []state.Night {
	t.Helper()
	m, err := state.ReadHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.Nights
}

// Defect 2: a re-fetch of the same night in another order is its retry.
func TestRetryInAnotherOrder(t *testing.T) {
	dir := t.TempDir()
	_, first := mustRun(t, week(dir), story...)
	reversed := slices.Clone(story)
	slices.Reverse(reversed)
	done, again := mustRun(t, week(dir), reversed...)
	if !done.Retry || len(nights(t, dir)) != 1 {
		t.Fatalf("the same night in another order: retry %v, %d nights committed", done.Retry, len(nights(t, dir)))
	}
	if string(again.files[report.DropFile]) != string(first.files[report.DropFile]) {
		t.Errorf("restored drop.txt %q, want %q", again.files[report.DropFile], first.files[report.DropFile])
	}
}

// Defect 2: the same night plus one late article is a new night whose
// drop.txt still hides the copies it reads again.
func TestLateArticleRehides(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, week(dir), story...)
	late := append(slices.Clone(story), [3]string{"000_r3_sputnik_added", "copy3", "2026-11-24T10:30:00Z"})
	done, out := mustRun(t, week(dir), late...)
	if done.Retry || done.Night.New != 1 {
		t.Fatalf("the night plus a late article: retry %v, %d new", done.Retry, done.Night.New)
	}
	if got := string(out.files[report.DropFile]); got != "copy1\ncopy2\ncopy3\n" {
		t.Errorf("drop.txt = %q, want the copies read again and the late one", got)
	}
	if done.Summary.State.Rehidden != 2 {
		t.Errorf("summary: %d rehidden, want 2", done.Summary.State.Rehidden)
	}
}

// Defect 2: a night in which everything is already in the state (an
// older night re-run, part of one) commits no phantom night: its outputs
// hide the copies again, with a warning and its own error.
func TestNothingNew(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, week(dir), story...)
	var out memOutputs
	done, err := Run(context.Background(), config(t, story[:2]...), week(dir), &out)
	var nn *NothingNew
	if !errors.As(err, &nn) || done == nil {
		t.Fatalf("a night of articles all in the state: done %v, err %v; want *NothingNew", done, err)
	}
	if n := len(nights(t, dir)); n != 1 {
		t.Errorf("%d nights committed, want 1: no phantom night", n)
	}
	if got := string(out.files[report.DropFile]); got != "copy1\n" || !out.committed {
		t.Errorf("drop.txt = %q (switched %v), want copy1 hidden again", got, out.committed)
	}
	if len(done.Summary.Warnings) == 0 || done.Summary.State.Night != 1 {
		t.Errorf("summary: warnings %q, night %d; want a warning, night 1", done.Summary.Warnings, done.Summary.State.Night)
	}
}

// Defect 1: one article dated far ahead does not move the clock past
// MaxClockStep, evicts nothing, and the next real night still hides its
// copies against the state.
func TestFarFutureDate(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, week(dir), story[:1]...)
	done, _ := mustRun(t, week(dir), [3]string{"002_b85c2fa3f61deca6", "future", "2099-01-01T00:00:00Z"})
	clock := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC).Add(state.MaxClockStep).Unix()
	if done.Night.Clock > clock || done.Night.Evicted != 0 {
		t.Fatalf("a night of one article dated 2099: clock %s, %d evicted", time.Unix(done.Night.Clock, 0).UTC(), done.Night.Evicted)
	}
	done, out := mustRun(t, week(dir), story[1:3]...)
	if got := string(out.files[report.DropFile]); got != "copy1\ncopy2\n" {
		t.Errorf("the next real night: drop.txt %q (%d too old), want its copies of the stored story hidden", got, done.Night.TooOld)
	}
}

// Defect 1: a --night typo that would evict the state is refused, and
// the state and outputs stay as they were.
func TestClockTypoRefused(t *testing.T) {
	dir := t.TempDir()
	var many [][3]string // MinGuarded articles or more: six copies of the story's four
	for i := range 6 {
		for _, a := range story {
			many = append(many, [3]string{a[0], fmt.Sprintf("%s-%d", a[1], i), a[2]})
		}
	}
	mustRun(t, week(dir), many...)
	opt := week(dir)
	opt.Clock = time.Date(2062, 11, 25, 0, 0, 0, 0, time.UTC)
	var out memOutputs
	done, err := Run(context.Background(), config(t, [3]string{"002_r3_added", "x", "2026-11-25T08:00:00Z"}), opt, &out)
	var ev *EvictAlarm
	if !errors.As(err, &ev) || done != nil || out.files != nil {
		t.Fatalf("--night 2062: done %v, err %v, %d outputs; want *EvictAlarm and nothing written", done, err, len(out.files))
	}
	if n := nights(t, dir); len(n) != 1 || n[0].State != 24 {
		t.Errorf("state after a refused night: %d nights", len(n))
	}
	opt.MaxEvict = 1
	done, err = Run(context.Background(), config(t, [3]string{"002_r3_added", "x", "2062-11-24T08:00:00Z"}), opt, &out)
	if err != nil || done.Night.Evicted != 24 {
		t.Errorf("--max-evict 1 accepts the eviction: %v", err)
	}
}

// Defect 3: a night committed but never published (killed between the
// two) is published at the start of the next run, which reads nothing
// and says so.
func TestUnpublishedNight(t *testing.T) {
	dir, outDir := t.TempDir(), t.TempDir()
	opt := week(dir)
	opt.Out = outDir
	set := func() *report.Set {
		s, err := report.BeginSet(outDir, report.Outputs, report.SetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := set()
	if _, err := Run(context.Background(), config(t, story[:2]...), opt, s); err != nil {
		t.Fatal(err)
	}
	// Night 2 commits, and its outputs are lost (the set is never switched).
	lost := &memOutputs{failWrite: true}
	if _, err := Run(context.Background(), config(t, story[2:]...), opt, lost); err == nil {
		t.Fatal("outputs failing: no error")
	}
	s = set()
	done, err := Run(context.Background(), config(t, [3]string{"002_r3_added", "n3", "2026-11-24T12:00:00Z"}), opt, s)
	var un *Unpublished
	if !errors.As(err, &un) || done == nil || un.Night != 2 || un.Published != 1 {
		t.Fatalf("the run after an unpublished night: done %v, err %v; want *Unpublished night 2 (published 1)", done, err)
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, report.DropFile)); string(b) != "copy2\n" {
		t.Errorf("OUT's drop.txt = %q, want night 2's", b)
	}
	if n := len(nights(t, dir)); n != 2 {
		t.Errorf("%d nights committed, want 2: tonight's input is not read", n)
	}
}

// Editors' decisions reach back (issue 23, item 3): a copy hidden on
// night 1 and decided not a copy on night 2 is un-hidden (listed, and kept
// from then on); the decision is stored, so night 3, run without the
// file, keeps it apart, re-reading it hides nothing, and a new copy joins
// the original's cluster under its stable ID.
func TestDecisionsReachBack(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, week(dir), story...)
	file := filepath.Join(t.TempDir(), "decisions.jsonl")
	// The second decision names an article not yet in the state: kept
	// for when it comes (night 3), which keeps copy1b from orig's cluster.
	os.WriteFile(file, []byte(`{"a": "orig", "b": "copy1", "label": "distinct", "by": "Ann", "at": "2026-11-24T20:00:00Z"}`+"\n"+
		`{"a": "orig", "b": "copy1b", "label": "distinct", "by": "Ann", "at": "2026-11-24T20:01:00Z"}`+"\n"), 0o644)
	set, err := decisions.Load([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config(t, [3]string{"002_r3_added", "late", "2026-11-24T12:00:00Z"})
	cfg.Decisions = set
	var out memOutputs
	done, err := Run(context.Background(), cfg, week(dir), &out)
	if err != nil {
		t.Fatal(err)
	}
	if got := done.Summary.State.Unhidden; len(got) != 1 || got[0] != "copy1" || done.Night.Unhidden != 1 {
		t.Fatalf("night 2: un-hidden %v (record %d), want copy1", got, done.Night.Unhidden)
	}
	if strings.Contains(string(out.files[report.DropFile]), "copy1") {
		t.Errorf("night 2 hides copy1 again: %q", out.files[report.DropFile])
	}
	m, _ := state.ReadHistory(dir)
	if len(m.Decisions) != 2 || m.Decisions[0].B != "copy1" {
		t.Fatalf("stored decisions %+v", m.Decisions)
	}
	// Night 3, without the file: copy1 read again is not hidden; a new copy
	// of the story joins orig's cluster, not copy1's.
	done, out3 := mustRun(t, week(dir), [3]string{"000_r1_afp_trimmed", "copy1", "2026-11-24T09:00:00Z"},
		[3]string{"000_d995efe7b01a9663", "copy3", "2026-11-24T08:30:00Z"}, // orig re-sent
		[3]string{"000_r1_afp_trimmed", "copy1b", "2026-11-24T09:30:00Z"})  // copy1 re-sent
	drop := string(out3.files[report.DropFile])
	if drop != "copy1b\ncopy3\n" || done.Summary.State.Rehidden != 0 {
		t.Errorf("night 3: drop.txt %q, %d rehidden; want copy1b and copy3, not copy1", drop, done.Summary.State.Rehidden)
	}
	clusters := string(out3.files[report.ClustersFile])
	if !strings.Contains(clusters, `"cluster":"orig"`) || !strings.Contains(clusters, `"cluster":"copy1"`) {
		t.Errorf("night 3 clusters (orig's with copy3, copy1's with copy1b):\n%s", clusters)
	}
	// Night 4, a state loaded again: copy1b still belongs to copy1, whose
	// cluster a further copy joins.
	_, out4 := mustRun(t, week(dir), [3]string{"000_r1_afp_trimmed", "copy1c", "2026-11-24T10:00:00Z"})
	var lines []string
	for _, l := range strings.Split(string(out4.files[report.ClustersFile]), "\n") {
		if strings.HasPrefix(l, `{"cluster":"copy1"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], `"copy1b"`) || !strings.Contains(lines[0], `"copy1c"`) {
		t.Errorf("night 4: copy1's cluster %q, want copy1b and copy1c in it", lines)
	}
}

// Tonight's own articles honour decisions too: two copies of a new story
// decided apart do not cluster (the review of issue 23, item 3).
func TestDecisionsAmongTonights(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, week(dir), story[:1]...)
	file := filepath.Join(t.TempDir(), "decisions.jsonl")
	os.WriteFile(file, []byte(`{"a": "n1", "b": "n2", "label": "distinct"}`+"\n"), 0o644)
	set, err := decisions.Load([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	tonight := [][3]string{{"002_b85c2fa3f61deca6", "n1", "2026-11-24T11:00:00Z"}, {"002_r3_added", "n2", "2026-11-24T11:30:00Z"}}
	var plain memOutputs
	if _, err := Run(context.Background(), config(t, tonight...), week(t.TempDir()), &plain); err != nil {
		t.Fatal(err)
	}
	if string(plain.files[report.DropFile]) != "n2\n" {
		t.Fatalf("without the decision, drop.txt %q: the test's copies do not match", plain.files[report.DropFile])
	}
	cfg := config(t, tonight...)
	cfg.Decisions = set
	var out memOutputs
	if _, err := Run(context.Background(), cfg, week(dir), &out); err != nil {
		t.Fatal(err)
	}
	if got := string(out.files[report.DropFile]); got != "" {
		t.Errorf("with n1 and n2 decided apart, drop.txt %q", got)
	}
}
