package shingle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestSharedWords(t *testing.T) {
	o := shingle.Options{Kind: shingle.Word, N: 3}
	canon := "Le président russe, Vladimir Poutine, s’est dit préoccupé par la situation à Idlib."
	copyText := "MOSCOU (AFP) – Le Président russe Vladimir Poutine s'est dit « préoccupé » hier."
	spans, shared := o.SharedWords(copyText, o.Shingles(canon))
	var got []string
	for i, sp := range spans {
		if shared[i] {
			got = append(got, copyText[sp.Start:sp.End])
		}
	}
	want := "Le Président russe Vladimir Poutine s est dit préoccupé"
	if strings.Join(got, " ") != want {
		t.Errorf("shared words %q, want %q", strings.Join(got, " "), want)
	}
	if spans, shared := o.SharedWords("", nil); len(spans) != 0 || len(shared) != 0 {
		t.Error("empty text has words")
	}
	// Every word of an identical text is shared, whatever its length.
	for _, text := range []string{"one", "two words", "five words in a row"} {
		_, shared := o.SharedWords(text, o.Shingles(text))
		if slices.Contains(shared, false) {
			t.Errorf("%q: not every word shared with itself: %v", text, shared)
		}
	}
}
