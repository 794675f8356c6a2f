// Package matchflags defines the command-line flags that decide what a
// run reads and matches — shingles, thresholds, vetoes, signature, input
// fields, error mode — once, with their defaults, for every command that
// matches: neardup run and eval, and neardup-beam (its own module). Two
// pipelines given the same flags get the same dedup.Config.
package matchflags

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/lsh"
	"github.com/neardup/neardup/model"
	"github.com/neardup/neardup/shingle"
)

// Defaults, measured in benchmarks/QUALITY.md and explained in docs/matching.md
// ("Why these defaults" in docs/design.md).
const (
	defaultShingle     = "word:3"
	defaultThreshold   = 0.3
	defaultContainment = 0.6
	defaultMinRatio    = 0.15
	defaultFigures     = 0.75
	defaultNames       = 0
	defaultVetoBelow   = 150
	defaultWindow      = "48h"
	defaultSubject     = 0.02
	defaultShortBelow  = 60
	defaultShortWindow = "20h"
	defaultFigureOrder = 0.6
	defaultLede        = 0.15
	defaultFurniture   = 20
	defaultAntiChain   = true
	defaultBoilerplate = true
	defaultHashes      = 128
	defaultSeed        = 1
)

// Options are the flags that decide what a run reads and matches. Every
// command that matches (neardup run and eval, neardup-beam) defines them
// with AddFlags and turns them into a dedup.Config with Config.
type Options struct {
	Shingle     string
	FoldAccents bool
	Threshold   float64
	Candidates  float64
	Containment float64
	MinRatio    float64
	Figures     float64
	Names       float64
	VetoBelow   int
	Window      string
	Subject     float64
	ShortBelow  int
	ShortWindow string
	FigureOrder float64
	Lede        float64
	Furniture   int
	AntiChain   bool
	Boilerplate bool
	Hashes      int
	Signature   string
	Seed        int64
	Workers     int
	OnError     string
	MaxBytes    int
	Fields      corpus.Fields
	Model       string // the model file; "": the embedded default; "off": the veto stack
	Linkage     string // "canonical" or "mean" (cluster.Rules.MeanLinkage)

	changed func(name string) bool // whether a flag was given (set by AddFlags)
}

// Levers are the flags of the veto stack (and of how its evidence is
// gathered), read with --model off. A model was fitted on features
// gathered at their defaults (each veto's verdict among them), so with a
// model they are refused rather than let move its features; --anti-chain
// is clustering policy and stays open. They are hidden from --help, kept
// so that the stack can be run side by side.
var Levers = []string{"threshold", "containment", "containment-min-ratio", "figures", "names", "veto-below", "subject",
	"short-window", "short-below", "figure-order", "lede", "furniture", "anti-chain"}

// AddFlags defines the flags on fs, with their defaults.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	def := corpus.DefaultFields()
	fs.StringVar(&o.Model, "model", "", "the match decision: a model `FILE` written by neardup fit (default: the embedded one; off: the hand-set veto stack, whose lever flags are read only then)")
	fs.StringVar(&o.Linkage, "linkage", "canonical", "cluster membership `MODE`: canonical (every member matches the canonical article) or mean (also an article whose mean probability against the members reaches the cut; with a model)")
	fs.StringVar(&o.Shingle, "shingle", defaultShingle, "shingles, `SPEC`: word:N (word n-grams) or char:N (character n-grams)")
	fs.BoolVar(&o.FoldAccents, "fold-accents", false, "ignore accents: é and e compare equal")
	fs.Float64Var(&o.Threshold, "threshold", defaultThreshold, "`JACCARD` (0-1): estimated Jaccard similarity at which two articles are copies")
	fs.Float64Var(&o.Containment, "containment", defaultContainment, "also copies: estimated containment |A∩B|/|smaller| at least this `SHARE` (0: off)")
	fs.Float64Var(&o.MinRatio, "containment-min-ratio", defaultMinRatio, "containment counts only when the smaller text has at least this `SHARE` of the larger's shingles")
	fs.Float64Var(&o.Figures, "figures", defaultFigures, "veto for short articles (see --veto-below): the `SHARE` of the figures (numbers, English number words) of the article with fewer that the other must have too (0: off)")
	fs.Float64Var(&o.Names, "names", defaultNames, "veto: `SHARE` of names (capitalised words) the article with fewer must share with the other (0: off)")
	fs.IntVar(&o.VetoBelow, "veto-below", defaultVetoBelow, "the figures and names vetoes apply when the shorter article has fewer shingles than `N`; figure order, the short-item window, the subject and furniture tests when both have (0: always)")
	fs.StringVar(&o.Window, "window", defaultWindow, "dated articles further apart than this `DURATION` are never copies, whatever the model says (e.g. 36h, 3d; off)")
	fs.Float64Var(&o.Subject, "subject", defaultSubject, "veto for short articles (see --veto-below): a title word used by at most this `SHARE` of them, or a title figure, names the subject; each title naming one the other article never mentions: different items (0: off)")
	fs.StringVar(&o.ShortWindow, "short-window", defaultShortWindow, "veto: short items (see --short-below) further apart than this `DURATION` are not copies (off: --window alone)")
	fs.IntVar(&o.ShortBelow, "short-below", defaultShortBelow, "--short-window applies when the shorter text has at most `N` words")
	fs.Float64Var(&o.FigureOrder, "figure-order", defaultFigureOrder, "veto for two short texts of 6+ figures each: `SHARE` of the consecutive figure pairs of the one with fewer the other must have (a table re-sent vs its next release; 0: off)")
	fs.Float64Var(&o.Lede, "lede", defaultLede, "veto: two articles of 60+ shingles sharing less than a rewrite does, whose ledes (first 12 shingles) are less alike than this `JACCARD`, are a story and its follow-up (0: off)")
	fs.IntVar(&o.Furniture, "furniture", defaultFurniture, "veto: a sentence at the head or tail of at least `N` short articles is page furniture (cookie, paywall, captcha notices); articles sharing only furniture are different pages (0: off)")
	fs.BoolVar(&o.Boilerplate, "boilerplate", defaultBoilerplate, "ignore wire boilerplate when matching: datelines, bylines, credits, agency tails")
	fs.BoolVar(&o.AntiChain, "anti-chain", defaultAntiChain, "keep in a cluster only members verified against its canonical article")
	fs.Float64Var(&o.Candidates, "candidate-threshold", 0, "`JACCARD` the LSH banding is tuned for (0: the threshold, lower with --containment)")
	fs.IntVar(&o.Hashes, "hashes", defaultHashes, "MinHash signature length, `N` values (32 or more): more is more precise and slower")
	fs.StringVar(&o.Signature, "signature", lsh.OPH, "signature `SCHEME`: oph (one hash per shingle, densified) or minhash (the ekzhu/minhash-lsh library's)")
	fs.Int64Var(&o.Seed, "seed", defaultSeed, "`SEED` of the hash functions (same seed, same output)")
	fs.IntVarP(&o.Workers, "jobs", "j", runtime.NumCPU(), "worker goroutines `N`")
	fs.Lookup("jobs").DefValue = "all cores" // the help reads the same on every machine
	fs.StringVar(&o.OnError, "on-error", "fail", "bad input, `MODE`: fail (stop, exit 1, outputs untouched) or skip (record it, go on, exit 3)")
	fs.IntVar(&o.MaxBytes, "max-bytes", corpus.DefaultMaxBytes, "largest article (record, line or file) in `BYTES`; larger is an error")
	fs.StringVar(&o.Fields.ID, "id-field", def.ID, "JSONL key / CSV column `NAME` of the article ID")
	fs.StringVar(&o.Fields.Title, "title-field", def.Title, "JSONL key / CSV column `NAME` of the title")
	fs.StringVar(&o.Fields.Text, "text-field", def.Text, "JSONL key / CSV column `NAME` of the body text")
	fs.StringVar(&o.Fields.Source, "source-field", def.Source, "JSONL key / CSV column `NAME` of the source")
	fs.StringVar(&o.Fields.Date, "date-field", def.Date, "JSONL key / CSV column `NAME` of the date (RFC 3339 or YYYY-MM-DD)")
	for _, name := range Levers {
		if name != "anti-chain" { // policy, open with a model
			fs.MarkHidden(name)
		}
	}
	o.changed = func(name string) bool { return fs.Changed(name) }
}

// LeverGiven names the first veto lever given on the command line that a
// model would not read as it was fitted, or "".
func (o *Options) LeverGiven() string {
	if o.changed == nil {
		return ""
	}
	for _, name := range Levers {
		if name != "anti-chain" && o.changed(name) {
			return name
		}
	}
	return ""
}

// Config validates the options and turns them into a pipeline config;
// cmd names the command in its messages. A mistake is a *UsageError.
func (o *Options) Config(cmd string, inputs []string) (dedup.Config, error) {
	var cfg dedup.Config
	if len(inputs) == 0 {
		return cfg, usagef("%s: no INPUT given (a file, a directory, or - for stdin)", cmd)
	}
	sh, err := shingle.Parse(o.Shingle)
	if err != nil {
		return cfg, usagef("%s: --shingle: %v", cmd, err)
	}
	sh.FoldAccents = o.FoldAccents
	window, err := ParseWindow(o.Window)
	if err != nil {
		return cfg, usagef("%s: --window: %v", cmd, err)
	}
	shortWindow, err := ParseWindow(o.ShortWindow)
	if err != nil {
		return cfg, usagef("%s: --short-window: %v", cmd, err)
	}
	if o.Furniture < 0 || o.Furniture == 1 {
		return cfg, usagef("%s: --furniture %d: want 0 (off) or 2 or more articles", cmd, o.Furniture)
	}
	if o.ShortBelow < 0 {
		return cfg, usagef("%s: --short-below %d: want 0 or more", cmd, o.ShortBelow)
	}
	rules := cluster.Rules{Threshold: o.Threshold, Containment: o.Containment, MinRatio: o.MinRatio, Figures: o.Figures, Names: o.Names, VetoBelow: o.VetoBelow, Window: window,
		Subject: o.Subject, ShortBelow: o.ShortBelow, ShortWindow: shortWindow, FigureOrder: o.FigureOrder, Lede: o.Lede, FurnitureMin: o.Furniture}
	for _, v := range []struct {
		name string
		v    float64
	}{{"--containment", o.Containment}, {"--containment-min-ratio", o.MinRatio}, {"--figures", o.Figures}, {"--names", o.Names}, {"--subject", o.Subject}, {"--figure-order", o.FigureOrder}, {"--lede", o.Lede}, {"--candidate-threshold", o.Candidates}} {
		if !(v.v >= 0 && v.v <= 1) {
			return cfg, usagef("%s: %s %v: want a number from 0 to 1", cmd, v.name, v.v)
		}
	}
	if lever := o.LeverGiven(); lever != "" && o.Model != "off" {
		return cfg, usagef("%s: --%s is a lever of the veto stack: the match model was fitted on the evidence its defaults gather; "+
			"give --model off to decide with the levers, or fit a model (neardup fit)", cmd, lever)
	}
	switch o.Linkage {
	case "canonical":
	case "mean":
		rules.MeanLinkage = true
		if o.Model == "off" {
			return cfg, usagef("%s: --linkage mean weighs the model's probabilities: not with --model off", cmd)
		}
		if !o.AntiChain {
			return cfg, usagef("%s: --linkage mean judges membership against the cluster: not with --anti-chain=false (plain union-find)", cmd)
		}
	default:
		return cfg, usagef("%s: --linkage %q: want canonical or mean", cmd, o.Linkage)
	}
	switch o.Model {
	case "off":
	case "":
		rules.Model = model.Default()
	default:
		data, err := os.ReadFile(o.Model)
		if err != nil {
			return cfg, usagef("%s: --model: %v", cmd, err)
		}
		if rules.Model, err = cluster.ParseModel(data); err != nil {
			return cfg, usagef("%s: --model %s: %v", cmd, o.Model, err)
		}
	}
	candidates := o.Candidates
	if candidates == 0 {
		candidates = dedup.CandidateThreshold(rules)
	}
	if o.Hashes < dedup.MinHashes {
		return cfg, usagef("%s: --hashes %d: want %d or more: the match decision reads Jaccard similarity estimated from the signature, "+
			"and from fewer values the estimate is too coarse (on Reuters-21578, --hashes 16 hides 104 articles that 128 keeps, 8 hides 150 more)", cmd, o.Hashes, dedup.MinHashes)
	}
	params, err := lsh.NewParams(o.Hashes, candidates, o.Seed)
	if err != nil {
		return cfg, usagef("%s: %v", cmd, err)
	}
	if o.Signature != lsh.OPH && o.Signature != lsh.MinHash {
		return cfg, usagef("%s: --signature %q: want oph or minhash", cmd, o.Signature)
	}
	params.Scheme = o.Signature
	if !(o.Threshold > 0 && o.Threshold < 1) {
		return cfg, usagef("%s: --threshold %v: want a number strictly between 0 and 1", cmd, o.Threshold)
	}
	if o.VetoBelow < 0 {
		return cfg, usagef("%s: --veto-below %d: want 0 or more", cmd, o.VetoBelow)
	}
	if o.Workers < 1 {
		return cfg, usagef("%s: -j %d: want at least 1 worker", cmd, o.Workers)
	}
	if o.OnError != "fail" && o.OnError != "skip" {
		return cfg, usagef("%s: --on-error=%s: want fail or skip", cmd, o.OnError)
	}
	if o.MaxBytes < 1 {
		return cfg, usagef("%s: --max-bytes %d: want a positive size", cmd, o.MaxBytes)
	}
	names := []string{o.Fields.ID, o.Fields.Title, o.Fields.Text, o.Fields.Source, o.Fields.Date}
	for i, f := range names {
		if !corpus.ValidFieldName(f) {
			return cfg, usagef("%s: field name %q: want a non-empty name without quotes, commas or backslashes", cmd, f)
		}
		if slices.Contains(names[:i], f) {
			return cfg, usagef("%s: field name %q given for two fields", cmd, f)
		}
	}
	return dedup.Config{
		Inputs:      inputs,
		Corpus:      corpus.Options{Fields: o.Fields, MaxBytes: o.MaxBytes},
		SkipErrors:  o.OnError == "skip",
		Shingle:     sh,
		LSH:         params,
		Rules:       rules,
		AntiChain:   o.AntiChain,
		Boilerplate: o.Boilerplate,
		Workers:     o.Workers,
	}, nil
}

// ParseWindow reads a duration: Go syntax (36h, 90m) or whole days (3d);
// "off", "0" or "" is no window.
func ParseWindow(s string) (time.Duration, error) {
	switch s {
	case "", "0", "off":
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%q: want whole days like 3d, or a duration like 36h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration like 36h or 3d, or off", s)
	}
	return d, nil
}

// UsageError is a mistake in the command line (neardup exits 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}
