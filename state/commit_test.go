package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/atomicfs"
	"github.com/neardup/neardup/internal/matchflags"
)

// nightConfig is `neardup run`'s default config over the wire test
// corpus, as a night reads it.
func nightConfig(t *testing.T) dedup.Config {
	t.Helper()
	var o matchflags.Options
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config("run", []string{"../testdata/wire"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Remember = true
	return cfg
}

// A Commit that fails leaves the previous state, and the same night
// commits on a second try (the segment written ahead of the first is
// gone by then); a second Night on the same State writes its own segment
// ahead; Close leaves no temporary file.
func TestCommitRetriedAndNightTwice(t *testing.T) {
	cfg := nightConfig(t)
	res, err := dedup.Read(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, keep := ParamsOf(cfg), 7*24*time.Hour
	first := s.Night(cfg, res, time.Time{}, keep)
	second := s.Night(cfg, res, time.Time{}, keep)
	if len(first.New) == 0 || len(first.New) != len(second.New) {
		t.Fatalf("nights of %d and %d new articles", len(first.New), len(second.New))
	}
	bad := []Output{{Name: filepath.Join("no", "such", "dir"), Data: []byte("x")}}
	if err := s.Commit(first, p, keep, nil, bad, nil); err == nil {
		t.Fatal("a commit writing an output where none can be written succeeded")
	}
	if s.Manifest.Generation != 0 {
		t.Fatalf("a failed commit moved the state to generation %d", s.Manifest.Generation)
	}
	outs := []Output{{Name: "drop.txt", Data: []byte("a\n")}}
	if err := s.Commit(first, p, keep, nil, outs, nil); err != nil {
		t.Fatalf("the same night on a second try: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			t.Errorf("left after Close: %s", e.Name())
		}
	}
	s, err = Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("the committed state: %v", err)
	}
	defer s.Close()
	if s.Len() != len(first.New) || s.Manifest.Generation != 1 {
		t.Errorf("state of %d articles at generation %d, want %d at 1", s.Len(), s.Manifest.Generation, len(first.New))
	}
}

// Headers whose counts overflow when multiplied are refused, not
// trusted: count × hashes wraps to a few bytes.
func TestSegmentHeaderOverflow(t *testing.T) {
	hdr := append([]byte(segMagic), make([]byte, 16+68)...)
	for _, ch := range [][2]uint32{{4294836226, 2147549185}, {1 << 31, 1 << 31}, {0xFFFFFFFF, 0xFFFFFFFF}, {3, 1 << 31}} {
		b := append([]byte(nil), hdr...)
		putU32(b[len(segMagic):], ch[0])
		putU32(b[len(segMagic)+4:], ch[1])
		if _, err := decodeSegment(b); err == nil {
			t.Errorf("count %d, hashes %d: decoded", ch[0], ch[1])
		}
	}
}

func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// emptyState opens a new, empty state in a test folder.
func emptyState(t *testing.T) *State {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// commitNight reads arts as a night, decides and commits it into s, and
// opens the state again, as the next night's run does.
func commitNight(t *testing.T, s *State, keep time.Duration, arts ...map[string]string) *State {
	t.Helper()
	cfg, res := readNight(t, arts...)
	if err := s.Commit(s.Night(cfg, res, time.Time{}, keep), ParamsOf(cfg), keep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := s.Dir
	s.Close()
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// plan decides a commit's segments without touching a file: a segment
// whose articles all left is dropped, one with fewer than half left is
// rewritten with its live records, one with half or more is kept whole;
// tonight's articles all stay; Commit then applies exactly that.
func TestCommitPlan(t *testing.T) {
	keep := 7 * 24 * time.Hour
	s := emptyState(t)
	var err error
	defer func() { s.Close() }()
	w := func(name, id, date string) map[string]string { return wireArticle(t, name, id, date) }
	s = commitNight(t, s, keep, w("000_d995efe7b01a9663", "n1a", "2026-11-01T08:00:00Z"), w("002_b85c2fa3f61deca6", "n1b", "2026-11-01T09:00:00Z"))
	s = commitNight(t, s, keep, w("000_r1_afp_trimmed", "n2a", "2026-11-02T08:00:00Z"), w("002_r1_afp_trimmed", "n2b", "2026-11-02T09:00:00Z"),
		w("000_r2_reordered", "n2c", "2026-11-03T13:00:00Z"))
	s = commitNight(t, s, keep, w("002_r2_reordered", "n3a", "2026-11-05T08:00:00Z"), w("000_r3_sputnik_added", "n3b", "2026-11-05T09:00:00Z"))

	// Night 4 with --keep shortened to 3 days (each night's clock within
	// state.MaxClockStep of the last).
	keep = 3 * 24 * time.Hour
	cfg, res := readNight(t, w("002_r3_added", "n4a", "2026-11-06T12:00:00Z"))
	tonight := s.Night(cfg, res, time.Time{}, keep)
	if tonight.ahead != nil {
		<-tonight.ahead.done // tonight's segment, written ahead
	}
	before := s.Manifest
	files := func() []string {
		var names []string
		filepath.WalkDir(s.Dir, func(p string, _ os.DirEntry, _ error) error { names = append(names, p); return nil })
		return names
	}
	listed := files()
	pl := s.plan(tonight, ParamsOf(cfg), keep, nil)
	if got := files(); strings.Join(got, "\n") != strings.Join(listed, "\n") {
		t.Errorf("plan changed the state's files:\n%v\nthen\n%v", listed, got)
	}
	if s.Manifest.Generation != before.Generation || len(s.Manifest.Nights) != len(before.Nights) {
		t.Errorf("plan changed the current manifest")
	}
	want := []segmentAction{dropSegment, rewriteSegment, keepSegment}
	if len(pl.Segments) != len(want) {
		t.Fatalf("%d segments planned, want %d", len(pl.Segments), len(want))
	}
	for i, sp := range pl.Segments {
		if sp.Action != want[i] {
			t.Errorf("segment %d (%s): action %d, want %d", i, sp.File.Name, sp.Action, want[i])
		}
	}
	if n := pl.Segments[1].NLive; n != 1 || len(pl.Segments[1].Live) != 1 || s.idOf(pl.Segments[1].Live[0]) != "n2c" {
		t.Errorf("the rewritten segment keeps %d records %v, want n2c alone", n, pl.Segments[1].Live)
	}
	cutoff := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC).Unix()
	if pl.Manifest.Cutoff != cutoff || pl.Evicted != 4 || len(pl.Tonight) != 1 || pl.Manifest.Articles != 4 {
		t.Errorf("cutoff %d (want %d), %d evicted (want 4), %d of tonight, %d articles (want 1, 4)",
			pl.Manifest.Cutoff, cutoff, pl.Evicted, len(pl.Tonight), pl.Manifest.Articles)
	}
	if err := s.Commit(tonight, ParamsOf(cfg), keep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := s.Dir
	s.Close()
	if s, err = Open(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range s.Len() {
		ids = append(ids, s.idOf(i))
	}
	if got := strings.Join(ids, " "); got != "n2c n3a n3b n4a" {
		t.Errorf("committed state holds %s, want n2c n3a n3b n4a", got)
	}
	if last := s.Last(); last.Evicted != 4 || last.State != 4 {
		t.Errorf("night record: %d evicted, %d in the state; want 4, 4", last.Evicted, last.State)
	}
}

// TestCommitSyncOrder: a night's commit (tonight's segment written ahead
// and moved in, a kept segment linked, CURRENT replaced) syncs every file
// before a rename or link publishes it and every directory whose entries
// changed (atomicfs.CheckOrder over the steps it takes).
func TestCommitSyncOrder(t *testing.T) {
	keep := 7 * 24 * time.Hour
	s := emptyState(t)
	defer func() { s.Close() }()
	w := func(name, id, date string) map[string]string { return wireArticle(t, name, id, date) }
	for i, night := range [][]map[string]string{
		{w("000_d995efe7b01a9663", "n1a", "2026-11-01T08:00:00Z"), w("002_b85c2fa3f61deca6", "n1b", "2026-11-01T09:00:00Z")},
		{w("000_r1_afp_trimmed", "n2a", "2026-11-02T08:00:00Z"), w("002_r1_afp_trimmed", "n2b", "2026-11-02T09:00:00Z")},
	} {
		stop := atomicfs.Trace()
		s = commitNight(t, s, keep, night...)
		steps := stop()
		if err := atomicfs.CheckOrder(steps); err != nil {
			t.Errorf("night %d: %v\nsteps: %v", i+1, err, steps)
		}
		if !slices.ContainsFunc(steps, func(st atomicfs.Step) bool { return st.Op == "rename" && filepath.Base(st.Path) == currentFile }) {
			t.Errorf("night %d: CURRENT not replaced through atomicfs: %v", i+1, steps)
		}
	}
}

// SetClock repairs a clock a --night typo moved far ahead: a new
// generation with the same articles (one here, dated in 2062 itself: the
// typo's commit evicted the others, and they stay gone), the clock and cutoff set back and the repair
// recorded, every file synced before it is published; the next real night
// is matched and remembered, where before the repair its articles were
// all older than keep.
func TestSetClock(t *testing.T) {
	keep := 7 * 24 * time.Hour
	s := emptyState(t)
	var err error
	defer func() { s.Close() }()
	w := func(name, id, date string) map[string]string { return wireArticle(t, name, id, date) }
	s = commitNight(t, s, keep, w("000_d995efe7b01a9663", "n1", "2026-11-01T08:00:00Z"))
	cfg, res := readNight(t, w("002_b85c2fa3f61deca6", "typo", "2026-11-02T08:00:00Z"), w("002_r1_afp_trimmed", "ahead", "2062-11-01T08:00:00Z"))
	if err := s.Commit(s.Night(cfg, res, time.Date(2062, 11, 2, 0, 0, 0, 0, time.UTC), keep), ParamsOf(cfg), keep, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	dir := s.Dir
	s.Close()
	if s, err = Open(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	cfg, res = readNight(t, w("000_r1_afp_trimmed", "n3", "2026-11-03T08:00:00Z"))
	if tn := s.Night(cfg, res, time.Time{}, keep); tn.Night.New != 0 || tn.Night.TooOld != 1 {
		t.Fatalf("before the repair, a real night: %d new, %d too old; want all too old", tn.Night.New, tn.Night.TooOld)
	}
	stop := atomicfs.Trace()
	r, err := s.SetClock(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC), 0)
	if err := atomicfs.CheckOrder(stop()); err != nil {
		t.Error(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if r.After != 2 || time.Unix(r.FromClock, 0).Year() != 2062 || r.ToCutoff != r.ToClock-int64(keep/time.Second) {
		t.Errorf("repair %+v", r)
	}
	s.Close()
	if s, err = Open(context.Background(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if m := s.Manifest; m.Generation != 3 || len(m.Repairs) != 1 || m.Clock != r.ToClock || m.Cutoff != r.ToCutoff || s.Len() != 1 || s.idOf(0) != "ahead" || len(m.Nights) != 2 {
		t.Fatalf("after the repair: generation %d, %d repairs, clock %d, cutoff %d, %d articles, %d nights", m.Generation, len(m.Repairs), m.Clock, m.Cutoff, s.Len(), len(m.Nights))
	}
	cfg, res = readNight(t, w("000_r1_afp_trimmed", "n3", "2026-11-03T08:00:00Z"))
	tn := s.Night(cfg, res, time.Time{}, keep)
	if tn.Night.New != 1 || tn.Night.TooOld != 0 || tn.Night.Date != "2026-11-03" {
		t.Errorf("after the repair, the real night: %d new, %d too old, dated %s; want it remembered on 2026-11-03", tn.Night.New, tn.Night.TooOld, tn.Night.Date)
	}
}

// SetClock keeps exactly the records live at the new cutoff: a segment
// linked whole at an earlier commit still holds a record that left then,
// which a lower cutoff must not bring back, and a higher cutoff makes
// records leave; either way the next Open finds the MANIFEST's count (a
// review found a state left "damaged", exit 14).
func TestSetClockLiveRecords(t *testing.T) {
	keep := 7 * 24 * time.Hour
	for _, c := range []struct {
		to     time.Time
		want   string
		evicts int
	}{
		{time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), "n1b n1c n2a", 0}, // n1a left at night 2's cutoff and stays gone
		{time.Date(2026, 11, 13, 0, 0, 0, 0, time.UTC), "n2a", 2},        // the 11-04 articles leave at 11-06: refused unless allowed
	} {
		s := emptyState(t)
		var err error
		w := func(name, id, date string) map[string]string { return wireArticle(t, name, id, date) }
		s = commitNight(t, s, keep, w("000_d995efe7b01a9663", "n1a", "2026-11-01T08:00:00Z"), w("002_b85c2fa3f61deca6", "n1b", "2026-11-04T09:00:00Z"), w("002_r1_afp_trimmed", "n1c", "2026-11-04T10:00:00Z"))
		cfg, res := readNight(t, w("000_r2_reordered", "n2a", "2026-11-10T08:00:00Z"))
		if err := s.Commit(s.Night(cfg, res, time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC), keep), ParamsOf(cfg), keep, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		dir := s.Dir
		s.Close()
		if s, err = Open(context.Background(), dir, Options{}); err != nil {
			t.Fatal(err)
		}
		if s.Len() != 3 || s.Manifest.Segments[0].Articles != 3 {
			t.Fatalf("before the repair: %d articles, segments %+v; want night 1's segment kept whole with n1a gone", s.Len(), s.Manifest.Segments)
		}
		if _, err := s.SetClock(c.to, 0); (err != nil) != (c.evicts > 0) {
			t.Fatalf("SetClock(%s) with nothing allowed to leave: %v, want an error only if some leave", c.to.Format(time.DateOnly), err)
		} else if err != nil {
			var ce *ClockEvictError
			if !errors.As(err, &ce) || ce.Evicted != c.evicts || ce.Stored != 3 {
				t.Fatalf("refused with %v, want %d of 3 leaving", err, c.evicts)
			}
			if m := s.Manifest; m.Generation != 2 || m.Clock == c.to.Unix() {
				t.Fatalf("a refused repair changed the state: %+v", m)
			}
		}
		stop := atomicfs.Trace()
		r, err := s.SetClock(c.to, 1)
		if err := atomicfs.CheckOrder(stop()); err != nil {
			t.Error(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if s, err = Open(context.Background(), dir, Options{}); err != nil {
			t.Fatalf("SetClock(%s), then Open: %v", c.to.Format(time.DateOnly), err)
		}
		var ids []string
		for i := range s.Len() {
			ids = append(ids, s.idOf(i))
		}
		if got := strings.Join(ids, " "); got != c.want || s.Manifest.Articles != len(ids) || r.Evicted != c.evicts || s.Manifest.Repairs[0].Evicted != c.evicts {
			t.Errorf("SetClock(%s): the state holds %s (MANIFEST %d), %d evicted; want %s, %d", c.to.Format(time.DateOnly), got, s.Manifest.Articles, r.Evicted, c.want, c.evicts)
		}
		s.Close()
	}
}
