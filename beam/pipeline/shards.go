package pipeline

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/report"
)

// Sharded outputs (Options.Shards = n): the clusters are written by n
// workers, each into shard i of clusters.jsonl and of drop.txt,
//
//	clusters-00000-of-00016.jsonl … clusters-00015-of-00016.jsonl
//	drop-00000-of-00016.txt … drop-00015-of-00016.txt
//
// each in neardup run's format and order over the clusters it holds (a
// cluster's shard is a hash of its component's first article's ID), its
// "cluster" numbers counting from 1 within the shard. summary.json is one
// file, counting all of them. Join merges the shards into clusters.jsonl
// and drop.txt, byte for byte what an unsharded run writes; drop.txt
// alone also joins with LC_ALL=C sort -m drop-*-of-*.txt.

// ShardName is the name of shard i of n of an output (report.ClustersFile
// or report.DropFile).
func ShardName(name string, i, n int) string {
	ext := path.Ext(name)
	return fmt.Sprintf("%s-%05d-of-%05d%s", strings.TrimSuffix(name, ext), i, n, ext)
}

// shardOf keys a component by its shard.
type shardOf struct {
	N int
}

func (f *shardOf) ProcessElement(c Component, emit func(int, Component)) {
	h := fnv.New64a()
	h.Write([]byte(c.Docs[0].ID))
	emit(int(h.Sum64()%uint64(f.N)), c)
}

// shardNumbers keys each shard number, so that every shard is written,
// empty or not.
func shardNumbers(i int, emit func(int, int)) { emit(i, i) }

// shardFn writes one shard of clusters.jsonl and drop.txt.
type shardFn struct {
	Out string
	N   int
}

func (f *shardFn) ProcessElement(ctx context.Context, shard int, _ func(*int) bool, components func(*Component) bool) error {
	res := &dedup.Result{}
	gather(res, components)
	return writeFiles(ctx, f.Out, []output{
		{ShardName(report.ClustersFile, shard, f.N), func(w io.Writer) error { return report.Clusters(w, res) }},
		{ShardName(report.DropFile, shard, f.N), func(w io.Writer) error { return report.Drop(w, res) }},
	})
}

var shardPattern = regexp.MustCompile(`-(\d{5})-of-(\d{5})\.`)

// Join merges the shards of clusters.jsonl and drop.txt in dir (local,
// gs://, s3://) into clusters.jsonl and drop.txt there: the clusters
// renumbered in neardup run's order (largest first, then by canonical ID),
// the IDs sorted. It reads each shard once, a line at a time.
func Join(ctx context.Context, dir string) error {
	dir = strings.TrimSuffix(dir, "/")
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	open := func(name string) ([]*bufio.Reader, func(), error) {
		ext := path.Ext(name)
		names, err := fs.List(ctx, dir+"/"+strings.TrimSuffix(name, ext)+"-*-of-*"+ext)
		if err != nil {
			return nil, nil, err
		}
		slices.Sort(names)
		if len(names) == 0 {
			return nil, nil, fmt.Errorf("%s: no shards of %s", dir, name)
		}
		n, _ := strconv.Atoi(shardPattern.FindStringSubmatch(names[0])[2])
		var readers []*bufio.Reader
		var closers []io.Closer
		done := func() {
			for _, c := range closers {
				c.Close()
			}
		}
		for i, got := range names {
			if want := dir + "/" + ShardName(name, i, n); got != want || len(names) != n {
				done()
				return nil, nil, fmt.Errorf("%s: shards of %s: have %d (%s …), want %d of %d", dir, name, len(names), path.Base(names[0]), n, n)
			}
			r, err := fs.OpenRead(ctx, got)
			if err != nil {
				done()
				return nil, nil, err
			}
			closers = append(closers, r)
			readers = append(readers, bufio.NewReaderSize(r, 1<<20))
		}
		return readers, done, nil
	}
	clusters, done, err := open(report.ClustersFile)
	if err != nil {
		return err
	}
	defer done()
	drops, doneDrops, err := open(report.DropFile)
	if err != nil {
		return err
	}
	defer doneDrops()
	return writeFiles(ctx, dir, []output{
		{report.ClustersFile, func(w io.Writer) error { return joinClusters(w, clusters) }},
		{report.DropFile, func(w io.Writer) error { return joinLines(w, drops) }},
	})
}

// joinClusters merges shards of clusters.jsonl, each in order, into w,
// renumbering the clusters.
func joinClusters(w io.Writer, shards []*bufio.Reader) error {
	heads := make([]*report.ClusterLine, len(shards))
	next := func(i int) error {
		line, err := shards[i].ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			heads[i] = nil
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		heads[i] = new(report.ClusterLine)
		return json.Unmarshal(line, heads[i])
	}
	for i := range shards {
		if err := next(i); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // as report.Clusters writes
	for n := 1; ; n++ {
		best := -1
		for i, h := range heads {
			if h != nil && (best < 0 || cmp.Or(cmp.Compare(h.Size, heads[best].Size), strings.Compare(heads[best].Canonical, h.Canonical)) > 0) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		heads[best].Cluster = n
		if err := enc.Encode(heads[best]); err != nil {
			return err
		}
		if err := next(best); err != nil {
			return err
		}
	}
}

// joinLines merges sorted shards of lines into w.
func joinLines(w io.Writer, shards []*bufio.Reader) error {
	heads := make([]string, len(shards))
	live := make([]bool, len(shards))
	next := func(i int) error {
		line, err := shards[i].ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		heads[i], live[i] = line, line != ""
		return nil
	}
	for i := range shards {
		if err := next(i); err != nil {
			return err
		}
	}
	for {
		best := -1
		for i := range heads {
			if live[i] && (best < 0 || heads[i] < heads[best]) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		if _, err := io.WriteString(w, heads[best]); err != nil {
			return err
		}
		if err := next(best); err != nil {
			return err
		}
	}
}
