package benchrecords

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

func TestGeneratedHash(t *testing.T) {
	h := sha256.New()
	for _, l := range Generated(N) {
		h.Write(l)
		h.Write([]byte{'\n'})
	}
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != GeneratedSHA256 {
		t.Errorf("Generated hash %s, want %s: the benchmarks' input changed", got, GeneratedSHA256)
	}
}
