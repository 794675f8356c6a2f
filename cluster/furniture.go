package cluster

// Furniture counts, for each sentence at the head or tail of a short
// article (shingle.Sentences), how many articles of the run have
// it, and calls a sentence page furniture when at least Min do: a cookie
// notice or a captcha page repeated across a site's pages. Counts are kept
// in a fixed table of saturating 16-bit counters indexed by the
// sentence's hash (2 MiB, a million slots); with a million or two
// sentences counted, a slot's count is made false by others' by a few at
// most, far below Min. It is filled while reading and read-only afterwards.
type Furniture struct {
	df  []uint16
	Min int // articles a sentence must be in to be furniture
}

const furnitureBits = 20

// NewFurniture returns an empty count with the given threshold.
func NewFurniture(min int) *Furniture {
	return &Furniture{df: make([]uint16, 1<<furnitureBits), Min: min}
}

// Add counts one article's sentences: duplicate-free hashes.
func (f *Furniture) Add(sentences []uint32) {
	for _, s := range sentences {
		if c := &f.df[s&(1<<furnitureBits-1)]; *c < ^uint16(0) {
			*c++
		}
	}
}

// Is reports whether a sentence is furniture.
func (f *Furniture) Is(sentence uint32) bool {
	return int(f.df[sentence&(1<<furnitureBits-1)]) >= f.Min
}

// FurnitureOwn is the share of its counted sentences that each article of a
// pair must have outside the furniture for the furniture test to judge it:
// a syndicated story under a short local introduction shares its many
// sentences with its copies, which is not furniture to ignore.
const FurnitureOwn = 0.4

// MinFurnitureShared is how many furniture sentences two articles must
// share for the test to look at them: a notice is a block of sentences; one
// shared sentence is as likely a template line of two real stories ("The
// Federal Savings and Loan Insurance Corp said ...").
const MinFurnitureShared = 2

// furnitureOnly reports whether two articles share sentences, all of them
// furniture, while each has enough of its own that they share nothing of.
func (f *Furniture) furnitureOnly(a, b []uint32) bool {
	sharedF, sharedOwn := 0, 0
	ownA, ownB := 0, 0
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			if !f.Is(a[i]) {
				ownA++
			}
			i++
		case i == len(a) || b[j] < a[i]:
			if !f.Is(b[j]) {
				ownB++
			}
			j++
		default:
			if f.Is(a[i]) {
				sharedF++
			} else {
				sharedOwn++
				ownA++
				ownB++
			}
			i++
			j++
		}
	}
	return sharedF >= MinFurnitureShared && sharedOwn == 0 && ownA > 0 && ownB > 0 &&
		float64(ownA) >= FurnitureOwn*float64(len(a)) && float64(ownB) >= FurnitureOwn*float64(len(b))
}
