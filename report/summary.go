package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"

	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
)

// Summary is summary.json: what was read, what was found, every parameter
// used and how long each stage took.
type Summary struct {
	Format     int                   `json:"format"`  // FormatVersion
	Version    string                `json:"version"` // of neardup
	Inputs     []string              `json:"inputs"`
	Articles   Articles              `json:"articles"`
	Matching   Matching              `json:"matching"`
	Parameters Parameters            `json:"parameters"`
	Skips      []SkipEntry           `json:"skips,omitempty"`
	Warnings   []string              `json:"warnings,omitempty"`
	State      *StateSummary         `json:"state,omitempty"`     // a nightly run's
	Decisions  *dedup.DecisionCounts `json:"decisions,omitempty"` // with run --decisions
	Workers    int                   `json:"workers"`
	Seconds    Seconds               `json:"seconds"`
}

// StateSummary is what a nightly run (neardup run --state) says of the
// night: its number and clock's date, the state's articles before it, and
// what became of tonight's articles.
type StateSummary struct {
	Night      int      `json:"night"`
	Date       string   `json:"date"`
	Keep       string   `json:"keep"`
	Before     int      `json:"articles_before"`
	New        int      `json:"new"`
	Already    int      `json:"already_in_state"`
	Rehidden   int      `json:"rehidden"`              // of those, copies an earlier night hid: drop.txt hides them again
	NothingNew bool     `json:"nothing_new,omitempty"` // every article was in the state already: no night committed
	Unhidden   []string `json:"unhidden,omitempty"`    // stored copies an editor decided apart tonight: kept from now on
	Changed    int      `json:"changed_text"`
	ChangedIDs []string `json:"changed_ids,omitempty"` // the first 1,000: the stored version stands
	TooOld     int      `json:"older_than_keep"`       // published more than keep before the night's clock: kept, not remembered
	Ahead      int      `json:"dated_ahead"`           // dated too far ahead to move the night's clock
}

// Articles counts the input.
type Articles struct {
	Files               int            `json:"files"`
	IgnoredFiles        int            `json:"ignored_files"` // in directories, for their extension
	SpecialFiles        int            `json:"special_files"` // in directories: pipes, sockets, devices, not read
	OutsideLinks        int            `json:"outside_links"` // in directories: links to files outside the INPUT directory, not followed
	Read                int            `json:"read"`
	Skipped             map[string]int `json:"skipped"`
	SkippedTotal        int            `json:"skipped_total"`
	InvalidUTF8Replaced int            `json:"invalid_utf8_replaced"`
	TitleOnly           int            `json:"title_only"`              // read without text: matched on the title
	TitleOnlyNoField    int            `json:"title_only_field_absent"` // of those, JSONL records without the text field
	UnspacedScript      int            `json:"unspaced_script"`         // mostly Chinese, Japanese, Thai…: see Warnings
}

// Matching counts what matching found.
type Matching struct {
	CandidatePairs int `json:"candidate_pairs"`
	VerifiedPairs  int `json:"verified_pairs"`
	Clusters       int `json:"clusters"`
	Duplicates     int `json:"duplicates"`
}

// Parameters are the settings of the run: its matching parameters, the
// record a nightly state keeps too (dedup.Parameters), and the input's.
type Parameters struct {
	dedup.Parameters
	OnError  string `json:"on_error"`
	MaxBytes int    `json:"max_bytes"`
	Fields   Fields `json:"fields"`
}

// Fields are the input field names of the run, so that the report can read
// the inputs again the same way.
type Fields struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source string `json:"source"`
	Date   string `json:"date"`
}

// SkipEntry records one skipped record.
type SkipEntry struct {
	At     string `json:"at"`
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

// Seconds times each stage and the whole run.
type Seconds struct {
	Stages map[string]float64 `json:"stages"`
	Total  float64            `json:"total"`
}

// NewSummary describes a finished run.
func NewSummary(version string, cfg dedup.Config, res *dedup.Result) *Summary {
	s := &Summary{
		Format:  FormatVersion,
		Version: version,
		Inputs:  cfg.Inputs,
		Articles: Articles{
			Files:               res.Stats.Files,
			IgnoredFiles:        res.Stats.Ignored,
			SpecialFiles:        res.Stats.Special,
			OutsideLinks:        res.Stats.Outside,
			TitleOnly:           res.Stats.TitleOnly,
			TitleOnlyNoField:    res.Stats.NoTextField,
			UnspacedScript:      res.Unspaced,
			Read:                res.Stats.Read,
			Skipped:             map[string]int{},
			SkippedTotal:        res.Stats.SkippedTotal(),
			InvalidUTF8Replaced: res.Stats.InvalidUTF8,
		},
		Matching: Matching{
			CandidatePairs: res.Candidates,
			VerifiedPairs:  res.Verified,
			Clusters:       len(res.Clusters),
			Duplicates:     res.Duplicates(),
		},
		Parameters: Parameters{
			Parameters: dedup.ParametersOf(cfg),
			OnError:    "fail",
			MaxBytes:   cfg.Corpus.MaxBytes,
			Fields:     Fields(fieldsOrDefault(cfg.Corpus.Fields)),
		},

		Workers: res.Workers,
		Seconds: Seconds{Stages: map[string]float64{}},
	}
	if s.Parameters.MaxBytes <= 0 {
		s.Parameters.MaxBytes = corpus.DefaultMaxBytes
	}
	if cfg.SkipErrors {
		s.Parameters.OnError = "skip"
	}
	for r, n := range maps.All(res.Stats.Skipped) {
		s.Articles.Skipped[string(r)] = n
	}
	for _, e := range res.Skips {
		s.Skips = append(s.Skips, SkipEntry{At: e.Pos.String(), Reason: string(e.Reason), Error: e.Err.Error()})
	}
	if u := res.Unspaced; u > 0 && 2*u > res.Stats.Read {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d of %d articles are mostly in scripts written without spaces "+
			"between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar): --shingle %s sees each run of text as one word "+
			"and misses their copies; use --shingle char:N (e.g. char:3)", u, res.Stats.Read, cfg.Shingle))
	}
	for _, st := range res.Stages {
		s.Seconds.Stages[st.Name] = round3(st.Seconds)
		s.Seconds.Total += st.Seconds
	}
	s.Seconds.Total = round3(s.Seconds.Total)
	s.Decisions = res.Decisions
	return s
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// Write encodes the summary as indented JSON.
func (s *Summary) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

func fieldsOrDefault(f corpus.Fields) corpus.Fields {
	if f == (corpus.Fields{}) {
		return corpus.DefaultFields()
	}
	return f
}
