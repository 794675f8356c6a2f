package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
)

// wireArticle is one of testdata/wire's rewrites under an ID and a date.
func wireArticle(t *testing.T, name, id, date string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "wire", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	title, text, _ := strings.Cut(strings.TrimLeft(string(b), "\n"), "\n")
	return map[string]string{"id": id, "title": title, "text": text, "date": date}
}

// readNight reads articles as a night does.
func readNight(t *testing.T, arts ...map[string]string) (dedup.Config, *dedup.Result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "night.jsonl")
	var b strings.Builder
	for _, a := range arts {
		j, _ := json.Marshal(a)
		b.Write(append(j, '\n'))
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	cfg := nightConfig(t)
	cfg.Inputs = []string{path}
	res, err := dedup.Read(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, res
}

// stateOf commits one night of arts into a new state and opens it again.
func stateOf(t *testing.T, arts ...map[string]string) *State {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, res := readNight(t, arts...)
	keep := 7 * 24 * time.Hour
	if err := s.Commit(s.Night(cfg, res, time.Time{}, keep), ParamsOf(cfg), keep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// throughVerify runs a night's steps from classify to verify, with the
// night's clock from its articles and a week kept.
func (n *night) throughVerify() {
	n.classify()
	n.setClock(time.Time{})
	n.leaveTooOld(7 * 24 * time.Hour)
	n.count()
	n.candidates()
	n.verify()
}

// The first steps on their own: which articles are new, the clock, and
// the articles already too old to remember.
func TestNightClassifyClockTooOld(t *testing.T) {
	s := stateOf(t, wireArticle(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z"))
	same := wireArticle(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z")
	cfg, res := readNight(t, same,
		wireArticle(t, "002_r1_afp_trimmed", "b1", "2026-11-25T10:00:00Z"),
		wireArticle(t, "002_r2_reordered", "b2", "2026-11-25T12:00:00Z"),
		wireArticle(t, "002_r3_added", "far", "2099-01-01T00:00:00Z"),
		wireArticle(t, "000_r2_reordered", "old", "2026-11-01T00:00:00Z"))
	n := s.newNight(cfg, res, "k")
	if n.t.Night.Night != 2 {
		t.Fatalf("night %d, want 2", n.t.Night.Night)
	}
	n.classify()
	if n.t.Night.Already != 1 || n.t.Night.Changed != 0 || len(n.dates) != 4 {
		t.Errorf("classify: already %d, changed %d, %d dates", n.t.Night.Already, n.t.Night.Changed, len(n.dates))
	}
	n.setClock(time.Time{})
	if n.t.Night.Date != "2026-11-25" || n.t.Night.Ahead != 1 {
		t.Errorf("clock %s with %d ahead, want 2026-11-25 and the 2099 article ahead", n.t.Night.Date, n.t.Night.Ahead)
	}
	n.leaveTooOld(7 * 24 * time.Hour)
	if n.t.Night.TooOld != 1 || n.t.Night.New != 3 || n.isNew[len(n.isNew)-1] {
		t.Errorf("too old %d, new %d", n.t.Night.TooOld, n.t.Night.New)
	}
}

// The deciding steps: a late copy published before the stored canonical
// joins its cluster, which keeps its canonical (decisions are final); two
// new copies of a new story cluster among themselves.
func TestNightAssignDecisionsFinal(t *testing.T) {
	s := stateOf(t, wireArticle(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z"),
		wireArticle(t, "000_r1_afp_trimmed", "a1", "2026-11-24T11:00:00Z"))
	cfg, res := readNight(t, wireArticle(t, "000_r2_reordered", "a2", "2026-11-24T09:00:00Z"),
		wireArticle(t, "002_b85c2fa3f61deca6", "b0", "2026-11-25T10:00:00Z"),
		wireArticle(t, "002_r3_added", "b3", "2026-11-25T11:00:00Z"))
	n := s.newNight(cfg, res, "k")
	n.throughVerify()
	if n.verified == 0 {
		t.Fatal("no candidate pair verified")
	}
	n.group()
	n.assign()
	a0, _ := n.s.find("a0")
	if c, ok := n.assigned[n.nOld+0]; !ok || c != a0 {
		t.Errorf("a2 assigned to %d (%v), want the stored canonical a0 (%d)", c, ok, a0)
	}
	if len(n.clusters) != 1 || len(n.clusters[0].Members) != 2 || n.item(n.clusters[0].Canonical()).ID != "b0" {
		t.Errorf("tonight's own clusters: %+v, want b0 with b3", n.clusters)
	}
	n.storedClusters()
	if len(n.clusters) != 2 {
		t.Fatalf("%d clusters, want a0's and b0's", len(n.clusters))
	}
	var ids []string
	for _, m := range n.clusters[0].Members {
		ids = append(ids, n.item(m.Doc).ID)
	}
	if strings.Join(ids, " ") != "a0 a1 a2" && strings.Join(ids, " ") != "a0 a2 a1" {
		t.Errorf("the stored cluster that gained a2: %v, want a0 first, its stored a1 and a2", ids)
	}
	n.remember()
	if n.t.Night.Duplicates != 2 || len(n.t.New) != 3 || n.t.New[0].Canonical != "a0" {
		t.Errorf("remembered %d duplicates of %d new: %+v", n.t.Night.Duplicates, len(n.t.New), n.t.New[0])
	}
	out := n.outputs()
	if nv := out.Night; len(out.Clusters) != 2 || len(nv.ClusterIDs) != 2 || nv.ClusterIDs[0] != "a0" || len(out.Docs) != 5 || len(nv.Arrived) != 5 {
		t.Errorf("outputs: %d clusters %v over %d docs", len(out.Clusters), nv.ClusterIDs, len(out.Docs))
	}
	if out.Night.Tonight != n.t.Night.Night || out.Duplicates() != 2 {
		t.Errorf("outputs: tonight %d (want %d), %d of tonight's duplicates (want 2)", out.Night.Tonight, n.t.Night.Night, out.Duplicates())
	}
}

// A canonical that has left: its stored copy stays, without a canonical
// (-1), and takes nobody; tonight's copies of that story cluster among
// themselves, and a copy of another orphaned story is not drawn in.
func TestNightCanonicalLeft(t *testing.T) {
	keep := 2 * time.Hour // copies an hour apart: the model weighs hours apart
	s := emptyState(t)
	defer func() { s.Close() }()
	w := func(name, id, date string) map[string]string { return wireArticle(t, name, id, date) }
	s = commitNight(t, s, keep, w("000_d995efe7b01a9663", "a0", "2026-11-02T08:00:00Z"), w("000_r1_afp_trimmed", "a1", "2026-11-02T09:00:00Z"),
		w("002_b85c2fa3f61deca6", "b0", "2026-11-02T08:05:00Z"), w("002_r1_afp_trimmed", "b1", "2026-11-02T09:05:00Z"))
	for _, id := range []string{"a1", "b1"} {
		if i, ok := s.find(id); !ok || s.recs[i].canonID.n == 0 {
			t.Fatalf("night 1: %s is not a stored copy", id)
		}
	}
	// Night 2 moves the clock: a0 and b0 leave, a1 and b1 stay.
	s = commitNight(t, s, keep, map[string]string{"id": "c0", "title": "Port strike ends",
		"text": "Dock workers voted to end a three-day strike at the port on Monday.", "date": "2026-11-02T10:30:00Z"})
	for id, want := range map[string]bool{"a0": false, "b0": false, "a1": true, "b1": true} {
		i, ok := s.find(id)
		if ok != want {
			t.Fatalf("night 2: %s in the state %v, want %v", id, ok, want)
		}
		if ok && s.recs[i].canon != -1 {
			t.Errorf("night 2: %s's canonical %d, want -1 (left)", id, s.recs[i].canon)
		}
	}
	cfg, res := readNight(t, w("000_r2_reordered", "a2", "2026-11-02T10:00:00Z"), w("000_r3_sputnik_added", "a3", "2026-11-02T10:10:00Z"),
		w("002_r2_reordered", "b2", "2026-11-02T10:20:00Z"))
	n := s.newNight(cfg, res, "k")
	n.classify()
	n.setClock(time.Time{})
	n.leaveTooOld(keep)
	n.count()
	n.candidates()
	n.verify()
	n.group()
	n.assign()
	n.storedClusters()
	for d, c := range n.assigned {
		if c < n.nOld {
			t.Errorf("%s assigned to the stored %s", n.item(d).ID, n.item(c).ID)
		}
	}
	if len(n.clusters) != 1 {
		t.Fatalf("%d clusters, want tonight's a2 with a3", len(n.clusters))
	}
	var ids []string
	for _, m := range n.clusters[0].Members {
		ids = append(ids, n.item(m.Doc).ID)
	}
	if got := strings.Join(ids, " "); got != "a2 a3" && got != "a3 a2" {
		t.Errorf("tonight's cluster %s, want a2 and a3 alone", got)
	}
}

// block is n made-up words, the same for the same seed.
func block(seed, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx%d", seed, (i*7919+seed*104729)%100003)
	}
	return strings.Join(words, " ") + "."
}

// Anti-chaining: tonight's d1 is a copy of the stored canonical c, d2 a
// copy of d1 but not of c; d2 does not ride into c's cluster on d1.
func TestNightAntiChain(t *testing.T) {
	art := func(id, date string, blocks ...int) map[string]string {
		var parts []string
		for _, b := range blocks {
			parts = append(parts, block(b, 40))
		}
		return map[string]string{"id": id, "title": "Talks resume", "text": strings.Join(parts, "\n\n"), "date": date}
	}
	s := stateOf(t, art("c", "2026-11-24T08:00:00Z", 1, 2, 3, 4, 5, 6))
	cfg, res := readNight(t, art("d1", "2026-11-24T08:30:00Z", 1, 2, 3, 4, 5, 7), art("d2", "2026-11-24T09:00:00Z", 8, 9, 3, 4, 5, 7))
	n := s.newNight(cfg, res, "k")
	n.classify()
	n.setClock(time.Time{})
	n.leaveTooOld(7 * 24 * time.Hour)
	n.count()
	c, _ := n.s.find("c")
	d1, d2 := n.nOld, n.nOld+1
	if !n.check(c, d1).Verified || !n.check(d1, d2).Verified || n.check(c, d2).Verified {
		t.Fatalf("the texts do not make a chain: c~d1 %v, d1~d2 %v, c~d2 %v", n.check(c, d1).Verified, n.check(d1, d2).Verified, n.check(c, d2).Verified)
	}
	n.candidates()
	n.verify()
	n.group()
	n.assign()
	if got, ok := n.assigned[d1]; !ok || got != c {
		t.Errorf("d1 assigned to %d (%v), want the stored canonical %d", got, ok, c)
	}
	if got, ok := n.assigned[d2]; ok {
		t.Errorf("d2 assigned to %s through d1", n.item(got).ID)
	}
	if !n.cfg.AntiChain {
		t.Fatal("anti-chaining is off by default")
	}
	n.cfg.AntiChain = false
	n.assign()
	if got, ok := n.assigned[d2]; !ok || got != c {
		t.Errorf("without anti-chaining, d2 assigned to %d (%v), want %d", got, ok, c)
	}
}

// An editor's same-story decision joins what LSH never proposed: a new
// article decided the same as a stored one joins its cluster, two new
// ones decided the same share one (the nightly path's join step, which
// batch runs had and nights lacked).
func TestNightDecidedSameJoins(t *testing.T) {
	s := stateOf(t, wireArticle(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z"))
	x := map[string]string{"id": "x", "title": "Harbour pilots strike over new rota", "date": "2026-11-25T08:00:00Z",
		"text": "Harbour pilots at the northern port walked out on Tuesday over a rota that they say doubles night shifts, leaving eleven cargo ships waiting at anchor outside the breakwater."}
	y := map[string]string{"id": "y", "title": "Library reopens after roof repairs", "date": "2026-11-25T09:00:00Z",
		"text": "The city library reopened its reading rooms on Wednesday after eight months of repairs to a roof damaged by last winter's storms, with a new children's wing on the ground floor."}
	cfg, res := readNight(t, wireArticle(t, "002_b85c2fa3f61deca6", "b0", "2026-11-25T10:00:00Z"), x, y)
	cfg.Decisions = decisionsOf(t, `{"a": "a0", "b": "x", "label": "dup"}`, `{"a": "b0", "b": "y", "label": "dup"}`)
	n := s.newNight(cfg, res, "k")
	n.decide()
	n.throughVerify()
	n.group()
	n.assign()
	a0, _ := n.s.find("a0")
	if c, ok := n.assigned[n.nOld+1]; !ok || c != a0 || n.matches[n.nOld+1].Reason != cluster.ByEditor {
		t.Errorf("x: assigned to %d (%v) by %q, want the stored a0 (%d) by the editor", c, ok, n.matches[n.nOld+1].Reason, a0)
	}
	if len(n.clusters) != 1 || len(n.clusters[0].Members) != 2 || n.clusters[0].Members[1].Match.Reason != cluster.ByEditor {
		t.Fatalf("tonight's own clusters: %+v, want y with b0, joined by the editor", n.clusters)
	}
	if got := n.item(n.clusters[0].Canonical()).ID + " " + n.item(n.clusters[0].Members[1].Doc).ID; got != "y b0" {
		t.Errorf("tonight's cluster %s, want y (the earlier) with b0", got)
	}
}

// A night lists its near misses as a batch run does (issue 23): the
// write-thru that matched the second version but not the first, the
// cluster's canonical, is kept apart and listed under the cluster, in the
// outputs' numbering.
func TestNightNearMisses(t *testing.T) {
	s := stateOf(t, wireArticle(t, "000_r3_sputnik_added", "a0", "2026-03-01T10:00:00Z"))
	b, err := os.ReadFile(filepath.Join("..", "testdata", "writethru", "feed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var arts []map[string]string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var a map[string]string
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	cfg, res := readNight(t, arts...)
	out := s.Night(cfg, res, time.Time{}, 7*24*time.Hour).Result
	if out.Night == nil || len(out.Night.Near) == 0 {
		t.Fatalf("no near misses in the night's outputs: %+v", out.Night)
	}
	near := dedup.NearMisses(cfg, out, 10)
	if len(near) != 1 || out.Docs[near[0].A].ID != "pier-2" || out.Docs[near[0].B].ID != "pier-3" {
		var got []string
		for _, n := range near {
			got = append(got, out.Docs[n.A].ID+"/"+out.Docs[n.B].ID)
		}
		t.Fatalf("near misses %v, want pier-2/pier-3", got)
	}
	if c := out.Clusters[0]; len(out.Clusters) != 1 || len(c.Members) != 2 || out.Docs[c.Canonical()].ID != "pier-1" {
		t.Errorf("tonight's clusters: %+v, want pier-1 with pier-2", out.Clusters)
	}
}

// A stored article keeps its evidence's NotHeadline, long articles too,
// whose evidence is made from the index (a review found it lost: a
// night's display titles then differed from a batch run's).
func TestStoredNotHeadline(t *testing.T) {
	for _, name := range []string{"000_d995efe7b01a9663", "000_r3_sputnik_added"} {
		a := wireArticle(t, name, "a0", "2026-11-24T10:00:00Z")
		a["title"] = "Enter City and State or Zip Code"
		_, res := readNight(t, a)
		if !res.Evidence[0].NotHeadline {
			t.Fatalf("%s: read with a furniture title, NotHeadline false", name)
		}
		s := stateOf(t, a)
		if i, _ := s.find("a0"); !s.evidence(i).NotHeadline {
			t.Errorf("%s (short %v): stored, NotHeadline lost", name, s.recs[i].short)
		}
	}
}

// A same-story decision holds through a stored cluster: x joins the
// stored a0 by its text, y was decided the same as x and matches neither,
// and joins too, by the editor, as a batch run's must-link pulls it in
// (a review found y left alone).
func TestNightDecidedSameThroughStored(t *testing.T) {
	s := stateOf(t, wireArticle(t, "000_r3_sputnik_added", "a0", "2026-11-24T10:00:00Z"))
	y := map[string]string{"id": "y", "title": "Library reopens after roof repairs", "date": "2026-11-25T09:00:00Z",
		"text": "The city library reopened its reading rooms on Wednesday after eight months of repairs to a roof damaged by last winter's storms, with a new children's wing on the ground floor."}
	cfg, res := readNight(t, wireArticle(t, "000_r1_afp_trimmed", "x", "2026-11-25T08:00:00Z"), y)
	cfg.Decisions = decisionsOf(t, `{"a": "x", "b": "y", "label": "dup"}`)
	n := s.newNight(cfg, res, "k")
	n.decide()
	n.throughVerify()
	n.group()
	n.assign()
	a0, _ := n.s.find("a0")
	for j, want := range []string{cluster.ByModel, cluster.ByEditor} {
		if c, ok := n.assigned[n.nOld+j]; !ok || c != a0 || n.matches[n.nOld+j].Reason != want {
			t.Errorf("%s: assigned to %d (%v) by %q, want a0 by %q", n.id(n.nOld+j), c, ok, n.matches[n.nOld+j].Reason, want)
		}
	}
}

// decisionsOf loads decisions given as --decisions lines.
func decisionsOf(t *testing.T, lines ...string) *decisions.Set {
	t.Helper()
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := decisions.Load([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	return set
}
