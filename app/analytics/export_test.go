package analytics

// OnRefreshSteps sets the refresh test hooks (nil clears them): store runs before a refresh
// stores its snapshot, join when a refresh joins one under way.
func OnRefreshSteps(store, join func()) {
	set := func(p interface{ Store(*func()) }, f func()) {
		if f == nil {
			p.Store(nil)
		} else {
			p.Store(&f)
		}
	}
	set(&storing, store)
	set(&joined, join)
}
