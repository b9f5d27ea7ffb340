// Package schema holds the goose migrations of the control database (platform/) and of every
// tenant database (tenant/), embedded so the binary migrates itself at start-up.
package schema

import "embed"

// FS holds platform/*.sql, tenant/*.sql and media/*.sql (each tenant's media database,
// tenants/<slug>.media.db: the bytes of photos and files, apart from the tenant file).
//
//go:embed platform/*.sql tenant/*.sql media/*.sql
var FS embed.FS
