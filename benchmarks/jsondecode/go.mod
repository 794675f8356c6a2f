module github.com/neardup/neardup/benchmarks/jsondecode

go 1.26.0

require (
	github.com/neardup/neardup v0.0.0
	github.com/segmentio/encoding v0.5.4
	github.com/valyala/fastjson v1.6.10
)

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/segmentio/asm v1.1.3 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/neardup/neardup => ../..
