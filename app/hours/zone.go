package hours

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the default zone loads even where the system has no zone database

	"highvibe/app/i18n"
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

// ProductZone is the time zone of a business that has not saved its business hours page, on a
// server whose operator named no zone: Istanbul, where the product's businesses are.
const ProductZone = "Europe/Istanbul"

// DefaultZone is the IANA name of the time zone a business uses until an owner saves the
// business hours page, and the zone that page offers in its field: the server's zone when the
// operator named one for the service (TZ=Europe/Berlin; README, "Time zone"), else ProductZone.
// A server on UTC, or on its machine's zone with TZ unset, says nothing about any business (a
// VPS runs on UTC however far its businesses are), so it is not taken for their zone. Only the
// server's own records (log lines, job timestamps) keep the server's zone.
func DefaultZone() string {
	n := time.Local.String()
	if n != "" && n != "Local" && n != "UTC" && !strings.HasPrefix(n, "/") && load(n) != nil {
		return n
	}
	return ProductZone
}

// DefaultLocation is DefaultZone as a location: "today" and the day boundaries of a business
// that has not saved its zone.
func DefaultLocation() *time.Location {
	if loc := load(DefaultZone()); loc != nil {
		return loc
	}
	return time.FixedZone("+03", 3*60*60) // Istanbul's offset, had the zone database gone
}

// Location is the zone named name, loaded from the zone database once per name and shared
// (safe for concurrent use): the tenant's zone is read on every page and job, and loading it
// parses its tzdata each time. nil for "", "Local" (the server's own zone, which says nothing
// about a business) and a name the database does not know.
func Location(name string) *time.Location {
	if name == "" || strings.EqualFold(name, "local") {
		return nil
	}
	return load(name)
}

var zones sync.Map // name → *time.Location, or nil for a name the zone database does not know

// load returns the zone named name, loaded once; nil when it is unknown.
func load(name string) *time.Location {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zones.Store(name, loc)
	return loc
}

// ZoneChoice is one zone a time zone field offers: its IANA name (what the field takes) and its
// name in the reader's language with the offset now ("İstanbul (UTC+03:00)"), the suggestion's
// label.
type ZoneChoice struct{ Name, Label string }

// zoneOffers are the zones the time zone fields suggest (the business hours page's, a person's
// own for quiet hours); any name of the zone database is accepted.
var zoneOffers = [...]string{"Europe/Istanbul", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Asia/Dubai",
	"Asia/Riyadh", "Africa/Cairo", "America/New_York", "UTC"}

// ZoneChoices are the zones a time zone field suggests, labelled for the reader at now.
func ZoneChoices(p *i18n.Printer, now time.Time) []ZoneChoice {
	out := make([]ZoneChoice, 0, len(zoneOffers))
	for _, z := range zoneOffers {
		label := z
		if loc := Location(z); loc != nil {
			label = p.ZoneName(loc, now)
		}
		out = append(out, ZoneChoice{Name: z, Label: label})
	}
	return out
}
