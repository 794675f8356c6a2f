package state

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
)

// How a night is decided against the state (Night):
//
//   - Tonight's articles whose ID the state has are not added again: with
//     the same title and text (dedup.TextHash) they are counted as already
//     in the state; with other text they are reported (Tonight.Changed) and
//     the stored version stands, its decision with it.
//   - Candidates are the pairs one LSH index over the state's articles and
//     tonight's would give that involve tonight's (lsh.CandidatesAgainst,
//     bucket bounds included); the rules weigh by counts over both
//     (CorpusCounts). Pairs of two stored articles were decided on their
//     night and are not looked at again.
//   - Decisions are final. A stored cluster — a kept article and the
//     members hidden with it — keeps its canonical article, even when
//     tonight's copy was published earlier (its match then says
//     published_before_canonical); stored clusters never merge or split.
//     Verified pairs join tonight's articles and stored clusters into
//     groups (union-find). In each group, the stored canonicals, best
//     first (cluster.Prefer), take the tonight's articles that verify
//     against them (all of them without anti-chaining); the rest are
//     clustered among themselves as a plain run clusters (cluster.Build),
//     and are kept when nothing takes them. A stored member whose canonical
//     has left the state joins nothing any more.
//   - Tonight's outputs list every cluster that gained a member tonight,
//     with all its members, each with the night it arrived; drop.txt lists
//     tonight's hidden articles and the copies hidden on an earlier night
//     that tonight's input holds again (Tonight.Rehidden). A cluster's stable ID is its canonical
//     article's ID: it never changes, and it is never given to another
//     cluster while the IDs of articles are unique.

// MaxChanged bounds how many changed-text IDs a night lists; all are
// counted.
const MaxChanged = 1000

// MaxAhead bounds how far after the median date of a night's new articles
// a date may lie and still set the night's clock: one article dated 9999
// (a typo, an embargo) must not age the whole state out.
const MaxAhead = 48 * time.Hour

// MaxClockStep bounds how far a night of fewer than MinClockBulk dated
// new articles may move the clock past the last night's: a night whose
// only article is dated 2099 has that date as its median too. Its
// articles dated beyond count as ahead. A night with more (nights missed,
// then a day's feed) moves it by its dates, and a move that would evict
// much of the state is the eviction guard's to judge (package nightly).
const MaxClockStep = 48 * time.Hour

// MinClockBulk is how many dated new articles a night needs to move the
// clock further than MaxClockStep.
const MinClockBulk = 3

// Tonight is a night decided against the state, ready to commit.
type Tonight struct {
	Night   Night         // its record, but for what Commit fills in
	Result  *dedup.Result // for the outputs: the clusters that gained a member tonight, with their documents only
	New     []Article     // tonight's articles to add
	Changed []string      // IDs the state had with other text (the first MaxChanged)
	Retry   bool          // the articles of the last committed night again: restore its outputs, change nothing
	// Copies read again: articles the state has, with the same text,
	// hidden on an earlier night (the first MaxChanged); drop.txt hides
	// them again.
	Rehidden []string
	// The editors' decisions after tonight (the state's and tonight's
	// file's), whether they differ from the state's, and the stored copies
	// they un-hide tonight.
	Decisions        []decisions.Decision
	DecisionsChanged bool
	Unhidden         []string

	ahead *ahead // New's segment, being written
}

// NightKey identifies a night's articles, whatever their order: the
// SHA-256 of their IDs and text hashes, sorted by ID then hash. A re-fetch
// of the same night in another order has the same key.
func NightKey(res *dedup.Result) string {
	type entry struct {
		id   string
		hash uint32
	}
	es := make([]entry, len(res.Docs))
	for i, d := range res.Docs {
		es[i] = entry{d.ID, res.TextHashes[i]}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return cmp.Compare(a.hash, b.hash)
	})
	h := sha256.New()
	var b []byte
	for _, e := range es {
		b = binary.AppendUvarint(b[:0], uint64(len(e.id)))
		b = append(b, e.id...)
		b = binary.LittleEndian.AppendUint32(b, e.hash)
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Night decides tonight's articles, res (dedup.Read with Config.Remember),
// against the state, with cfg (the parameters CheckParams accepted) and
// keep (Commit's). clock is the night's time (--night); zero: the latest
// publication date among tonight's new articles that is at most MaxAhead
// after their median (a far-future date does not move the clock), or the
// last night's clock if later or none is dated. Tonight's articles
// published before the cutoff this night applies (older than keep) are
// neither matched nor remembered: they are kept, and counted.
func (s *State) Night(cfg dedup.Config, res *dedup.Result, clock time.Time, keep time.Duration) *Tonight {
	start := time.Now()
	key := NightKey(res)
	changed := cfg.Decisions != nil && !decisions.Equal(cfg.Decisions.List(), s.Manifest.Decisions)
	if last := s.Last(); last != nil && last.Key == key && !changed {
		return &Tonight{Night: *last, Retry: true}
	}
	lap := lapper(res)
	n := s.newNight(cfg, res, key)
	n.decide()
	n.classify()
	n.setClock(clock)
	n.leaveTooOld(keep)
	n.count()
	lap("load_state_counts", start)
	start = time.Now()
	n.candidates()
	lap("candidates", start)
	start = time.Now()
	n.verify()
	n.group()
	n.assign()
	n.storedClusters()
	n.remember()
	out := n.outputs()
	lap("cluster", start)
	n.t.Result = out
	n.t.Result.Stages = res.Stages
	return n.t
}

// lapper returns a function that appends a timed stage to res.
func lapper(res *dedup.Result) func(name string, since time.Time) {
	return func(name string, since time.Time) {
		res.Stages = append(res.Stages, dedup.Stage{Name: name, Seconds: time.Since(since).Seconds()})
	}
}
