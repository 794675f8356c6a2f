// Package state is what a nightly neardup run remembers between nights,
// so that tonight's copy of yesterday's story is found and nothing decided
// before is decided again.
//
// A State holds every article of the last --keep days as the matching
// stages need it (its evidence: signature, lede, the short articles' sets;
// never its text), the decision made on it — kept, or hidden as a member of
// the cluster of which canonical article — the parameters that shaped both,
// and each committed night's record (History). Night matches tonight's
// articles against the state's and against each other with the stages of
// package dedup (ArticleSigner, CorpusCounts, lsh.CandidatesAgainst,
// cluster.Rules, cluster.Build) and decides them under the rule that
// decisions are final (night.go); Commit writes the new generation and
// switches to it in one rename (format.go specifies the files and the
// commit). Eviction depends on the nights' clock, read from the articles'
// dates, never on the wall clock: the same nights give the same state.
//
// Open takes the state directory's lock (package lock) and holds it until
// Close: one run at a time.
package state

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lock"
	"github.com/neardup/neardup/report"
)

// Article is what the state keeps of one article.
type Article struct {
	ID, Title, Source string
	Length            int32  // bytes of matched text
	Night             int32  // the night it arrived
	Canonical         string // the canonical member's ID of the cluster it joined; "": kept
	Match             cluster.Match
	TextHash          uint64   // dedup.TextHash of its title and text
	Words             []uint32 // what CorpusCounts counts of it (dedup.Result.Words)
	Evidence          cluster.Evidence
}

// Kept reports whether the article was kept (not hidden as a copy).
func (a *Article) Kept() bool { return a.Canonical == "" }

// Published is the article's publication date (zero: undated).
func (a *Article) Published() time.Time {
	if a.Evidence.Published == cluster.Undated {
		return time.Time{}
	}
	return time.Unix(a.Evidence.Published, 0).UTC()
}

// Manifest is a generation's MANIFEST.
type Manifest struct {
	Format     int     `json:"format"`
	Generation int     `json:"generation"`
	Params     Params  `json:"parameters"`
	Keep       string  `json:"keep"`   // the --keep of the last commit
	Clock      int64   `json:"clock"`  // Unix seconds: the latest night's clock
	Cutoff     int64   `json:"cutoff"` // Unix seconds: articles published (undated: arrived on a night whose clock is) before it have left
	Articles   int     `json:"articles"`
	Segments   []File  `json:"segments"`
	Outputs    []File  `json:"outputs"` // the last night's, in out/
	Nights     []Night `json:"nights"`  // every committed night, in order
}

// File is a file of a generation with its checksum.
type File struct {
	Name     string `json:"name"`
	Night    int32  `json:"night,omitempty"`    // a segment's night
	Articles int    `json:"articles,omitempty"` // a segment's records
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"`
}

// Night is the record of one committed night (neardup history).
type Night struct {
	Night      int32              `json:"night"`
	Date       string             `json:"date"`  // the clock's date, YYYY-MM-DD
	Clock      int64              `json:"clock"` // Unix seconds
	Key        string             `json:"key"`   // SHA-256 of the night's articles (IDs and text hashes): a retry has the same
	Inputs     []Input            `json:"inputs"`
	Read       int                `json:"read"`             // articles read
	New        int                `json:"new"`              // of those, added to the state
	Already    int                `json:"already_in_state"` // IDs the state had, same text
	Changed    int                `json:"changed_text"`     // IDs the state had, other text: the stored version stands
	Duplicates int                `json:"duplicates"`       // tonight's articles hidden
	Clusters   int                `json:"clusters"`         // clusters that gained a member
	Rate       float64            `json:"dedup_rate"`       // duplicates / new
	Evicted    int                `json:"evicted"`
	State      int                `json:"state_articles"` // after the commit
	StateBytes int64              `json:"state_bytes"`    // segment bytes after the commit
	Seconds    map[string]float64 `json:"seconds"`
	Committed  time.Time          `json:"committed"` // wall clock, for people: nothing depends on it
}

// Input is one input file of a night.
type Input struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Params are the parameters that shape signatures and decisions: a state
// is matched only with the parameters that made it.
type Params struct {
	Shingle     string  `json:"shingle"`
	FoldAccents bool    `json:"fold_accents"`
	Signature   string  `json:"signature"`
	Hashes      int     `json:"hashes"`
	Seed        int64   `json:"seed"`
	Bands       int     `json:"bands"`
	Rows        int     `json:"rows"`
	Boilerplate bool    `json:"boilerplate"`
	AntiChain   bool    `json:"anti_chain"`
	Threshold   float64 `json:"threshold"`
	Containment float64 `json:"containment"`
	MinRatio    float64 `json:"containment_min_ratio"`
	Figures     float64 `json:"figures"`
	Names       float64 `json:"names"`
	VetoBelow   int     `json:"veto_below"`
	Window      string  `json:"window"`
	Subject     float64 `json:"subject"`
	ShortBelow  int     `json:"short_below"`
	ShortWindow string  `json:"short_window"`
	FigureOrder float64 `json:"figure_order"`
	Lede        float64 `json:"lede"`
	Furniture   int     `json:"furniture"`
}

// ParamsOf are cfg's parameters.
func ParamsOf(cfg dedup.Config) Params {
	r := cfg.Rules
	if r.Threshold == 0 {
		r.Threshold = cfg.LSH.Threshold
	}
	return Params{
		Shingle: cfg.Shingle.String(), FoldAccents: cfg.Shingle.FoldAccents, Signature: cfg.LSH.Scheme, Hashes: cfg.LSH.Hashes,
		Seed: cfg.LSH.Seed, Bands: cfg.LSH.Bands, Rows: cfg.LSH.Rows, Boilerplate: cfg.Boilerplate, AntiChain: cfg.AntiChain,
		Threshold: r.Threshold, Containment: r.Containment, MinRatio: r.MinRatio, Figures: r.Figures, Names: r.Names,
		VetoBelow: r.VetoBelow, Window: r.Window.String(), Subject: r.Subject, ShortBelow: r.ShortBelow,
		ShortWindow: r.ShortWindow.String(), FigureOrder: r.FigureOrder, Lede: r.Lede, Furniture: r.FurnitureMin,
	}
}

// ParamsError reports parameters other than those the state was made with.
type ParamsError struct {
	Dir   string
	Diffs []string // "name: state X, flags Y"
}

func (e *ParamsError) Error() string {
	return fmt.Sprintf("state %s was made with other parameters (%s): its signatures and decisions would not mix with these; "+
		"run with the state's parameters, or start a new state (README, Nightly use)", e.Dir, strings.Join(e.Diffs, "; "))
}

// diffParams lists the parameters that differ.
func diffParams(state, flags Params) []string {
	var a, b map[string]any
	ja, _ := json.Marshal(state)
	jb, _ := json.Marshal(flags)
	json.Unmarshal(ja, &a)
	json.Unmarshal(jb, &b)
	var diffs []string
	for k, v := range a {
		if fmt.Sprint(v) != fmt.Sprint(b[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: state %v, flags %v", k, v, b[k]))
		}
	}
	slices.Sort(diffs)
	return diffs
}

// State is an open state directory: its current generation, loaded.
type State struct {
	Dir      string
	Manifest Manifest // zero Generation: a new state
	Articles []Article

	lock *lock.Lock
	hook func(point string)
}

// Options configure Open.
type Options struct {
	Wait    time.Duration // how long to wait for another run's lock (0: fail at once with a *lock.LockedError)
	Command string        // this process, for the lock's holder record
	// Hook, if set, is called at named points of Commit ("written",
	// "renamed", "switched", "removed"), for tests that kill the process
	// there.
	Hook func(point string)
}

// Open locks dir (created if missing), removes what killed runs left,
// and loads the current generation, checking every checksum. A directory
// without a generation is a new, empty state.
func Open(ctx context.Context, dir string, opts Options) (*State, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l, err := lock.Acquire(ctx, filepath.Join(dir, lockFile), opts.Wait, opts.Command)
	if err != nil {
		if errors.Is(err, lock.ErrLocked) {
			return nil, fmt.Errorf("%w: another neardup is using --state %s (--wait DURATION waits for it)", err, dir)
		}
		return nil, err
	}
	s := &State{Dir: dir, lock: l, hook: opts.Hook}
	if s.hook == nil {
		s.hook = func(string) {}
	}
	if err := s.load(); err != nil {
		l.Release()
		return nil, err
	}
	return s, nil
}

// Close releases the lock.
func (s *State) Close() error { return s.lock.Release() }

// load reads CURRENT, the MANIFEST and the segments, then removes every
// other entry a run may have left.
func (s *State) load() error {
	curPath := filepath.Join(s.Dir, currentFile)
	cur, err := os.ReadFile(curPath)
	if errors.Is(err, os.ErrNotExist) {
		// No state yet, or a first commit killed before CURRENT was
		// written (it leaves gen-1 at most). A later generation without
		// CURRENT means CURRENT was lost.
		entries, err := os.ReadDir(s.Dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if n, ok := genNumber(e.Name()); ok && n > 1 {
				return &ErrDamaged{Path: curPath, Err: fmt.Errorf("missing, but %s exists", e.Name())}
			}
		}
		return s.tidy("")
	}
	if err != nil {
		return err
	}
	gen, sum, err := parseCurrent(cur)
	if err != nil {
		return &ErrDamaged{Path: curPath, Err: err}
	}
	genDir := filepath.Join(s.Dir, gen)
	mpath := filepath.Join(genDir, manifestFile)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		return &ErrDamaged{Path: mpath, Err: err}
	}
	if got := sha256.Sum256(mb); hex.EncodeToString(got[:]) != sum {
		return &ErrDamaged{Path: mpath, Err: errors.New("checksum does not match CURRENT's")}
	}
	if err := json.Unmarshal(mb, &s.Manifest); err != nil {
		return &ErrDamaged{Path: mpath, Err: err}
	}
	if s.Manifest.Format != FormatVersion {
		return &ErrDamaged{Path: mpath, Err: fmt.Errorf("format %d: this neardup reads format %d", s.Manifest.Format, FormatVersion)}
	}
	for _, o := range s.Manifest.Outputs {
		if _, err := readChecked(filepath.Join(genDir, outDir, o.Name), o); err != nil {
			return err
		}
	}
	// Segments are read and decoded in parallel, then joined in order.
	parts := make([][]Article, len(s.Manifest.Segments))
	errs := make([]error, len(s.Manifest.Segments))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, f := range s.Manifest.Segments {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			p := filepath.Join(genDir, f.Name)
			b, err := readChecked(p, f)
			if err != nil {
				errs[i] = err
				return
			}
			arts, err := decodeSegment(b)
			if err == nil && len(arts) != f.Articles {
				err = fmt.Errorf("%d records, the manifest says %d", len(arts), f.Articles)
			}
			if err != nil {
				errs[i] = &ErrDamaged{Path: p, Err: err}
				return
			}
			parts[i] = arts
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	s.Articles = make([]Article, 0, n)
	for _, p := range parts {
		for i := range p {
			if s.live(&p[i], s.Manifest.Cutoff) {
				s.Articles = append(s.Articles, p[i])
			}
		}
	}
	if len(s.Articles) != s.Manifest.Articles {
		return &ErrDamaged{Path: mpath, Err: fmt.Errorf("%d articles kept, the manifest says %d", len(s.Articles), s.Manifest.Articles)}
	}
	return s.tidy(gen)
}

// readChecked reads a file of a generation and checks its size and
// checksum.
func readChecked(path string, f File) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ErrDamaged{Path: path, Err: err}
	}
	if int64(len(b)) != f.Bytes {
		return nil, &ErrDamaged{Path: path, Err: fmt.Errorf("%d bytes, the manifest says %d (truncated?)", len(b), f.Bytes)}
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != f.SHA256 {
		return nil, &ErrDamaged{Path: path, Err: errors.New("checksum does not match the manifest's")}
	}
	return b, nil
}

// tidy removes every entry of the directory but the lock, CURRENT and the
// current generation: generations a run was writing or replacing when it
// was killed.
func (s *State) tidy(current string) error {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if name == lockFile || name == currentFile || name == current {
			continue
		}
		if _, ok := genNumber(name); ok || strings.HasPrefix(name, tmpPrefix) || name == currentFile+".tmp" {
			if err := os.RemoveAll(filepath.Join(s.Dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// live reports whether an article stays with this cutoff: published (or,
// undated, arrived on a night whose clock is) at or after it.
func (s *State) live(a *Article, cutoff int64) bool {
	if a.Evidence.Published != cluster.Undated {
		return a.Evidence.Published >= cutoff
	}
	return s.nightClock(a.Night) >= cutoff
}

// nightClock is a committed night's clock (that of the last night for a
// night not found, which cannot happen in a sound state).
func (s *State) nightClock(night int32) int64 {
	i, ok := slices.BinarySearchFunc(s.Manifest.Nights, night, func(n Night, k int32) int { return cmp.Compare(n.Night, k) })
	if ok {
		return s.Manifest.Nights[i].Clock
	}
	return s.Manifest.Clock
}

// CheckParams fails with a *ParamsError when the state was made with other
// parameters than p. A new state takes any.
func (s *State) CheckParams(p Params) error {
	if s.Manifest.Generation == 0 {
		return nil
	}
	if d := diffParams(s.Manifest.Params, p); len(d) > 0 {
		return &ParamsError{Dir: s.Dir, Diffs: d}
	}
	return nil
}

// Last is the last committed night (nil for a new state).
func (s *State) Last() *Night {
	if n := len(s.Manifest.Nights); n > 0 {
		return &s.Manifest.Nights[n-1]
	}
	return nil
}

// Output is one of a night's output files, kept in the state so that a
// retry restores it.
type Output struct {
	Name string
	Data []byte
}

// LastOutputs reads the last night's outputs back (checked when loaded).
func (s *State) LastOutputs() ([]Output, error) {
	var outs []Output
	dir := filepath.Join(s.Dir, genName(s.Manifest.Generation), outDir)
	for _, f := range s.Manifest.Outputs {
		b, err := readChecked(filepath.Join(dir, f.Name), f)
		if err != nil {
			return nil, err
		}
		outs = append(outs, Output{f.Name, b})
	}
	return outs, nil
}

// ReadHistory reads the nights of the state in dir without locking it or
// loading its articles (neardup history): the MANIFEST is checked against
// CURRENT. A directory without a state has no nights.
func ReadHistory(dir string) (*Manifest, error) {
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
		return &Manifest{}, nil
	}
	if err != nil {
		return nil, err
	}
	gen, sum, err := parseCurrent(cur)
	if err != nil {
		return nil, &ErrDamaged{Path: filepath.Join(dir, currentFile), Err: err}
	}
	mpath := filepath.Join(dir, gen, manifestFile)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		// A run may have switched generations since CURRENT was read.
		return nil, &ErrDamaged{Path: mpath, Err: err}
	}
	if got := sha256.Sum256(mb); hex.EncodeToString(got[:]) != sum {
		return nil, &ErrDamaged{Path: mpath, Err: errors.New("checksum does not match CURRENT's")}
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, &ErrDamaged{Path: mpath, Err: err}
	}
	return &m, nil
}

// HashInputs records the input files read (path, size, SHA-256); stdin is
// given as already hashed.
func HashInputs(paths []string) ([]Input, error) {
	var ins []Input
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		ins = append(ins, Input{Path: p, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	return ins, nil
}

// Fingerprint is the SHA-256 of what the committed state in dir holds,
// leaving out what describes the runs rather than the nights (seconds,
// commit times, the generation's number, the outputs' summary.json and
// checksums): two states made by the same nights have the same
// fingerprint however often a run was killed or retried on the way. For
// the reliability checks (a killed night, run again, must equal an
// uninterrupted one).
func Fingerprint(dir string) (string, error) {
	m, err := ReadHistory(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	gen := filepath.Join(dir, genName(m.Generation))
	for _, f := range m.Segments {
		b, err := readChecked(filepath.Join(gen, f.Name), f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%d %d %x\n", f.Night, f.Articles, sha256.Sum256(b))
	}
	for _, f := range m.Outputs {
		if f.Name == report.SummaryFile {
			continue
		}
		b, err := readChecked(filepath.Join(gen, outDir, f.Name), f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %x\n", f.Name, sha256.Sum256(b))
	}
	m.Generation, m.Segments, m.Outputs = 0, nil, nil
	for i := range m.Nights {
		m.Nights[i].Seconds, m.Nights[i].Committed = nil, time.Time{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}
