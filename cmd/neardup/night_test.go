package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/report"
	"github.com/neardup/neardup/state"
)

// wireRecord is a JSONL record made of a testdata/wire article.
type wireRecord struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Date  string `json:"date,omitempty"`
}

func wire(t *testing.T, name, id, date string) wireRecord {
	t.Helper()
	title, text, _ := strings.Cut(strings.TrimLeft(readFile(t, filepath.Join("..", "..", "testdata", "wire", name+".txt")), "\n"), "\n")
	return wireRecord{ID: id, Title: title, Text: text, Date: date}
}

func writeNight(t *testing.T, path string, recs ...wireRecord) {
	t.Helper()
	var b strings.Builder
	for _, r := range recs {
		j, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// threeNights writes the two wire stories over three nights: story A's
// fullest version and one rewrite on night 1; on night 2 a rewrite
// published before A's canonical (a late feed) and another, and story B;
// on night 3 B's three rewrites. (The trimmed rewrites are dated within
// hours of their canonical: the match model weighs time apart, and a
// heavily trimmed copy a day later is under its cut.)
func threeNights(t *testing.T, dir string) []string {
	a0 := wire(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z")
	a1 := wire(t, "000_r1_afp_trimmed", "a1", "2026-11-24T11:00:00Z")
	a2 := wire(t, "000_r2_reordered", "a2", "2026-11-24T09:00:00Z")
	a3 := wire(t, "000_d995efe7b01a9663", "a3", "2026-11-24T14:00:00Z")
	b0 := wire(t, "002_b85c2fa3f61deca6", "b0", "2026-11-25T10:00:00Z")
	b1 := wire(t, "002_r1_afp_trimmed", "b1", "2026-11-25T11:00:00Z")
	b2 := wire(t, "002_r2_reordered", "b2", "2026-11-25T12:00:00Z")
	b3 := wire(t, "002_r3_added", "b3", "2026-11-26T03:00:00Z")
	nights := []string{filepath.Join(dir, "n1", "feed.jsonl"), filepath.Join(dir, "n2", "feed.jsonl"), filepath.Join(dir, "n3", "feed.jsonl")}
	writeNight(t, nights[0], a0, a1)
	writeNight(t, nights[1], a2, a3, b0)
	writeNight(t, nights[2], b1, b2, b3)
	return nights
}

func readNightClusters(t *testing.T, out string) []report.ClusterLine {
	t.Helper()
	lines, err := report.ReadClusters(filepath.Join(out, report.ClustersFile))
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// memberSummary is "id@night" for each member, canonical first.
func memberSummary(l report.ClusterLine) string {
	var parts []string
	for _, m := range l.Members {
		s := m.ID + "@" + strings.TrimPrefix(m.Arrived, "2026-")
		if m.Match != nil && m.Match.PublishedBefore {
			s += "(before)"
		}
		parts = append(parts, s)
	}
	return l.StableID + ": " + strings.Join(parts, " ")
}

func TestNightsDecideOnceWithStableIDs(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	want := []struct {
		clusters []string
		drop     string
	}{
		{[]string{"a0: a0@11-24 a1@11-24"}, "a1\n"},
		// a2 was published before a0, which stays canonical; b0 is alone.
		{[]string{"a0: a0@11-24 a3@11-25 a1@11-24 a2@11-25(before)"}, "a2\na3\n"},
		// A gained nothing: not listed.
		{[]string{"b0: b0@11-25 b3@11-26 b2@11-26 b1@11-26"}, "b1\nb2\nb3\n"},
	}
	for i, n := range nights {
		code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n)
		if code != 0 {
			t.Fatalf("night %d: exit %d: %s", i+1, code, stderr)
		}
		var got []string
		for _, l := range readNightClusters(t, out) {
			got = append(got, memberSummary(l))
			for _, m := range l.Members[1:] {
				// A member stored on an earlier night keeps its probability.
				if m.Match == nil || m.Match.P == nil || *m.Match.P < 0.5 {
					t.Errorf("night %d: member %s's match has no probability: %+v", i+1, m.ID, m.Match)
				}
			}
		}
		if strings.Join(got, "\n") != strings.Join(want[i].clusters, "\n") {
			t.Errorf("night %d clusters:\n%s\nwant\n%s", i+1, strings.Join(got, "\n"), strings.Join(want[i].clusters, "\n"))
		}
		if drop := readFile(t, filepath.Join(out, report.DropFile)); drop != want[i].drop {
			t.Errorf("night %d drop.txt %q, want %q", i+1, drop, want[i].drop)
		}
		sum, err := report.ReadSummary(filepath.Join(out, report.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Format != report.NightFormatVersion || sum.State == nil || sum.State.Night != i+1 {
			t.Errorf("night %d summary: format %d, state %+v", i+1, sum.Format, sum.State)
		}
	}

	// history prints the three nights; --json has their inputs.
	code, stdout, _ := neardup(t, "", "history", "--state", st)
	if code != 0 || !strings.Contains(stdout, "2026-11-26") || strings.Count(stdout, "\n") != 5 {
		t.Errorf("history: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = neardup(t, "", "history", "--json", "--state", st)
	var hist []struct {
		Night  int     `json:"night"`
		Rate   float64 `json:"dedup_rate"`
		Inputs []struct {
			Path   string `json:"path"`
			Bytes  int64  `json:"bytes"`
			CRC32C string `json:"crc32c"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &hist); code != 0 || err != nil || len(hist) != 3 {
		t.Fatalf("history --json: exit %d, %v:\n%s", code, err, stdout)
	}
	if in := hist[2].Inputs; len(in) != 1 || in[0].Path != nights[2] || in[0].Bytes == 0 || len(in[0].CRC32C) != 8 || hist[2].Rate != 1 {
		t.Errorf("night 3's record: %+v", hist[2])
	}
}

// A cron retry of a committed night (same articles) restores its outputs
// byte for byte and leaves the state as it was, also after the outputs
// were lost (a run killed between the state's commit and the outputs').
func TestNightRetryChangesNothing(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	for _, n := range nights[:2] {
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n); code != 0 {
			t.Fatal(stderr)
		}
	}
	before := snapshot(t, st)
	outBefore := snapshot(t, filepath.Join(out, "current")+"/")
	os.RemoveAll(out)
	code, _, stderr := neardup(t, "", "run", "--state", st, "--out", out, nights[1])
	if code != 0 || !strings.Contains(stderr, "already committed") {
		t.Fatalf("retry: exit %d: %s", code, stderr)
	}
	// With --html, the retry writes the report again too, from the inputs
	// or from standard input.
	html := filepath.Join(out, "report.html")
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, "--html", html, nights[1])
	if code != 0 || !strings.Contains(readFile(t, html), "a3") {
		t.Fatalf("retry with --html: exit %d: %s", code, stderr)
	}
	code, _, stderr = neardup(t, readFile(t, nights[1]), "run", "-q", "--state", st, "--out", out, "--html", html, "-")
	if code != 0 || !strings.Contains(readFile(t, html), "a3") {
		t.Fatalf("retry over stdin with --html: exit %d: %s", code, stderr)
	}
	os.RemoveAll(out)
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[1])
	if code != 0 {
		t.Fatal(stderr)
	}
	if after := snapshot(t, st); !equalMaps(before, after) {
		t.Error("the retry changed the state")
	}
	if got := snapshot(t, filepath.Join(out, "current")+"/"); !equalMaps(outBefore, got) {
		t.Errorf("the retry's outputs differ:\n%v\n%v", outBefore, got)
	}

	// Night 1 again (not the last night): its IDs are all in the state;
	// nothing new: no phantom night is committed (exit 16), and its copy
	// is hidden again.
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0])
	if code != exitNothing || !strings.Contains(stderr, "nothing new") {
		t.Fatalf("night 1 re-run: exit %d: %s", code, stderr)
	}
	if drop := readFile(t, filepath.Join(out, report.DropFile)); drop != "a1\n" {
		t.Errorf("night 1 re-run hid %q, want its copy a1 again", drop)
	}
	sum, _ := report.ReadSummary(filepath.Join(out, report.SummaryFile))
	if sum.State.Already != 2 || sum.State.New != 0 || sum.State.Rehidden != 1 || !sum.State.NothingNew || sum.State.Night != 2 {
		t.Errorf("night 1 re-run: %+v", sum.State)
	}
	if after := snapshot(t, st); !equalMaps(before, after) {
		t.Error("a night with nothing new changed the state")
	}
}

// An ID the state has, sent again with other text, is reported; the stored
// version stands.
func TestNightChangedText(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0]); code != 0 {
		t.Fatal(stderr)
	}
	changed := wire(t, "002_r3_added", "a1", "2026-11-25T09:00:00Z") // a1's ID, story B's text
	n := filepath.Join(dir, "changed", "feed.jsonl")
	writeNight(t, n, changed, wire(t, "002_b85c2fa3f61deca6", "b0", "2026-11-25T10:00:00Z"))
	code, _, stderr := neardup(t, "", "run", "--state", st, "--out", out, n)
	if code != 0 || !strings.Contains(stderr, "1 articles have an ID the state already has, with other text") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum, _ := report.ReadSummary(filepath.Join(out, report.SummaryFile))
	if sum.State.Changed != 1 || len(sum.State.ChangedIDs) != 1 || sum.State.ChangedIDs[0] != "a1" || sum.State.New != 1 {
		t.Errorf("summary: %+v", sum.State)
	}
	// b0 is alone: a1's other text was not matched.
	if lines := readNightClusters(t, out); len(lines) != 0 {
		t.Errorf("clusters %+v", lines)
	}
}

func TestNightRefusals(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0]); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, st)

	// Other parameters: exit 12, naming what differs.
	code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--shingle", "word:4", nights[1])
	if code != exitParams || !strings.Contains(stderr, "shingle: state word:3, flags word:4") {
		t.Errorf("other shingles: exit %d: %s", code, stderr)
	}
	// Locked by another run: exit 11 at once, naming the holder.
	l, err := lock.Acquire(context.Background(), filepath.Join(st, ".lock"), 0, "neardup run (test)")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", filepath.Join(dir, "out2"), nights[1])
	if code != exitLocked || !strings.Contains(stderr, "neardup run (test)") || !strings.Contains(stderr, "--state") || time.Since(t0) > 5*time.Second {
		t.Errorf("locked: exit %d after %v: %s", code, time.Since(t0), stderr)
	}
	l.Release()
	// Flags that need --state.
	for _, args := range [][]string{{"--keep", "3d"}, {"--night", "2026-11-25"}, {"--max-rate-change", "0.2"}} {
		code, _, stderr = neardup(t, "", append([]string{"run", "-q", "--out", out}, append(args, nights[1])...)...)
		if code != exitUsage || !strings.Contains(stderr, "needs --state") {
			t.Errorf("%v without --state: exit %d: %s", args, code, stderr)
		}
	}
	for _, args := range [][]string{{"--keep", "0"}, {"--keep", "soon"}, {"--night", "yesterday"}, {"--max-rate-change", "2"}} {
		code, _, stderr = neardup(t, "", append([]string{"run", "-q", "--state", st, "--out", out}, append(args, nights[1])...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if after := snapshot(t, st); !equalMaps(before, after) {
		t.Error("a refused run changed the state")
	}
}

// Every file of a state damaged — a byte changed, cut short, removed — is
// found before anything is used: exit 14, state and outputs untouched.
func TestNightDamagedState(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	for _, n := range nights[:2] {
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n); code != 0 {
			t.Fatal(stderr)
		}
	}
	files := map[string][]byte{}
	filepath.WalkDir(st, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != ".lock" {
			files[p], _ = os.ReadFile(p)
		}
		return nil
	})
	if len(files) < 6 { // CURRENT, MANIFEST, two segments, three outputs
		t.Fatalf("state files: %v", files)
	}
	outBefore := snapshot(t, filepath.Join(out, "current")+"/")
	for path, orig := range files {
		for _, damage := range []string{"flip", "truncate", "remove"} {
			switch damage {
			case "flip":
				b := append([]byte(nil), orig...)
				b[len(b)/2] ^= 0x20
				os.WriteFile(path, b, 0o644)
			case "truncate":
				os.WriteFile(path, orig[:len(orig)-1], 0o644)
			case "remove":
				os.Remove(path)
			}
			code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[2])
			rel, _ := filepath.Rel(st, path)
			if code != exitDamaged || !strings.Contains(stderr, "state damaged") {
				t.Errorf("%s %s: exit %d: %s", damage, rel, code, stderr)
			}
			os.WriteFile(path, orig, 0o644)
		}
	}
	if got := snapshot(t, filepath.Join(out, "current")+"/"); !equalMaps(outBefore, got) {
		t.Error("a run over a damaged state changed the outputs")
	}
	// A state in another format (an older or newer neardup's) is refused
	// as a parameter is, exit 12, not taken for damage.
	cur := filepath.Join(st, "CURRENT")
	orig := files[cur]
	own := fmt.Appendf(nil, "neardup-state %d ", state.FormatVersion)
	if !bytes.Contains(orig, own) {
		t.Fatalf("CURRENT %q is not in format %d", orig, state.FormatVersion)
	}
	os.WriteFile(cur, bytes.Replace(orig, own, []byte("neardup-state 2 "), 1), 0o644)
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[2]); code != exitParams || !strings.Contains(stderr, fmt.Sprintf("in format 2, this neardup reads formats 3 and %d", state.FormatVersion)) {
		t.Errorf("format 2: exit %d: %s", code, stderr)
	}
	os.WriteFile(cur, orig, 0o644)
	if got := snapshot(t, filepath.Join(out, "current")+"/"); !equalMaps(outBefore, got) {
		t.Error("a run over a state of another format changed the outputs")
	}
	// Repaired, the state works again.
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[2]); code != 0 {
		t.Errorf("after repair: exit %d: %s", code, stderr)
	}
}

// --max-rate-change: a night whose dedup rate is far from the recent
// median exits 13, committed.
func TestNightRateAlarm(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	a := wire(t, "000_r3_sputnik_added", "", "")
	b := wire(t, "002_b85c2fa3f61deca6", "", "")
	day := func(d int) string { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	// Four quiet nights of one new article each, alternating stories more
	// than the window apart: nothing hidden.
	for d := 1; d <= 4; d++ {
		r := a
		if d%2 == 0 {
			r = b
		}
		r.ID, r.Date = "q"+day(d), day(4*d)
		n := filepath.Join(dir, day(d), "feed.jsonl")
		writeNight(t, n, r)
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--max-rate-change", "0.3", n); code != 0 {
			t.Fatalf("quiet night %d: exit %d: %s", d, code, stderr)
		}
	}
	// Then a night of copies of the last article only.
	var copies []wireRecord
	for i := range 4 {
		r := b
		r.ID, r.Date = "copy"+string(rune('a'+i)), day(16)
		copies = append(copies, r)
	}
	n := filepath.Join(dir, "loud", "feed.jsonl")
	writeNight(t, n, copies...)
	code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--max-rate-change", "0.3", n)
	if code != exitAlarm || !strings.Contains(stderr, "dedup rate 100.0 %") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	code, stdout, _ := neardup(t, "", "history", "--state", st)
	if code != 0 || strings.Count(stdout, "\n") != 7 {
		t.Errorf("the alarmed night was not committed:\n%s", stdout)
	}
	// Its retry (cron runs it again) still alarms.
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, "--max-rate-change", "0.3", n)
	if code != exitAlarm {
		t.Errorf("the alarmed night's retry: exit %d: %s", code, stderr)
	}
}

// Eviction follows the nights' clock: articles published more than --keep
// before the latest date leave, and are not matched again.
func TestNightEviction(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	n1, n2, n3 := filepath.Join(dir, "n1", "f.jsonl"), filepath.Join(dir, "n2", "f.jsonl"), filepath.Join(dir, "n3", "f.jsonl")
	writeNight(t, n1, wire(t, "000_r3_sputnik_added", "a0", "2026-11-01T10:00:00Z"))
	// Nights of three dated articles move the clock by their dates, even
	// days after the last night's (state.MinClockBulk).
	other := func(id, date string) wireRecord {
		return wireRecord{ID: id, Title: "Port strike " + id, Text: "Dock workers " + id + " voted to end a strike at the port.", Date: date}
	}
	writeNight(t, n2, wire(t, "002_b85c2fa3f61deca6", "b0", "2026-11-05T10:00:00Z"), other("x1", "2026-11-05T09:00:00Z"), other("x2", "2026-11-05T08:00:00Z"))
	// A copy of a0 arriving (and published) ten days later: with --keep 3d
	// a0 has left; the copy is kept.
	writeNight(t, n3, wire(t, "000_r1_afp_trimmed", "a1", "2026-11-11T10:00:00Z"), other("y1", "2026-11-11T09:00:00Z"), other("y2", "2026-11-11T08:00:00Z"))
	for _, n := range []string{n1, n2, n3} {
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--keep", "3d", "--window", "off", n); code != 0 {
			t.Fatal(stderr)
		}
	}
	if drop := readFile(t, filepath.Join(out, report.DropFile)); drop != "" {
		t.Errorf("a copy of an evicted article was hidden: %q", drop)
	}
	code, stdout, _ := neardup(t, "", "history", "--json", "--state", st)
	var hist []struct {
		Evicted int `json:"evicted"`
		State   int `json:"state_articles"`
	}
	json.Unmarshal([]byte(stdout), &hist)
	if code != 0 || len(hist) != 3 || hist[1].Evicted != 1 || hist[1].State != 3 || hist[2].Evicted != 3 || hist[2].State != 3 {
		t.Errorf("evictions: %+v", hist)
	}
}

// snapshot reads every regular file under dir (but the lock), by relative
// path.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != ".lock" {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestNightsEqualBatch is issue 12's equivalence test: a generated corpus
// dated over five nights (benchmarks/gen -nights, copies up to two days
// after their origin, 5 % of articles a night late, follow-ups and heavy
// rewrites), run night by night with --state, gives the clusters of one
// batch run over all the nights with the same flags, except exactly
// where decisions are final: a batch cluster that hides an article the
// nightly run kept on a night before the last of the cluster's articles
// arrived — a late copy published earlier, which batch makes canonical;
// or a later article that joins two articles both kept on their nights
// (the nightly run decided each with what it had and does not take a
// kept article back). Those clusters, and the nightly clusters
// that share an article with them, may differ (with anti-chaining,
// membership is checked against another canonical); every other article
// is in the same cluster with the same canonical, or alone in both. The
// nightly outputs are the same for one worker and for four.
func TestNightsEqualBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and runs a 3,000-article corpus")
	}
	dir := t.TempDir()
	gen := exec.Command("go", "run", "./benchmarks/gen", "-n", "3000", "-nights", "5", "-followups", "0.05", "-heavy", "0.1",
		"-nights-dir", filepath.Join(dir, "nights"), "-out", filepath.Join(dir, "all.jsonl"), "-gold", filepath.Join(dir, "gold.jsonl"))
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	nights, _ := filepath.Glob(filepath.Join(dir, "nights", "night-*.jsonl"))
	if len(nights) != 5 {
		t.Fatalf("nights: %v", nights)
	}
	arrived := map[string]int{}
	for i, n := range nights {
		for _, line := range strings.Split(strings.TrimSpace(readFile(t, n)), "\n") {
			var r struct{ ID string }
			json.Unmarshal([]byte(line), &r)
			arrived[r.ID] = i + 1
		}
	}
	// canonical of each clustered article, night by night (a cluster's
	// last listing has all its members) and in one batch.
	nightly := map[string]string{}
	var byWorkers [2][]string
	for w, jobs := range []string{"1", "4"} {
		st, out := filepath.Join(dir, "state"+jobs), filepath.Join(dir, "out"+jobs)
		for _, n := range nights {
			if code, _, stderr := neardup(t, "", "run", "-q", "-j", jobs, "--keep", "30d", "--state", st, "--out", out, n); code != 0 {
				t.Fatalf("%s: exit %d: %s", n, code, stderr)
			}
			byWorkers[w] = append(byWorkers[w], readFile(t, filepath.Join(out, report.ClustersFile)), readFile(t, filepath.Join(out, report.DropFile)))
			for _, l := range readNightClusters(t, out) {
				for _, m := range l.Members {
					nightly[m.ID] = l.Canonical
				}
			}
		}
	}
	if strings.Join(byWorkers[0], "") != strings.Join(byWorkers[1], "") {
		t.Error("the nightly outputs differ between -j 1 and -j 4")
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--out", filepath.Join(dir, "batch"), filepath.Join(dir, "all.jsonl")); code != 0 {
		t.Fatal(stderr)
	}
	batch := map[string]string{}
	for _, l := range readNightClusters(t, filepath.Join(dir, "batch")) {
		for _, m := range l.Members {
			batch[m.ID] = l.Canonical
		}
	}
	canon := func(m map[string]string, id string) string {
		if c, ok := m[id]; ok {
			return c
		}
		return id
	}
	members := func(m map[string]string) map[string][]string {
		sets := map[string][]string{}
		for id, c := range m {
			sets[c] = append(sets[c], id)
		}
		return sets
	}
	batchSets, nightlySets := members(batch), members(nightly)
	explained := map[string]bool{}
	finalClusters := 0
	for cb, ids := range batchSets {
		last := 0
		for _, y := range ids {
			last = max(last, arrived[y])
		}
		final := false
		for _, y := range ids {
			if y != cb && canon(nightly, y) == y && arrived[y] < last {
				final = true
			}
		}
		if !final {
			continue
		}
		finalClusters++
		for _, y := range ids {
			explained[y] = true
			for _, z := range nightlySets[canon(nightly, y)] {
				explained[z] = true
			}
		}
	}
	same, differ := 0, 0
	for id := range arrived {
		if canon(nightly, id) == canon(batch, id) {
			if _, ok := batch[id]; ok {
				same++
			}
			continue
		}
		differ++
		if !explained[id] {
			t.Errorf("%s (night %d): nightly canonical %s (night %d), batch %s (night %d): not where decisions are final",
				id, arrived[id], canon(nightly, id), arrived[canon(nightly, id)], canon(batch, id), arrived[canon(batch, id)])
		}
	}
	t.Logf("%d clustered articles the same, %d differ, all in %d clusters where decisions are final", same, differ, finalClusters)
	if same < 1000 || finalClusters == 0 {
		t.Errorf("%d the same, %d final clusters: the corpus does not test what it should", same, finalClusters)
	}
}

// TestKilledNightRecovers: a night killed at every step of committing the
// state and switching the outputs, and at random instants, then run again
// as cron would, leaves the state and outputs an uninterrupted sequence of
// nights leaves (benchmarks/nightkill does the same 100+ times on a larger
// corpus).
func TestKilledNightRecovers(t *testing.T) {
	dir := t.TempDir()
	nights := threeNights(t, dir)
	// The uninterrupted nights: state fingerprint and outputs after each.
	refState, refOut := filepath.Join(dir, "ref"), filepath.Join(dir, "refout")
	type after struct{ state, clusters, drop string }
	var ref []after
	snaps := []string{filepath.Join(dir, "snap0")}
	os.MkdirAll(snaps[0], 0o755)
	for i, n := range nights {
		if code, stderr := runBinary(t, nil, "run", "-q", "--state", refState, "--out", refOut, n); code != 0 {
			t.Fatal(stderr)
		}
		fp, err := state.Fingerprint(refState, report.SummaryFile)
		if err != nil {
			t.Fatal(err)
		}
		ref = append(ref, after{fp, readFile(t, filepath.Join(refOut, report.ClustersFile)), readFile(t, filepath.Join(refOut, report.DropFile))})
		snap := filepath.Join(dir, fmt.Sprintf("snap%d", i+1))
		for _, c := range [][2]string{{refState, snap}, {refOut, snap + "out"}} { // the outputs as cron left them
			if out, err := exec.Command("cp", "-a", c[0], c[1]).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
		}
		snaps = append(snaps, snap)
	}
	try := 0
	recover := func(k int, env []string, kill func(*exec.Cmd)) {
		t.Helper()
		try++
		st, out := filepath.Join(dir, fmt.Sprintf("st%d", try)), filepath.Join(dir, fmt.Sprintf("out%d", try))
		if outb, err := exec.Command("cp", "-a", snaps[k], st).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, outb)
		}
		if k > 0 {
			if outb, err := exec.Command("cp", "-a", snaps[k]+"out", out).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, outb)
			}
		}
		cmd := exec.Command(binary, "run", "-q", "--state", st, "--out", out, nights[k])
		cmd.Env = append(os.Environ(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if kill != nil {
			kill(cmd)
		}
		cmd.Wait()
		if env != nil && cmd.ProcessState.ExitCode() != -1 {
			t.Errorf("night %d: the run was not killed at %v (exit %d)", k+1, env, cmd.ProcessState.ExitCode())
		}
		if code, stderr := runBinary(t, nil, "run", "-q", "--state", st, "--out", out, nights[k]); code != 0 {
			t.Fatalf("night %d, %v: the run after the kill: exit %d: %s", k+1, env, code, stderr)
		}
		fp, err := state.Fingerprint(st, report.SummaryFile)
		if err != nil {
			t.Fatal(err)
		}
		got := after{fp, readFile(t, filepath.Join(out, report.ClustersFile)), readFile(t, filepath.Join(out, report.DropFile))}
		if got != ref[k] {
			t.Errorf("night %d killed (%v), then run again: state or outputs differ from the uninterrupted night's", k+1, env)
		}
	}
	for k := range nights {
		for _, at := range []string{"state:ahead", "state:written", "state:renamed", "state:switched", "state:removed", "written", "linked", "switched", "pruned"} {
			recover(k, []string{"NEARDUP_TEST_KILL_AT=" + at}, nil)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	hit := 0
	for i := range 12 {
		recover(i%3, nil, func(cmd *exec.Cmd) {
			time.Sleep(time.Duration(rng.IntN(8000)) * time.Microsecond)
			cmd.Process.Kill()
			if st, _ := cmd.Process.Wait(); st != nil && st.ExitCode() == -1 {
				hit++
			}
		})
	}
	if hit == 0 {
		t.Error("no random kill hit a running night: the sleeps are longer than a run")
	}
}

// What a review found: a date far ahead must not age the state out; a
// member whose canonical left must not join a later article that reuses
// the ID; an article already older than --keep is kept and not
// remembered, so that sent again it is not hidden; a night without dates
// says that nothing will leave; a state inside an input folder is not
// read as input.
func TestNightClockAndEvictionEdges(t *testing.T) {
	dir := t.TempDir()
	run := func(st, n string, args ...string) (int, string) {
		t.Helper()
		code, _, stderr := neardup(t, "", append([]string{"run", "--state", filepath.Join(dir, st), "--out", filepath.Join(dir, st+"-out")}, append(args, n)...)...)
		return code, stderr
	}
	drop := func(st string) string { return readFile(t, filepath.Join(dir, st+"-out", report.DropFile)) }
	night := func(name string, recs ...wireRecord) string {
		p := filepath.Join(dir, "in-"+name, "f.jsonl")
		writeNight(t, p, recs...)
		return p
	}
	a := func(file, id, date string) wireRecord { return wire(t, file, id, date) }

	// A far-future date.
	n1 := night("future1", a("000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z"), a("002_b85c2fa3f61deca6", "b0", "9999-12-31T00:00:00Z"))
	if code, stderr := run("future", n1); code != 0 || !strings.Contains(stderr, "1 articles are dated more than 48h after the night's median date") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	n2 := night("future2", a("000_r1_afp_trimmed", "a1", "2026-11-24T12:00:00Z"))
	if code, stderr := run("future", n2); code != 0 || drop("future") != "a1\n" {
		t.Errorf("after a far-future date: exit %d, drop %q: %s", code, drop("future"), stderr)
	}

	// An ID that left and came back is another article.
	m1 := night("reuse1", a("000_r3_sputnik_added", "a0", "2026-11-01T10:00:00Z"), a("000_r1_afp_trimmed", "a1", "2026-11-02T09:00:00Z"))
	m2 := night("reuse2", a("002_b85c2fa3f61deca6", "z", "2026-11-02T12:00:00Z")) // a0 leaves (--keep 1d); a1 stays
	m3 := night("reuse3", a("002_r1_afp_trimmed", "a0", "2026-11-02T13:00:00Z"))  // the ID a0 again, story B's text
	m4 := night("reuse4", a("000_r2_reordered", "a2", "2026-11-02T14:00:00Z"))    // story A again
	for i, n := range []string{m1, m2, m3, m4} {
		if code, stderr := run("reuse", n, "--keep", "1d", "--window", "off", "--anti-chain=false"); code != 0 {
			t.Fatalf("night %d: exit %d: %s", i+1, code, stderr)
		}
	}
	if got := drop("reuse"); got != "" {
		t.Errorf("story A joined the cluster of a reused ID: drop %q", got)
	}

	// Older than --keep on arrival: kept, not remembered, kept again.
	o1 := night("old1", a("002_b85c2fa3f61deca6", "y", "2026-11-05T10:00:00Z"), a("000_r3_sputnik_added", "x", "2026-11-03T10:00:00Z"))
	o2 := night("old2", a("000_r1_afp_trimmed", "w", "2026-11-05T11:00:00Z"))
	o3 := night("old3", a("000_r3_sputnik_added", "x", "2026-11-03T10:00:00Z"), a("002_r1_afp_trimmed", "y2", "2026-11-05T12:00:00Z"))
	for i, n := range []string{o1, o2, o3} {
		code, stderr := run("old", n, "--keep", "1d", "--window", "off")
		if code != 0 {
			t.Fatalf("night %d: exit %d: %s", i+1, code, stderr)
		}
		if i != 1 && !strings.Contains(stderr, "1 articles were published more than --keep 24h before the night's clock") {
			t.Errorf("night %d: no warning: %s", i+1, stderr)
		}
	}
	if got := drop("old"); got != "y2\n" {
		t.Errorf("the re-sent old article: drop %q, want only y2", got)
	}

	// No dates, no --night.
	u := night("undated", a("000_r3_sputnik_added", "u0", ""), a("002_b85c2fa3f61deca6", "u1", ""))
	if code, stderr := run("undated", u); code != 0 || !strings.Contains(stderr, "give --night DATE") {
		t.Errorf("undated: exit %d: %s", code, stderr)
	}

	// The state inside the input folder.
	in := filepath.Join(dir, "feed")
	writeNight(t, filepath.Join(in, "f.jsonl"), a("000_r3_sputnik_added", "s0", "2026-11-24T10:00:00Z"))
	for i := range 2 {
		code, _, stderr := neardup(t, "", "run", "-q", "--state", filepath.Join(in, "state"), "--out", filepath.Join(dir, "feed-out"), in)
		if code != 0 {
			t.Fatalf("run %d with the state inside the input: exit %d: %s", i+1, code, stderr)
		}
	}
}

// The nightly-trust exit codes (issue 25): a --night typo that would
// evict the state is refused with 15; outputs a night behind the state
// (a run killed between its commit and the switch) are published at the
// next run, which exits 17 without reading its input.
func TestNightTrustExitCodes(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	var recs []wireRecord
	for i := range 24 {
		recs = append(recs, wireRecord{ID: fmt.Sprintf("s%02d", i), Title: fmt.Sprintf("Item %d", i),
			Text: fmt.Sprintf("Item %d of the night: the council met on street %d and voted %d to %d.", i, i, i+3, i), Date: "2026-11-24T10:00:00Z"})
	}
	n1, n2, n3 := filepath.Join(dir, "n1", "f.jsonl"), filepath.Join(dir, "n2", "f.jsonl"), filepath.Join(dir, "n3", "f.jsonl")
	writeNight(t, n1, recs...)
	writeNight(t, n2, wire(t, "000_r3_sputnik_added", "a0", "2026-11-25T10:00:00Z"))
	writeNight(t, n3, wire(t, "002_b85c2fa3f61deca6", "b0", "2026-11-26T10:00:00Z"))
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n1); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, st)
	code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--night", "2062-11-25", n2)
	if code != exitEvict || !strings.Contains(stderr, "would evict 24 of the state's 24 articles") {
		t.Fatalf("--night 2062: exit %d: %s", code, stderr)
	}
	if !equalMaps(before, snapshot(t, st)) {
		t.Error("a refused night changed the state")
	}
	// Night 2 commits; OUT is then put back as it was after night 1, as a
	// kill between the two commits leaves it.
	saved := filepath.Join(dir, "out-night1")
	if b, err := exec.Command("cp", "-a", out, saved).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n2); code != 0 {
		t.Fatal(stderr)
	}
	night2 := readFile(t, filepath.Join(out, report.SummaryFile))
	os.RemoveAll(out)
	if b, err := exec.Command("cp", "-a", saved, out).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	code, _, stderr = neardup(t, "", "run", "-q", "--state", st, "--out", out, n3)
	if code != exitMissed || !strings.Contains(stderr, "night 2's outputs are published now") {
		t.Fatalf("the run after an unpublished night: exit %d: %s", code, stderr)
	}
	if got := readFile(t, filepath.Join(out, report.SummaryFile)); got != night2 {
		t.Error("OUT's summary.json is not night 2's")
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n3); code != 0 {
		t.Fatalf("night 3, run again: exit %d: %s", code, stderr)
	}
}

// neardup state: show, verify (0, or 14 naming a damaged file) and export,
// none of which changes the state (issue 25, beyond the list).
func TestStateCommand(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	nights := threeNights(t, dir)
	for _, n := range nights[:2] {
		if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n); code != 0 {
			t.Fatal(stderr)
		}
	}
	before := snapshot(t, st)
	code, stdout, stderr := neardup(t, "", "state", "show", "--state", st)
	if code != 0 || !strings.Contains(stdout, "5 articles in 2 segments; 2 nights") || !strings.Contains(stdout, "clock 2026-11-25T10:00:00Z") {
		t.Errorf("state show: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ = neardup(t, "", "state", "verify", "--state", st); code != 0 || !strings.Contains(stdout, "every file holds") {
		t.Errorf("state verify: exit %d: %s", code, stdout)
	}
	code, stdout, _ = neardup(t, "", "state", "export", "--state", st)
	var ids, hidden []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var a struct{ ID, Canonical string }
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("export line %q: %v", l, err)
		}
		ids = append(ids, a.ID)
		if a.Canonical != "" {
			hidden = append(hidden, a.ID+">"+a.Canonical)
		}
	}
	if code != 0 || len(ids) != 5 || strings.Join(hidden, " ") != "a1>a0 a2>a0 a3>a0" {
		t.Errorf("state export: exit %d, %v, hidden %v", code, ids, hidden)
	}
	if !equalMaps(before, snapshot(t, st)) {
		t.Error("neardup state changed the state")
	}
	// A segment cut short: verify exits 14 naming it; nothing else changes.
	segs, _ := filepath.Glob(filepath.Join(st, "gen-*", "seg-*"))
	if len(segs) == 0 {
		t.Fatal("no segment")
	}
	b, _ := os.ReadFile(segs[0])
	os.Chmod(segs[0], 0o644)
	os.WriteFile(segs[0], b[:len(b)/2], 0o644)
	if code, _, stderr = neardup(t, "", "state", "verify", "--state", st); code != exitDamaged || !strings.Contains(stderr, filepath.Base(segs[0])) {
		t.Errorf("verify of a damaged state: exit %d: %s", code, stderr)
	}
	if code, _, _ = neardup(t, "", "state", "show", "--state", filepath.Join(dir, "none")); code != exitFailure {
		t.Errorf("show of no state: exit %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "none")); err == nil {
		t.Error("show of no state made the directory")
	}
}

// run --state --decisions: a copy hidden on night 1, decided not a copy,
// is un-hidden on night 2 and exported as kept (issue 23, item 3).
func TestNightDecisions(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	nights := threeNights(t, dir)
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0]); code != 0 {
		t.Fatal(stderr)
	}
	file := filepath.Join(dir, "decisions.jsonl")
	os.WriteFile(file, []byte(`{"a": "a0", "b": "a1", "label": "distinct", "by": "Ann", "at": "2026-11-24T20:00:00Z"}`+"\n"), 0o644)
	code, _, stderr := neardup(t, "", "run", "--state", st, "--out", out, "--decisions", file, nights[1])
	if code != 0 || !strings.Contains(stderr, "1 stored copies an editor decided are not copies are un-hidden tonight") {
		t.Fatalf("night 2 with decisions: exit %d: %s", code, stderr)
	}
	sum, _ := report.ReadSummary(filepath.Join(out, report.SummaryFile))
	if len(sum.State.Unhidden) != 1 || sum.State.Unhidden[0] != "a1" {
		t.Errorf("summary state.unhidden %v", sum.State.Unhidden)
	}
	_, stdout, _ := neardup(t, "", "state", "export", "--state", st)
	found := false
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, `{"id":"a1",`) {
			found = true
			if strings.Contains(l, `"canonical"`) {
				t.Errorf("state export still hides a1: %s", l)
			}
		}
	}
	if !found {
		t.Errorf("state export has no a1:\n%s", stdout)
	}
}

// neardup state clock repairs a clock a --night typo moved (issue 25,
// defect 1): before it, a real night finds its articles all older than
// --keep (exit 16, nothing committed); after it, the night is committed
// and hides its copies; state show lists the repair; a missing or bad
// DATE is a usage error.
func TestStateClockRepair(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	nights := threeNights(t, dir)
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[0]); code != 0 {
		t.Fatal(stderr)
	}
	// A typo in --night, and one article of the feed dated by the same
	// typo: committed with --max-evict 1, everything earlier leaves.
	typo := filepath.Join(dir, "typo", "feed.jsonl")
	writeNight(t, typo, wire(t, "002_r3_added", "typo", "2062-11-25T08:00:00Z"))
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--night", "2062-11-25", "--max-evict", "1", nights[1], typo); code != 0 {
		t.Fatalf("the typo night: exit %d: %s", code, stderr)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[2]); code != exitNothing {
		t.Fatalf("a real night after the typo: exit %d, want %d (all older than --keep): %s", code, exitNothing, stderr)
	}
	for _, args := range [][]string{{"state", "clock", "--state", st}, {"state", "clock", "--state", st, "tomorrow"}} {
		if code, _, _ := neardup(t, "", args...); code != exitUsage {
			t.Errorf("neardup %s: exit %d, want %d", strings.Join(args, " "), code, exitUsage)
		}
	}
	typoed := filepath.Join(dir, "stat")
	if code, _, _ := neardup(t, "", "state", "clock", "--state", typoed, "2026-11-25"); code != exitFailure {
		t.Errorf("state clock on a missing state: exit %d, want 1", code)
	}
	if _, err := os.Stat(typoed); err == nil {
		t.Error("state clock on a missing state made the directory")
	}
	// A later date than meant would make the stored articles leave:
	// refused, exit 15, nothing changed.
	before := snapshot(t, st)
	if code, _, stderr := neardup(t, "", "state", "clock", "--state", st, "2063-01-01"); code != exitEvict || !strings.Contains(stderr, "leave for good") {
		t.Errorf("state clock to a later date: exit %d, want %d: %s", code, exitEvict, stderr)
	}
	if !equalMaps(before, snapshot(t, st)) {
		t.Error("a refused state clock changed the state")
	}
	code, stdout, stderr := neardup(t, "", "state", "clock", "--state", st, "2026-11-25")
	if code != 0 || !strings.Contains(stdout, "clock set from 2062-11-25T00:00:00Z to 2026-11-25T00:00:00Z") {
		t.Fatalf("state clock: exit %d: %s%s", code, stdout, stderr)
	}
	if _, stdout, _ = neardup(t, "", "state", "show", "--state", st); !strings.Contains(stdout, "clock repaired after night 2: from 2062-11-25T00:00:00Z to 2026-11-25T00:00:00Z") {
		t.Errorf("state show after the repair:\n%s", stdout)
	}
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, nights[2]); code != 0 {
		t.Fatalf("the real night after the repair: exit %d: %s", code, stderr)
	}
	if drop := strings.Fields(readFile(t, filepath.Join(out, report.DropFile))); len(drop) == 0 {
		t.Error("the real night after the repair hid nothing")
	}
}

// A first night killed between its state commit and its outputs, then the
// next night: OUT never held a night, and night 1's outputs are published
// (exit 17) instead of being lost; the next run goes on (issue 25,
// defect 3, found by benchmarks/nighttrust).
func TestFirstNightUnpublished(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	nights := threeNights(t, dir)
	if code, _ := runBinary(t, []string{"NEARDUP_TEST_KILL_AT=state:switched"}, "run", "-q", "--state", st, "--out", out, nights[0]); code != -1 {
		t.Fatalf("night 1 was not killed after its commit: exit %d", code)
	}
	code, stderr := runBinary(t, nil, "run", "-q", "--state", st, "--out", out, nights[1])
	if code != exitMissed || !strings.Contains(stderr, "held none of the state's nights") {
		t.Fatalf("night 2 after an unpublished first night: exit %d: %s", code, stderr)
	}
	if drop := readFile(t, filepath.Join(out, report.DropFile)); drop != "a1\n" {
		t.Errorf("published drop.txt %q, want night 1's a1", drop)
	}
	if code, stderr := runBinary(t, nil, "run", "-q", "--state", st, "--out", out, nights[1]); code != 0 {
		t.Fatalf("night 2 again: exit %d: %s", code, stderr)
	}
}

// A night's report lists its near misses under tonight's clusters, as a
// batch run's does (issue 23): testdata/writethru's third version, which
// matched the second but not the canonical first, kept apart.
func TestNightReportNearMisses(t *testing.T) {
	dir := t.TempDir()
	st, out := filepath.Join(dir, "state"), filepath.Join(dir, "out")
	n1 := filepath.Join(dir, "n1", "f.jsonl")
	writeNight(t, n1, wireRecord{ID: "z0", Title: "Weather", Text: "Rain and wind in the north all week, the forecasters said on Sunday.", Date: "2026-03-01T10:00:00Z"})
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, n1); code != 0 {
		t.Fatal(stderr)
	}
	page := filepath.Join(out, "report.html")
	if code, _, stderr := neardup(t, "", "run", "-q", "--state", st, "--out", out, "--html", page, filepath.Join(writethruDir, "feed.jsonl")); code != 0 {
		t.Fatal(stderr)
	}
	data := reportData(t, readFile(t, page))
	if !strings.Contains(data, `"near": [`) || !strings.Contains(data, `"id": "pier-3"`) {
		t.Errorf("the night's report lists no near miss pier-3:\n%.2000s", data)
	}
}
