package pipeline

import (
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/shingle"
)

// Config is what the pipeline's functions need of a dedup.Config, in a
// form a runner can serialise into the pipeline (a dedup.Config holds a
// reader and a callback, and its rules the corpus counts, which the
// pipeline computes).
type Config struct {
	Inputs      []string
	Shingle     shingle.Options
	LSH         lsh.Params
	Rules       cluster.Rules // without Vocabulary and Furniture
	AntiChain   bool
	Boilerplate bool
	Fields      corpus.Fields
	MaxBytes    int
	SkipErrors  bool
	Workers     int // goroutines reading and signing one file
}

// NewConfig keeps what the pipeline needs of cfg (built by
// internal/matchflags, as neardup run builds it).
func NewConfig(cfg dedup.Config) Config {
	rules := cfg.Rules
	rules.Vocabulary, rules.Furniture = nil, nil
	if rules.Threshold == 0 {
		rules.Threshold = cfg.LSH.Threshold // as dedup.Run does
	}
	return Config{Inputs: cfg.Inputs, Shingle: cfg.Shingle, LSH: cfg.LSH, Rules: rules, AntiChain: cfg.AntiChain, Boilerplate: cfg.Boilerplate,
		Fields: cfg.Corpus.Fields, MaxBytes: cfg.Corpus.MaxBytes, SkipErrors: cfg.SkipErrors, Workers: max(1, cfg.Workers)}
}

// Dedup is the dedup.Config of c, for the stages and the summary.
func (c Config) Dedup() dedup.Config {
	return dedup.Config{Inputs: c.Inputs, Corpus: corpus.Options{Fields: c.Fields, MaxBytes: c.MaxBytes}, SkipErrors: c.SkipErrors,
		Shingle: c.Shingle, LSH: c.LSH, Rules: c.Rules, AntiChain: c.AntiChain, Boilerplate: c.Boilerplate, Workers: c.Workers}
}

// Keys order the articles as neardup run numbers them: an input file's
// rank (inputs in the order given, each one's files in lexical order) in
// the high bits, then the article's place among the file's documents and
// errors. Sorting by key is sorting by document number.
const (
	seqBits  = 40
	maxFiles = 1 << (64 - seqBits)
)

func key(rank int, seq uint64) uint64 { return uint64(rank)<<seqBits | seq }

// FileRef is one input file to read.
type FileRef struct {
	Rank int    // its place among all input files
	Path string // as the file system names it, for opening and positions
	Rel  string // relative to its INPUT: format and .txt IDs (corpus.ReadStream)
}

// Article is one article read and signed.
type Article struct {
	Key       uint64
	ID        string
	Title     string
	Source    string
	Dated     bool
	Sec       int64 // publication time when Dated: Unix seconds and nanoseconds, UTC
	Nsec      int32
	File      string // where it was read: File:Line
	Line      int
	Length    int32 // bytes of matched text
	Shingles  int32
	Evidence  []byte   // cluster.AppendEvidence
	Words     []uint64 // dedup.Signed.Words, for the corpus counts
	Unspaced  bool
	TitleOnly bool // read without text, matched on its title
}

func (a *Article) published() time.Time {
	if !a.Dated {
		return time.Time{}
	}
	return time.Unix(a.Sec, int64(a.Nsec)).UTC()
}

func (a *Article) doc() dedup.Doc {
	return dedup.Doc{ID: a.ID, Title: a.Title, Source: a.Source, Published: a.published(), Length: a.Length, Shingles: a.Shingles}
}

// Skip is one record skipped for an input error (--on-error skip).
type Skip struct {
	Key    uint64 // where it comes in input order
	File   string
	Line   int
	Reason string
	Err    string
}

// Counts is what one part of the input counted (corpus.Stats and the
// matching stages' counts), added up for summary.json.
type Counts struct {
	Files, Ignored, Special, Outside, Read, InvalidUTF8, TitleOnly, NoTextField int
	Skipped                                                                     []ReasonCount
	Unspaced, Candidates, Verified                                              int
}

// ReasonCount is a count of records skipped for one reason.
type ReasonCount struct {
	Reason string
	N      int
}

// Half is one side of a candidate pair on its way to the other: A's
// number and evidence, sent to B.
type Half struct {
	A        uint64
	Evidence []byte
}

// Member is a member of a connected component of verified pairs, with
// what clustering and the outputs need of it.
type Member struct {
	Key      uint64
	Doc      Doc
	Evidence []byte
}

// Doc is dedup.Doc in a form a runner can encode.
type Doc struct {
	ID, Title, Source string
	Dated             bool
	Sec               int64
	Nsec              int32
	Length, Shingles  int32
	NotHeadline       bool // cluster.Evidence.NotHeadline, for the cluster's display title
}

func (d Doc) dedup() dedup.Doc {
	a := Article{ID: d.ID, Title: d.Title, Source: d.Source, Dated: d.Dated, Sec: d.Sec, Nsec: d.Nsec, Length: d.Length, Shingles: d.Shingles}
	return a.doc()
}

// Edge is a verified pair, A before B in input order.
type Edge struct{ A, B uint64 }

// Component is the clusters of one connected component of verified
// pairs, as cluster.Build makes them: members index Docs.
type Component struct {
	Docs     []Doc
	Clusters []Cluster
}

// Cluster is a cluster.Cluster in a form a runner can encode.
type Cluster struct {
	Members []ClusterMember
}

// ClusterMember is a cluster.Member in a form a runner can encode.
type ClusterMember struct {
	Doc     int
	Match   cluster.Match
	Linkage float64
}
