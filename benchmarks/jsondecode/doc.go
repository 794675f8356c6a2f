// Package jsondecode benchmarks JSONL decoders on the read stage's records,
// beside the fast path of package corpus (fastjson.go): encoding/json,
// github.com/segmentio/encoding/json and github.com/valyala/fastjson. It is
// a module of its own so that neither library is a dependency of the
// command. The figures and the decision are in benchmarks/RESULTS.md.
package jsondecode
