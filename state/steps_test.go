package state

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	n.classify()
	n.setClock(time.Time{})
	n.leaveTooOld(7 * 24 * time.Hour)
	n.count()
	n.candidates()
	n.verify()
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
