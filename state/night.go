package state

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
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
//     tonight's hidden articles only. A cluster's stable ID is its canonical
//     article's ID: it never changes, and it is never given to another
//     cluster while the IDs of articles are unique.

// MaxChanged bounds how many changed-text IDs a night lists; all are
// counted.
const MaxChanged = 1000

// MaxAhead bounds how far after the median date of a night's new articles
// a date may lie and still set the night's clock: one article dated 9999
// (a typo, an embargo) must not age the whole state out.
const MaxAhead = 48 * time.Hour

// Tonight is a night decided against the state, ready to commit.
type Tonight struct {
	Night   Night         // its record, but for what Commit fills in
	Result  *dedup.Result // for the outputs: the clusters that gained a member tonight, with their documents only
	New     []Article     // tonight's articles to add
	Changed []string      // IDs the state had with other text (the first MaxChanged)
	Retry   bool          // the articles of the last committed night again: restore its outputs, change nothing

	ahead *ahead // New's segment, being written
}

// NightKey identifies a night's articles: the SHA-256 of their IDs and
// text hashes in input order.
func NightKey(res *dedup.Result) string {
	h := sha256.New()
	var b []byte
	for i, d := range res.Docs {
		b = binary.AppendUvarint(b[:0], uint64(len(d.ID)))
		b = append(b, d.ID...)
		b = binary.LittleEndian.AppendUint32(b, res.TextHashes[i])
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
	if last := s.Last(); last != nil && last.Key == key {
		return &Tonight{Night: *last, Retry: true}
	}
	nOld := s.Len()
	t := &Tonight{Night: Night{Key: key, Read: res.Stats.Read}}
	if last := s.Last(); last != nil {
		t.Night.Night = last.Night + 1
	} else {
		t.Night.Night = 1
	}
	// Which of tonight's articles are new.
	isNew := make([]bool, len(res.Docs))
	var dates []int64
	for j := range res.Docs {
		d := &res.Docs[j]
		if i, ok := s.find(d.ID); ok {
			if s.recs[i].textHash == res.TextHashes[j] {
				t.Night.Already++
			} else {
				t.Night.Changed++
				if len(t.Changed) < MaxChanged {
					t.Changed = append(t.Changed, d.ID)
				}
			}
			continue
		}
		if res.Evidence[j].Shingles == 0 {
			continue // no words: cannot match, nothing to remember
		}
		isNew[j] = true
		if p := res.Evidence[j].Published; p != cluster.Undated {
			dates = append(dates, p)
		} else {
			t.Night.Undated++
		}
	}
	latest := s.Manifest.Clock
	if !clock.IsZero() {
		latest = max(latest, clock.Unix())
	} else if len(dates) > 0 {
		slices.Sort(dates)
		limit := dates[(len(dates)-1)/2] + int64(MaxAhead/time.Second) // the lower median
		for _, p := range dates {
			if p <= limit {
				latest = max(latest, p)
			} else {
				t.Night.Ahead++
			}
		}
	}
	t.Night.Clock = latest
	if latest != 0 { // 0: no dated article yet, and no --night
		t.Night.Date = time.Unix(latest, 0).UTC().Format(time.DateOnly)
	}
	// Articles already older than keep would be decided and forgotten at
	// once, and decided again if sent again: they are kept, unmatched.
	cutoff := s.cutoffAt(latest, keep)
	for j := range res.Docs {
		if !isNew[j] {
			continue
		}
		if p := res.Evidence[j].Published; p != cluster.Undated && p < cutoff {
			isNew[j] = false
			t.Night.TooOld++
			continue
		}
		t.Night.New++
	}

	// The rules weigh by counts over the state and tonight.
	rules := cfg.Rules
	if rules.Threshold == 0 {
		rules.Threshold = cfg.LSH.Threshold
	}
	counts := dedup.NewCorpusCounts(rules)
	var words, sentences []uint32
	for i := range s.recs {
		if s.recs[i].short && (rules.Subject > 0 || rules.FurnitureMin > 0) {
			b := s.rec(i)
			r, _ := scanRecord(s.namesOf(i), b)
			words = r.wordsOf(b, words[:0])
			about, sent, err := cluster.CountsOf(b[r.evidence:], sentences[:0])
			if err != nil {
				panic("state: evidence checked at load no longer reads: " + err.Error())
			}
			sentences = sent
			counts.AddCounted(words, about, sentences)
		}
	}
	for j := range res.Docs {
		if isNew[j] {
			counts.AddStored(res.Words[j], &res.Evidence[j])
		}
	}
	rules = counts.Rules(rules)

	// Each stored article's canonical: itself if kept, -1 when its
	// canonical has left (found at load).
	canon := func(i int) int32 { return s.recs[i].canon }
	oldSigs := make([][]uint16, nOld)
	for i := range s.recs {
		if canon(i) >= 0 {
			oldSigs[i] = s.signature(i)
		}
	}
	newSigs := make([][]uint16, len(res.Docs))
	for j := range res.Docs {
		if isNew[j] {
			newSigs[j] = res.Evidence[j].Signature
		}
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = 2
	}
	lap := lapper(res)
	lap("load_state_counts", start)
	start = time.Now()
	pairs := lsh.CandidatesAgainst(cfg.LSH, oldSigs, newSigs, workers)
	lap("candidates", start)
	start = time.Now()

	// Documents: the state's 0..nOld-1, tonight's after them.
	ev := func(k int) *cluster.Evidence {
		if k < nOld {
			return s.evidence(k)
		}
		return &res.Evidence[k-nOld]
	}
	item := func(k int) cluster.Item {
		if k < nOld {
			return cluster.Item{ID: s.idOf(k), Published: s.published(k), Length: int(s.recs[k].length)}
		}
		d := &res.Docs[k-nOld]
		return cluster.Item{ID: d.ID, Published: d.Published, Length: int(d.Length)}
	}
	// A long stored article's evidence is made on the stack for a check.
	check := func(a, b int) cluster.Match {
		var ea, eb cluster.Evidence
		pa, pb := &ea, &eb
		if a < nOld {
			pa = s.evidenceInto(a, pa)
		} else {
			pa = &res.Evidence[a-nOld]
		}
		if b < nOld {
			pb = s.evidenceInto(b, pb)
		} else {
			pb = &res.Evidence[b-nOld]
		}
		return rules.Check(pa, pb)
	}
	// The candidates are verified on every worker at once (the rules only
	// read), then joined in order.
	ok := make([]bool, len(pairs))
	var wg sync.WaitGroup
	chunk := (len(pairs) + workers - 1) / workers
	for lo := 0; lo < len(pairs); lo += chunk {
		wg.Go(func() {
			for i := lo; i < min(lo+chunk, len(pairs)); i++ {
				ok[i] = check(pairs[i].A, pairs[i].B).Verified
			}
		})
	}
	wg.Wait()
	uf := newUnionFind()
	verified := 0
	var edges []lsh.Pair // verified pairs of two of tonight's
	for i, p := range pairs {
		a := p.A
		if a < nOld {
			a = int(canon(a))
		}
		if !ok[i] {
			continue
		}
		verified++
		uf.union(a, p.B)
		if p.A >= nOld {
			edges = append(edges, p)
		}
	}

	// Groups: tonight's articles and stored canonicals joined by verified
	// pairs, in the order of their first article of tonight.
	type group struct {
		olds, news []int
	}
	groups := map[int]*group{}
	var order []int
	for j := range res.Docs {
		if !isNew[j] {
			continue
		}
		r := uf.find(nOld + j)
		g := groups[r]
		if g == nil {
			g = &group{}
			groups[r] = g
			order = append(order, r)
		}
		g.news = append(g.news, nOld+j)
	}
	for _, p := range pairs {
		if p.A < nOld && canon(p.A) >= 0 {
			c := int(canon(p.A))
			if g := groups[uf.find(c)]; g != nil && !slices.Contains(g.olds, c) {
				g.olds = append(g.olds, c)
			}
		}
	}

	// The verified pairs of two of tonight's articles, by group (both ends
	// are in the same one).
	edgesOf := map[int][]lsh.Pair{}
	for _, e := range edges {
		r := uf.find(e.A)
		edgesOf[r] = append(edgesOf[r], e)
	}

	assigned := map[int]int{}          // tonight's doc → its canonical
	matches := map[int]cluster.Match{} // tonight's member → its match
	var clusters []cluster.Cluster     // doc indices in the combined numbering
	gained := map[int][]cluster.Member{}
	var gainedOrder []int
	for _, r := range order {
		g := groups[r]
		if len(g.olds)+len(g.news) < 2 {
			continue
		}
		slices.SortFunc(g.olds, func(a, b int) int { return cluster.Prefer(item(a), item(b)) })
		rest := g.news
		for _, c := range g.olds {
			var left []int
			for _, d := range rest {
				m := check(c, d)
				if !m.Verified && cfg.AntiChain {
					left = append(left, d)
					continue
				}
				assigned[d], matches[d] = c, m
				if _, ok := gained[c]; !ok {
					gainedOrder = append(gainedOrder, c)
				}
				gained[c] = append(gained[c], cluster.Member{Doc: d, Match: m})
			}
			rest = left
		}
		if len(rest) < 2 {
			continue
		}
		// The rest cluster among themselves, as a plain run would.
		local := map[int]int{}
		for i, d := range rest {
			local[d] = i
		}
		var lp []lsh.Pair
		for _, e := range edgesOf[r] {
			a, okA := local[e.A]
			b, okB := local[e.B]
			if okA && okB {
				lp = append(lp, lsh.Pair{A: a, B: b})
			}
		}
		built := cluster.Build(len(rest), func(i int) cluster.Item { return item(rest[i]) }, lp, cluster.Options{
			Verify:    func(a, b int) cluster.Match { return check(rest[a], rest[b]) },
			AntiChain: cfg.AntiChain,
			Linkage:   cfg.Rules.Linkage(),
		})
		for _, c := range built.Clusters {
			for i := range c.Members {
				c.Members[i].Doc = rest[c.Members[i].Doc]
			}
			canonical := c.Members[0].Doc
			for _, m := range c.Members[1:] {
				assigned[m.Doc], matches[m.Doc] = canonical, m.Match
			}
			clusters = append(clusters, c)
		}
	}

	// Stored clusters that gained members: the canonical, its stored
	// members, tonight's.
	if len(gainedOrder) > 0 {
		storedMembers := map[int32][]int{}
		for _, c := range gainedOrder {
			storedMembers[int32(c)] = nil
		}
		for i := range s.recs {
			if c := canon(i); c >= 0 && c != int32(i) {
				if l, ok := storedMembers[c]; ok {
					storedMembers[c] = append(l, i)
				}
			}
		}
		for _, c := range gainedOrder {
			members := []cluster.Member{{Doc: c, Match: cluster.Match{Jaccard: 1, Containment: 1, Figures: -1, P: -1, Verified: true, Reason: cluster.Canonical}, Linkage: -1}}
			for _, i := range storedMembers[int32(c)] {
				members = append(members, cluster.Member{Doc: i, Match: s.match(i)})
			}
			members = append(members, gained[c]...)
			ids := make(map[int]string, len(members))
			for _, m := range members {
				ids[m.Doc] = item(m.Doc).ID
			}
			slices.SortFunc(members[1:], func(x, y cluster.Member) int {
				if c := cmp.Compare(y.Match.Jaccard, x.Match.Jaccard); c != 0 {
					return c
				}
				return strings.Compare(ids[x.Doc], ids[y.Doc])
			})
			clusters = append(clusters, cluster.Cluster{Members: members})
		}
	}
	canonIDs := make(map[int]string, len(clusters))
	for _, c := range clusters {
		canonIDs[c.Canonical()] = item(c.Canonical()).ID
	}
	slices.SortFunc(clusters, func(x, y cluster.Cluster) int {
		if c := cmp.Compare(len(y.Members), len(x.Members)); c != 0 {
			return c
		}
		return strings.Compare(canonIDs[x.Canonical()], canonIDs[y.Canonical()])
	})

	// Tonight's articles as the state keeps them.
	t.New = make([]Article, 0, t.Night.New)
	for j := range res.Docs {
		if !isNew[j] {
			continue
		}
		d := &res.Docs[j]
		a := Article{ID: d.ID, Title: d.Title, Source: d.Source, Length: d.Length, Night: t.Night.Night,
			TextHash: res.TextHashes[j], Words: res.Words[j], Evidence: res.Evidence[j]}
		if c, ok := assigned[nOld+j]; ok {
			a.Canonical, a.Match = item(c).ID, matches[nOld+j]
			t.Night.Duplicates++
		}
		t.New = append(t.New, a)
	}
	if len(t.New) > 0 {
		t.ahead = s.writeAhead(t.Night.Night, cfg.LSH.Hashes, t.New)
	}
	t.Night.Clusters = len(clusters)
	if t.Night.New > 0 {
		t.Night.Rate = float64(t.Night.Duplicates) / float64(t.Night.New)
	}

	// The outputs' Result holds the clusters' documents only.
	out := &dedup.Result{Rules: rules, Stats: res.Stats, Skips: res.Skips, Unspaced: res.Unspaced, Workers: res.Workers,
		Candidates: len(pairs), Verified: verified, Stages: res.Stages, Night: t.Night.Night,
		NightDates: map[int32]string{t.Night.Night: t.Night.Date}}
	for _, n := range s.Manifest.Nights {
		out.NightDates[n.Night] = n.Date
	}
	index := map[int]int{}
	for ci := range clusters {
		c := &clusters[ci]
		for mi := range c.Members {
			k := c.Members[mi].Doc
			if _, ok := index[k]; !ok {
				index[k] = len(out.Docs)
				if k < nOld {
					out.Docs = append(out.Docs, s.doc(k))
					out.Nights = append(out.Nights, s.recs[k].night)
					if res.Texts != nil {
						out.Texts = append(out.Texts, "") // the state keeps no texts
					}
				} else {
					out.Docs = append(out.Docs, res.Docs[k-nOld])
					out.Nights = append(out.Nights, t.Night.Night)
					if res.Texts != nil {
						out.Texts = append(out.Texts, res.Texts[k-nOld])
					}
				}
				e := *ev(k)
				if k < nOld {
					e.Signature = slices.Clone(e.Signature) // the state's lies in its mapping until Close
				}
				out.Evidence = append(out.Evidence, e)
			}
			c.Members[mi].Doc = index[k]
		}
		out.ClusterIDs = append(out.ClusterIDs, out.Docs[c.Members[0].Doc].ID)
	}
	out.Clusters = clusters
	lap("cluster", start)
	t.Result = out
	t.Result.Stages = res.Stages
	return t
}

// lapper returns a function that appends a timed stage to res.
func lapper(res *dedup.Result) func(name string, since time.Time) {
	return func(name string, since time.Time) {
		res.Stages = append(res.Stages, dedup.Stage{Name: name, Seconds: time.Since(since).Seconds()})
	}
}

// unionFind is a disjoint-set forest over ints, sparse: tonight touches few
// of the state's articles.
type unionFind struct{ parent map[int]int }

func newUnionFind() *unionFind { return &unionFind{parent: map[int]int{}} }

func (u *unionFind) find(x int) int {
	for {
		p, ok := u.parent[x]
		if !ok || p == x {
			return x
		}
		gp, ok := u.parent[p]
		if ok {
			u.parent[x] = gp
		}
		x = p
	}
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra > rb { // the smaller number is the root: deterministic
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}
