//go:build tools

package replica

// The tests build the official Litestream CLI to prove it can restore what
// this package writes. Naming it here keeps its dependencies in go.mod and
// go.sum when `go mod tidy` runs; the file is never compiled.
import _ "github.com/benbjohnson/litestream/cmd/litestream"
