package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/atomicfs"
)

// A commit is decided, then applied. plan decides, without touching a
// file, what the next generation holds: its manifest, which of the current
// segments are kept whole (linked), rewritten with their live records or
// dropped, and which of tonight's articles still live at the new cutoff.
// Commit applies a plan: it stages the generation's files, then switches
// CURRENT to it (format.go).

// segmentAction is what a commit does with one of the current segments.
type segmentAction int

const (
	dropSegment    segmentAction = iota // no live record left: not carried
	keepSegment                         // half its records or more live: linked as it is
	rewriteSegment                      // fewer: rewritten with its live records
)

// segmentPlan is one current segment's fate.
type segmentPlan struct {
	File   File
	Action segmentAction
	Live   []int // rewriteSegment: the live records, as indices into s.recs
	NLive  int
}

// commitPlan is what a commit writes.
type commitPlan struct {
	Manifest Manifest      // the next generation's, Segments and Outputs filled in by apply
	Segments []segmentPlan // the current segments, in order
	Tonight  []Article     // tonight's articles that live at the new cutoff
	Evicted  int           // stored and new articles that leave
	Stored   int           // of those, stored ones
}

// Evictions are what committing t at keep would evict of the state's
// articles, and how many it holds: the numbers an eviction guard judges
// before Commit.
func (s *State) Evictions(t *Tonight, keep time.Duration) (evicted, stored int) {
	pl := s.plan(t, Params{}, keep, nil)
	return pl.Stored, s.Len()
}

// plan decides the commit of tonight at keep (positive): the new
// manifest's clock and cutoff (Cutoff = max(the last cutoff, tonight's
// clock − keep)), the segments' fates, tonight's live articles.
func (s *State) plan(t *Tonight, p Params, keep time.Duration, inputs []Input) commitPlan {
	m := s.Manifest
	m.Format, m.Params, m.Keep = FormatVersion, p, dedup.FormatDuration(keep)
	m.Generation++
	m.Clock = max(m.Clock, t.Night.Clock)
	m.Cutoff = s.Manifest.cutoffAt(t.Night.Clock, keep)
	night := t.Night
	night.Inputs = inputs
	m.Nights = append(slices.Clone(m.Nights), night)
	m.Segments, m.Outputs, m.Articles = nil, nil, 0
	if t.DecisionsChanged {
		m.Decisions = slices.Clone(t.Decisions)
	}

	pl := commitPlan{}
	// A segment with half its records or more still live is kept whole
	// (the others stay in its file, no longer live at this cutoff).
	var live int
	pl.Segments, live = s.segmentsAt(&m, func(live, held int) bool { return 2*live >= held })
	pl.Evicted = s.Len() - live
	pl.Stored = pl.Evicted
	m.Articles += live
	pl.Tonight = t.New // all of them, unless some left already
	if slices.ContainsFunc(t.New, func(a Article) bool { return !m.live(&a, m.Cutoff) }) {
		pl.Tonight = nil
		for i := range t.New {
			if m.live(&t.New[i], m.Cutoff) {
				pl.Tonight = append(pl.Tonight, t.New[i])
			}
		}
	}
	pl.Evicted += len(t.New) - len(pl.Tonight)
	m.Articles += len(pl.Tonight)
	pl.Manifest = m
	return pl
}

// Commit makes tonight part of the state as one step: it applies the
// plan (its articles added, the articles older than keep evicted,
// segments with fewer than half their records left rewritten), appends
// the night's record (with inputs and seconds, both for people, seconds
// rounded to milliseconds) and keeps its outputs for a retry. keep must
// be positive. On return without error the new generation is current
// (s.Manifest is its manifest; s's articles stay the previous
// generation's: a state is committed once, then closed); on error the
// previous one still is.
func (s *State) Commit(t *Tonight, p Params, keep time.Duration, inputs []Input, outputs []Output, seconds map[string]float64) error {
	if keep <= 0 {
		return errors.New("state: keep must be positive")
	}
	start := time.Now()
	pl := s.plan(t, p, keep, inputs)
	return s.writeGeneration(&pl, func(tmp string, m *Manifest) error {
		if err := s.stageTonight(tmp, t, &pl, p.Hashes); err != nil {
			return err
		}
		for _, o := range outputs {
			f, err := writeSynced(filepath.Join(tmp, outDir), o.Name, o.Data)
			if err != nil {
				return err
			}
			m.Outputs = append(m.Outputs, f)
		}
		last := &m.Nights[len(m.Nights)-1]
		last.Evicted, last.State = pl.Evicted, m.Articles
		for _, f := range m.Segments {
			last.StateBytes += f.Bytes
		}
		last.Seconds = map[string]float64{}
		for k, v := range seconds {
			last.Seconds[k] = round3(v)
		}
		last.Seconds["commit"] = round3(time.Since(start).Seconds())
		last.Committed = time.Now().UTC().Truncate(time.Second)
		return nil
	})
}

// stageSegments carries the current segments into the staged generation
// tmp as the plan says: linked, rewritten with their live records (their
// bytes as they are, and their signatures) or left behind.
func (s *State) stageSegments(tmp string, pl *commitPlan) error {
	oldGen := filepath.Join(s.Dir, genName(s.Manifest.Generation))
	m := &pl.Manifest
	for _, sp := range pl.Segments {
		switch sp.Action {
		case keepSegment:
			if err := atomicfs.LinkOrCopy(filepath.Join(oldGen, sp.File.Name), filepath.Join(tmp, sp.File.Name)); err != nil {
				return err
			}
			m.Segments = append(m.Segments, sp.File)
		case rewriteSegment:
			g := newSegment(sp.NLive, s.hashes)
			for _, i := range sp.Live {
				if err := g.addRecord(s.namesOf(i), s.rec(i), s.signature(i), s.recs[i].shingles); err != nil {
					return err
				}
			}
			nf, err := writeSynced(tmp, segName(int(sp.File.Night), m.Generation), g.file()...)
			if err != nil {
				return err
			}
			nf.Night, nf.Articles = sp.File.Night, sp.NLive
			m.Segments = append(m.Segments, nf)
		}
	}
	return nil
}

// stageTonight writes tonight's live articles as the staged generation's
// last segment. The segment written ahead is used once, if whole and
// still tonight's; otherwise (or on a second try) it is written here.
func (s *State) stageTonight(tmp string, t *Tonight, pl *commitPlan, hashes int) error {
	ahead := t.ahead
	t.ahead = nil
	if ahead != nil {
		<-ahead.done
		defer os.Remove(ahead.path) // unless moved below
	}
	if len(pl.Tonight) == 0 {
		return nil
	}
	m := &pl.Manifest
	night := t.Night.Night
	name := segName(int(night), m.Generation)
	var nf File
	err := errors.New("not written ahead")
	if a := ahead; a != nil && a.err == nil && a.n == len(pl.Tonight) && a.hashes == hashes {
		if err = atomicfs.Rename(a.path, filepath.Join(tmp, name)); err == nil {
			nf = a.file
			nf.Name = name
		}
	}
	if err != nil {
		nf, err = writeSegment(tmp, name, night, hashes, pl.Tonight)
	}
	if err != nil {
		return err
	}
	m.Segments = append(m.Segments, nf)
	return nil
}

// errNotRenamed: the staged generation was not renamed into place, and
// is to be removed.
var errNotRenamed = errors.New("state: generation not renamed")

// switchTo renames the staged generation tmp into place as gen and points
// CURRENT at it (its line carrying the manifest's checksum), then removes
// the previous generation. An error wrapping errNotRenamed leaves the
// staged files to remove; any other leaves the new generation in place
// for the next Open to judge by CURRENT.
func (s *State) switchTo(tmp, gen string, manifest []byte) error {
	oldGen := filepath.Join(s.Dir, genName(s.Manifest.Generation))
	if err := atomicfs.Rename(tmp, filepath.Join(s.Dir, gen)); errors.As(err, new(*os.LinkError)) {
		return fmt.Errorf("%w: %w", errNotRenamed, err)
	} else if err != nil {
		return err
	}
	s.hook("renamed")
	if _, err := writeSynced(s.Dir, currentFile+".tmp", currentLine(gen, manifest)); err != nil {
		return err
	}
	if err := atomicfs.Rename(filepath.Join(s.Dir, currentFile+".tmp"), filepath.Join(s.Dir, currentFile)); err != nil {
		return err
	}
	s.hook("switched")
	if s.Manifest.Generation > 0 {
		// Committed: a previous generation left here is removed by the
		// next Open.
		os.RemoveAll(oldGen)
	}
	s.hook("removed")
	return nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// ahead is tonight's segment written ahead of Commit, while the caller
// renders the night's outputs, as a temporary file of the state directory
// (a killed run's is removed by the next Open); Commit moves it into the
// new generation.
type ahead struct {
	done      chan struct{}
	path      string
	hashes, n int
	file      File
	err       error
}

// writeAhead starts writing arts as night's segment.
func (s *State) writeAhead(night int32, hashes int, arts []Article) *ahead {
	// Each its own file: a second Night on the same State writes another.
	name := fmt.Sprintf("%sseg-%06d-%d", tmpPrefix, night, len(s.aheads)+1)
	a := &ahead{done: make(chan struct{}), path: filepath.Join(s.Dir, name), hashes: hashes, n: len(arts)}
	s.aheads = append(s.aheads, a)
	go func() {
		defer close(a.done)
		a.file, a.err = writeSegment(s.Dir, name, night, hashes, arts)
		s.hook("ahead")
	}()
	return a
}

// writeSegment writes arts as segment name in dir, their signatures of
// hashes values.
func writeSegment(dir, name string, night int32, hashes int, arts []Article) (File, error) {
	g := newSegment(len(arts), hashes)
	for i := range arts {
		if err := g.add(&arts[i]); err != nil {
			return File{}, err
		}
	}
	f, err := writeSynced(dir, name, g.file()...)
	f.Night, f.Articles = night, len(arts)
	return f, err
}

// writeSynced writes the parts in turn to dir/name, synced
// (atomicfs.Write), and describes the file.
func writeSynced(dir, name string, parts ...[]byte) (File, error) {
	var size int64
	var sum uint32
	err := atomicfs.Write(filepath.Join(dir, name), func(w io.Writer) error {
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
			size += int64(len(p))
			sum = crc32.Update(sum, castagnoli, p)
		}
		return nil
	})
	if err != nil {
		return File{}, err
	}
	return File{Name: name, Bytes: size, CRC32C: fmt.Sprintf("%08x", sum)}, nil
}

// SetClock repairs the clock of a committed state: a new generation with
// the same articles (those live at the new cutoff), decisions and last
// night's outputs (their files linked), the clock at clock and the cutoff
// at clock less the state's keep, the repair recorded in
// Manifest.Repairs. It is for a clock a
// far-future date or a --night typo moved (a night accepted with
// --max-evict 1, or committed by a neardup before the clock's bounds):
// tonight's real articles would all be older than --keep. What left the
// state then stays gone; what is still stored is matched again.
func (s *State) SetClock(clock time.Time, maxEvict float64) (Repair, error) {
	if s.Manifest.Generation == 0 {
		return Repair{}, errors.New("state: no night committed: nothing to repair")
	}
	if s.readOnly {
		return Repair{}, errors.New("state: opened read-only")
	}
	keep, err := dedup.ParseDuration(s.Manifest.Keep)
	if err != nil || keep <= 0 {
		return Repair{}, fmt.Errorf("state: the MANIFEST's keep %q: %v", s.Manifest.Keep, err)
	}
	m := s.Manifest
	m.Format = FormatVersion // its segments, as they are, are this format's
	m.Generation++
	r := Repair{FromClock: m.Clock, FromCutoff: m.Cutoff, ToClock: clock.Unix(), ToCutoff: clock.Unix() - int64(keep/time.Second),
		At: time.Now().UTC().Truncate(time.Second)}
	if last := s.Last(); last != nil {
		r.After = last.Night
	}
	m.Clock, m.Cutoff = r.ToClock, r.ToCutoff
	m.Repairs = append(slices.Clone(m.Repairs), r)
	// A segment is linked as it is only when every record it holds is
	// live at the new cutoff: a kept segment may still hold records that
	// left at an earlier cutoff, which a lower one would bring back (the
	// MANIFEST's count would then not match at the next Open), and a
	// higher one makes records leave. The others are rewritten with
	// their live records, or dropped.
	pl := commitPlan{Manifest: m}
	pl.Segments, pl.Manifest.Articles = s.segmentsAt(&pl.Manifest, func(live, held int) bool { return live == held })
	pl.Manifest.Segments = nil
	// A later cutoff, or a date typed wrong, makes stored articles leave
	// for good: refused beyond maxEvict of them, nothing changed.
	if r.Evicted = s.Len() - pl.Manifest.Articles; r.Evicted > 0 && float64(r.Evicted) > maxEvict*float64(s.Len()) {
		return Repair{}, &ClockEvictError{Evicted: r.Evicted, Stored: s.Len(), Cutoff: r.ToCutoff}
	}
	pl.Manifest.Repairs[len(pl.Manifest.Repairs)-1] = r
	if err := s.writeGeneration(&pl, s.linkOutputs); err != nil {
		return Repair{}, err
	}
	return r, nil
}

// segmentsAt splits the loaded records by segment at m's cutoff: a
// segment none of whose records is live is dropped, one kept whole when
// whole(live, held) says so (held: the records its file holds), the
// others rewritten with their live records; and the live records in all.
func (s *State) segmentsAt(m *Manifest, whole func(live, held int) bool) ([]segmentPlan, int) {
	var segs []segmentPlan
	articles, at := 0, 0
	for si, f := range s.Manifest.Segments {
		sp := segmentPlan{File: f}
		for ; at < len(s.recs) && s.recs[at].seg == int32(si); at++ { // s.recs: each segment's live records, in order
			if m.liveSlot(&s.recs[at], m.Cutoff) {
				sp.Live = append(sp.Live, at)
			}
		}
		sp.NLive = len(sp.Live)
		switch {
		case sp.NLive == 0:
			sp.Action, sp.Live = dropSegment, nil
		case whole(sp.NLive, f.Articles):
			sp.Action, sp.Live = keepSegment, nil
		default:
			sp.Action = rewriteSegment
		}
		articles += sp.NLive
		segs = append(segs, sp)
	}
	return segs, articles
}

// ClockEvictError refuses a repair of the clock that would make stored
// articles leave (State.SetClock's maxEvict).
type ClockEvictError struct {
	Evicted, Stored int
	Cutoff          int64
}

func (e *ClockEvictError) Error() string {
	return fmt.Sprintf("the clock's new cutoff %s would make %d of the state's %d articles leave for good; nothing changed (a later date than meant? --max-evict 1 accepts)",
		time.Unix(e.Cutoff, 0).UTC().Format(time.RFC3339), e.Evicted, e.Stored)
}

// linkOutputs links the last night's outputs into the staged generation
// tmp, for a generation that commits no night.
func (s *State) linkOutputs(tmp string, m *Manifest) error {
	oldGen := filepath.Join(s.Dir, genName(s.Manifest.Generation))
	for _, f := range m.Outputs {
		if err := atomicfs.LinkOrCopy(filepath.Join(oldGen, outDir, f.Name), filepath.Join(tmp, outDir, f.Name)); err != nil {
			return err
		}
	}
	return nil
}

// writeGeneration writes the generation pl plans: its segments staged,
// then what fill adds (tonight's segment, the outputs under out/, the
// night's record in m), the MANIFEST, every file and directory synced,
// then switched in; on error the previous generation stays current and
// the staged one is removed. Commit and SetClock write through it.
func (s *State) writeGeneration(pl *commitPlan, fill func(tmp string, m *Manifest) error) error {
	gen := genName(pl.Manifest.Generation)
	tmp := filepath.Join(s.Dir, tmpPrefix+gen)
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.MkdirAll(filepath.Join(tmp, outDir), 0o755); err != nil {
		return err
	}
	if err := s.stageSegments(tmp, pl); err != nil {
		return err
	}
	m := &pl.Manifest
	if err := fill(tmp, m); err != nil {
		return err
	}
	if err := atomicfs.SyncDir(filepath.Join(tmp, outDir)); err != nil {
		return err
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	mb = append(mb, '\n')
	if _, err := writeSynced(tmp, manifestFile, mb); err != nil {
		return err
	}
	if err := atomicfs.SyncDir(tmp); err != nil {
		return err
	}
	s.hook("written")
	if err := s.switchTo(tmp, gen, mb); err != nil {
		ok = !errors.Is(err, errNotRenamed)
		return err
	}
	ok = true
	s.Manifest = *m
	return nil
}
