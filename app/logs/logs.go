// Package logs is the action-log search page /app/logs/ (guide: 24-audit-logs.md): members look up what people,
// the assistant and the channels did, by provider, date range and free text, newest first.
package logs

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// PageSize is how many rows one page (and one "older" click) shows.
const PageSize = 50

// roomProviders are the writers of action logs that are not channels; the channels' own (inbound
// and delivery) come from the channel registry and are listed after the first two.
var roomProviders = []string{"conversation_inbox", "approval_queue", "ai_triage", "lead_pipeline", "analytics_snapshot", "crm", "integration_api", "settings", "staff", "auth", "demo"}

// Providers are the writers of action logs a member can filter by, in the order of the select. A
// provider not listed here can still be found by free text.
func Providers(reg *channel.Registry) []string {
	out := slices.Clone(roomProviders[:2])
	for _, p := range append(reg.Providers(), roomProviders[2:]...) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// providerRE is the shape of a provider name; a well-formed name not in Providers (a newer room's)
// still filters, and shows up in the select as typed.
var providerRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Option is one entry of the provider select.
type Option struct {
	Value, Label string
}

// Handler serves /app/logs/.
type Handler struct {
	Render   *web.Renderer
	Channels *channel.Registry // the channels' providers join the select
}

// Query is the parsed, validated search form; it is also what the page echoes back into its inputs.
type Query struct {
	Provider string
	From, To string // YYYY-MM-DD as typed in <input type=date>
	Text     string
	Before   int64
}

type pageData struct {
	Q         Query
	Providers []Option
	Rows      []*audit.Row
	Older     string // URL of the next (older) page, "" at the end
}

// parse reads and validates the query string; dates are whole days in UTC, "to" is inclusive.
func parse(c *web.Ctx, v url.Values) (Query, audit.Filter, web.Errors) {
	errs := web.Errors{}
	q := Query{Provider: strings.TrimSpace(v.Get("provider")), From: strings.TrimSpace(v.Get("from")),
		To: strings.TrimSpace(v.Get("to")), Text: strings.TrimSpace(v.Get("q"))}
	f := audit.Filter{Limit: PageSize + 1}
	if q.Provider != "" && !providerRE.MatchString(q.Provider) {
		errs.Add("provider", c.T("logs.error.provider"))
	}
	f.Provider = q.Provider
	day := func(field, s string) int64 {
		if s == "" {
			return 0
		}
		d, err := i18n.ParseTime(time.DateOnly, s, c.Zone()) // a day of the business, not of UTC
		if err != nil || d.Year() < 2000 || d.Year() > 2200 {
			errs.Add(field, c.T("logs.error.date"))
			return 0
		}
		return d.UnixMilli()
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); to > 0 {
		f.To = to + int64(24*time.Hour/time.Millisecond)
	}
	if f.From > 0 && f.To > 0 && f.To <= f.From {
		errs.Add("to", c.T("logs.error.range"))
	}
	if len([]rune(q.Text)) > 200 {
		errs.Add("q", c.T("logs.error.text"))
	}
	f.Text = q.Text
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			errs.Add("before", c.T("logs.error.cursor"))
		}
		q.Before, f.BeforeID = n, n
	}
	return q, f, errs
}

// options lists the known providers with translated labels, plus the current one when unknown.
func options(c *web.Ctx, providers []string, current string) []Option {
	out := make([]Option, 0, len(providers)+1)
	for _, p := range providers {
		out = append(out, Option{p, c.T("logs.provider." + p)})
	}
	if current != "" && providerRE.MatchString(current) && !slices.Contains(providers, current) {
		out = append(out, Option{current, current})
	}
	return out
}

// List renders the search page; an htmx request for an older page gets only the new rows.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q, f, errs := parse(c, r.URL.Query())
	d := &pageData{Q: q, Providers: options(c, Providers(h.Channels), q.Provider)}
	p := &web.Page{Title: c.T("nav.logs"), Nav: "logs", Guide: "audit-logs", Data: d, Form: r.URL.Query()}
	if errs.Any() {
		p.Errors = errs
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "logs/index", p)
		return
	}
	rows, err := audit.Search(r.Context(), c.DB, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(rows) > PageSize {
		rows = rows[:PageSize]
		next := r.URL.Query()
		next.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		next.Del("lang")
		d.Older = "/app/logs/?" + next.Encode()
	}
	d.Rows = rows
	if web.IsHTMX(r) && q.Before > 0 && r.Header.Get("HX-Target") == "log-rows-more" {
		h.Render.Fragment(w, r, http.StatusOK, "logs/index", "rows", p)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "logs/index", p)
}
