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
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lock"
)

// Article is what the state keeps of one article.
type Article struct {
	ID, Title, Source string
	Length            int32  // bytes of matched text
	Night             int32  // the night it arrived
	Canonical         string // the canonical member's ID of the cluster it joined; "": kept
	Match             cluster.Match
	TextHash          uint32   // dedup.TextHash of its title and text
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
	// Decisions are the editors' decisions the state honours on every
	// night (run --decisions), the later of a pair standing: a stored copy
	// decided apart from its canonical is kept from then on.
	Decisions []decisions.Decision `json:"decisions,omitempty"`
	// Repairs are the clock's repairs (neardup state clock), in order.
	Repairs []Repair `json:"repairs,omitempty"`
}

// Repair is one setting of the clock by hand (State.SetClock): after
// night After, the clock and the cutoff (Unix seconds) were set.
type Repair struct {
	After      int32     `json:"after_night"`
	FromClock  int64     `json:"from_clock"`
	ToClock    int64     `json:"to_clock"`
	FromCutoff int64     `json:"from_cutoff"`
	ToCutoff   int64     `json:"to_cutoff"`
	Evicted    int       `json:"evicted,omitempty"` // stored articles the new cutoff made leave (accepted with --max-evict)
	At         time.Time `json:"at"`                // when it was made (wall clock, for people)
}

// File is a file of a generation with its checksum.
type File struct {
	Name     string `json:"name"`
	Night    int32  `json:"night,omitempty"`    // a segment's night
	Articles int    `json:"articles,omitempty"` // a segment's records
	Bytes    int64  `json:"bytes"`
	CRC32C   string `json:"crc32c"` // CRC-32C (Castagnoli), hex
}

// Night is the record of one committed night (neardup history).
type Night struct {
	Night      int32              `json:"night"`
	Date       string             `json:"date"`  // the clock's date, YYYY-MM-DD
	Clock      int64              `json:"clock"` // Unix seconds
	Key        string             `json:"key"`   // SHA-256 of the night's articles (IDs and text hashes): a retry has the same
	Inputs     []Input            `json:"inputs"`
	Read       int                `json:"read"`               // articles read
	New        int                `json:"new"`                // of those, added to the state
	TooOld     int                `json:"older_than_keep"`    // published before the cutoff: kept, not matched, not remembered
	Ahead      int                `json:"dated_ahead"`        // dated more than MaxAhead after the night's median: not setting the clock
	Undated    int                `json:"undated"`            // new articles without a date
	Already    int                `json:"already_in_state"`   // IDs the state had, same text
	Rehidden   int                `json:"rehidden"`           // of those, copies hidden on an earlier night: drop.txt hides them again
	Unhidden   int                `json:"unhidden,omitempty"` // stored copies an editor decided apart tonight: kept from now on
	Changed    int                `json:"changed_text"`       // IDs the state had, other text: the stored version stands
	Duplicates int                `json:"duplicates"`         // tonight's articles hidden
	Clusters   int                `json:"clusters"`           // clusters that gained a member
	Rate       float64            `json:"dedup_rate"`         // duplicates / new
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
	CRC32C string `json:"crc32c"` // CRC-32C (Castagnoli), hex
}

// Params are the parameters that shape signatures and decisions: a state
// is matched only with the parameters that made it.
type Params struct {
	Algorithm int `json:"algorithm"` // AlgorithmVersion of the neardup that made it
	dedup.Parameters
}

// AlgorithmVersion numbers how neardup signs articles and gathers their
// evidence. Raise it with any change that makes an article's signature or
// evidence differ (shingling, hashing, boilerplate, the vetoes' evidence):
// a state made before is then refused (exit 12) rather than mixed.
const AlgorithmVersion = 1

// ParamsOf are cfg's parameters.
func ParamsOf(cfg dedup.Config) Params {
	return Params{Algorithm: AlgorithmVersion, Parameters: dedup.ParametersOf(cfg)}
}

// ParamsError reports parameters other than those the state was made with.
type ParamsError struct {
	Dir   string
	Diffs []string // "name: state X, flags Y"
}

func (e *ParamsError) Error() string {
	for _, d := range e.Diffs {
		if strings.HasPrefix(d, "model:") {
			return fmt.Sprintf("state %s was made with another match model (%s): its decisions would not mix with this model's; "+
				"run with the state's model (--model FILE, whose hash summary.json records; --model off for the veto stack), or start a new state "+
				"and let the nights rebuild it (docs/nightly.md)", e.Dir, strings.Join(e.Diffs, "; "))
		}
	}
	return fmt.Sprintf("state %s was made with other parameters (%s): its signatures and decisions would not mix with these; "+
		"run with the state's parameters, or start a new state (docs/nightly.md)", e.Dir, strings.Join(e.Diffs, "; "))
}

// diffParams lists the parameters that differ (dedup.Diff).
func diffParams(state, flags Params) []string { return dedup.Diff(state, flags, "state", "flags") }

// State is an open state directory: its current generation, loaded.
//
// It holds its articles compactly, as the bytes of their records and an
// index without pointers for the garbage collector to follow (a million
// articles would otherwise be millions of objects for it to scan while a
// night is read): each live article's record (its names and values,
// decompressed), the values matching needs of every article (date,
// length, canonical), and a table of IDs; the signatures stay in the
// segments' mappings until Close. Whole articles and evidence are decoded
// when a night looks at them.
type State struct {
	Dir      string
	Manifest Manifest // zero Generation: a new state

	names  [][]byte   // each segment's names, decompressed
	values [][]byte   // each segment's values, decompressed
	recs   []slot     // the live articles, in segment order
	sigs   [][]uint16 // each segment's signatures, hashes values for each record
	hashes int
	ids    idTable
	mu     sync.Mutex // guards cache: evidence is read on several goroutines
	cache  map[int32]*cluster.Evidence

	lock   *lock.Lock
	hook   func(point string)
	aheads []*ahead // segments written ahead of Commit

	release  func() // unmaps the segments (sigs lie in their mappings)
	readOnly bool   // Options.ReadOnly
}

// slot is a live article in the index.
type slot struct {
	seg       int32
	local     int32  // its record's number in the segment
	off, size uint32 // its values: values[seg][off:off+size]
	noff      uint32 // its names: names[seg][noff:noff+nsize]
	nsize     uint32
	id        span   // within its names
	canonID   span   // within its names: its canonical's ID (none: kept)
	lede      uint32 // within its values: its evidence's lede (long articles' evidence is read from here and the index)
	canon     int32  // the index of its canonical article; itself when kept; -1 when that one has left
	night     int32
	length    int32
	shingles  int32
	short     bool
	notHead   bool // its evidence's NotHeadline (a long article's evidence is made from the slot)
	published int64
	textHash  uint32
}

// Len is the number of articles in the state.
func (s *State) Len() int { return len(s.recs) }

func (s *State) rec(i int) []byte {
	r := &s.recs[i]
	return s.values[r.seg][r.off : r.off+r.size]
}

// namesOf is article i's names.
func (s *State) namesOf(i int) []byte {
	r := &s.recs[i]
	return s.names[r.seg][r.noff : r.noff+r.nsize]
}

// idOf is article i's ID (a new string).
func (s *State) idOf(i int) string { return string(s.recs[i].id.of(s.namesOf(i))) }

// Article decodes article i whole.
func (s *State) Article(i int) Article {
	r, err := scanRecord(s.namesOf(i), s.rec(i))
	if err != nil {
		panic("state: a record checked at load no longer scans: " + err.Error())
	}
	a, err := r.article(s.namesOf(i), s.rec(i))
	if err != nil {
		panic("state: a record checked at load no longer decodes: " + err.Error())
	}
	a.Evidence.Signature = slices.Clone(s.signature(i))
	if s.recs[i].canon == int32(i) {
		a.Canonical = "" // kept, or un-hidden by an editor's decision
	}
	return a
}

// doc is article i as a document of the night's outputs.
func (s *State) doc(i int) dedup.Doc {
	b := s.namesOf(i)
	n := reader{b: b}
	id, title, source := n.str(), n.str(), n.str()
	r := &s.recs[i]
	return dedup.Doc{ID: string(id.of(b)), Title: string(title.of(b)), Source: string(source.of(b)), Published: s.published(i),
		Length: r.length, Shingles: r.shingles}
}

// match is article i's match (that of a member; zero for a kept article).
func (s *State) match(i int) cluster.Match {
	r, err := scanRecord(s.namesOf(i), s.rec(i))
	if err != nil {
		panic("state: a record checked at load no longer scans: " + err.Error())
	}
	return r.matchOf(s.namesOf(i), s.rec(i))
}

// evidence is article i's evidence: a long article's made from the index
// and its lede, a short one's decoded once.
func (s *State) evidence(i int) *cluster.Evidence { return s.evidenceInto(i, new(cluster.Evidence)) }

// evidenceInto is evidence, a long article's made in dst.
func (s *State) evidenceInto(i int, dst *cluster.Evidence) *cluster.Evidence {
	if r := &s.recs[i]; !r.short {
		ev := dst
		*ev = cluster.Evidence{Signature: s.signature(i), Published: r.published, Shingles: r.shingles, NotHeadline: r.notHead}
		b := s.rec(i)[r.lede:]
		ev.Lede.N = b[0]
		for k := range ev.Lede.N {
			ev.Lede.Set[k] = binary.LittleEndian.Uint16(b[1+2*int(k):])
		}
		return ev
	}
	s.mu.Lock()
	cached, ok := s.cache[int32(i)]
	s.mu.Unlock()
	if ok {
		return cached
	}
	b := s.rec(i)
	r, _ := scanRecord(s.namesOf(i), b)
	ev, _, err := cluster.DecodeEvidence(b[r.evidence:r.vsize])
	if err != nil {
		panic("state: evidence checked at load no longer decodes: " + err.Error())
	}
	ev.Signature = s.signature(i)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil {
		s.cache = map[int32]*cluster.Evidence{}
	}
	if first, ok := s.cache[int32(i)]; ok {
		return first
	}
	s.cache[int32(i)] = &ev
	return &ev
}

// signature is article i's signature (nil without shingles).
func (s *State) signature(i int) []uint16 {
	if s.recs[i].shingles == 0 {
		return nil
	}
	r := &s.recs[i]
	at := int(r.local) * s.hashes
	return s.sigs[r.seg][at : at+s.hashes : at+s.hashes]
}

// published is article i's date as Evidence has it.
func (s *State) published(i int) time.Time {
	if p := s.recs[i].published; p != cluster.Undated {
		return time.Unix(p, 0).UTC()
	}
	return time.Time{}
}

// find is the index of the article with this ID.
func (s *State) find(id string) (int, bool) { return s.ids.find(s, id) }

// idTable finds articles by ID: open addressing over their indices + 1,
// each beside the top 32 bits of its ID's hash (compared before the IDs).
type idTable struct {
	slots []uint64 // hash>>32 << 32 | index+1; 0 empty
	seed  maphash.Seed
}

// build fills the table from two goroutines (a slot is taken by
// compare-and-swap); lookups find the same articles whatever slots they
// took.
func (t *idTable) build(s *State) {
	size := 1 << bits.Len(uint(2*len(s.recs)+1))
	t.slots, t.seed = make([]uint64, size), maphash.MakeSeed()
	mask := uint64(size - 1)
	var wg sync.WaitGroup
	half := len(s.recs) / 2
	for _, r := range [][2]int{{0, half}, {half, len(s.recs)}} {
		wg.Go(func() {
			for i := r[0]; i < r[1]; i++ {
				h := maphash.Bytes(t.seed, s.recs[i].id.of(s.namesOf(i)))
				for k := h & mask; ; k = (k + 1) & mask {
					if atomic.CompareAndSwapUint64(&t.slots[k], 0, h>>32<<32|uint64(i+1)) {
						break
					}
				}
			}
		})
	}
	wg.Wait()
}

func (t *idTable) find(s *State, id string) (int, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	h := maphash.String(t.seed, id)
	for k := h & mask; ; k = (k + 1) & mask {
		v := t.slots[k]
		if v == 0 {
			return 0, false
		}
		if v>>32 == h>>32 {
			if i := int(uint32(v) - 1); string(s.recs[i].id.of(s.namesOf(i))) == id {
				return i, true
			}
		}
	}
}

// Options configure Open.
type Options struct {
	Wait    time.Duration // how long to wait for another run's lock (0: fail at once with a *lock.LockedError)
	Command string        // this process, for the lock's holder record
	// Hook, if set, is called at named points of Commit ("ahead": tonight's
	// segment written ahead, before Commit; "written", "renamed",
	// "switched", "removed"), for tests that kill the process there.
	Hook func(point string)
	// ReadOnly opens an existing state without changing a file: no
	// directory made, nothing a killed run left removed (neardup state).
	ReadOnly bool
}

// Open locks dir (created if missing), removes what killed runs left,
// and loads the current generation, checking every checksum. A directory
// without a generation is a new, empty state.
func Open(ctx context.Context, dir string, opts Options) (*State, error) {
	s, err := Lock(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	if err := s.Load(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Lock is Open without the loading: it takes the lock at once (a second
// run exits while the first goes on) and leaves Load, which may run while
// the night's input is read, to the caller. Nothing but Load and Close
// may be called before Load has returned without error.
func Lock(ctx context.Context, dir string, opts Options) (*State, error) {
	if opts.ReadOnly {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--state %s: no state there", dir)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l, err := lock.Acquire(ctx, filepath.Join(dir, lockFile), opts.Wait, opts.Command)
	if err != nil {
		if errors.Is(err, lock.ErrLocked) {
			return nil, fmt.Errorf("%w: another neardup is using --state %s (--wait DURATION waits for it)", err, dir)
		}
		return nil, err
	}
	s := &State{Dir: dir, lock: l, hook: opts.Hook, readOnly: opts.ReadOnly}
	if s.hook == nil {
		s.hook = func(string) {}
	}
	return s, nil
}

// Load reads the current generation (see Open).
func (s *State) Load() error { return s.load() }

// Close releases the lock, once a segment written ahead of a Commit that
// did not come is removed, and unmaps the segments: nothing read from the
// state (but Article's copies) may be used after it.
func (s *State) Close() error {
	for _, a := range s.aheads {
		<-a.done
		os.Remove(a.path)
	}
	if s.release != nil {
		s.release()
		s.release = nil
	}
	return s.lock.Release()
}

// load reads CURRENT, the MANIFEST and the segments, then removes every
// other entry a run may have left.
func (s *State) load() error {
	gen, err := s.readManifest()
	if err != nil || gen == "" {
		return err
	}
	genDir := filepath.Join(s.Dir, gen)
	for _, o := range s.Manifest.Outputs {
		if _, err := readChecked(filepath.Join(genDir, outDir, o.Name), o); err != nil {
			return err
		}
	}
	if err := s.loadSegments(genDir); err != nil {
		return err
	}
	if len(s.recs) != s.Manifest.Articles {
		return &ErrDamaged{Path: filepath.Join(genDir, manifestFile), Err: fmt.Errorf("%d articles kept, the manifest says %d", len(s.recs), s.Manifest.Articles)}
	}
	s.ids.build(s)
	var unhidden []bool // stored copies an editor decided apart: kept, and canonicals of later copies
	if len(s.Manifest.Decisions) > 0 {
		set, err := decisions.With(s.Manifest.Decisions, nil)
		if err != nil {
			return &ErrDamaged{Path: filepath.Join(genDir, manifestFile), Err: err}
		}
		unhidden = make([]bool, len(s.recs))
		for i := range s.recs {
			if c := s.recs[i].canonID; c.n > 0 {
				d, ok := set.Lookup(string(c.of(s.namesOf(i))), s.idOf(i))
				unhidden[i] = ok && d.Label == decisions.Apart
			}
		}
	}
	s.linkCanonicals(unhidden)
	if s.readOnly {
		return nil
	}
	return s.tidy(gen)
}

// readManifest reads CURRENT and the manifest it names, checked against
// CURRENT's checksum, into s.Manifest, and returns the generation's name;
// "" for a new state (tidied already).
func (s *State) readManifest() (string, error) {
	curPath := filepath.Join(s.Dir, currentFile)
	cur, err := os.ReadFile(curPath)
	if errors.Is(err, os.ErrNotExist) {
		// No state yet, or a first commit killed before CURRENT was
		// written (it leaves gen-1 at most). A later generation without
		// CURRENT means CURRENT was lost.
		entries, err := os.ReadDir(s.Dir)
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if n, ok := genNumber(e.Name()); ok && n > 1 {
				return "", &ErrDamaged{Path: curPath, Err: fmt.Errorf("missing, but %s exists", e.Name())}
			}
		}
		if s.readOnly {
			return "", nil
		}
		return "", s.tidy("")
	}
	if err != nil {
		return "", err
	}
	gen, sum, err := parseCurrent(cur)
	var ferr *FormatError
	if errors.As(err, &ferr) {
		ferr.Dir = s.Dir
		return "", ferr
	}
	if err != nil {
		return "", &ErrDamaged{Path: curPath, Err: err}
	}
	mpath := filepath.Join(s.Dir, gen, manifestFile)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		return "", &ErrDamaged{Path: mpath, Err: err}
	}
	if got := sha256.Sum256(mb); hex.EncodeToString(got[:]) != sum {
		return "", &ErrDamaged{Path: mpath, Err: errors.New("checksum does not match CURRENT's")}
	}
	if err := json.Unmarshal(mb, &s.Manifest); err != nil {
		return "", &ErrDamaged{Path: mpath, Err: err}
	}
	if !ReadsFormat(s.Manifest.Format) {
		return "", &FormatError{Dir: s.Dir, Format: s.Manifest.Format}
	}
	return gen, nil
}

// segmentPart is one segment as loaded: its mapped names and values, its
// records and signatures.
type segmentPart struct {
	names, values []byte
	recs          []slot
	sigs          []uint16
}

// loadSegments reads, checks and indexes the generation's segments in
// parallel (two at a time), then joins them in order, keeping the live
// records.
func (s *State) loadSegments(genDir string) error {
	hashes := s.Manifest.Params.Hashes
	segs := s.Manifest.Segments
	parts := make([]segmentPart, len(segs))
	errs := make([]error, len(segs))
	releases := make([]func() error, len(segs))
	s.release = func() {
		for _, r := range releases {
			if r != nil {
				r()
			}
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, f := range segs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			p := filepath.Join(genDir, f.Name)
			sigs, n, names, values, release, err := readSegment(p, f, hashes)
			if err != nil {
				errs[i] = err
				return
			}
			releases[i] = release
			if n != f.Articles {
				errs[i] = &ErrDamaged{Path: p, Err: fmt.Errorf("%d records, the manifest says %d", n, f.Articles)}
				return
			}
			recs, err := scanSegment(int32(i), n, names, values)
			if err != nil {
				errs[i] = &ErrDamaged{Path: p, Err: err}
				return
			}
			parts[i] = segmentPart{names, values, recs, sigs}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.hashes = hashes
	n := 0
	for _, p := range parts {
		s.names = append(s.names, p.names)
		s.values = append(s.values, p.values)
		s.sigs = append(s.sigs, p.sigs)
		n += len(p.recs)
	}
	s.recs = make([]slot, 0, n)
	for _, p := range parts {
		for _, r := range p.recs {
			if s.Manifest.liveSlot(&r, s.Manifest.Cutoff) {
				s.recs = append(s.recs, r)
			}
		}
	}
	return nil
}

// scanSegment indexes the n records of segment seg's names and values.
func scanSegment(seg int32, n int, names, values []byte) ([]slot, error) {
	recs := make([]slot, 0, n)
	noff, off := 0, 0
	for noff < len(names) || off < len(values) {
		r, err := scanRecord(names[noff:], values[off:])
		if err != nil {
			return nil, fmt.Errorf("record %d of %d: %w", len(recs)+1, n, err)
		}
		if r.layout.Hashes != 0 || len(recs) >= n {
			return nil, fmt.Errorf("record %d: a signature inside the record, or more records than %d", len(recs)+1, n)
		}
		recs = append(recs, slot{seg: seg, local: int32(len(recs)), off: uint32(off), size: uint32(r.vsize),
			noff: uint32(noff), nsize: uint32(r.nsize), id: r.id, canonID: r.canon,
			lede: r.evidence + uint32(r.layout.Signature), night: r.night, length: r.length,
			shingles: r.layout.Shingles, short: r.layout.Short, notHead: r.layout.NotHeadline, published: r.layout.Published, textHash: r.textHash})
		noff += r.nsize
		off += r.vsize
	}
	if len(recs) != n {
		return nil, fmt.Errorf("%d records, the count says %d", len(recs), n)
	}
	return recs, nil
}

// unhide keeps, from now on, each stored copy an editor decided apart from
// its canonical (by ID, whether that one is still here or not), and
// returns their IDs.
func (s *State) unhide(set *decisions.Set) []string {
	var ids []string
	for i := range s.recs {
		r := &s.recs[i]
		if r.canonID.n == 0 || r.canon == int32(i) {
			continue
		}
		if d, ok := set.Lookup(string(r.canonID.of(s.namesOf(i))), s.idOf(i)); ok && d.Label == decisions.Apart {
			r.canon = int32(i)
			ids = append(ids, s.idOf(i))
		}
	}
	return ids
}

// linkCanonicals finds each stored member's canonical, in two halves at
// once (unhidden, when not nil, marks the stored copies an editor decided
// apart: kept, and canonicals themselves): kept, and arrived no later than it (an article that left and
// whose ID came back later is another article); -1 when it has left.
func (s *State) linkCanonicals(unhidden []bool) {
	kept := func(k int) bool { return s.recs[k].canonID.n == 0 || unhidden != nil && unhidden[k] }
	var wg sync.WaitGroup
	half := len(s.recs) / 2
	for _, r := range [][2]int{{0, half}, {half, len(s.recs)}} {
		wg.Go(func() {
			for i := r[0]; i < r[1]; i++ {
				s.recs[i].canon = int32(i)
				if c := s.recs[i].canonID; c.n > 0 && !kept(i) {
					s.recs[i].canon = -1
					if k, ok := s.find(string(c.of(s.namesOf(i)))); ok && kept(k) && s.recs[k].night <= s.recs[i].night {
						s.recs[i].canon = int32(k)
					}
				}
			}
		})
	}
	wg.Wait()
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
	if got := crc32cHex(b); got != f.CRC32C {
		return nil, &ErrDamaged{Path: path, Err: errors.New("checksum does not match the manifest's")}
	}
	return b, nil
}

// readSegment maps segment file f of a generation, checks its size and
// checksum, and reads it: its signature column as it lies in the mapping
// (unmapped by release), its records' two streams decompressed. Its signatures must
// have hashes values.
func readSegment(path string, f File, hashes int) (sigs []uint16, n int, names, values []byte, release func() error, err error) {
	damaged := func(err error) ([]uint16, int, []byte, []byte, func() error, error) {
		return nil, 0, nil, nil, nil, &ErrDamaged{Path: path, Err: err}
	}
	fh, err := os.Open(path)
	if err != nil {
		return damaged(err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil {
		return damaged(err)
	} else if st.Size() != f.Bytes {
		return damaged(fmt.Errorf("%d bytes, the manifest says %d (truncated?)", st.Size(), f.Bytes))
	}
	z, release, err := mapFile(fh, f.Bytes)
	if err != nil {
		return damaged(err)
	}
	if crc32cHex(z) != f.CRC32C {
		release()
		return damaged(errors.New("checksum does not match the manifest's"))
	}
	h, sigs, n, names, values, err := parseSegment(z, true)
	if err == nil && h != hashes && n > 0 {
		err = fmt.Errorf("signatures of %d values, the parameters say %d", h, hashes)
	}
	if err != nil {
		release()
		return damaged(err)
	}
	return sigs, n, names, values, release, nil
}

// readFile reads size bytes of f (where it is not mapped).
func readFile(f *os.File, size int64) ([]byte, func() error, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, func() error { return nil }, nil
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
// The nights' clock, on the manifest that holds it: which articles are
// live, and where a commit's cutoff falls.

// live reports whether an article is still in the state at cutoff.
func (m *Manifest) live(a *Article, cutoff int64) bool {
	return m.liveAt(a.Evidence.Published, a.Night, cutoff)
}

func (m *Manifest) liveSlot(r *slot, cutoff int64) bool {
	return m.liveAt(r.published, r.night, cutoff)
}

// liveAt: a dated article lives while published at or after cutoff; an
// undated one while the clock of the night it arrived on is.
func (m *Manifest) liveAt(published int64, night int32, cutoff int64) bool {
	if published != cluster.Undated {
		return published >= cutoff
	}
	return m.nightClock(night) >= cutoff
}

// nightClock is a committed night's clock (that of the last night for a
// night not found, which cannot happen in a sound state).
func (m *Manifest) nightClock(night int32) int64 {
	i, ok := slices.BinarySearchFunc(m.Nights, night, func(n Night, k int32) int { return cmp.Compare(n.Night, k) })
	if ok {
		return m.Nights[i].Clock
	}
	return m.Clock
}

// cutoffAt is the cutoff a commit at this clock applies: articles
// published before it leave. It never moves back.
func (m *Manifest) cutoffAt(clock int64, keep time.Duration) int64 {
	prev := m.Cutoff
	if m.Generation == 0 {
		prev = math.MinInt64
	}
	return max(prev, max(m.Clock, clock)-int64(keep/time.Second))
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
	// A run may switch generations (and remove the one CURRENT named)
	// between the two reads: read CURRENT again then.
	for try := 0; ; try++ {
		m, err := readHistory(dir)
		var damaged *ErrDamaged
		if try < 10 && errors.As(err, &damaged) && errors.Is(err, os.ErrNotExist) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		return m, err
	}
}

func readHistory(dir string) (*Manifest, error) {
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
	var ferr *FormatError
	if errors.As(err, &ferr) {
		ferr.Dir = dir
		return nil, ferr
	}
	if err != nil {
		return nil, &ErrDamaged{Path: filepath.Join(dir, currentFile), Err: err}
	}
	mpath := filepath.Join(dir, gen, manifestFile)
	mb, err := os.ReadFile(mpath)
	if err != nil {
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

// HashInputs records the input files read (path, size, CRC-32C); stdin is
// given as already hashed.
func HashInputs(paths []string) ([]Input, error) {
	var ins []Input
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		h := crc32.New(castagnoli)
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		ins = append(ins, Input{Path: p, Bytes: n, CRC32C: fmt.Sprintf("%08x", h.Sum32())})
	}
	return ins, nil
}

// Fingerprint is the SHA-256 of what the committed state in dir holds,
// leaving out what describes the runs rather than the nights (seconds,
// commit times, the generation's number, the stored outputs named in
// runOutputs — summary.json, with its timings — and checksums): two
// states made by the same nights have the same fingerprint however often
// a run was killed or retried on the way. For the reliability checks (a
// killed night, run again, must equal an uninterrupted one).
func Fingerprint(dir string, runOutputs ...string) (string, error) {
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
		if slices.Contains(runOutputs, f.Name) {
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

// Files of a generation carry a CRC-32C: computed in hardware, a
// generation's hundreds of megabytes are checked in a few hundredths of a
// second (SHA-256 took a quarter of a second per 400 MB, most of a
// night's load); the MANIFEST that lists them is checked by SHA-256 from
// CURRENT.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc32cHex(b []byte) string { return fmt.Sprintf("%08x", crc32.Checksum(b, castagnoli)) }
