package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/neardup/neardup/report"
)

// Commit makes tonight part of the state as one step (format.go): its
// articles added, the articles older than keep evicted (by the nights'
// clock: Cutoff = max(the last cutoff, tonight's clock − keep)), segments
// with fewer than half their records left rewritten, its record
// (with inputs and seconds, both for people) appended, and its outputs
// kept for a retry (seconds are rounded to milliseconds). keep must be positive. On return without error the new
// generation is current; on error the previous one still is.
func (s *State) Commit(t *Tonight, p Params, keep time.Duration, inputs []Input, outputs []Output, seconds map[string]float64) error {
	if keep <= 0 {
		return errors.New("state: keep must be positive")
	}
	start := time.Now()
	m := s.Manifest
	m.Format, m.Params, m.Keep = FormatVersion, p, report.FormatDuration(keep)
	m.Generation++
	gen := genName(m.Generation)
	m.Clock = max(m.Clock, t.Night.Clock)
	m.Cutoff = s.cutoffAt(t.Night.Clock, keep)
	night := t.Night
	night.Inputs = inputs
	m.Nights = append(append([]Night(nil), m.Nights...), night)

	tmp := filepath.Join(s.Dir, tmpPrefix+gen)
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(tmp, outDir), 0o755); err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	// A probe of the new manifest's nights for live(): tonight's clock is
	// known to it.
	probe := &State{Manifest: m}

	// Segments: kept (linked), rewritten with their live articles, or
	// gone; then tonight's.
	oldGen := filepath.Join(s.Dir, genName(s.Manifest.Generation))
	m.Segments = nil
	m.Articles = 0
	evicted := 0
	at := 0
	for si, f := range s.Manifest.Segments {
		// s.recs holds each segment's live articles, in order.
		lo := at
		for at < len(s.recs) && s.recs[at].seg == int32(si) {
			at++
		}
		nlive := 0
		for i := lo; i < at; i++ {
			if probe.liveSlot(&s.recs[i], m.Cutoff) {
				nlive++
			}
		}
		evicted += at - lo - nlive
		switch {
		case nlive == 0:
			continue
		case 2*nlive >= f.Articles:
			if err := linkOrCopy(filepath.Join(oldGen, f.Name), filepath.Join(tmp, f.Name)); err != nil {
				return err
			}
			m.Segments = append(m.Segments, f)
		default:
			// Rewritten: the live records' bytes, as they are, and their
			// signatures.
			g := newSegment(nlive, s.hashes)
			for i := lo; i < at; i++ {
				if probe.liveSlot(&s.recs[i], m.Cutoff) {
					if err := g.addRecord(s.namesOf(i), s.rec(i), s.signature(i), s.recs[i].shingles); err != nil {
						return err
					}
				}
			}
			nf, err := writeSynced(tmp, segName(int(f.Night), m.Generation), g.file()...)
			if err != nil {
				return err
			}
			nf.Night, nf.Articles = f.Night, nlive
			m.Segments = append(m.Segments, nf)
		}
		m.Articles += nlive
	}
	tonight := t.New // all of them, unless some left already
	for i := range t.New {
		if !probe.live(&t.New[i], m.Cutoff) {
			tonight = nil
			for i := range t.New {
				if probe.live(&t.New[i], m.Cutoff) {
					tonight = append(tonight, t.New[i])
				}
			}
			break
		}
	}
	evicted += len(t.New) - len(tonight)
	// Tonight's segment written ahead is used once, if whole and still
	// tonight's; otherwise (or on a second try) it is written here.
	ahead := t.ahead
	t.ahead = nil
	if ahead != nil {
		<-ahead.done
		defer os.Remove(ahead.path) // unless moved below
	}
	if len(tonight) > 0 {
		name := segName(int(night.Night), m.Generation)
		var nf File
		err := errors.New("not written ahead")
		if a := ahead; a != nil && a.err == nil && a.n == len(tonight) && a.hashes == p.Hashes {
			if err = os.Rename(a.path, filepath.Join(tmp, name)); err == nil {
				nf = a.file
				nf.Name = name
			}
		}
		if err != nil {
			nf, err = writeSegment(tmp, name, night.Night, p.Hashes, tonight)
		}
		if err != nil {
			return err
		}
		m.Segments = append(m.Segments, nf)
		m.Articles += len(tonight)
	}
	m.Outputs = nil
	for _, o := range outputs {
		f, err := writeSynced(filepath.Join(tmp, outDir), o.Name, o.Data)
		if err != nil {
			return err
		}
		m.Outputs = append(m.Outputs, f)
	}
	if err := report.SyncDir(filepath.Join(tmp, outDir)); err != nil {
		return err
	}
	last := &m.Nights[len(m.Nights)-1]
	last.Evicted, last.State = evicted, m.Articles
	for _, f := range m.Segments {
		last.StateBytes += f.Bytes
	}
	last.Seconds = map[string]float64{}
	for k, v := range seconds {
		last.Seconds[k] = round3(v)
	}
	last.Seconds["commit"] = round3(time.Since(start).Seconds())
	last.Committed = time.Now().UTC().Truncate(time.Second)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	mb = append(mb, '\n')
	if _, err := writeSynced(tmp, manifestFile, mb); err != nil {
		return err
	}
	if err := report.SyncDir(tmp); err != nil {
		return err
	}
	s.hook("written")
	if err := os.Rename(tmp, filepath.Join(s.Dir, gen)); err != nil {
		return err
	}
	ok = true
	if err := report.SyncDir(s.Dir); err != nil {
		return err
	}
	s.hook("renamed")
	if _, err := writeSynced(s.Dir, currentFile+".tmp", currentLine(gen, mb)); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(s.Dir, currentFile+".tmp"), filepath.Join(s.Dir, currentFile)); err != nil {
		return err
	}
	if err := report.SyncDir(s.Dir); err != nil {
		return err
	}
	s.hook("switched")
	if s.Manifest.Generation > 0 {
		// Committed: a previous generation left here is removed by the
		// next Open.
		os.RemoveAll(oldGen)
	}
	s.hook("removed")
	s.Manifest = m
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

// writeSynced writes the parts in turn to dir/name, synced, and describes
// the file.
func writeSynced(dir, name string, parts ...[]byte) (File, error) {
	path := filepath.Join(dir, name)
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return File{}, err
	}
	var size int64
	var sum uint32
	for _, p := range parts {
		if err == nil {
			_, err = fh.Write(p)
			size += int64(len(p))
			sum = crc32.Update(sum, castagnoli, p)
		}
	}
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, err
	}
	return File{Name: name, Bytes: size, CRC32C: fmt.Sprintf("%08x", sum)}, nil
}

// linkOrCopy makes dst the same file as src: a hard link, or a synced copy
// where the file system has none.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	_, err = writeSynced(filepath.Dir(dst), filepath.Base(dst), b)
	return err
}
