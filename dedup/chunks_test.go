package dedup

import "testing"

// TestChunks: values come back in order and in full across block
// boundaries, in a slice of exactly their number.
func TestChunks(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 7} {
		var c chunks[int]
		for i := range n {
			c.add(i)
		}
		got := c.all()
		if len(got) != n || cap(got) != n {
			t.Fatalf("n=%d: got len %d cap %d", n, len(got), cap(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("n=%d: value %d at %d", n, v, i)
			}
		}
		if c.n != 0 || c.all() != nil {
			t.Errorf("n=%d: not emptied", n)
		}
	}
}
