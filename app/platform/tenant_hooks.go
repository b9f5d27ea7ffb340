package platform

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"highvibe/app/tenantdb"
)

// TenantCreatedHook is told about a new business once its database file is made and migrated,
// with the business's language and country, so a room can put what a migration wrote into the
// business's own words (the starting SLA policy's name) or start it as its country expects (the
// time zone of its hours). A hook touches only its own room's tables; rows of businesses made
// before are not its business.
type TenantCreatedHook func(ctx context.Context, db *tenantdb.DB, nb NewBusiness) error

// NewBusiness is what a TenantCreatedHook is told: the business's language (primary_locale),
// the country it was made for ("DE"; "" when none was named) and that country's time zone ("").
type NewBusiness struct {
	Locale, Country, Zone string
}

var tenantCreated named[TenantCreatedHook]

// named is a registry of functions rooms register under their name from init: a later
// registration under the same name replaces the earlier one, and they are run in name order.
type named[F any] struct {
	mu sync.RWMutex
	m  map[string]F
}

func (r *named[F]) set(name string, f F) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]F{}
	}
	r.m[name] = f
}

// sorted returns the names and their functions in name order, copied so none is called under
// the lock.
func (r *named[F]) sorted() ([]string, []F) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.m))
	for n := range r.m {
		names = append(names, n)
	}
	sort.Strings(names)
	fs := make([]F, 0, len(names))
	for _, n := range names {
		fs = append(fs, r.m[n])
	}
	return names, fs
}

// OnTenantCreated registers hook under name (the room's); registering the same name again
// replaces it. Rooms register from init, so every way a business is made (staff console, CLI,
// demo, tests) runs them.
func OnTenantCreated(name string, hook TenantCreatedHook) {
	tenantCreated.set(name, hook)
}

// runTenantCreated calls every registered hook, in name order, and stops at the first error.
func runTenantCreated(ctx context.Context, db *tenantdb.DB, nb NewBusiness) error {
	names, hooks := tenantCreated.sorted()
	for i, h := range hooks {
		if err := h(ctx, db, nb); err != nil {
			return fmt.Errorf("platform: new tenant (%s): %w", names[i], err)
		}
	}
	return nil
}
