package state

import (
	"slices"
	"sync"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
)

// night is one night being decided (State.Night), step by step: each
// method below is one step, in the order Night calls them, reading what
// the steps before it left in the struct. Documents are numbered across
// the state and tonight: the state's 0..nOld-1, tonight's j at nOld+j.
type night struct {
	s   *State
	cfg dedup.Config
	res *dedup.Result // tonight's articles (dedup.Read with Config.Remember)
	t   *Tonight      // what the night decides

	nOld  int
	isNew []bool  // by tonight's article: matched and remembered tonight
	dates []int64 // the new articles' publication dates, for the clock

	rules     cluster.Rules // with the counts over the state and tonight
	pairs     []lsh.Pair    // candidates: (stored or tonight's, tonight's)
	verified  int
	uf        *cluster.UnionFind // stored canonicals and tonight's, joined by verified pairs
	decided   *decisions.Set     // the editors' decisions, when there are any
	edges     []lsh.Pair         // verified pairs of two of tonight's
	sameAs    []lsh.Pair         // pairs decided the same story, one of tonight's in each: (stored canonical or tonight's, tonight's)
	nearPairs []lsh.Pair         // candidates at or near the model's cut (dedup.NearBelow): the report's near misses where the two end apart
	same      map[int][]int      // sameTonight's, once made
	groups    map[int]*group
	order     []int // the groups' roots, in the order of their first article of tonight

	assigned    map[int]int           // tonight's member → its canonical
	matches     map[int]cluster.Match // tonight's member → its match
	clusters    []cluster.Cluster     // the clusters that gained a member tonight
	gained      map[int][]cluster.Member
	gainedOrder []int // stored canonicals that gained members, in the order they did
}

// group is tonight's articles and the stored canonicals that verified
// pairs join.
type group struct {
	olds, news []int
}

func (s *State) newNight(cfg dedup.Config, res *dedup.Result, key string) *night {
	n := &night{s: s, cfg: cfg, res: res, t: &Tonight{Night: Night{Key: key, Read: res.Stats.Read}}, nOld: s.Len()}
	if last := s.Last(); last != nil {
		n.t.Night.Night = last.Night + 1
	} else {
		n.t.Night.Night = 1
	}
	return n
}

// classify finds which of tonight's articles are new: an ID the state
// has is counted as already there (same text) or changed (other text),
// and an article without words cannot match and is not remembered.
func (n *night) classify() {
	s, res, t := n.s, n.res, n.t
	n.isNew = make([]bool, len(res.Docs))
	for j := range res.Docs {
		d := &res.Docs[j]
		if i, ok := s.find(d.ID); ok {
			if s.recs[i].textHash == res.TextHashes[j] {
				t.Night.Already++
				if s.recs[i].canon != int32(i) { // a copy, hidden on its night (and not un-hidden since)
					t.Night.Rehidden++
					if len(t.Rehidden) < MaxChanged {
						t.Rehidden = append(t.Rehidden, d.ID)
					}
				}
			} else {
				t.Night.Changed++
				if len(t.Changed) < MaxChanged {
					t.Changed = append(t.Changed, d.ID)
				}
			}
			continue
		}
		if res.Evidence[j].Shingles == 0 {
			continue
		}
		n.isNew[j] = true
		if p := res.Evidence[j].Published; p != cluster.Undated {
			n.dates = append(n.dates, p)
		} else {
			t.Night.Undated++
		}
	}
}

// setClock sets the night's clock: --night when given, else the latest
// new publication date at most MaxAhead after their lower median (and, in
// a night of fewer than MinClockBulk dated ones, at most MaxClockStep
// after the last night's clock); never before the last night's.
func (n *night) setClock(clock time.Time) {
	t := n.t
	latest := n.s.Manifest.Clock
	if !clock.IsZero() {
		latest = max(latest, clock.Unix())
	} else if len(n.dates) > 0 {
		dates := slices.Clone(n.dates)
		slices.Sort(dates)
		limit := dates[(len(dates)-1)/2] + int64(MaxAhead/time.Second) // the lower median
		if prev := n.s.Manifest.Clock; n.s.Manifest.Generation > 0 && prev != 0 && len(dates) < MinClockBulk {
			limit = min(limit, prev+int64(MaxClockStep/time.Second))
		}
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
}

// leaveTooOld keeps, unmatched and unremembered, tonight's articles
// already older than keep at the night's clock: they would be decided and
// forgotten at once, and decided again if sent again.
func (n *night) leaveTooOld(keep time.Duration) {
	cutoff := n.s.Manifest.cutoffAt(n.t.Night.Clock, keep)
	for j := range n.res.Docs {
		if !n.isNew[j] {
			continue
		}
		if p := n.res.Evidence[j].Published; p != cluster.Undated && p < cutoff {
			n.isNew[j] = false
			n.t.Night.TooOld++
			continue
		}
		n.t.Night.New++
	}
}

// count sets the rules' corpus counts over the state and tonight's new
// articles.
func (n *night) count() {
	s, res := n.s, n.res
	rules := n.cfg.Rules
	if rules.Threshold == 0 {
		rules.Threshold = n.cfg.LSH.Threshold
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
		if n.isNew[j] {
			counts.AddStored(res.Words[j], &res.Evidence[j])
		}
	}
	n.rules = counts.Rules(rules)
}

// canon is a stored article's canonical: itself if kept, -1 when its
// canonical has left the state (found at load).
func (n *night) canon(i int) int32 { return n.s.recs[i].canon }

func (n *night) workers() int {
	if n.cfg.Workers <= 0 {
		return 2
	}
	return n.cfg.Workers
}

// candidates finds the pairs one LSH index over the stored canonicals and
// tonight's new articles would give that involve tonight's.
func (n *night) candidates() {
	oldSigs := make([][]uint16, n.nOld)
	for i := range n.s.recs {
		if n.canon(i) >= 0 {
			oldSigs[i] = n.s.signature(i)
		}
	}
	newSigs := make([][]uint16, len(n.res.Docs))
	for j := range n.res.Docs {
		if n.isNew[j] {
			newSigs[j] = n.res.Evidence[j].Signature
		}
	}
	n.pairs = lsh.CandidatesAgainst(n.cfg.LSH, oldSigs, newSigs, n.workers())
}

// evidence is document k's evidence (a stored one's with its signature in
// the state's mapping).
func (n *night) evidence(k int) *cluster.Evidence {
	if k < n.nOld {
		return n.s.evidence(k)
	}
	return &n.res.Evidence[k-n.nOld]
}

// item is what clustering needs of document k.
func (n *night) item(k int) cluster.Item {
	if k < n.nOld {
		return cluster.Item{ID: n.s.idOf(k), Published: n.s.published(k), Length: int(n.s.recs[k].length)}
	}
	d := &n.res.Docs[k-n.nOld]
	return cluster.Item{ID: d.ID, Published: d.Published, Length: int(d.Length)}
}

// id is document k's ID.
func (n *night) id(k int) string {
	if k < n.nOld {
		return n.s.idOf(k)
	}
	return n.res.Docs[k-n.nOld].ID
}

// check verifies documents a and b; a long stored article's evidence is
// made on the stack.
func (n *night) check(a, b int) cluster.Match {
	var ea, eb cluster.Evidence
	pa, pb := &ea, &eb
	if a < n.nOld {
		pa = n.s.evidenceInto(a, pa)
	} else {
		pa = &n.res.Evidence[a-n.nOld]
	}
	if b < n.nOld {
		pb = n.s.evidenceInto(b, pb)
	} else {
		pb = &n.res.Evidence[b-n.nOld]
	}
	m := n.rules.Check(pa, pb)
	if n.decided != nil {
		if d, ok := n.decided.Lookup(n.item(a).ID, n.item(b).ID); ok {
			if d.Label == decisions.Same {
				m.Verified, m.Reason = true, cluster.ByEditor
			} else {
				m.Verified, m.Reason = false, cluster.EditorApart
			}
		}
	}
	return m
}

// decide applies tonight's decisions (the state's with tonight's file's
// over them, cfg.Decisions) to the stored articles: a stored copy decided
// apart from its canonical is kept from tonight on, listed as un-hidden.
// A decision is final for articles decided on earlier nights otherwise:
// a stored kept article decided the same as another stays kept.
func (n *night) decide() {
	set := n.cfg.Decisions
	if set == nil || set.Len() == 0 {
		return
	}
	n.decided = set
	n.t.Decisions = set.List()
	n.t.DecisionsChanged = !decisions.Equal(set.List(), n.s.Manifest.Decisions)
	n.t.Unhidden = n.s.unhide(set)
	n.t.Night.Unhidden = len(n.t.Unhidden)
}

// verify checks the candidates on every worker at once (the rules only
// read), then joins the verified ones in order: a stored article through
// its canonical.
func (n *night) verify() {
	pairs, workers := n.pairs, n.workers()
	ok, near := make([]bool, len(pairs)), make([]bool, len(pairs))
	floor := 2.0 // no model: no near misses
	if model := n.rules.Model; model != nil {
		floor = model.Cut - dedup.NearBelow
	}
	var wg sync.WaitGroup
	chunk := (len(pairs) + workers - 1) / workers
	for lo := 0; lo < len(pairs); lo += chunk {
		wg.Go(func() {
			for i := lo; i < min(lo+chunk, len(pairs)); i++ {
				m := n.check(pairs[i].A, pairs[i].B)
				ok[i] = m.Verified
				near[i] = m.P >= floor && m.Reason != cluster.EditorApart // a near miss if the two end apart
			}
		})
	}
	wg.Wait()
	for i, p := range pairs {
		if near[i] {
			n.nearPairs = append(n.nearPairs, p)
		}
	}
	n.uf = cluster.NewUnionFind(n.nOld + len(n.res.Docs))
	for i, p := range pairs {
		a := p.A
		if a < n.nOld {
			a = int(n.canon(a))
		}
		if !ok[i] {
			continue
		}
		n.verified++
		n.uf.Union(a, p.B)
		if p.A >= n.nOld {
			n.edges = append(n.edges, p)
		}
	}
	n.joinDecided()
}

// joinDecided joins, as a verified pair does, two articles an editor
// decided are the same story when one of them is new tonight (a stored
// article through its canonical): LSH need not have proposed them, and a
// must-link decision holds even where the texts do not match. Two stored
// articles stay as they are (decisions are final).
func (n *night) joinDecided() {
	if n.decided == nil {
		return
	}
	tonight := map[string]int{}
	for j, d := range n.res.Docs {
		if n.isNew[j] {
			tonight[d.ID] = n.nOld + j
		}
	}
	at := func(id string) (int, bool) {
		if k, ok := tonight[id]; ok {
			return k, true
		}
		if i, ok := n.s.find(id); ok && n.canon(i) >= 0 {
			return int(n.canon(i)), true
		}
		return 0, false
	}
	for _, d := range n.decided.List() {
		_, newA := tonight[d.A]
		_, newB := tonight[d.B]
		if d.Label != decisions.Same || !newA && !newB {
			continue
		}
		a, okA := at(d.A)
		b, okB := at(d.B)
		if !okA || !okB || a == b {
			continue
		}
		n.uf.Union(a, b)
		n.sameAs = append(n.sameAs, lsh.Pair{A: min(a, b), B: max(a, b)})
	}
}

// group gathers tonight's articles and the stored canonicals joined by
// verified pairs, in the order of their first article of tonight.
func (n *night) group() {
	n.groups = map[int]*group{}
	for j := range n.res.Docs {
		if !n.isNew[j] {
			continue
		}
		r := n.uf.Find(n.nOld + j)
		g := n.groups[r]
		if g == nil {
			g = &group{}
			n.groups[r] = g
			n.order = append(n.order, r)
		}
		g.news = append(g.news, n.nOld+j)
	}
	for _, p := range slices.Concat(n.pairs, n.sameAs) {
		if p.A < n.nOld && n.canon(p.A) >= 0 {
			c := int(n.canon(p.A))
			if g := n.groups[n.uf.Find(c)]; g != nil && !slices.Contains(g.olds, c) {
				g.olds = append(g.olds, c)
			}
		}
	}
}

// assign decides each group: its stored canonicals, best first
// (cluster.Prefer), take the tonight's articles that verify against them
// (all of them without anti-chaining); the rest cluster among themselves
// as a plain run clusters (cluster.Build).
func (n *night) assign() {
	edgesOf := map[int][]lsh.Pair{} // the verified pairs of two of tonight's, by group
	for _, e := range n.edges {
		r := n.uf.Find(e.A)
		edgesOf[r] = append(edgesOf[r], e)
	}
	n.assigned, n.matches, n.gained = map[int]int{}, map[int]cluster.Match{}, map[int][]cluster.Member{}
	for _, r := range n.order {
		g := n.groups[r]
		if len(g.olds)+len(g.news) < 2 {
			continue
		}
		slices.SortFunc(g.olds, func(a, b int) int { return cluster.Prefer(n.item(a), n.item(b)) })
		rest := g.news
		for _, c := range g.olds {
			rest = n.takeInto(c, rest)
		}
		if len(rest) >= 2 {
			n.buildAmong(rest, edgesOf[r])
		}
	}
}

// takeInto gives the stored canonical c those of tonight's docs that
// verify against it (all of them without anti-chaining) and returns the
// others.
func (n *night) takeInto(c int, docs []int) []int {
	var left []int
	take := func(d int, m cluster.Match) {
		n.assigned[d], n.matches[d] = c, m
		if _, ok := n.gained[c]; !ok {
			n.gainedOrder = append(n.gainedOrder, c)
		}
		n.gained[c] = append(n.gained[c], cluster.Member{Doc: d, Match: m})
	}
	for _, d := range docs {
		m := n.check(c, d)
		if m.Reason != cluster.EditorApart && !m.Verified && slices.Contains(n.sameAs, lsh.Pair{A: c, B: d}) {
			// decided the same as a stored member of c's cluster
			m.Verified, m.Reason = true, cluster.ByEditor
		}
		if m.Reason == cluster.EditorApart || !m.Verified && n.cfg.AntiChain {
			left = append(left, d)
			continue
		}
		take(d, m)
	}
	// An article decided the same as one taken in joins too (as a batch
	// run's must-link decisions pull it in), unless decided apart from c;
	// and so on: a walk over tonight's same-story decisions from what c
	// took.
	if n.decided == nil || len(left) == 0 {
		return left
	}
	same := n.sameTonight()
	waiting := make(map[int]bool, len(left))
	for _, d := range left {
		waiting[d] = true
	}
	queue := make([]int, 0, len(n.gained[c]))
	for _, g := range n.gained[c] {
		queue = append(queue, g.Doc)
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, d := range same[t] {
			if !waiting[d] {
				continue
			}
			m := n.check(c, d)
			if m.Reason == cluster.EditorApart {
				continue
			}
			m.Verified, m.Reason = true, cluster.ByEditor
			take(d, m)
			delete(waiting, d)
			queue = append(queue, d)
		}
	}
	return slices.DeleteFunc(left, func(d int) bool { return !waiting[d] })
}

// sameTonight is, for each of tonight's articles, tonight's articles an
// editor decided are the same story, in the decisions' order; made once
// a night.
func (n *night) sameTonight() map[int][]int {
	if n.same != nil {
		return n.same
	}
	n.same = map[int][]int{}
	tonight := map[string]int{}
	for j, d := range n.res.Docs {
		if n.isNew[j] {
			tonight[d.ID] = n.nOld + j
		}
	}
	for _, d := range n.decided.List() {
		a, okA := tonight[d.A]
		b, okB := tonight[d.B]
		if d.Label == decisions.Same && okA && okB && a != b {
			n.same[a], n.same[b] = append(n.same[a], b), append(n.same[b], a)
		}
	}
	return n.same
}

// buildAmong clusters tonight's docs that no stored cluster took, over
// the verified pairs among them, as a plain run would.
func (n *night) buildAmong(rest []int, edges []lsh.Pair) {
	local := map[int]int{}
	for i, d := range rest {
		local[d] = i
	}
	var lp []lsh.Pair
	for _, e := range edges {
		a, okA := local[e.A]
		b, okB := local[e.B]
		if okA && okB {
			lp = append(lp, lsh.Pair{A: a, B: b})
		}
	}
	opts := cluster.Options{
		Verify:    func(a, b int) cluster.Match { return n.check(rest[a], rest[b]) },
		AntiChain: n.cfg.AntiChain,
		Linkage:   n.cfg.Rules.Linkage(),
	}
	if n.decided != nil {
		// Editors' decisions among tonight's: apart never together, the
		// same together even where LSH proposed no pair.
		opts.Decided = func(a, b int) (cluster.Decision, bool) {
			d, ok := n.decided.Lookup(n.item(rest[a]).ID, n.item(rest[b]).ID)
			if !ok {
				return cluster.Decision{}, false
			}
			return cluster.Decision{Same: d.Label == decisions.Same, Note: d.Note()}, true
		}
		at := make(map[string]int, len(rest))
		for i, d := range rest {
			at[n.item(d).ID] = i
		}
		for _, d := range n.decided.List() {
			x, okA := at[d.A]
			y, okB := at[d.B]
			if !okA || !okB {
				continue
			}
			opts.DecidedDocs = append(opts.DecidedDocs, x, y)
			if d.Label == decisions.Same {
				opts.Linked = append(opts.Linked, lsh.Pair{A: min(x, y), B: max(x, y)})
			}
		}
		if opts.DecidedDocs == nil {
			opts.DecidedDocs = []int{} // none among tonight's: Decided is never asked
		}
		slices.SortFunc(opts.Linked, lsh.ComparePairs)
	}
	built := cluster.Build(len(rest), func(i int) cluster.Item { return n.item(rest[i]) }, lp, opts)
	for _, c := range built.Clusters {
		for i := range c.Members {
			c.Members[i].Doc = rest[c.Members[i].Doc]
		}
		canonical := c.Members[0].Doc
		for _, m := range c.Members[1:] {
			n.assigned[m.Doc], n.matches[m.Doc] = canonical, m.Match
		}
		n.clusters = append(n.clusters, c)
	}
}

// storedClusters adds the stored clusters that gained members tonight:
// the canonical, its stored members, tonight's; then orders all clusters
// as a plain run does (largest first, then by canonical ID).
func (n *night) storedClusters() {
	if len(n.gainedOrder) > 0 {
		storedMembers := map[int32][]int{}
		for _, c := range n.gainedOrder {
			storedMembers[int32(c)] = nil
		}
		for i := range n.s.recs {
			if c := n.canon(i); c >= 0 && c != int32(i) {
				if l, ok := storedMembers[c]; ok {
					storedMembers[c] = append(l, i)
				}
			}
		}
		for _, c := range n.gainedOrder {
			members := []cluster.Member{cluster.CanonicalMember(c)}
			for _, i := range storedMembers[int32(c)] {
				members = append(members, cluster.Member{Doc: i, Match: n.s.match(i)})
			}
			members = append(members, n.gained[c]...)
			cluster.SortMembers(members, n.id)
			n.clusters = append(n.clusters, cluster.Cluster{Members: members})
		}
	}
	cluster.SortClusters(n.clusters, n.id)
}

// remember makes tonight's new articles as the state keeps them, with
// their decisions, and starts writing their segment ahead of Commit.
func (n *night) remember() {
	t, res := n.t, n.res
	t.New = make([]Article, 0, t.Night.New)
	for j := range res.Docs {
		if !n.isNew[j] {
			continue
		}
		d := &res.Docs[j]
		a := Article{ID: d.ID, Title: d.Title, Source: d.Source, Length: d.Length, Night: t.Night.Night,
			TextHash: res.TextHashes[j], Words: res.Words[j], Evidence: res.Evidence[j]}
		if c, ok := n.assigned[n.nOld+j]; ok {
			a.Canonical, a.Match = n.item(c).ID, n.matches[n.nOld+j]
			t.Night.Duplicates++
		}
		t.New = append(t.New, a)
	}
	if len(t.New) > 0 {
		t.ahead = n.s.writeAhead(t.Night.Night, n.cfg.LSH.Hashes, t.New)
	}
	t.Night.Clusters = len(n.clusters)
	if t.Night.New > 0 {
		t.Night.Rate = float64(t.Night.Duplicates) / float64(t.Night.New)
	}
}

// outputs makes the Result the night's outputs are written from: the
// clusters' documents only, renumbered, with the night each arrived.
func (n *night) outputs() *dedup.Result {
	s, res, t := n.s, n.res, n.t
	out := &dedup.Result{Rules: n.rules, Stats: res.Stats, Skips: res.Skips, Unspaced: res.Unspaced, Workers: res.Workers,
		Candidates: len(n.pairs), Verified: n.verified, Stages: res.Stages}
	nv := &dedup.NightView{Tonight: t.Night.Night, Dates: map[int32]string{t.Night.Night: t.Night.Date}, Rehidden: t.Rehidden}
	out.Night = nv
	for _, nt := range s.Manifest.Nights {
		nv.Dates[nt.Night] = nt.Date
	}
	index := map[int]int{}
	add := func(k int) int {
		if i, ok := index[k]; ok {
			return i
		}
		index[k] = len(out.Docs)
		if k < n.nOld {
			out.Docs = append(out.Docs, s.doc(k))
			nv.Arrived = append(nv.Arrived, s.recs[k].night)
			if res.Texts != nil {
				out.Texts = append(out.Texts, "") // the state keeps no texts
			}
		} else {
			out.Docs = append(out.Docs, res.Docs[k-n.nOld])
			nv.Arrived = append(nv.Arrived, t.Night.Night)
			if res.Texts != nil {
				out.Texts = append(out.Texts, res.Texts[k-n.nOld])
			}
		}
		e := *n.evidence(k)
		if k < n.nOld {
			e.Signature = slices.Clone(e.Signature) // the state's lies in its mapping until Close
		}
		out.Evidence = append(out.Evidence, e)
		return index[k]
	}
	in := map[int]int{} // night document → its output cluster
	for ci := range n.clusters {
		c := &n.clusters[ci]
		for mi := range c.Members {
			k := c.Members[mi].Doc
			in[k] = ci
			c.Members[mi].Doc = add(k)
		}
		nv.ClusterIDs = append(nv.ClusterIDs, out.Docs[c.Members[0].Doc].ID)
	}
	out.Clusters = n.clusters
	nv.Near = n.nearMisses(in, add)
	return out
}

// nearMisses are the night's near misses (dedup.Near) in the outputs'
// numbering: candidate pairs close to the cut whose two articles are not
// in one of tonight's clusters, one of them in one; the article kept
// apart is tonight's when it is in none (its text is tonight's input's:
// the state keeps none), and add numbers it in the outputs.
func (n *night) nearMisses(in map[int]int, add func(int) int) []dedup.Near {
	var near []dedup.Near
	for _, p := range n.nearPairs {
		a, b := p.A, p.B // b is tonight's
		ca, inA := in[a]
		cb, inB := in[b]
		switch {
		case inA && inB && ca == cb, !inA && !inB, !inA && a < n.nOld:
			continue
		case !inA:
			a, b = b, a // A in a cluster; B, kept apart, is tonight's (in another cluster or none)
		}
		near = append(near, dedup.Near{A: add(a), B: add(b), Match: n.check(a, b)})
	}
	return near
}
