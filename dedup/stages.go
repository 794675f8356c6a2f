package dedup

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/decisions"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// The pipeline's stages, each callable on its own with the same Config, so
// that every pipeline built on them — Run here, a nightly run over a
// state, a distributed runner — decides exactly as the others:
//
//  1. Read and sign: an ArticleSigner turns one parsed article into its
//     Signed record (signature and the evidence verification needs);
//     CorpusCounts adds up, over all articles, what some tests weigh by
//     (word and sentence frequencies), and sets it in the Rules.
//  2. Candidates: the pairs of articles that share an LSH band.
//  3. Cluster: verification of the candidates with the Rules, then
//     clusters with their canonical members.
//
// CandidateThreshold gives the LSH threshold a Config's rules need.

// Signed is what the read stage computes of one article.
type Signed struct {
	Evidence cluster.Evidence
	Length   int32    // bytes of matched text
	Words    []uint64 // the whole words of title and lede, for CorpusCounts (short articles under the subject test)
	Unspaced bool     // mostly in scripts without spaces between words
	TextHash uint32   // with Config.Remember: TextHash of the title and text
}

// TextHash identifies an article's title and text (CRC-32C of the title, a
// zero byte and the text): a nightly state tells a re-sent ID with other
// text by it (a change goes unseen with probability 2⁻³²).
func TextHash(title, text string) uint32 {
	crc := crc32.Update(crc32.Checksum(bytesOf(title), castagnoli), castagnoli, []byte{0})
	return crc32.Update(crc, castagnoli, bytesOf(text))
}

// bytesOf views a string's bytes without copying them (once an article:
// a copy of every text only to checksum it), for a reader that never
// writes to them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ArticleSigner is the read stage for one article: strip boilerplate,
// shingle, sign, and gather the evidence the rules of cfg look at. It
// reuses buffers: one per goroutine, not safe for concurrent use.
type ArticleSigner struct {
	cfg    Config
	hasher shingle.Hasher
	signer *lsh.Signer
	title  []uint64    // the title's word hashes
	seen   [256]uint64 // a Bloom filter of the text's words, for notHeadline
}

// NewArticleSigner returns an ArticleSigner for cfg (its Shingle, LSH,
// Rules and Boilerplate).
func NewArticleSigner(cfg Config) *ArticleSigner {
	return &ArticleSigner{cfg: cfg, signer: cfg.LSH.NewSigner()}
}

// Sign computes the Signed record of d. Its Evidence holds no reference
// to d's text or to the signer's buffers.
func (a *ArticleSigner) Sign(d *corpus.Document) Signed {
	cfg := &a.cfg
	text := d.Text()
	s := Signed{Length: int32(min(len(text), math.MaxInt32))}
	if cfg.Remember {
		s.TextHash = TextHash(d.Title, text)
	}
	if cfg.Shingle.Kind == shingle.Word {
		s.Unspaced = unspaced(text)
	}
	if cfg.Boilerplate {
		text = shingle.StripBoilerplate(text)
	}
	// Long articles are signed from their shingle hashes as they come
	// (their count, duplicates included, stands for the set's size); short
	// ones, where the vetoes and exact verification look, are made a set
	// first.
	// The title's words, before the text's take the hasher's buffer.
	a.title = a.title[:0]
	if cfg.Shingle.Kind == shingle.Word && d.Body != "" && d.Title != "" {
		a.title = append(a.title, a.hasher.WordHashes(d.Title, cfg.Shingle.FoldAccents)...)
	}
	sh := a.hasher.Hashes(cfg.Shingle, text) // reused buffer: copy what is kept
	notHeadline := a.notHeadline(a.hasher.Words())
	// A story has a lede and a body: MinLedeWords word shingles or more,
	// counted as they come. (Character shingles say nothing of words: the
	// lede test and the story rule are for word shingles.)
	story := cfg.Shingle.Kind == shingle.Word && len(sh) >= cluster.MinLedeWords
	var lede cluster.Lede // the first shingles in text order, before sorting
	if cfg.Rules.Lede > 0 && story {
		lede = cluster.NewLede(sh)
	}
	short := cfg.Rules.VetoBelow == 0 || len(sh) < cfg.Rules.VetoBelow
	if short {
		slices.Sort(sh)
		sh = slices.Compact(sh)
	}
	s.Evidence = cluster.Evidence{Shingles: int32(len(sh)), Published: cluster.Undated, Lede: lede, NotHeadline: notHeadline}
	if !d.Published.IsZero() {
		s.Evidence.Published = d.Published.Unix()
	}
	if len(sh) == 0 {
		return s
	}
	s.Evidence.Signature = a.signer.Sign(sh, make([]uint16, 0, cfg.LSH.Hashes))
	if !short {
		return s
	}
	// Figures, names, the exact set, what the title and lede are about and
	// the sentences at head and tail serve the vetoes, which look only at
	// short articles.
	ev := &cluster.Short{Figures: shingle.Figures(text), Names: shingle.Names(text)}
	if cfg.Rules.VetoBelow > 0 {
		ev.Set = slices.Clone(sh)
	}
	ev.NWords = int32(min(shingle.CountWords(text), math.MaxInt32))
	if cfg.Rules.FigureOrder > 0 {
		pairs, n := shingle.FigurePairs(text)
		ev.FigurePairs, ev.NFigures = pairs, int32(min(n, math.MaxInt32))
	}
	if cfg.Rules.Subject > 0 {
		ev.About, s.Words = about(d.Title, text, d.Body == "", story, cfg.Shingle.FoldAccents)
	}
	if cfg.Rules.FurnitureMin > 0 {
		ev.Sentences = shingle.Sentences(text)
	}
	s.Evidence.Short = ev
	return s
}

// notHeadline reports whether fewer than half the title's words (a.title)
// occur among the text's words (Evidence.NotHeadline): false when either
// is unknown (no title, a title-only flash, character shingles).
// The text's words go into a Bloom filter of 16,384 bits and two bits a
// word, so a title word is wrongly found among 600 distinct words of text
// about 0.5 % of the time (a single 8,192-bit map, 7 %, let a Boston Globe
// page's masthead pass for its headline).
func (a *ArticleSigner) notHeadline(words []uint64) bool {
	if len(a.title) == 0 || len(words) == 0 {
		return false
	}
	clear(a.seen[:])
	for _, w := range words {
		i, j := w>>50, w>>36&(1<<14-1)
		a.seen[i>>6] |= 1 << (i & 63)
		a.seen[j>>6] |= 1 << (j & 63)
	}
	found := 0
	for _, w := range a.title {
		i, j := w>>50, w>>36&(1<<14-1)
		if a.seen[i>>6]&(1<<(i&63)) != 0 && a.seen[j>>6]&(1<<(j&63)) != 0 {
			found++
		}
	}
	return 2*found < len(a.title)
}

// CorpusCounts adds up, over the Signed records of a run, what the rules
// weigh by: the document frequency of title and lede words (the subject
// test's rarity) and of head and tail sentences (page furniture). Add the
// records in any order; the counts are the same.
type CorpusCounts struct {
	vocab     *cluster.Vocabulary
	furniture *cluster.Furniture
}

// NewCorpusCounts returns empty counts for what rules look at.
func NewCorpusCounts(rules cluster.Rules) *CorpusCounts {
	c := &CorpusCounts{}
	if rules.Subject > 0 {
		c.vocab = cluster.NewVocabulary()
	}
	if rules.FurnitureMin > 0 {
		c.furniture = cluster.NewFurniture(rules.FurnitureMin)
	}
	return c
}

// Add counts one article.
func (c *CorpusCounts) Add(s *Signed) {
	short := s.Evidence.Short
	if short == nil {
		return
	}
	if c.vocab != nil && short.About != nil {
		c.vocab.Add(s.Words)
	}
	if c.furniture != nil {
		c.furniture.Add(short.Sentences)
	}
}

// AddStored counts one article from what a state keeps of it: the
// words of its Signed record (low 32 bits, as Result.Words has them) and
// its evidence. The counts are those Add gives.
func (c *CorpusCounts) AddStored(words []uint32, ev *cluster.Evidence) {
	if short := ev.Short; short != nil {
		c.AddCounted(words, short.About != nil, short.Sentences)
	}
}

// AddCounted is AddStored from what cluster.CountsOf reads of a stored
// article's evidence: whether it has About evidence, and its sentences.
func (c *CorpusCounts) AddCounted(words []uint32, about bool, sentences []uint32) {
	if c.vocab != nil && about {
		w64 := make([]uint64, len(words))
		for i, w := range words {
			w64[i] = uint64(w)
		}
		c.vocab.Add(w64)
	}
	if c.furniture != nil {
		c.furniture.Add(sentences)
	}
}

// Rules returns rules with the counts they use set.
func (c *CorpusCounts) Rules(rules cluster.Rules) cluster.Rules {
	if rules.Subject > 0 {
		rules.Vocabulary = c.vocab
	}
	if rules.FurnitureMin > 0 {
		rules.Furniture = c.furniture
	} else {
		rules.Furniture = nil
	}
	return rules
}

// Candidates is the candidate stage: the pairs of articles (by index into
// evidence) whose signatures share an LSH band of params, found by
// workers goroutines; articles without shingles take no part. progress, if
// not nil, is called with the number of bands done since its last call.
// The pairs are sorted and the same for every worker count.
func Candidates(params lsh.Params, evidence []cluster.Evidence, workers int, progress func(bands int)) []lsh.Pair {
	index := lsh.NewIndex(params, len(evidence))
	for i := range evidence {
		if evidence[i].Shingles > 0 {
			index.Add(i, evidence[i].Signature)
		}
	}
	if progress == nil {
		progress = func(int) {}
	}
	return index.Candidates(workers, progress)
}

// Cluster is the verification and clustering stage: each candidate pair is
// checked with rules (cluster.Rules.Check on the two articles' evidence),
// verified pairs are joined, and clusters get their canonical member
// (cluster.Build; antiChain keeps only members verified against it).
func Cluster(docs []Doc, evidence []cluster.Evidence, rules cluster.Rules, pairs []lsh.Pair, antiChain bool) cluster.Result {
	return ClusterDecided(docs, evidence, rules, pairs, antiChain, nil)
}

// ClusterDecided is Cluster with editors' decisions bound to docs (nil:
// none): pairs decided apart never share a cluster, pairs decided the
// same do (cluster.Options.Decided).
func ClusterDecided(docs []Doc, evidence []cluster.Evidence, rules cluster.Rules, pairs []lsh.Pair, antiChain bool, decided *decisions.Bound) cluster.Result {
	item := func(i int) cluster.Item {
		d := &docs[i]
		return cluster.Item{ID: d.ID, Published: d.Published, Length: int(d.Length)}
	}
	verify := func(a, b int) cluster.Match { return rules.Check(&evidence[a], &evidence[b]) }
	opts := cluster.Options{Verify: verify, AntiChain: antiChain, Linkage: rules.Linkage()}
	if decided != nil {
		opts.Decided, opts.Linked, opts.DecidedDocs = decided.Decided, decided.Linked, decided.Docs
	}
	return cluster.Build(len(docs), item, pairs, opts)
}

// CandidateThreshold is the Jaccard similarity the LSH banding is tuned
// for under rules: the verification threshold, or with containment the
// lowest Jaccard a pair can have and still pass it, c / (1 + 1/r − c) for
// containment c of a text r times the size of the other (r from MinRatio),
// but never below 0.2: lower, banding needs rows of 2 or fewer and
// background similarity between unrelated articles floods a large corpus
// with candidates (measured in benchmarks/QUALITY.md: on Reuters, 0.11
// gives 1.8× the candidate pairs for one more dup pair).
func CandidateThreshold(rules cluster.Rules) float64 {
	t := rules.Threshold
	if rules.Containment > 0 {
		ratio := max(rules.MinRatio, 0.01)
		t = min(t, max(0.2, rules.Containment/(1+1/ratio-rules.Containment)))
	}
	return t
}

// unspacedScripts are written without spaces between words.
var unspacedScripts = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar}

// unspaced reports whether most letters in the first 256 bytes of text are
// in scripts written without spaces between words, where a word shingle
// spans a whole run of text.
func unspaced(text string) bool {
	text = text[:min(len(text), 256)]
	// ASCII text, most text, is answered eight bytes at a time.
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if binary.LittleEndian.Uint64([]byte(text[i:i+8]))&0x8080808080808080 != 0 {
			break
		}
	}
	if i+8 > len(text) && !strings.ContainsFunc(text[i:], func(r rune) bool { return r >= utf8.RuneSelf }) {
		return false
	}
	letters, unspaced := 0, 0
	for i := 0; i < len(text); {
		if c := text[i] | 0x20; text[i] < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				letters++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsLetter(r) {
			letters++
			if unicode.In(r, unspacedScripts...) {
				unspaced++
			}
		}
	}
	return 2*unspaced > letters
}

// about is the About evidence of an article: its title's subject, and the
// words and figures of its lede; and the whole words of title and lede,
// for the vocabulary. story: the article has a lede and a body (MinLedeWords
// shingles or more).
func about(title, text string, flash, story, fold bool) (*cluster.About, []uint64) {
	start := shingle.Lede(text, cluster.LedeWords)
	untitled := strings.TrimSpace(title) == ""
	if untitled {
		// No title (a scraped page, a text-only feed): the start of the
		// first line stands for it.
		first, _, _ := strings.Cut(text, "\n")
		title = shingle.Lede(first, cluster.UntitledWords)
	}
	subject := shingle.TitleSubject(title, fold)
	stems, words := shingle.WordSet(start, fold)
	for _, w := range subject.Words {
		words = append(words, w.Whole)
	}
	slices.Sort(words)
	a := &cluster.About{Subject: subject, Own: cluster.Low32(stems), OwnFigures: cluster.Low32(shingle.Figures(start)),
		Story: story, Flash: flash, Untitled: untitled}
	if !flash {
		a.Names, a.Lower = cluster.Low32(shingle.NamesFold(start, fold)), cluster.Low32(shingle.LowerWords(start, fold))
	}
	return a, slices.Compact(words)
}
