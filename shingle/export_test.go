package shingle

// Hooks for the external tests.
var (
	MatchesBoilerLine = boilerLineRE.MatchString
	MayBeBoilerLine   = mayBeBoilerLine
	IsASCII           = isASCII
	StripDateline     = stripDateline
)
