//go:build goexperiment.jsonv2

package jsondecode

import (
	"encoding/json/jsontext"
	json2 "encoding/json/v2"
	"unicode/utf8"

	"github.com/neardup/neardup/corpus"
)

type v2Record struct {
	ID     jsontext.Value `json:"id"`
	Title  *string        `json:"title"`
	Text   *string        `json:"text"`
	Source *string        `json:"source"`
	Date   *string        `json:"date"`
}

// jsonv2 is encoding/json/v2 (GOEXPERIMENT=jsonv2 in Go 1.26), with its
// default options: names matched exactly, invalid UTF-8 and duplicate
// names rejected — stricter than encoding/json, so the fallback would
// stay.
func jsonv2() (string, func(line []byte) (corpus.Document, error)) {
	return "encoding-json-v2", func(line []byte) (corpus.Document, error) {
		_ = utf8.Valid(line)
		var r v2Record
		if err := json2.Unmarshal(line, &r); err != nil {
			return corpus.Document{}, err
		}
		return document(r.ID, r.Title, r.Text, r.Source, r.Date, unmarshalV2)
	}
}

func unmarshalV2(b []byte, v any) error { return json2.Unmarshal(b, v) }
