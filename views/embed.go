// Package views holds the html/template files: layout.html, partials/, and one folder per room.
// They are parsed once per language at start-up (see app/web/render.go).
package views

import "embed"

// FS holds every template.
//
//go:embed *.html */*.html
var FS embed.FS
