package pipeline

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neardup/neardup/dedup"
)

// Beam's Go SDK finds functions and types on remote workers by their
// registration, made before main runs.
func init() {
	for _, t := range []any{FileRef{}, Article{}, Skip{}, Counts{}, ReasonCount{}, Half{}, Member{}, Doc{}, Edge{}, Component{}, Cluster{}, ClusterMember{}, Config{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
	beam.RegisterCoder(reflect.TypeOf((*dedup.CorpusCounts)(nil)), encodeCounts, decodeCounts)

	register.DoFn4x1[context.Context, []byte, func(FileRef), func(Counts), error](&listFn{})
	register.DoFn5x1[context.Context, FileRef, func(Article), func(Skip), func(Counts), error](&readFn{})
	register.Function1x2(keyByID)
	register.DoFn5x1[string, func(*Article) bool, func(Article), func(Skip), func(Counts), error](&uniqueFn{})
	register.Combiner3[*dedup.CorpusCounts, Article, []byte](&countsFn{})
	register.DoFn2x1[Article, func(uint64, uint64), error](&bandsFn{})
	register.Function3x0(bucketPairs)
	register.Function2x0(evidenceByKey)
	register.Function4x0(halvesFn)
	register.DoFn5x1[uint64, func(*[]byte) bool, func(*Half) bool, func(*[]byte) bool, func(Edge), error](&checkFn{})
	register.Function2x0(bothWays)
	register.Function2x0(downward)
	register.DoFn4x0[context.Context, uint64, func(*uint64) bool, func(Edge)](&starFn{})
	register.Function3x0(starLabel)
	register.Function2x0(memberByKey)
	register.Function2x0(edgeByA)
	register.Function6x0(labelMembers)
	register.DoFn5x1[uint64, func(*Member) bool, func(*Edge) bool, func(*[]byte) bool, func(Component), error](&buildFn{})
	register.Function2x1(mergeCounts)
	register.Function2x0(emptyCounts)
	register.Function2x1(lessSkip)
	register.DoFn7x1[context.Context, []byte, func(*Component) bool, func(*Counts) bool, func(*[]Skip) bool, func(*int) bool, func(*int) bool, error](&writeFn{})

	register.DoFn2x0[Component, func(int, Component)](&shardOf{})
	register.Function2x0(shardNumbers)
	register.DoFn4x1[context.Context, int, func(*int) bool, func(*Component) bool, error](&shardFn{})

	register.Emitter1[FileRef]()
	register.Emitter1[Counts]()
	register.Emitter1[Article]()
	register.Emitter1[Skip]()
	register.Emitter1[Edge]()
	register.Emitter1[Component]()
	register.Emitter2[uint64, uint64]()
	register.Emitter2[uint64, []byte]()
	register.Emitter2[uint64, Half]()
	register.Emitter2[uint64, Member]()
	register.Emitter2[uint64, Edge]()
	register.Emitter2[int, Component]()
	register.Emitter2[int, int]()
	register.Iter1[Article]()
	register.Iter1[uint64]()
	register.Iter1[[]byte]()
	register.Iter1[Half]()
	register.Iter1[Member]()
	register.Iter1[Edge]()
	register.Iter1[Component]()
	register.Iter1[Counts]()
	register.Iter1[[]Skip]()
	register.Iter1[int]()
}
