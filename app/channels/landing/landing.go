// Package landing is the public front page (guide: 25-landing-page.md): the default tenant's name and pitch, a few
// live numbers from its latest KPI snapshot, and a demo request form that becomes a lead.
//
// The default tenant is the demo tenant when it exists, otherwise the first tenant by slug; the
// page only shows when that tenant has landing_enabled, and falls back to the plain sign-in page.
package landing

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/analytics"
	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
	"highvibe/app/channels/widget"
	"highvibe/app/conversions"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// DefaultSlug is the tenant preferred for the landing page.
const DefaultSlug = "osman-cavus-tas-parke"

// Handler serves GET and POST /.
type Handler struct {
	Platform *platform.Service
	Inbox    *inbox.Service
	Render   *web.Renderer
	Log      *slog.Logger
	Fallback http.HandlerFunc   // the page shown when no landing page is enabled
	Limit    *chanutil.Limiters // demo requests per IP
	// Conversions is told of each demo request: the ad click ids and campaign the page was opened
	// with, kept only with the visitor's marketing consent (nil: not kept).
	Conversions *conversions.Service
}

// New builds the handler: at most 3 demo requests per IP per 10 minutes (bursts of 3).
func New(p *platform.Service, in *inbox.Service, render *web.Renderer, log *slog.Logger) *Handler {
	return &Handler{Platform: p, Inbox: in, Render: render, Log: log, Limit: chanutil.NewLimiters(3.0/600, 3)}
}

// Tenant returns the landing tenant when its landing page is enabled.
func (h *Handler) Tenant(ctx context.Context) (*platform.Tenant, bool) {
	t, err := h.Platform.TenantBySlug(ctx, DefaultSlug)
	if err != nil {
		ts, lerr := h.Platform.ListTenants(ctx)
		if lerr != nil || len(ts) == 0 {
			return nil, false
		}
		if t, err = h.Platform.TenantBySlug(ctx, ts[0].Slug); err != nil {
			return nil, false
		}
	}
	if !t.Active() || !t.Bool("landing_enabled") {
		return nil, false
	}
	return t, true
}

type pageData struct {
	// Slug names the business's own privacy notice (/kvkk/<slug>/), the one its consent records.
	Slug, Name, Greeting, Niche string
	GreetingLang                string // the language the owner wrote Greeting in
	KPI                         *analytics.KPI
	Generated                   time.Time
	Values                      map[string]string
	Sent                        bool
	UTM                         map[string]string
	// Marketing shows the marketing consent box (module conversion_tracking); Clicks are the ad
	// click ids the page was opened with, carried to the form's post.
	Marketing bool
	Clicks    map[string]string
	// Platforms are the ad platforms the marketing box names (conversions.Platforms).
	Platforms string
}

// clickKeys are the ad click ids the landing page carries from its address to the form.
var clickKeys = []string{"gclid", "gbraid", "wbraid", "fbclid", "ttclid"}

var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

func (h *Handler) data(ctx context.Context, t *platform.Tenant, r *http.Request) *pageData {
	// The owner's greeting in the page's language, else their main one (else the page's pitch).
	greeting, greetingLang := t.InLanguage("greeting", web.From(r).Lang)
	d := &pageData{Slug: t.Slug, Name: t.Name, Greeting: greeting, GreetingLang: greetingLang, Niche: t.NicheID, Values: map[string]string{}, UTM: map[string]string{},
		Clicks: map[string]string{}, Marketing: h.Conversions != nil && t.HasModule(platform.ModuleConversionTracking)}
	if db, err := h.Platform.Mgr.Tenant(ctx, t.Slug); err == nil {
		if s, err := analytics.Latest(ctx, db); err == nil {
			d.KPI, d.Generated = &s.KPI, s.Generated()
		}
	}
	q := r.URL.Query()
	for _, k := range utmKeys {
		if v := q.Get(k); v != "" {
			d.UTM[k] = v
		}
	}
	if d.Marketing {
		d.Platforms = "Meta (Facebook, Instagram), Google Ads, TikTok"
		if db, err := h.Platform.Mgr.Tenant(ctx, t.Slug); err == nil {
			if names, _, err := conversions.Platforms(ctx, db.Read); err == nil {
				d.Platforms = names
			}
		}
		for _, k := range clickKeys {
			if v := q.Get(k); v != "" && len(v) <= 500 {
				d.Clicks[k] = v
			}
		}
	}
	return d
}

// Show is GET /.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {
	t, ok := h.Tenant(r.Context())
	if !ok {
		h.Fallback(w, r)
		return
	}
	d := h.data(r.Context(), t, r)
	d.Sent = r.URL.Query().Get("sent") == "1"
	h.render(w, r, http.StatusOK, d, nil)
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, d *pageData, errs web.Errors) {
	h.Render.Render(w, r, status, "channels/landing", &web.Page{Title: d.Name, Data: d, Errors: errs})
}

// Submit is POST /: a demo request.
func (h *Handler) Submit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := web.From(r)
	t, ok := h.Tenant(ctx)
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	f := r.PostForm
	if f.Get("website") != "" { // honeypot: people never see this field
		web.Redirect(w, r, "/?sent=1")
		return
	}
	d := h.data(ctx, t, r)
	for _, k := range []string{"name", "contact", "message"} {
		d.Values[k] = strings.TrimSpace(f.Get(k))
	}
	d.Values["name"] = web.PersonName(d.Values["name"]) // one line of plain text (no direction overrides)
	for _, k := range utmKeys {
		if v := strings.TrimSpace(f.Get(k)); v != "" {
			d.UTM[k] = v
		}
	}
	if d.Marketing {
		for _, k := range clickKeys {
			if v := strings.TrimSpace(f.Get(k)); v != "" && len(v) <= 500 {
				d.Clicks[k] = v
			}
		}
		d.Values["marketing"] = f.Get("marketing")
	}
	errs := web.Errors{}
	name, contact, msg := d.Values["name"], d.Values["contact"], d.Values["message"]
	if name == "" {
		errs.Add("name", c.T("validation.required"))
	} else if utf8.RuneCountInString(name) > 200 {
		errs.Add("name", c.T("validation.too_long", 200))
	}
	var phone, email string
	switch {
	case contact == "":
		errs.Add("contact", c.T("validation.required"))
	case strings.Contains(contact, "@"):
		email = channel.VisibleEmail(contact)
		if !channel.ValidEmail(email) {
			errs.Add("contact", c.T(channel.EmailProblem(email, "validation.email")))
		}
	default:
		if inbox.NormalizePhone(contact, t.PhoneRegion()) == "" || utf8.RuneCountInString(contact) > 40 {
			errs.Add("contact", c.T("validation.phone"))
		}
		phone = contact
	}
	if utf8.RuneCountInString(msg) > widget.MaxText {
		errs.Add("message", c.T("validation.too_long", widget.MaxText))
	}
	if f.Get("consent") != "1" {
		errs.Add("consent", c.T("landing.consent_required"))
	}
	if errs.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	if ok, wait := h.Limit.Allow(web.ClientKey(r)); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		h.Render.Fail(w, r, fault.RateLimited("landing.rate_limited"))
		return
	}
	db, err := h.Platform.Mgr.Tenant(ctx, t.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	body := msg
	if body == "" {
		body = c.T("landing.default_message")
	}
	res, err := h.Inbox.Ingest(ctx, t.Slug, db, inbox.Inbound{Channel: "manual", LeadSource: "landing", Name: name, Phone: phone, Region: t.PhoneRegion(), Email: email,
		Body: body, ConsentVersion: widget.ConsentVersion(landingNotice(t, c.Lang)), ConsentAt: time.Now(), UTM: d.UTM})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	if d.Marketing && !res.Duplicate && res.LeadID != 0 {
		h.capture(r, t, db, d, res)
	}
	web.Redirect(w, r, "/?sent=1")
}

// capture hands a demo request to conversion tracking: the click ids and campaign the page was
// opened with, the Meta browser id (_fbp) and click (_fbc) cookies when the business's own Meta
// pixel set them on this site, and the marketing consent text ticked. The lead is in already; a
// failure here is logged, never the visitor's problem.
func (h *Handler) capture(r *http.Request, t *platform.Tenant, db *tenantdb.DB, d *pageData, res inbox.IngestResult) {
	get := func(k string) string {
		switch k {
		case "fbp", "fbc":
			if ck, err := r.Cookie("_" + k); err == nil {
				return ck.Value
			}
			return ""
		case "page_url":
			return web.Origin(r) + "/"
		}
		if v, ok := d.Clicks[k]; ok {
			return v
		}
		return d.UTM[k]
	}
	text := ""
	if d.Values["marketing"] != "" {
		text = web.From(r).T("landing.marketing", d.Platforms)
	}
	if err := h.Conversions.Captured(r.Context(), t, db, res.LeadID, res.NewLead, "landing", conversions.ParseCapture(get, time.Now()), text); err != nil {
		h.Log.Error("landing: conversion capture", "tenant", t.Slug, "err", err)
	}
}

// landingNotice is the privacy notice the landing page's visitor agrees to: the one its consent
// link opens, in the page's language (widget.NoticeFor).
func landingNotice(t *platform.Tenant, lang string) string {
	n, _ := widget.NoticeFor(t, lang)
	return n
}
