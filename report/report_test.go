package report_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/report"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := report.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "first\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := report.WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half of the second")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first\n" {
		t.Errorf("after a failed write the file holds %q, want the first version", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries in the directory: a temporary file was left behind", len(entries))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if err := report.WriteFileAtomic(filepath.Join(dir, "missing", "x"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2020, 2, 21, 0, 0, 0, 0, time.UTC), "2020-02-21"},
		{time.Date(2020, 2, 21, 9, 30, 0, 0, time.UTC), "2020-02-21T09:30:00Z"},
	}
	for _, tt := range tests {
		if got := report.FormatDate(tt.t); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	if report.Round4(0.671875) != 0.6719 {
		t.Errorf("Round4(0.671875) = %v", report.Round4(0.671875))
	}
}

// TestMatchLineOfModel: a member matched by the model shows its
// probability and explanation; one that joined by mean linkage also its
// mean probability against the members; one read back from a nightly
// state (no explanation kept) no empty explanation.
func TestMatchLineOfModel(t *testing.T) {
	why := [cluster.WhyN]cluster.Contribution{{Group: 0, Value: 8.5}, {Group: 1, Value: -2.25}, {Group: -1}}
	res := &dedup.Result{
		Docs: []dedup.Doc{{ID: "a", Length: 100}, {ID: "b"}, {ID: "c"}},
		Clusters: []cluster.Cluster{{Members: []cluster.Member{
			{Doc: 0, Match: cluster.Match{Reason: cluster.Canonical}, Linkage: -1},
			{Doc: 1, Match: cluster.Match{Reason: cluster.ByModel, P: 0.91, Why: why, Verified: true}, Linkage: 0.91},
			{Doc: 2, Match: cluster.Match{Reason: cluster.ByCluster, P: 0.6, Verified: true, Why: [cluster.WhyN]cluster.Contribution{{Group: 0}, {Group: 0}, {Group: 0}}}, Linkage: 0.8},
		}}},
	}
	lines := report.ClusterLines(res)
	b, c := lines[0].Members[1].Match, lines[0].Members[2].Match
	if b.P == nil || *b.P != 0.91 || len(b.Why) != 2 || b.Why[0] != (report.Reason{Evidence: "overlap", Contribution: 8.5}) ||
		b.Why[1].Evidence != "lede" || b.Linkage != nil {
		t.Errorf("model match: %+v", b)
	}
	if c.P == nil || c.Linkage == nil || *c.Linkage != 0.8 || len(c.Why) != 0 {
		t.Errorf("mean-linkage match: %+v", c)
	}
}

// A cluster's headline is the title most members carry, of two words or
// more; the canonical's page furniture does not head it (issue 27, item 3).
func TestDisplayTitle(t *testing.T) {
	m := func(titles ...string) []report.MemberLine {
		var ms []report.MemberLine
		for _, t := range titles {
			ms = append(ms, report.MemberLine{Title: t})
		}
		return ms
	}
	for _, c := range []struct {
		members []report.MemberLine
		want    string
	}{
		{m("The Boston Globe", "Putin arrives late", "Putin  arrives\nlate", "putin arrives late"), "Putin arrives late"},
		{m("share", "×", "Trump meets Putin"), "Trump meets Putin"},
		{m("Trump meets Putin", "Putin meets Trump"), "Trump meets Putin"}, // a tie: the first member's
		{m("share", "share", "×"), ""},
		{m("", ""), ""},
	} {
		if got := report.DisplayTitle(c.members); got != c.want {
			t.Errorf("DisplayTitle(%+v) = %q, want %q", c.members, got, c.want)
		}
	}
}

// A title that is not its text's headline (cluster.Evidence.NotHeadline,
// page furniture) does not head a cluster where another member's title
// is a headline, even carried by most members; when no member's title is,
// the most carried heads it as before.
func TestDisplayTitlePassesFurniture(t *testing.T) {
	titles := []string{"Enter City and State or Zip Code", "Enter City and State or Zip Code", "Trump arrives in Helsinki", "Enter City and State or Zip Code"}
	res := &dedup.Result{}
	var members []cluster.Member
	for i, title := range titles {
		res.Docs = append(res.Docs, dedup.Doc{ID: fmt.Sprint("p", i), Title: title})
		res.Evidence = append(res.Evidence, cluster.Evidence{NotHeadline: title != "Trump arrives in Helsinki"})
		members = append(members, cluster.Member{Doc: i, Match: cluster.Match{Jaccard: 0.9, P: -1}})
	}
	members[0] = cluster.CanonicalMember(0)
	res.Clusters = []cluster.Cluster{{Members: members}}
	if got := report.ClusterLines(res)[0].Title; got != "Trump arrives in Helsinki" {
		t.Errorf("display title %q, want the one member's headline over three members' furniture", got)
	}
	res.Evidence[2].NotHeadline = true
	if got := report.ClusterLines(res)[0].Title; got != "Enter City and State or Zip Code" {
		t.Errorf("display title %q, want the most carried when no title is its text's headline (a wire brief's over its table)", got)
	}
}
