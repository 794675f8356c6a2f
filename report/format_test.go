package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neardup/neardup/cluster"
	"github.com/neardup/neardup/corpus"
	"github.com/neardup/neardup/dedup"
)

func TestReadClustersChecksSpec(t *testing.T) {
	good := `{"cluster":1,"size":2,"canonical":"a","members":[{"id":"a","title":"A","similarity":1},{"id":"b","title":"B","similarity":0.5,"match":{"reason":"jaccard","jaccard":0.5,"containment":0.6}}]}`
	tests := []struct {
		name, content, err string
	}{
		{"good", good + "\n", ""},
		{"not a cluster", `{"id":"a"}` + "\n", `f.jsonl:1: not a clusters.jsonl line`},
		{"bad JSON on line 2", good + "\n{\n", `f.jsonl:2: unexpected end of JSON input`},
		{"numbering", strings.Replace(good, `"cluster":1`, `"cluster":2`, 1) + "\n", `f.jsonl:1: cluster 2: want 1`},
		{"size", strings.Replace(good, `"size":2`, `"size":3`, 1) + "\n", `f.jsonl:1: cluster 1: size 3 but 2 members`},
		{"canonical", strings.Replace(good, `"canonical":"a"`, `"canonical":"b"`, 1) + "\n", `canonical "b" is not the first member`},
		{"stable ID", strings.Replace(good, `"cluster":1`, `"cluster":"a"`, 1) + "\n", ""},
		{"empty stable ID", strings.Replace(good, `"cluster":1`, `"cluster":""`, 1) + "\n", `an empty ID`},
		{"stable ID twice", strings.Replace(good, `"cluster":1`, `"cluster":"a"`, 1) + "\n" + strings.NewReplacer(`"cluster":1`, `"cluster":"a"`, `"a"`, `"c"`, `"b"`, `"d"`).Replace(good) + "\n", `cluster "a": given twice`},
		{"numbers and IDs mixed", good + "\n" + strings.NewReplacer(`"cluster":1`, `"cluster":"c"`, `"a"`, `"c"`, `"b"`, `"d"`).Replace(good) + "\n", `mixed`},
		{"repeated ID", good + "\n" + strings.Replace(good, `"cluster":1`, `"cluster":2`, 1) + "\n", `f.jsonl:2: cluster 2: ID "a" is in an earlier cluster`},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "f.jsonl")
		os.WriteFile(path, []byte(tt.content), 0o644)
		lines, err := ReadClusters(path)
		switch {
		case tt.err == "" && (err != nil || len(lines) != 1 || lines[0].Members[1].Match.Jaccard != 0.5 || lines[0].Cluster != 1):
			t.Errorf("%s: %v, %+v", tt.name, err, lines)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.err)
		case tt.err != "":
			var ce *corpus.Error
			if !errors.As(err, &ce) || ce.Pos.Line == 0 {
				t.Errorf("%s: %T is not a positioned *corpus.Error", tt.name, err)
			}
		}
	}
}

func TestReadDropAndSummary(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	if ids, err := ReadDrop(write("d1", "a\nb\n")); err != nil || strings.Join(ids, ",") != "a,b" {
		t.Errorf("drop: %v, %v", ids, err)
	}
	if ids, err := ReadDrop(write("d2", "")); err != nil || ids != nil {
		t.Errorf("empty drop: %v, %v", ids, err)
	}
	if _, err := ReadDrop(write("d3", "a\nb")); err == nil {
		t.Error("a drop.txt cut short reads without error")
	}
	if s, err := ReadSummary(write("s1", `{"version":"0.1.0"}`)); err != nil || s.Format != 1 {
		t.Errorf("summary without format: %+v, %v", s, err)
	}
	if _, err := ReadSummary(write("s2", `{"format":99}`)); err == nil || !strings.Contains(err.Error(), "format 99") {
		t.Errorf("summary of a later format: %v", err)
	}
}

// A nightly run's line: "cluster" is the stable ID, members carry their
// night; it reads back as written.
func TestClusterLineStableIDRoundTrip(t *testing.T) {
	l := ClusterLine{Cluster: 3, StableID: "wire/a&b", Size: 2, Canonical: "wire/a&b", Members: []MemberLine{
		{ID: "wire/a&b", Title: "A", Similarity: 1, Night: 4, Arrived: "2026-11-26"},
		{ID: "c", Title: "C", Similarity: 0.5, Night: 5, Arrived: "2026-11-27", Match: &MatchLine{Reason: "jaccard", Jaccard: 0.5, PublishedBefore: true}},
	}}
	b, err := marshalNoEscape(l) // as Clusters writes it
	if err != nil {
		t.Fatal(err)
	}
	want := `{"cluster":"wire/a&b","size":2,"canonical":"wire/a&b","members":[{"id":"wire/a&b","title":"A","similarity":1,"night":4,"arrived":"2026-11-26"},` +
		`{"id":"c","title":"C","similarity":0.5,"match":{"reason":"jaccard","jaccard":0.5,"containment":0,"published_before_canonical":true},"night":5,"arrived":"2026-11-27"}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back ClusterLine
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	l.Cluster = 0 // a stable ID says nothing of the position
	if !reflect.DeepEqual(back, l) {
		t.Errorf("read back %+v, want %+v", back, l)
	}
	plain, _ := json.Marshal(ClusterLine{Cluster: 7, Size: 0, Canonical: "x"})
	if !strings.HasPrefix(string(plain), `{"cluster":7,`) {
		t.Errorf("a plain run's line: %s", plain)
	}
}

// Clusters encodes runs of clusters on two goroutines: over several runs,
// an odd last one and an empty result, the file is the lines in order,
// each cluster once, as ReadClusters checks them.
func TestClustersInOrderAcrossRuns(t *testing.T) {
	for _, n := range []int{0, 1, 2049, 4096, 9001} {
		res := &dedup.Result{}
		for i := range n {
			a, b := len(res.Docs), len(res.Docs)+1
			res.Docs = append(res.Docs, dedup.Doc{ID: fmt.Sprintf("a%d", i)}, dedup.Doc{ID: fmt.Sprintf("b%d", i)})
			res.Clusters = append(res.Clusters, cluster.Cluster{Members: []cluster.Member{
				{Doc: a, Match: cluster.Match{Jaccard: 1, Containment: 1, Figures: -1, Verified: true, Reason: cluster.Canonical}},
				{Doc: b, Match: cluster.Match{Jaccard: 0.5, Containment: 0.6, Figures: -1, Verified: true, Reason: cluster.ByJaccard}}}})
		}
		var got, want bytes.Buffer
		if err := Clusters(&got, res); err != nil {
			t.Fatal(err)
		}
		if err := encodeClusters(&want, res, 0, n); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%d clusters: the file differs from the lines encoded in turn", n)
		}
		path := filepath.Join(t.TempDir(), ClustersFile)
		os.WriteFile(path, got.Bytes(), 0o644)
		lines, err := ReadClusters(path)
		if err != nil || len(lines) != n {
			t.Fatalf("%d clusters: read %d, %v", n, len(lines), err)
		}
	}
}
