package i18n

import (
	"strings"
	"time"
)

// The time zones the product offers (Settings → Business hours) are named in the reader's
// language by their CLDR exemplar city: "İstanbul" in Turkish, "إسطنبول" in Arabic, "Estambul" in
// Spanish. The names are the catalogs' "zone.<IANA name>" messages (zones.json): no maintained Go
// module ships CLDR's exemplar cities (golang.org/x/text parses CLDR's XML but carries none of
// its data), and the product offers ten zones. Any other IANA name a tenant typed is shown by its
// city part ("America/Sao_Paulo" → "Sao Paulo").

// ZoneCity names the IANA zone name in p's language: its catalog name, else the city part of
// the name with spaces for underscores; "UTC" stays "UTC".
func (p *Printer) ZoneCity(name string) string {
	if name == "" || name == "UTC" {
		return "UTC"
	}
	if v, ok := p.lookup("zone." + name); ok {
		return v
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// ZoneName names the time zone loc (nil: the server's local zone) with its offset from UTC at
// the moment at, as the panel shows a zone: "İstanbul (UTC+03:00)" (tr), "Istanbul (UTC+03:00)"
// (en), "UTC", or just "UTC+03:00" for a zone without a name (the server's TZ unset). In Arabic
// the offset keeps its sign before the hours (isolated left to right).
func (p *Printer) ZoneName(loc *time.Location, at time.Time) string {
	if loc == nil {
		loc = time.Local
	}
	off := at.In(loc).Format("-07:00")
	if off == "+00:00" {
		off = ""
	}
	n := loc.String()
	switch {
	case n == "UTC":
		return "UTC"
	case n == "Local" || n == "":
		return p.isolate("UTC" + off)
	}
	return p.ZoneCity(n) + " (" + p.isolate("UTC"+off) + ")"
}
