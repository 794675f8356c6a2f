// Package report writes the outputs of a run — clusters.jsonl, drop.txt,
// summary.json and the editors' HTML report (HTML) — as one set, and reads
// them back.
//
// An output directory OUT holds one set at a time, switched in one atomic
// step (Set): a run writes every file of its set into a new generation
// directory OUT/.gen-N, syncs the files and the directory, and then renames
// a symbolic link OUT/current -> .gen-N over the old one. The documented
// paths are symbolic links through it, created once (OUT/clusters.jsonl ->
// current/clusters.jsonl), so a reader opening them sees the previous set
// or the new one, never a mix, wherever a run dies or fails; a reader that
// needs several files of one set reads them from CurrentDir. The
// generation that was current before the switch stays until the next run
// switches; older ones, and whatever killed runs left, are removed by the
// next run. Outputs that an older neardup wrote as plain files are adopted
// into a generation first, without any path changing content. The caller
// holds OUT's lock (package lock, on OUT/.lock) around all of it.
//
// A file outside OUT cannot join the set; StageFile writes it whole to a
// temporary name, to be renamed into place once the set has switched.
//
// The outputs are byte-identical for the same input and parameters, except
// summary.json's "workers" and "seconds", which describe the run itself.
package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/internal/atomicfs"
)

// File names of a run's outputs.
const (
	ClustersFile = "clusters.jsonl"
	DropFile     = "drop.txt"
	SummaryFile  = "summary.json"
)

// WriteFileAtomic creates path with the bytes write produces, through a
// temporary file in the same directory that is synced and then renamed over
// path, its directory synced. On any error the temporary file is removed
// and path is untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return atomicfs.WriteFile(path, write)
}

// StagedFile is a file written whole and synced under a temporary name
// next to its path, not yet renamed into place (atomicfs.Staged).
type StagedFile = atomicfs.Staged

// StageFile writes what write produces to a temporary file next to path
// (".BASE.tmp-RANDOM") and syncs it. On error nothing is left behind.
func StageFile(path string, write func(io.Writer) error) (*StagedFile, error) {
	return atomicfs.Stage(path, write)
}

// WriteOutputs writes the three outputs of a run (Outputs) into the set.
func WriteOutputs(s *Set, res *dedup.Result, sum *Summary) error {
	outputs := []struct {
		name  string
		write func(io.Writer) error
	}{
		{ClustersFile, func(w io.Writer) error { return Clusters(w, res) }},
		{DropFile, func(w io.Writer) error { return Drop(w, res) }},
		{SummaryFile, func(w io.Writer) error { return sum.Write(w) }},
	}
	for _, o := range outputs {
		if err := s.WriteFile(o.name, o.write); err != nil {
			return err
		}
	}
	return nil
}

// ClusterLine is one line of clusters.jsonl.
type ClusterLine struct {
	Cluster   int          `json:"cluster"` // the line's number, from 1
	Size      int          `json:"size"`
	Canonical string       `json:"canonical"`
	Title     string       `json:"title,omitempty"` // the cluster's headline for people: see DisplayTitle
	Members   []MemberLine `json:"members"`

	// StableID is a nightly run's cluster ID (format.go): written as
	// "cluster" in Cluster's place when set.
	StableID string `json:"-"`
}

// clusterLineJSON is ClusterLine as written, "cluster" a number or a
// stable ID.
type clusterLineJSON struct {
	Cluster   json.RawMessage `json:"cluster"`
	Size      int             `json:"size"`
	Canonical string          `json:"canonical"`
	Title     string          `json:"title,omitempty"`
	Members   []MemberLine    `json:"members"`
}

// MarshalJSON writes "cluster" as the stable ID when there is one.
func (l ClusterLine) MarshalJSON() ([]byte, error) {
	w, err := l.wire()
	if err != nil {
		return nil, err
	}
	return marshalNoEscape(w)
}

// wire is the line as written: an encoder given it writes what
// MarshalJSON returns without compacting the line again (encodeClusters;
// a Marshaler's output is re-scanned, 4 % of a 100k run).
func (l ClusterLine) wire() (clusterLineJSON, error) {
	id, err := json.Marshal(l.Cluster)
	if l.StableID != "" {
		id, err = marshalNoEscape(l.StableID)
	}
	return clusterLineJSON{Cluster: id, Size: l.Size, Canonical: l.Canonical, Title: l.Title, Members: l.Members}, err
}

// UnmarshalJSON reads "cluster" as a number or as a stable ID (then
// Cluster is left 0 for the reader to number).
func (l *ClusterLine) UnmarshalJSON(b []byte) error {
	var raw clusterLineJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*l = ClusterLine{Size: raw.Size, Canonical: raw.Canonical, Title: raw.Title, Members: raw.Members}
	switch t := bytes.TrimSpace(raw.Cluster); {
	case len(t) == 0:
	case t[0] == '"':
		if err := json.Unmarshal(t, &l.StableID); err != nil {
			return err
		}
		if l.StableID == "" {
			return errors.New(`"cluster": an empty ID`)
		}
	default:
		if err := json.Unmarshal(t, &l.Cluster); err != nil {
			return fmt.Errorf(`"cluster": %w`, err)
		}
	}
	return nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// MemberLine is one member of a cluster in clusters.jsonl.
type MemberLine struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Similarity float64    `json:"similarity"` // estimated Jaccard with the canonical member
	Source     string     `json:"source,omitempty"`
	Date       string     `json:"date,omitempty"`
	Match      *MatchLine `json:"match,omitempty"` // why it joined; absent on the canonical member

	// A nightly run's members (format.go): the night each arrived, by
	// number and date.
	Night   int    `json:"night,omitempty"`
	Arrived string `json:"arrived,omitempty"`

	notHeadline bool // its title is not its text's headline (cluster.Evidence.NotHeadline): DisplayTitle passes it over
}

// MatchLine explains a member's match with the canonical member.
type MatchLine struct {
	// Reason is "jaccard" or "containment" when the member matches the
	// canonical one directly; any other value (e.g. "below threshold")
	// means it joined through another member (only without anti-chaining).
	Reason string `json:"reason"`
	// P is the match model's probability that the two are one news item,
	// and Why the largest contributions to its log-odds, by feature
	// (with a model; --model off: absent).
	P *float64 `json:"p,omitempty"`
	// Linkage is, for a member that joined by --linkage mean (reason
	// "cluster"), its mean probability against the members before it.
	Linkage     *float64 `json:"cluster_p,omitempty"`
	Why         []Reason `json:"why,omitempty"`
	Jaccard     float64  `json:"jaccard"`
	Containment float64  `json:"containment"`
	Figures     *float64 `json:"figures_shared,omitempty"` // share of the figures of the article with fewer found in the other
	Names       *float64 `json:"names_shared,omitempty"`   // likewise for names
	HoursApart  *float64 `json:"hours_apart,omitempty"`
	// Subjects counts the rare title words or title figures of each side
	// that the other never mentions (the fewer of the two), when the
	// subject test looked at the pair (two short items).
	Subjects *int `json:"subjects_unmatched,omitempty"`
	// FigureOrder is the share of consecutive figure pairs kept, when the
	// figure-order test looked at the pair (two short tables).
	FigureOrder *float64 `json:"figure_order,omitempty"`
	// Lede is the estimated similarity of the two ledes, when the lede
	// test looked at the pair (two stories sharing less than a rewrite).
	Lede *float64 `json:"lede,omitempty"`
	// PublishedBefore: the member was published before the canonical one,
	// which a nightly run kept on an earlier night (decisions are final).
	PublishedBefore bool `json:"published_before_canonical,omitempty"`
	// Editor is the editor's decision that settled the pair (run
	// --decisions), in words: "editor: same story: … (by at)".
	Editor string `json:"editor,omitempty"`
}

// Reason is one kind of evidence's contribution to a model's log-odds
// (cluster.Groups): positive for a copy, negative against.
type Reason struct {
	Evidence     string  `json:"evidence"`
	Contribution float64 `json:"contribution"`
}

// NewMatchLine turns a cluster.Match into its output form.
func NewMatchLine(m cluster.Match) *MatchLine {
	ml := &MatchLine{Reason: m.Reason, Jaccard: Round4(m.Jaccard), Containment: Round4(m.Containment)}
	if m.P >= 0 {
		p := Round4(m.P)
		ml.P = &p
		for _, c := range m.Why {
			if c.Group >= 0 && c.Value != 0 { // a match read back from a nightly state keeps P, not Why
				ml.Why = append(ml.Why, Reason{Evidence: c.Name(), Contribution: math.Round(float64(c.Value)*100) / 100})
			}
		}
	}
	if m.Figures >= 0 {
		f := Round4(m.Figures)
		ml.Figures = &f
	}
	if m.Names >= 0 {
		n := Round4(m.Names)
		ml.Names = &n
	}
	if m.Hours >= 0 {
		h := math.Round(m.Hours*100) / 100
		ml.HoursApart = &h
	}
	if m.Subjects >= 0 {
		n := m.Subjects
		ml.Subjects = &n
	}
	if m.FigureOrder >= 0 {
		f := Round4(m.FigureOrder)
		ml.FigureOrder = &f
	}
	if m.Lede >= 0 {
		l := Round4(m.Lede)
		ml.Lede = &l
	}
	return ml
}

// Round4 rounds a similarity to 4 decimals for output.
func Round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// FormatDate writes a publication date as RFC 3339 (YYYY-MM-DD for a
// midnight UTC date), or "" when unknown.
func FormatDate(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Equal(t.Truncate(24*time.Hour)) && t.Location() == time.UTC:
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// ClusterLines describes a run's clusters as clusters.jsonl has them.
func ClusterLines(res *dedup.Result) []ClusterLine {
	lines := make([]ClusterLine, len(res.Clusters))
	for i := range res.Clusters {
		lines[i] = clusterLine(res, i)
	}
	return lines
}

// titleKey is a title as DisplayTitle compares them: on one line, in
// lower case.
func titleKey(t string) string { return strings.ToLower(strings.Join(strings.Fields(t), " ")) }

// MinTitleWords is how many words a member's title needs to head its
// cluster: "share", "×", "Obituaries" do not name a story.
const MinTitleWords = 2

// DisplayTitle is a cluster's headline for people: of its members'
// titles of MinTitleWords words or more, the one most members carry (on
// one line), ties going to the member listed first, passing over titles
// that are not their texts' headlines (fewer than half their words occur
// in the text: cluster.Evidence.NotHeadline) unless no title is; "" when
// none has enough words (the canonical's is shown then). A scraped page's
// furniture ("The Boston Globe", "Enter City and State or Zip Code")
// heads a copy's page, not the story its copies share, and names nothing
// its text tells. Wire briefs whose body is a table ("Shr 25 cts vs 30
// cts") do not repeat their headline's company either, so a title is
// passed over only for another member's that its text bears out. It
// reads the cluster alone, so a Beam shard and a nightly run give the
// same. The canonical article is chosen as before; only the headline
// differs.
func DisplayTitle(members []MemberLine) string {
	count := map[string]int{}
	for _, m := range members {
		count[titleKey(m.Title)]++
	}
	pick := func(headlinesOnly bool) string {
		best, bestN := "", 0
		for _, m := range members {
			k := titleKey(m.Title)
			if len(strings.Fields(k)) >= MinTitleWords && !(headlinesOnly && m.notHeadline) && count[k] > bestN {
				best, bestN = strings.Join(strings.Fields(m.Title), " "), count[k]
			}
		}
		return best
	}
	if t := pick(true); t != "" {
		return t
	}
	return pick(false)
}

// clusterLine describes cluster i.
func clusterLine(res *dedup.Result, i int) ClusterLine {
	c := res.Clusters[i]
	canon := res.Docs[c.Canonical()]
	line := ClusterLine{Cluster: i + 1, Size: len(c.Members), Canonical: canon.ID}
	if res.Night != nil {
		line.StableID = res.Night.ClusterIDs[i]
	}
	for _, m := range c.Members {
		d := res.Docs[m.Doc]
		ml := MemberLine{
			ID: d.ID, Title: d.Title, Similarity: Round4(m.Match.Jaccard),
			Source: d.Source, Date: FormatDate(d.Published),
		}
		if len(res.Evidence) == len(res.Docs) {
			ml.notHeadline = res.Evidence[m.Doc].NotHeadline
		}
		if m.Match.Reason != cluster.Canonical {
			ml.Match = NewMatchLine(m.Match)
			if m.Linkage > 0 && m.Match.Reason == cluster.ByCluster { // 0: not known (a member stored on an earlier night)
				l := Round4(m.Linkage)
				ml.Match.Linkage = &l
			}
			ml.Match.PublishedBefore = !d.Published.IsZero() && !canon.Published.IsZero() && d.Published.Before(canon.Published)
			ml.Match.Editor = res.Editor[m.Doc]
		}
		if nv := res.Night; nv != nil {
			ml.Night = int(nv.Arrived[m.Doc])
			ml.Arrived = nv.Dates[nv.Arrived[m.Doc]]
		}
		line.Members = append(line.Members, ml)
	}
	line.Title = DisplayTitle(line.Members)
	return line
}

// Clusters writes clusters.jsonl: one JSON object per cluster, largest
// first, each described as it is written.
// Lines are encoded on two goroutines, two runs of clusters at a time,
// and written in order: what is held is two runs' lines, not the file.
func Clusters(w io.Writer, res *dedup.Result) error {
	const run = 2048 // clusters
	n := len(res.Clusters)
	var first, second bytes.Buffer
	for lo := 0; lo < n; lo += 2 * run {
		mid, hi := min(lo+run, n), min(lo+2*run, n)
		first.Reset()
		second.Reset()
		var err2 error
		done := make(chan struct{})
		go func() {
			err2 = encodeClusters(&second, res, mid, hi)
			close(done)
		}()
		err := encodeClusters(&first, res, lo, mid)
		<-done
		if err := errors.Join(err, err2); err != nil {
			return err
		}
		if _, err := w.Write(first.Bytes()); err != nil {
			return err
		}
		if _, err := w.Write(second.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// encodeClusters encodes the lines of clusters lo to hi-1.
func encodeClusters(w io.Writer, res *dedup.Result, lo, hi int) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := lo; i < hi; i++ {
		w, err := clusterLine(res, i).wire()
		if err != nil {
			return err
		}
		if err := enc.Encode(w); err != nil {
			return err
		}
	}
	return nil
}

// ReadClusters reads a clusters.jsonl file and checks each line against
// its spec (format.go): numbered from 1, size the number of members, the
// canonical one first, every ID given once.
func ReadClusters(path string) ([]ClusterLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseClusters(f, path)
}

// ParseClusters is ReadClusters over r; path names it in errors.
func ParseClusters(r io.Reader, path string) ([]ClusterLine, error) {
	var lines []ClusterLine
	seen, stableIDs := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 256<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		lineErr := func(format string, args ...any) error {
			return &corpus.Error{Pos: corpus.Position{File: path, Line: n}, Err: fmt.Errorf(format, args...)}
		}
		var l ClusterLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, &corpus.Error{Pos: corpus.Position{File: path, Line: n}, Err: err}
		}
		stable := l.StableID != ""
		if stable {
			if stableIDs[l.StableID] {
				return nil, lineErr("cluster %q: given twice", l.StableID)
			}
			stableIDs[l.StableID] = true
			l.Cluster = len(lines) + 1
		}
		switch {
		case l.Cluster == 0 || len(l.Members) == 0:
			return nil, lineErr(`not a clusters.jsonl line (want "cluster" and "members")`)
		case len(lines) > 0 && stable != (lines[0].StableID != ""):
			return nil, lineErr(`"cluster": numbers and stable IDs mixed in one file`)
		case l.Cluster != len(lines)+1:
			return nil, lineErr("cluster %d: want %d (clusters are numbered from 1 in file order)", l.Cluster, len(lines)+1)
		case l.Size != len(l.Members):
			return nil, lineErr("cluster %d: size %d but %d members", l.Cluster, l.Size, len(l.Members))
		case l.Canonical != l.Members[0].ID:
			return nil, lineErr("cluster %d: canonical %q is not the first member (%q)", l.Cluster, l.Canonical, l.Members[0].ID)
		}
		for _, m := range l.Members {
			if m.ID == "" {
				return nil, lineErr("cluster %d: a member without an ID", l.Cluster)
			}
			if seen[m.ID] {
				return nil, lineErr("cluster %d: ID %q is in an earlier cluster or twice in this one", l.Cluster, m.ID)
			}
			seen[m.ID] = true
		}
		lines = append(lines, l)
	}
	return lines, sc.Err()
}

// ReadDrop reads a drop.txt file: its IDs, in file order.
func ReadDrop(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, nil
	}
	if b[len(b)-1] != '\n' {
		return nil, &corpus.Error{Pos: corpus.Position{File: path}, Err: errors.New("last line does not end in a newline: cut short?")}
	}
	return strings.Split(string(b[:len(b)-1]), "\n"), nil
}

// ReadSummary reads a summary.json file of FormatVersion or older.
func ReadSummary(path string) (*Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, &corpus.Error{Pos: corpus.Position{File: path}, Err: err}
	}
	if s.Format == 0 {
		s.Format = 1 // written before the field existed
	}
	if s.Format > NightFormatVersion {
		return nil, &corpus.Error{Pos: corpus.Position{File: path}, Err: fmt.Errorf("format %d: this neardup reads format %d and older", s.Format, NightFormatVersion)}
	}
	return &s, nil
}

// LoadTexts reads the inputs again and returns the text of the articles
// whose IDs are wanted. Input problems were reported by the run; here they
// are passed over.
func LoadTexts(ctx context.Context, inputs []string, stdin io.Reader, opts corpus.Options, wanted map[string]bool) (map[string]Article, error) {
	texts := make(map[string]Article, len(wanted))
	opts.OnError = func(*corpus.Error) error { return nil }
	_, err := corpus.Read(ctx, inputs, stdin, opts, func(d corpus.Document) error {
		if wanted[d.ID] {
			texts[d.ID] = Article{Title: d.Title, Text: d.Text()}
		}
		return nil
	})
	return texts, err
}

// MemberIDs is the set of IDs of every cluster member and of the articles
// of near misses.
func MemberIDs(clusters []ClusterLine, near []NearLine) map[string]bool {
	ids := map[string]bool{}
	for _, c := range clusters {
		for _, m := range c.Members {
			ids[m.ID] = true
		}
	}
	for _, n := range near {
		ids[n.Other.ID] = true
	}
	return ids
}

// Drop writes drop.txt: the sorted IDs of every non-canonical member, one
// per line — the articles a deduplicating job hides; in a nightly run,
// those of tonight's input: tonight's copies, and the copies an earlier
// night hid that it holds again.
func Drop(w io.Writer, res *dedup.Result) error {
	var ids []string
	if res.Night != nil {
		ids = slices.Clone(res.Night.Rehidden)
	}
	for _, c := range res.Clusters {
		for _, m := range c.Members[1:] {
			if res.Tonights(m.Doc) {
				ids = append(ids, res.Docs[m.Doc].ID)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if _, err := io.WriteString(w, id+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// NearLine is a near miss (dedup.Near) as the report lists it: under the
// cluster whose member it nearly matched, the article the run kept apart,
// so that an editor can say the two are copies.
type NearLine struct {
	Cluster int        // the cluster's number (ClusterLine.Cluster)
	Member  string     // the member it nearly matched
	Other   MemberLine // the article kept apart (Match: the pair's evidence)
	Apart   int        // the cluster the other article is in; 0: none
}

// NearLines describes near misses of res for the report.
func NearLines(res *dedup.Result, near []dedup.Near) []NearLine {
	in := map[int]int{}
	for ci, c := range res.Clusters {
		for _, m := range c.Members {
			in[m.Doc] = ci + 1
		}
	}
	lines := make([]NearLine, 0, len(near))
	for _, n := range near {
		d := res.Docs[n.B]
		lines = append(lines, NearLine{Cluster: in[n.A], Member: res.Docs[n.A].ID, Apart: in[n.B],
			Other: MemberLine{ID: d.ID, Title: d.Title, Similarity: Round4(n.Match.Jaccard), Source: d.Source,
				Date: FormatDate(d.Published), Match: NewMatchLine(n.Match)}})
	}
	return lines
}
