package platform

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"highvibe/app/tenantdb"
)

// TenantCreatedHook is told about a new business once its database file is made and migrated,
// with the business's language (primary_locale), so a room can put what a migration wrote into
// the business's own words (the starting SLA policy's name). A hook touches only its own room's
// tables; rows of businesses made before are not its business.
type TenantCreatedHook func(ctx context.Context, db *tenantdb.DB, locale string) error

var tenantCreated struct {
	sync.RWMutex
	hooks map[string]TenantCreatedHook
}

// OnTenantCreated registers hook under name (the room's); registering the same name again
// replaces it. Rooms register from init, so every way a business is made (staff console, CLI,
// demo, tests) runs them.
func OnTenantCreated(name string, hook TenantCreatedHook) {
	tenantCreated.Lock()
	defer tenantCreated.Unlock()
	if tenantCreated.hooks == nil {
		tenantCreated.hooks = map[string]TenantCreatedHook{}
	}
	tenantCreated.hooks[name] = hook
}

// runTenantCreated calls every registered hook, in name order, and stops at the first error.
func runTenantCreated(ctx context.Context, db *tenantdb.DB, locale string) error {
	tenantCreated.RLock()
	names := make([]string, 0, len(tenantCreated.hooks))
	for n := range tenantCreated.hooks {
		names = append(names, n)
	}
	sort.Strings(names)
	hooks := make([]TenantCreatedHook, 0, len(names))
	for _, n := range names {
		hooks = append(hooks, tenantCreated.hooks[n])
	}
	tenantCreated.RUnlock()
	for i, h := range hooks {
		if err := h(ctx, db, locale); err != nil {
			return fmt.Errorf("platform: new tenant (%s): %w", names[i], err)
		}
	}
	return nil
}
