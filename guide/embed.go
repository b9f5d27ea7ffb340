// Package guide holds the operator guide as Markdown, one file per section in en/ and tr/ with the
// same names in both, embedded so the binary serves it at /guide.
package guide

import "embed"

// FS holds en/*.md and tr/*.md.
//
//go:embed en/*.md tr/*.md
var FS embed.FS
