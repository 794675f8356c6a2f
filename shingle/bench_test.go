package shingle_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

// article returns a deterministic 500-word English-like text.
func article(words int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "w%d", rng.IntN(20000))
		if i%20 == 19 {
			b.WriteString(".")
		}
	}
	return b.String()
}

// BenchmarkShingles: normalise and shingle a 500-word article, word
// 3-grams, the way a run's workers do (Hasher, reused buffers), and through
// the allocating, sorting Options.Shingles.
func BenchmarkShingles(b *testing.B) {
	text := article(500)
	o := shingle.Options{Kind: shingle.Word, N: 3}
	b.Run("hasher", func(b *testing.B) {
		var h shingle.Hasher
		b.ReportAllocs()
		for b.Loop() {
			h.Hashes(o, text)
		}
	})
	b.Run("sorted-set", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o.Shingles(text)
		}
	})
	french := strings.Repeat("Le président russe, Vladimir Poutine, s’est dit préoccupé par l’offensive à Idlib. ", 40)
	b.Run("hasher-french", func(b *testing.B) {
		var h shingle.Hasher
		b.ReportAllocs()
		for b.Loop() {
			h.Hashes(o, french)
		}
	})
	// Arabic script is outside the Latin tables: the full Unicode path. A
	// sentence written for this benchmark, 11 words, repeated to 550.
	arabic := strings.Repeat("قال الرئيس الروسي فلاديمير بوتين إنه قلق من الهجوم في إدلب. ", 50)
	b.Run("hasher-arabic", func(b *testing.B) {
		var h shingle.Hasher
		b.ReportAllocs()
		for b.Loop() {
			h.Hashes(o, arabic)
		}
	})
}

func BenchmarkBoilerplate(b *testing.B) {
	text := "MOSCOU, 21 févr. 2020 (AFP) - " + article(500) + "\n(Reporting by Jane Doe; Editing by John Roe)"
	b.ReportAllocs()
	for b.Loop() {
		shingle.StripBoilerplate(text)
	}
}
