// Package logs is the action-log search page /app/logs/ (guide: 24-audit-logs.md): members look up what people,
// the assistant and the channels did, by provider, date range and free text, newest first.
package logs

import (
	"context"
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
	// Names gives the name each user id goes by now (platform.Service.NamesOf); nil: the names
	// stored with the rows.
	Names func(ctx context.Context, ids []int64) (map[int64]string, error)
	// Named lists the users whose name as they go by now has a text (platform.Service.UsersNamed),
	// so the text search finds their rows too; nil: the names stored with the rows only.
	Named func(ctx context.Context, text string) ([]int64, error)
}

// Query is the parsed, validated search form; it is also what the page echoes back into its inputs.
type Query struct {
	Provider string
	From, To string // YYYY-MM-DD as typed in <input type=date>
	Text     string
	// Conversation keeps the list to one conversation's rows (its page's link to its whole log).
	Conversation int64
	Before       int64
}

type pageData struct {
	Q         Query
	Providers []Option
	Rows      []*audit.Row
	// Names are the people who did the rows' actions by user id, as they are named now; a row
	// stores the login it was done under (the hash chain covers it), the page shows the person.
	Names map[int64]string
	Older string // URL of the next (older) page, "" at the end
	// Restart is, on an "older" row whose link could not be followed, the search from its first
	// page with the same filters.
	Restart string
}

// parse reads the query string; dates are whole days of the business, "to" is inclusive. A filter
// it cannot read (a source that is not a source's name, a date that is not one, a search longer
// than 200 characters, an "older" link it cannot follow) or use (an end before the start) is left
// out, recorded on c (web.Ctx.IgnoreFilter: the page names it above the list) and cleared from the
// Query the form shows: the page lists without it rather than answering an error.
func parse(c *web.Ctx, v url.Values) (Query, audit.Filter) {
	q := Query{Provider: strings.TrimSpace(v.Get("provider")), From: strings.TrimSpace(v.Get("from")),
		To: strings.TrimSpace(v.Get("to")), Text: strings.TrimSpace(v.Get("q"))}
	label := map[string]string{"provider": c.T("logs.provider"), "from": c.T("logs.from"), "to": c.T("logs.to"), "q": c.T("logs.text"),
		"conversation": c.T("logs.col.conversation")}
	ignore := func(k string, field *string) {
		c.IgnoreFilter(k, label[k], v.Get(k))
		*field = ""
	}
	f := audit.Filter{Limit: PageSize + 1}
	if q.Provider != "" && !providerRE.MatchString(q.Provider) {
		ignore("provider", &q.Provider)
	}
	f.Provider = q.Provider
	day := func(field string, s *string) int64 {
		if *s == "" {
			return 0
		}
		d, err := i18n.ParseTime(time.DateOnly, i18n.ASCIIDigits(*s), c.Zone()) // a day of the business, not of UTC
		if err != nil || d.Year() < 2000 || d.Year() > 2200 {
			ignore(field, s)
			return 0
		}
		return d.UnixMilli()
	}
	f.From = day("from", &q.From)
	if to := day("to", &q.To); to > 0 {
		if f.From > 0 && to < f.From {
			// The end before the start: the end is left out (the list runs from the start on),
			// and the notice says which way round they are.
			c.IgnoreFilterWhy("to", label["to"], q.To, c.T("list.filter_ignored_before", label["to"], web.Isolate(q.To), label["from"], web.Isolate(q.From)))
			q.To = ""
		} else {
			f.To = time.UnixMilli(to).In(c.Zone()).AddDate(0, 0, 1).UnixMilli() // "to" is inclusive
		}
	}
	if len([]rune(q.Text)) > 200 {
		ignore("q", &q.Text)
	}
	f.Text = q.Text
	if s := strings.TrimSpace(v.Get("conversation")); s != "" {
		if n, err := strconv.ParseInt(i18n.ASCIIDigits(s), 10, 64); err == nil && n > 0 {
			q.Conversation, f.ConversationID = n, n
		} else {
			c.IgnoreFilter("conversation", label["conversation"], v.Get("conversation"))
		}
	}
	if s := strings.TrimSpace(v.Get("before")); s != "" {
		if n, err := strconv.ParseInt(i18n.ASCIIDigits(s), 10, 64); err == nil && n > 0 {
			q.Before, f.BeforeID = n, n
		} else {
			c.IgnoreCursor("before", v.Get("before"))
		}
	}
	return q, f
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
	q, f := parse(c, r.URL.Query())
	d := &pageData{Q: q, Providers: options(c, Providers(h.Channels), q.Provider)}
	// The page's links (the older rows) carry the filters the list applies, not the ones it left out.
	kept := c.WithoutIgnored(r.URL.Query())
	p := &web.Page{Title: c.T("nav.logs"), Nav: "logs", Guide: "audit-logs", Data: d, Form: kept}
	more := web.IsHTMX(r) && r.Header.Get("HX-Target") == "log-rows-more"
	if more && c.IgnoredKey("before") {
		// "Older entries" of a link that can no longer be followed: the rows after it cannot be
		// found, and the first page's would repeat rows already shown. The row says so and offers
		// the search from its first page.
		kept.Del("before")
		kept.Del("lang")
		d.Restart = "/app/logs/?" + kept.Encode()
		h.Render.Fragment(w, r, http.StatusOK, "logs/index", "rows", p)
		return
	}
	if f.Text != "" && h.Named != nil {
		var err error
		if f.People, err = h.Named(r.Context(), f.Text); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	rows, err := audit.Search(r.Context(), c.DB, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(rows) > PageSize {
		rows = rows[:PageSize]
		next := url.Values{}
		for k := range kept {
			next.Set(k, kept.Get(k))
		}
		next.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		next.Del("lang")
		d.Older = "/app/logs/?" + next.Encode()
	}
	d.Rows = rows
	if h.Names != nil {
		if d.Names, err = h.Names(r.Context(), audit.ActorIDs(rows)); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if more && q.Before > 0 {
		h.Render.Fragment(w, r, http.StatusOK, "logs/index", "rows", p)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "logs/index", p)
}
