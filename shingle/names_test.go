package shingle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestNames(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Goulds Pumps Inc said it set a regular quarterly dividend of 18 cts.", []string{"goulds", "pumps", "inc"}},
		{"The company said Mobil Oil Corp has received a contract. It said so.", []string{"mobil", "oil", "corp"}},
		{"le président russe, Vladimir Poutine, a dit « Nous sommes en contact » à Berlin", []string{"vladimir", "poutine", "berlin"}},
		{"ALL CAPS WIRE FLASH ABOUT EXXON AND MOBIL", nil},
		{"no names at all here", nil},
		{"Shr profit 13 cts\n    Sales 41.1 mln\n    Revs 4 mln, said Mobil\nOil Corp", []string{"mobil", "oil", "corp"}},
	}
	for _, tt := range tests {
		var want []uint64
		for _, w := range tt.want {
			want = append(want, shingle.Names("x "+strings.ToUpper(w[:1])+w[1:])...)
		}
		slices.Sort(want)
		if got := shingle.Names(tt.text); !slices.Equal(got, want) {
			t.Errorf("Names(%q): %d names, want %d %v", tt.text, len(got), len(want), tt.want)
		}
	}
}
