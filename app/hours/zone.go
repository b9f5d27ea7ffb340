package hours

import (
	"strings"
	"sync"
)

//go:generate go run gen_zones.go

// zoneByFold maps the lower-cased name of every zone in the database to its own spelling.
var zoneByFold = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Split(zoneNames, "\n") {
		m[strings.ToLower(n)] = n
	}
	return m
})

// CanonicalZone is the time zone name as the database spells it, whatever the case it was typed
// in ("europe/istanbul", "EUROPE/ISTANBUL" → "Europe/Istanbul", "utc" → "UTC"), with the
// surrounding spaces dropped; a name the database does not know is returned trimmed but
// otherwise as typed, for Validate to refuse.
func CanonicalZone(name string) string {
	name = strings.TrimSpace(name)
	if n, ok := zoneByFold()[strings.ToLower(name)]; ok {
		return n
	}
	return name
}
