// Package web is the shared plumbing of every room's handlers: the request context (who, which
// tenant, which language), rendering pages and fragments, middleware, form parsing and mapping
// errors to responses.
package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"highvibe/app/auth"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Ctx is everything a handler knows about the request, resolved once by middleware.
type Ctx struct {
	ReqID       string
	Lang        string
	P           *i18n.Printer
	Session     *sessions.Session
	User        *platform.User
	Memberships []platform.Membership
	// AllTenants is every tenant, for a staff user's tenant switcher (nil for everyone else).
	AllTenants []*platform.Tenant
	Tenant     *platform.Tenant // the active tenant (panel) or the tenant of a public slug / API key
	DB         *tenantdb.DB     // the active tenant's database; never another tenant's
	Role       string           // owner, operator or viewer; staff users act as owner
	// Loc is the active tenant's time zone (chosen on the business hours page): the panel shows
	// and reads dates and clock times in it. nil: the server's local zone.
	Loc    *time.Location
	client *Client // resolved once by the Clients middleware
	// BaseURL is the server's public address (serve --base-url), "" when none is set; build
	// absolute links with Origin.
	BaseURL string
	once    once // the post's one-time form token (Replayed, SpendOnce)
	// hangUp, set by Base, makes the server end the connection gently after the answer (see
	// closeAfterAnswer); GuardBodies calls it when it cuts a body off.
	hangUp func()
	// ignored are the list filters of the address that could not be read (filters.go).
	ignored []IgnoredFilter
}

// Can reports whether the current user holds permission p in the active tenant.
func (c *Ctx) Can(p auth.Permission) bool {
	if c == nil || c.User == nil {
		return false
	}
	return auth.Can(c.Role, c.User.IsStaff, p)
}

// HasModule reports whether the active tenant has module m on (platform.Module*: "sales", "msp",
// …); false without a tenant. Templates: {{if .Ctx.HasModule "msp"}}.
func (c *Ctx) HasModule(m string) bool {
	if c == nil || c.Tenant == nil {
		return false
	}
	return c.Tenant.HasModule(m)
}

// PhoneRegion is the country the active business's phone numbers written without a country code
// are of (platform.Tenant.PhoneRegion); "" without a tenant (Turkey's reading).
func (c *Ctx) PhoneRegion() string {
	if c == nil || c.Tenant == nil {
		return ""
	}
	return c.Tenant.PhoneRegion()
}

// UserID is the logged-in user's id or 0.
func (c *Ctx) UserID() int64 {
	if c == nil || c.User == nil {
		return 0
	}
	return c.User.ID
}

// Zone is the time zone the panel shows and reads times in: the tenant's, else the product's
// default (hours.DefaultLocation: the zone the business hours page offers before it is saved).
func (c *Ctx) Zone() *time.Location {
	if c == nil || c.Loc == nil {
		return hours.DefaultLocation()
	}
	return c.Loc
}

// SetZone makes loc (nil: the product's default zone) the request's time zone, for the printer too.
func (c *Ctx) SetZone(loc *time.Location) {
	if loc == nil {
		loc = hours.DefaultLocation()
	}
	c.Loc = loc
	c.P = c.P.In(loc)
}

// T translates in the request's language.
func (c *Ctx) T(key string, args ...any) string { return c.P.T(key, args...) }

type ctxKey struct{}

// With stores c in the request's context.
func With(r *http.Request, c *Ctx) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, c))
}

// From returns the request's Ctx (an English, anonymous one when middleware did not run).
func From(r *http.Request) *Ctx {
	if c, ok := r.Context().Value(ctxKey{}).(*Ctx); ok {
		return c
	}
	return &Ctx{Lang: "en", P: i18n.For("en")}
}

// FromContext returns the Ctx stored in ctx, or nil.
func FromContext(ctx context.Context) *Ctx {
	c, _ := ctx.Value(ctxKey{}).(*Ctx)
	return c
}
