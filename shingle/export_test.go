package shingle

// Hooks for the external tests.
var (
	MatchesBoilerLine = boilerLineRE.MatchString
	MayBeBoilerLine   = mayBeBoilerLine
	IsASCII           = isASCII
	MatchesCited      = citedRE.MatchString
	MayCite           = mayCite
	StripDateline     = stripDateline
	NormalizeLatin    = normalizeLatin
	NormalizeUnicode  = normalizeUnicode
)

// LatinCovers reports whether the Latin path's table folds r.
func LatinCovers(r rune) bool {
	return latinFold(r) != nil
}
