package report

// The output formats of a run, one spec for each; ReadClusters, ReadDrop,
// ReadSummary and ReadSet are their readers, shared by neardup report,
// neardup eval and the tests. All are UTF-8; errors name the file and, for
// line formats, the line (*corpus.Error).
//
// clusters.jsonl: one JSON object per line, one line per cluster of two or
// more articles, largest first, then by canonical ID:
//
//	{"cluster": N, "size": S, "canonical": ID, "title": T, "members": [MEMBER, …]}
//
// cluster numbers the lines from 1; size is the number of members; title
// (absent when none qualifies) is the cluster's headline for people, the
// title of two words or more that most of its members carry
// (DisplayTitle), which may not be the canonical's; the
// canonical member comes first (its ID is "canonical", its similarity 1 and
// it has no match), the others by similarity to it, descending, then by
// ID. A MEMBER is
//
//	{"id": ID, "title": T, "similarity": J, "source": S, "date": D, "match": MATCH}
//
// with source and date (RFC 3339, UTC) only when the input had them and
// match (see MatchLine) on every member but the canonical one.
//
// drop.txt: the IDs of all non-canonical members of clusters.jsonl, sorted
// by byte value, one per line, each line ending in "\n"; empty when there is
// no cluster.
//
// summary.json: one JSON object (Summary), indented; "format" is
// FormatVersion, raised when a field changes meaning or goes; fields are
// added without raising it. Its "workers" and "seconds" describe the run
// itself and are the only bytes that differ between two runs of the same
// input and parameters. A summary.json without "format" was written before
// it existed and reads as version 1.

// A nightly run (neardup run --state) writes format 2 (NightFormatVersion):
// clusters.jsonl lists the clusters that gained a member tonight, and its
// "cluster" is the cluster's stable ID, a string (the canonical article's
// ID), not a number; every MEMBER also has "night" (the number of the
// night it arrived) and "arrived" (that night's date), and a match may say
// "published_before_canonical": true (decisions are final: the canonical
// was kept on an earlier night). drop.txt lists tonight's hidden articles
// only. summary.json has "state" (StateSummary).

// FormatVersion is the version of the output formats above; a nightly run
// writes NightFormatVersion.
const (
	FormatVersion      = 1
	NightFormatVersion = 2
)
