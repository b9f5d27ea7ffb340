// Package schema holds the goose migrations of the control database (platform/) and of every
// tenant database (tenant/), embedded so the binary migrates itself at start-up.
package schema

import "embed"

// FS holds platform/*.sql and tenant/*.sql.
//
//go:embed platform/*.sql tenant/*.sql
var FS embed.FS
