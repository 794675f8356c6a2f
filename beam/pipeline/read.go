package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // local files; the command adds gs:// and s3://

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
)

// listFn lists the input files, numbered in the order neardup run reads
// them: inputs in the order given; a local directory walked as run walks
// it (corpus.WalkDir); a pattern (gs://bucket/news/*.jsonl.gz, or any
// name with * ? or [) expanded by its file system and sorted; a file
// named on its own as it is. It runs once, on one worker.
type listFn struct {
	Inputs []string
}

func (f *listFn) ProcessElement(ctx context.Context, _ []byte, emit func(FileRef), emitCounts func(Counts)) error {
	rank := 0
	ref := func(p, rel string) error {
		if rank >= maxFiles {
			return fmt.Errorf("more than %d input files", maxFiles)
		}
		emit(FileRef{Rank: rank, Path: p, Rel: rel})
		rank++
		return nil
	}
	var c Counts
	for _, in := range f.Inputs {
		if in == "-" {
			return errors.New("standard input cannot be read by a pipeline: name files or patterns")
		}
		if !strings.Contains(in, "://") {
			if fi, err := os.Stat(in); err == nil && fi.IsDir() {
				skips, err := corpus.WalkDir(in, ref)
				if err != nil {
					return err
				}
				c.Ignored += skips.Ignored
				c.Special += skips.Special
				c.Outside += skips.Outside
				continue
			}
		}
		fs, err := filesystem.New(ctx, in)
		if err != nil {
			return err
		}
		if !strings.ContainsAny(in, "*?[") {
			_, err := fs.Size(ctx, in)
			fs.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", in, err)
			}
			if err := ref(in, path.Base(in)); err != nil {
				return err
			}
			continue
		}
		files, err := fs.List(ctx, in)
		fs.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		if len(files) == 0 {
			return fmt.Errorf("%s: no file matches", in)
		}
		slices.Sort(files)
		// A .txt article's ID is its path below the pattern's fixed
		// directory, as below a directory given to neardup run.
		dir := in[:strings.IndexAny(in, "*?[")]
		dir = dir[:strings.LastIndex(dir, "/")+1]
		for _, name := range files {
			if !corpus.Known(name) {
				c.Ignored++
				continue
			}
			if err := ref(name, strings.TrimPrefix(name, dir)); err != nil {
				return err
			}
		}
	}
	emitCounts(c)
	return nil
}

// readFn reads and signs the articles of one file with corpus.ReadStream
// and dedup.ArticleSigner, on Config.Workers goroutines, as neardup run
// does. Input errors fail the pipeline, or with SkipErrors become Skips.
type readFn struct {
	Config  Config
	signers []*dedup.ArticleSigner
}

func (f *readFn) Setup() {
	f.signers = make([]*dedup.ArticleSigner, f.Config.Workers)
	for w := range f.signers {
		f.signers[w] = dedup.NewArticleSigner(f.Config.Dedup())
	}
}

func (f *readFn) ProcessElement(ctx context.Context, ref FileRef, emit func(Article), emitSkip func(Skip), emitCounts func(Counts)) error {
	var seq uint64
	onError := func(e *corpus.Error) error {
		if !f.Config.SkipErrors {
			return e
		}
		emitSkip(Skip{Key: key(ref.Rank, seq), File: e.Pos.File, Line: e.Pos.Line, Reason: string(e.Reason), Err: e.Err.Error()})
		seq++
		return nil
	}
	fs, err := filesystem.New(ctx, ref.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	src, err := fs.OpenRead(ctx, ref.Path)
	if err != nil {
		e := &corpus.Error{Pos: corpus.Position{File: ref.Path}, Reason: corpus.Unreadable, Err: err}
		if err := onError(e); err != nil {
			return err
		}
		emitCounts(Counts{Skipped: []ReasonCount{{string(corpus.Unreadable), 1}}})
		return nil
	}
	defer src.Close()
	opts := corpus.Options{Fields: f.Config.Fields, MaxBytes: f.Config.MaxBytes, Workers: f.Config.Workers, OnError: onError}
	var c Counts
	type signed struct {
		dedup.Signed
		titleOnly bool
	}
	stats, err := corpus.ReadStream(ctx, ref.Path, ref.Rel, src, opts,
		func(w int, d *corpus.Document) signed { return signed{f.signers[w].Sign(d), d.Body == ""} },
		func(d corpus.Document, s signed) error {
			a := Article{Key: key(ref.Rank, seq), ID: d.ID, Title: d.Title, Source: d.Source, File: d.Pos.File, Line: d.Pos.Line, TitleOnly: s.titleOnly,
				Length: s.Length, Shingles: s.Evidence.Shingles, Evidence: cluster.AppendEvidence(nil, &s.Evidence), Words: s.Words, Unspaced: s.Unspaced}
			if !d.Published.IsZero() {
				a.Dated, a.Sec, a.Nsec = true, d.Published.Unix(), int32(d.Published.Nanosecond())
			}
			seq++
			if s.Unspaced {
				c.Unspaced++
			}
			emit(a)
			return nil
		})
	if err != nil {
		return err
	}
	c.Files, c.Read, c.InvalidUTF8, c.TitleOnly, c.NoTextField = stats.Files, stats.Read, stats.InvalidUTF8, stats.TitleOnly, stats.NoTextField
	for r, n := range stats.Skipped {
		c.Skipped = append(c.Skipped, ReasonCount{string(r), n})
	}
	emitCounts(c)
	return nil
}

// keyByID keys an article by its ID, to find IDs read in two files.
func keyByID(a Article) (string, Article) { return a.ID, a }

// uniqueFn keeps the first article (in input order) of each ID; the
// others are duplicate_id errors, as neardup run reports them.
type uniqueFn struct {
	SkipErrors bool
}

func (f *uniqueFn) ProcessElement(id string, arts func(*Article) bool, emit func(Article), emitSkip func(Skip), emitCounts func(Counts)) error {
	var all []Article
	var a Article
	for arts(&a) {
		all = append(all, a)
	}
	if len(all) > 1 {
		slices.SortFunc(all, func(x, y Article) int { return cmp.Compare(x.Key, y.Key) })
	}
	emit(all[0])
	first := corpus.Position{File: all[0].File, Line: all[0].Line}
	for _, d := range all[1:] {
		e := &corpus.Error{Pos: corpus.Position{File: d.File, Line: d.Line}, Reason: corpus.DuplicateID,
			Err: fmt.Errorf("%w %q, first seen at %s", corpus.ErrDuplicateID, id, first)}
		if !f.SkipErrors {
			return e
		}
		emitSkip(Skip{Key: d.Key, File: d.File, Line: d.Line, Reason: string(e.Reason), Err: e.Err.Error()})
		// It was counted as read, and maybe as unspaced or title-only.
		c := Counts{Read: -1, Skipped: []ReasonCount{{string(corpus.DuplicateID), 1}}}
		if d.Unspaced {
			c.Unspaced = -1
		}
		if d.TitleOnly {
			c.TitleOnly = -1
		}
		emitCounts(c)
	}
	return nil
}
