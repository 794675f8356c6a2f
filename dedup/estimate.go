package dedup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
)

// Estimate is a run's peak memory, estimated before it reads its input:
// from the input's size and what the run keeps of a sample of its
// articles, read and signed as the run will.
type Estimate struct {
	Articles   int   // articles the input holds, estimated (exact for .txt files)
	Sampled    int   // articles read to estimate what each costs
	PerArticle int   // bytes the run keeps of each sampled article (its record, evidence, signature), on average
	Stored     int   // articles a nightly state holds (EstimateMemory's stored)
	Peak       int64 // the estimated peak resident memory, in bytes
	Whole      bool  // the sample was the whole input: Articles is exact
}

// The estimate's constants, fitted to the peak resident memory measured
// on generated corpora of 10k, 100k and 1M articles, Reuters-21578 and
// multi-outlet-2018 (benchmarks/RESULTS.md, "Memory estimate"):
// the runtime, the binary and the fixed tables (word and sentence counts)
// take estimateFixed; the reading buffers two and a half times the input,
// up to estimateBuffers; the collector lets the heap grow to about
// estimateGrowth times what is live; the candidate and cluster stages
// add estimatePerArticle bytes an article beside what the read keeps; a
// nightly state costs estimatePerStored bytes an article it holds
// (docs/nightly.md).
const (
	estimateFixed      = 18<<20 + 512<<10
	estimateBuffers    = 9<<20 + 512<<10
	estimateGrowth     = 1.6
	estimatePerArticle = 60
	estimatePerStored  = 1100
)

// The sample: at most sampleWindows windows of sampleWindow bytes spread
// evenly over each line-format file (the first sampleFirst bytes of a
// compressed one), and at most sampleFiles .txt files spread evenly over
// the .txt files of the input.
const (
	sampleWindows = 64
	sampleWindow  = 64 << 10
	sampleFirst   = 2 << 20
	sampleFiles   = 2000
)

// ErrNoEstimate is EstimateMemory's error for an input whose size is not
// known before it is read: standard input.
var ErrNoEstimate = errors.New("standard input: its size is not known before it is read")

// EstimateMemory estimates the peak memory of a run of cfg over its
// inputs, with stored articles already in a nightly state. It reads a
// sample of each input (a few MB, whatever the input's size) and signs it
// with cfg, so that what an article costs is measured on the corpus
// itself: a short wire brief keeps more evidence than a long story. The
// estimate is deterministic.
func EstimateMemory(ctx context.Context, cfg Config, stored int) (Estimate, error) {
	cfg = cfg.withDefaults()
	var s sampler
	for _, in := range cfg.Inputs {
		if in == "-" {
			return Estimate{}, ErrNoEstimate
		}
		fi, err := os.Stat(in)
		if err != nil {
			return Estimate{}, err
		}
		if !fi.IsDir() {
			if !fi.Mode().IsRegular() {
				continue // a pipe or a device: opening it may block; the run says what it is
			}
			if err := s.file(in, filepath.Base(in)); err != nil {
				return Estimate{}, err
			}
			continue
		}
		if _, err := corpus.WalkDir(in, s.file); err != nil {
			return Estimate{}, err
		}
	}
	if err := s.read(ctx, cfg); err != nil {
		return Estimate{}, err
	}
	e := Estimate{Sampled: s.articles, Stored: stored, Whole: s.whole}
	if s.articles > 0 {
		e.PerArticle = int(s.kept / int64(s.articles))
		e.Articles = s.txt + int(s.lineRecords+0.5)
		if s.whole {
			e.Articles = s.articles
		}
	}
	live := float64(e.Articles)*float64(e.PerArticle+estimatePerArticle) + float64(stored)*estimatePerStored
	e.Peak = estimateFixed + min(s.totalBytes*5/2, estimateBuffers) + int64(estimateGrowth*live)
	return e, nil
}

// A sampler gathers the sample of a run's inputs.
type sampler struct {
	txt     int      // .txt files in the input: one article each
	txtSeen []string // their paths
	lines   []lineSample

	totalBytes  int64   // bytes of the input, uncompressed
	lineRecords float64 // the records of the line-format files, estimated
	articles    int     // articles sampled, of both kinds
	kept        int64   // bytes the run keeps of them
	whole       bool
}

// lineSample is the sample of one JSONL, CSV or TSV file: its complete
// records, under a name whose extension gives the format.
type lineSample struct {
	name, rel string
	data      []byte
	lines     int     // complete lines in data
	records   float64 // the file's lines, estimated: its size times the windows' density of line ends
	whole     bool    // data is the whole file
	size      int64   // the file's bytes, uncompressed
}

// file adds one input file to the sample.
func (s *sampler) file(path, rel string) error {
	lower := strings.ToLower(rel)
	for _, gz := range []string{".gz", ".gzip"} {
		lower = strings.TrimSuffix(lower, gz)
	}
	if strings.HasSuffix(lower, ".txt") {
		s.txt++
		s.txtSeen = append(s.txtSeen, path)
		if fi, err := os.Stat(path); err == nil {
			s.totalBytes += fi.Size()
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	l, err := sampleLines(f, fi.Size(), strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".tsv"))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	l.name, l.rel = path, strings.TrimSuffix(strings.TrimSuffix(rel, ".gz"), ".gzip")
	s.totalBytes += l.size
	s.lines = append(s.lines, l)
	return nil
}

// sampleLines reads the sample of one line-format file of size bytes: its
// complete lines in evenly spaced windows, or the first sampleFirst bytes
// of a compressed file (whose uncompressed size its gzip trailer gives,
// or 4 times its size when the trailer cannot hold it). A header (CSV,
// TSV) is kept before the sample and not counted. The file's records are
// estimated from the density of line ends in what was read, which does
// not favour short records as the complete lines do.
func sampleLines(f *os.File, size int64, header bool) (lineSample, error) {
	var l lineSample
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 2 && magic == [2]byte{0x1f, 0x8b} {
		z, err := gzip.NewReader(bufio.NewReader(io.NewSectionReader(f, 0, size)))
		if err != nil {
			return l, err
		}
		first, err := io.ReadAll(io.LimitReader(z, sampleFirst))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return l, err
		}
		uncompressed := 4 * size
		var trailer [4]byte
		if _, err := f.ReadAt(trailer[:], size-4); err == nil {
			if n := int64(binary.LittleEndian.Uint32(trailer[:])); n >= size {
				uncompressed = n
			}
		}
		l.whole = len(first) < sampleFirst
		if l.whole {
			uncompressed = int64(len(first))
		}
		l.add(first, true, header, l.whole)
		l.records *= float64(uncompressed) / float64(max(1, len(first)))
		l.size = uncompressed
		return l, nil
	}
	if size <= sampleWindows*sampleWindow {
		b, err := io.ReadAll(io.NewSectionReader(f, 0, size))
		l.whole, l.size = true, size
		l.add(b, true, header, true)
		return l, err
	}
	buf := make([]byte, sampleWindow)
	step := size / sampleWindows
	var read int64
	for w := range int64(sampleWindows) {
		n, err := f.ReadAt(buf, w*step)
		if err != nil && err != io.EOF {
			return l, err
		}
		read += int64(n)
		l.add(buf[:n], w == 0, header, false)
	}
	l.records *= float64(size) / float64(read)
	l.size = size
	return l, nil
}

// add adds a window of a line-format file to the sample: its complete
// lines (the first is whole only at the file's start, the last only at
// its end), and its line ends to the records' count.
func (l *lineSample) add(b []byte, start, header, end bool) {
	l.records += float64(bytes.Count(b, []byte{'\n'}))
	if end && len(b) > 0 && b[len(b)-1] != '\n' {
		l.records++
		b = append(b[:len(b):len(b)], '\n')
	}
	if start && header {
		// The header once, at the sample's start, not a record.
		i := bytes.IndexByte(b, '\n')
		l.data = append(l.data, b[:i+1]...)
		b = b[i+1:]
		l.records--
	} else if !start {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return
		}
		b = b[i+1:] // the rest of a record cut by the window's start
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	l.lines += bytes.Count(b, []byte{'\n'})
	l.data = append(l.data, b...)
}

// read signs the sample with cfg and measures what the run keeps of it.
func (s *sampler) read(ctx context.Context, cfg Config) error {
	signer := NewArticleSigner(cfg)
	opts := cfg.Corpus
	opts.Workers = 1
	opts.KeepBody = cfg.KeepText
	opts.OnError = func(*corpus.Error) error { return nil } // a record cut by a window, or one the run will report
	keep := func(d corpus.Document, sg Signed) error {
		s.articles++
		s.kept += kept(&d, &sg, cfg)
		return nil
	}
	sign := func(_ int, d *corpus.Document) Signed { return signer.Sign(d) }
	s.whole = true
	for _, l := range s.lines {
		before := s.articles
		if _, err := corpus.ReadStream(ctx, l.name, l.rel, bytes.NewReader(l.data), opts, sign, keep); err != nil {
			return err
		}
		if l.lines > 0 {
			// Blank lines and records the run will skip are not articles.
			s.lineRecords += l.records * float64(s.articles-before) / float64(l.lines)
		}
		s.whole = s.whole && l.whole
	}
	step := max(1, (len(s.txtSeen)+sampleFiles-1)/sampleFiles)
	if step > 1 {
		s.whole = false
	}
	var files []string
	for i := 0; i < len(s.txtSeen); i += step {
		files = append(files, s.txtSeen[i])
	}
	before := s.articles
	if _, err := corpus.ReadProcessed(ctx, files, nil, opts, sign, keep); err != nil {
		return err
	}
	if n := s.articles - before; n > 0 && step > 1 {
		// Each sampled file stands for step of them.
		s.kept += (s.kept / int64(s.articles)) * int64(s.txt-n)
		s.articles += s.txt - n
	}
	return nil
}

// kept is the bytes a run of cfg keeps of one article until its outputs
// are written: its Doc, its evidence, and what a state or a report over
// standard input keeps beside.
func kept(d *corpus.Document, s *Signed, cfg Config) int64 {
	n := int64(unsafe.Sizeof(Doc{})) + int64(len(d.ID)+len(d.Title)+len(d.Source))
	ev := &s.Evidence
	n += int64(unsafe.Sizeof(cluster.Evidence{})) + 2*int64(len(ev.Signature))
	if sh := ev.Short; sh != nil {
		n += int64(unsafe.Sizeof(cluster.Short{})) + 8*int64(len(sh.Figures)+len(sh.Names)+len(sh.Set)+len(sh.FigurePairs)) + 4*int64(len(sh.Sentences))
		if a := sh.About; a != nil {
			n += int64(unsafe.Sizeof(cluster.About{})) + 4*int64(len(a.Own)+len(a.OwnFigures)+len(a.Names)+len(a.Lower)) +
				16*int64(len(a.Subject.Words)) + 8*int64(len(a.Subject.Figures))
		}
	}
	if cfg.Remember {
		n += 24 + 4*int64(len(s.Words)) + 4
	}
	if cfg.KeepText {
		n += 16 + int64(len(d.Text()))
	}
	return n
}
