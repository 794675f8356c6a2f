package shingle_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/neardup/neardup/shingle"
)

func TestSentences(t *testing.T) {
	banner := "We use cookies to improve your experience on our site. By continuing you accept our use of cookies.\n"
	a := shingle.Sentences(banner + "The council approved the new budget for the city schools on Tuesday night.")
	b := shingle.Sentences("WE USE COOKIES TO IMPROVE   YOUR EXPERIENCE ON OUR SITE. By continuing you accept our use of cookies.\n" +
		"Firefighters put out a blaze in a warehouse near the harbour early on Monday.")
	if n := len(a); n != 3 {
		t.Fatalf("%d sentences, want 3", n)
	}
	shared := 0
	for _, h := range a {
		if slices.Contains(b, h) {
			shared++
		}
	}
	if shared != 2 {
		t.Errorf("the two banner sentences should match whatever the case and spacing: %d shared", shared)
	}
	if got := shingle.Sentences("Too short. Also short.\nOK"); got != nil {
		t.Errorf("short sentences counted: %v", got)
	}
	// A long text: head and tail only, at most 2 × FurnitureSentences.
	var long strings.Builder
	for i := range 100 {
		fmt.Fprintf(&long, "This is sentence number %d of a very long article. ", i)
	}
	if got := shingle.Sentences(long.String()); len(got) != 2*shingle.FurnitureSentences {
		t.Errorf("%d sentences of a long text, want %d", len(got), 2*shingle.FurnitureSentences)
	}
}
