package web

import (
	"net/http"
	"strconv"

	"highvibe/app/tenantdb"
)

// PathID is the route's {name} as a record id: a positive integer, else tenantdb.ErrNotFound (a
// not-found fault: Renderer.Fail answers 404 in the viewer's language, or as problem details),
// so an address with a malformed id answers like one whose record does not exist.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, tenantdb.ErrNotFound
	}
	return id, nil
}
