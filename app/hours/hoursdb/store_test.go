package hoursdb_test

import (
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
)

// TestZoneLoadedOnce: the tenant's zone is read on every page and job, and each read parsed the
// zone's tzdata again. A saved zone is now loaded once and shared, also between goroutines; a
// name the zone database does not know still gives the default location.
func TestZoneLoadedOnce(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	if err := hoursdb.Save(t.Context(), db, func() hours.Config { c := hours.Default(); c.Zone = "America/Bogota"; return c }(), time.Now()); err != nil {
		t.Fatal(err)
	}
	first, err := hoursdb.Zone(t.Context(), db.Read)
	if err != nil || first.String() != "America/Bogota" {
		t.Fatalf("zone %v, %v", first, err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			loc, err := hoursdb.Zone(t.Context(), db.Read)
			if err != nil || loc != first {
				t.Errorf("a later read gave %p (%v), want the one location %p", loc, err, first)
			}
		})
	}
	wg.Wait()
	if hours.Location("Local") != nil || hours.Location("") != nil || hours.Location("Mars/Olympus") != nil {
		t.Error("the server's own zone, no name or an unknown name is taken for a business's zone")
	}
}
