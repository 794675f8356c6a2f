//go:build !goexperiment.jsonv2

package jsondecode

import "github.com/neardup/neardup/corpus"

// jsonv2 is encoding/json/v2, measured with GOEXPERIMENT=jsonv2 only.
func jsonv2() (string, func(line []byte) (corpus.Document, error)) { return "", nil }
