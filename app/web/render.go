package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"highvibe/app/fault"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/phone"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
	"highvibe/static"
)

// Renderer holds every page parsed once per language, so translation functions are bound to the
// language before a request renders and a page can never render in another request's language.
// English is parsed at start-up, so a missing or broken page is a start-up error, not a runtime
// surprise; each other language is parsed from the same files the first time a request needs it
// (a server whose people read Turkish and English never holds the other four sets in memory).
type Renderer struct {
	Assets *static.Assets
	Log    *slog.Logger
	// Counts, when set, gives the menu its numbers (unread conversations, pending approvals).
	Counts func(ctx context.Context, c *Ctx) NavCounts
	// Records, when set, lists the record lists (customers, orders, …) the menu groups for the
	// signed-in member's tenant.
	Records func(c *Ctx) []NavLink
	// DataDir, when set, is the server's data directory: a request that failed because the disk
	// holding it is full is answered 503 saying so in the reader's language, not "something went
	// wrong", and its log line says the disk is full.
	DataDir string

	views  fs.FS
	shared []string
	known  map[string]string // page name → its file
	langs  map[string]*langPages

	// Page sets of a language bound to a tenant's time zone ("tr Europe/Istanbul") and, for a
	// business whose phone numbers are of another country than Turkey, to that country ("de
	// Europe/Berlin DE": the numbers its people typed without a code are shown and dialled as
	// that country's), parsed the first time a tenant needs them, and the zones loaded so far.
	mu    sync.Mutex
	zoned map[string]*langPages
	zones map[string]*time.Location
}

// langPages is one language's (and zone's) templates: the layout and partials parsed once, each
// page cloned from them and parsed the first time it is shown. html/template's Clone copies every
// parse tree, so a page parsed ahead of use costs the whole layout and partials again: parsing
// only the pages people open keeps an idle server small (README: 50 idle tenants ≤ 60 MB).
type langPages struct {
	once sync.Once
	base *template.Template
	err  error

	mu    sync.Mutex
	pages map[string]*template.Template // page → template, filled on first use
}

// page returns the template of page in lang (English when lang is unknown) whose dates and times
// show in loc (nil: the server's zone) and whose phone numbers written without a country code are
// of region (the business's phone_region; "" is Turkey), parsing it on first use.
func (r *Renderer) page(lang string, loc *time.Location, region, page string) (*template.Template, bool) {
	file, ok := r.known[page]
	if !ok {
		return nil, false
	}
	l, ok := r.langs[lang]
	if !ok {
		lang, l = "en", r.langs["en"]
	}
	if loc != nil && loc.String() == hours.DefaultZone() {
		loc = nil // the zone-less pages show the default zone (parseBase)
	}
	if region = strings.ToUpper(region); region == phone.DefaultRegion {
		region = ""
	}
	if loc != nil || region != "" {
		key := lang + " "
		if loc != nil {
			key += loc.String()
		}
		if region != "" {
			key += " " + region
		}
		r.mu.Lock()
		if r.zoned == nil {
			r.zoned = map[string]*langPages{}
		}
		if l, ok = r.zoned[key]; !ok {
			l = &langPages{}
			r.zoned[key] = l
		}
		r.mu.Unlock()
	}
	l.once.Do(func() { l.base, l.err = r.parseBase(lang, loc, region) })
	var t *template.Template
	err := l.err
	if err == nil {
		l.mu.Lock()
		if t = l.pages[page]; t == nil {
			if t, err = r.parsePage(l.base, file); err == nil {
				if l.pages == nil {
					l.pages = map[string]*template.Template{}
				}
				l.pages[page] = t
			}
		}
		l.mu.Unlock()
	}
	if err != nil {
		// Every page parsed in English at start-up from the same files and function names, so
		// this cannot happen short of a broken build; fall back rather than fail the request.
		r.Log.Error("web: parse page", "lang", lang, "page", page, "err", err)
		if lang == "en" && loc == nil {
			return nil, false
		}
		return r.page("en", nil, "", page)
	}
	return t, true
}

// parseBase parses the layout and partials of lang, showing times in loc (nil: the product's
// default zone, the one of a request without a tenant or of a business that has not chosen one)
// and phone numbers written without a country code as region's ("": Turkey's).
func (r *Renderer) parseBase(lang string, loc *time.Location, region string) (*template.Template, error) {
	if loc == nil {
		loc = hours.DefaultLocation()
	}
	funcs := i18n.For(lang).In(loc).FuncMap()
	for k, v := range baseFuncs(r.Assets, loc, region) {
		funcs[k] = v
	}
	for k, v := range words.Funcs() {
		funcs[k] = v
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(r.views, r.shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	return base, nil
}

func (r *Renderer) parsePage(base *template.Template, file string) (*template.Template, error) {
	c, err := base.Clone()
	if err != nil {
		return nil, err
	}
	t, err := c.ParseFS(r.views, file)
	if err != nil {
		return nil, fmt.Errorf("web: parse %s: %w", file, err)
	}
	return t, nil
}

// ZoneLabel names the server's local zone (set it with TZ, e.g. TZ=Europe/Istanbul), as
// "Europe/Istanbul (UTC+03:00)" or just "UTC+03:00": the zone of a tenant that has not chosen one.
func ZoneLabel() string { return ZoneLabelIn(nil) }

// ZoneLabelIn names the time zone loc the panel shows and reads times in (nil: the server's
// local zone), as "Europe/Istanbul (UTC+03:00)", "UTC" or just "UTC+03:00".
func ZoneLabelIn(loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	off := time.Now().In(loc).Format("-07:00")
	if off == "+00:00" {
		off = ""
	}
	if n := loc.String(); n != "Local" && n != "" {
		if n == "UTC" {
			return "UTC"
		}
		return n + " (UTC" + off + ")"
	}
	return "UTC" + off
}

// Zone returns the time zone named name (an IANA name a tenant chose), loaded once and kept;
// nil for "" or a name the system's zone database does not know (the product's default zone,
// hours.DefaultLocation, then applies: see Ctx.SetZone).
func (r *Renderer) Zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if loc, ok := r.zones[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		loc = nil
	}
	if r.zones == nil {
		r.zones = map[string]*time.Location{}
	}
	r.zones[name] = loc
	return loc
}

// LangOption is one entry of the language switcher.
type LangOption struct {
	Code, Name string
	Short      string // the code as a phone's top bar shows it ("EN"): the name does not fit there
	Current    bool
}

// Page is the view model every panel page gets; handlers only fill Title, Nav, Guide and Data.
type Page struct {
	Title    string
	Nav      string // active navigation item
	Guide    string // guide section this page links to
	Ctx      *Ctx
	Lang     string
	Dir      string
	Langs    []LangOption
	Flash    string
	FlashErr string
	Errors   map[string]string // field → translated message
	Form     url.Values
	Data     any
	Path     string
	Query    string
	Now      time.Time

	counts  func() NavCounts
	nav     *NavCounts
	records func() []NavLink
}

// NavLink is one entry of a menu group: where it leads, its catalog key and the Nav value of the
// pages it leads to (the group is marked current on them).
type NavLink struct{ Href, Label, Nav string }

// Records lists the menu's record group ("Customers": customers, orders, invoices, …).
func (p *Page) Records() []NavLink {
	if p.records == nil {
		return nil
	}
	return p.records()
}

// InRecords reports whether the page is one of the record group's.
func (p *Page) InRecords() bool {
	for _, l := range p.Records() {
		if strings.HasPrefix(p.Path, l.Href) {
			return true
		}
	}
	return false
}

// NavCounts are the numbers beside menu items: conversations with unread messages,
// recommendations waiting for a decision and the signed-in person's unread notifications (the bell).
type NavCounts struct{ Unread, Pending, Notes int }

// Counts reads the menu's numbers once per page, only when the page shows them.
func (p *Page) Counts() NavCounts {
	if p.nav == nil {
		n := NavCounts{}
		if p.counts != nil {
			n = p.counts()
		}
		p.nav = &n
	}
	return *p.nav
}

// NewRenderer parses views: layout.html and partials/*.html are shared; every other file is a page
// named by its path without extension ("inbox/list").
func NewRenderer(views fs.FS, assets *static.Assets, log *slog.Logger) (*Renderer, error) {
	var shared []string
	var pages []string
	err := fs.WalkDir(views, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		if p == "layout.html" || strings.HasPrefix(p, "partials/") {
			shared = append(shared, p)
		} else {
			pages = append(pages, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(shared)
	r := &Renderer{Assets: assets, Log: log, views: views, shared: shared, langs: map[string]*langPages{}}
	for _, lang := range i18n.Langs {
		r.langs[lang] = &langPages{}
	}
	// Every page is parsed once in English here, so a broken template stops the start; the
	// parsed pages are then dropped (see langPages) and parsed again when first shown.
	r.known = map[string]string{}
	base, err := r.parseBase("en", nil, "")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		if _, err := r.parsePage(base, p); err != nil {
			return nil, err
		}
		r.known[strings.TrimSuffix(p, ".html")] = p
	}
	return r, nil
}

// Has reports whether a page exists.
func (r *Renderer) Has(page string) bool { _, ok := r.known[page]; return ok }

// Render writes a full page, or only its "content" block for an htmx request that is not boosted.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, page string, p *Page) {
	if replayedRefusal(w, req, status) {
		return
	}
	c := From(req)
	r.fill(w, req, c, p)
	t, ok := r.page(c.Lang, c.Loc, c.PhoneRegion(), page)
	if !ok {
		r.Log.Error("web: unknown page", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	name := "layout.html"
	if req.Header.Get("HX-Request") == "true" && req.Header.Get("HX-Boosted") != "true" && t.Lookup("content") != nil {
		name = "content"
	}
	r.exec(w, req, status, t, name, p)
}

// Fragment renders one named template of a page (an htmx partial such as a list body).
func (r *Renderer) Fragment(w http.ResponseWriter, req *http.Request, status int, page, name string, p *Page) {
	if replayedRefusal(w, req, status) {
		return
	}
	c := From(req)
	r.fill(w, req, c, p)
	t, ok := r.page(c.Lang, c.Loc, c.PhoneRegion(), page)
	if !ok || t.Lookup(name) == nil {
		r.Log.Error("web: unknown fragment", "page", page, "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	r.exec(w, req, status, t, name, p)
}

// Partial renders template name of page (a shared partial under views/partials/ or one of the
// page's own) with data, in the request's language and zone, as HTML a page can embed: a page
// made of parts other rooms draw (the lead page's sections, app/leads).
func (r *Renderer) Partial(req *http.Request, page, name string, data any) (template.HTML, error) {
	c := From(req)
	t, ok := r.page(c.Lang, c.Loc, c.PhoneRegion(), page)
	if !ok || t.Lookup(name) == nil {
		return "", fmt.Errorf("web: unknown partial %s of %s", name, page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil // html/template escaped it
}

func (r *Renderer) exec(w http.ResponseWriter, req *http.Request, status int, t *template.Template, name string, p *Page) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		r.Log.Error("web: render", "name", name, "err", err, "req", From(req).ReqID)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if status >= 400 && req.Header.Get("HX-Boosted") == "true" {
		// A refused boosted form's page is shown in place (boost.js) under the address of the
		// page the form was on: the form's own address may answer only POST.
		w.Header().Set("HX-Push-Url", "false")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (r *Renderer) fill(w http.ResponseWriter, req *http.Request, c *Ctx, p *Page) {
	p.Ctx = c
	p.Lang = c.Lang
	p.Dir = i18n.Dir(c.Lang)
	p.Path = req.URL.Path
	p.Query = req.URL.RawQuery
	p.Now = time.Now()
	p.Langs = p.Langs[:0]
	for _, l := range i18n.Langs {
		p.Langs = append(p.Langs, LangOption{Code: l, Name: i18n.LangName(l), Short: strings.ToUpper(l), Current: l == c.Lang})
	}
	if r.Counts != nil && c.User != nil && c.DB != nil {
		p.counts = func() NavCounts { return r.Counts(req.Context(), c) }
	}
	if r.Records != nil && c.User != nil && c.Tenant != nil {
		p.records = func() []NavLink { return r.Records(c) }
	}
	r.takeFlashes(w, req, c, p)
	if p.Title == "" {
		p.Title = c.P.T("app.name")
	}
}

// takeFlashes moves the session's one-time banners onto the page and removes them from the
// session, so a banner shows once, on the page the action led to. Only a full page takes them: an
// htmx fragment (a list refresh, a live update) leaves them for the page that shows banners. When
// several actions queued banners before a page was shown, the newest one tells what happened last.
func (r *Renderer) takeFlashes(w http.ResponseWriter, req *http.Request, c *Ctx, p *Page) {
	if c.Session == nil || (IsHTMX(req) && req.Header.Get("HX-Boosted") != "true") {
		return
	}
	ok, bad := c.Session.Flashes("ok"), c.Session.Flashes("err")
	if len(ok) == 0 && len(bad) == 0 {
		return
	}
	if len(ok) > 0 {
		s, _ := ok[len(ok)-1].(string)
		p.Flash = flashWords(c, s)
	}
	if len(bad) > 0 {
		s, _ := bad[len(bad)-1].(string)
		p.FlashErr = flashWords(c, s)
	}
	if err := c.Session.Save(req, w); err != nil {
		r.Log.Warn("web: clearing banners", "err", err, "req", c.ReqID)
	}
}

// baseFuncs are the language-independent template helpers.
func baseFuncs(assets *static.Assets, loc *time.Location, region string) template.FuncMap {
	return template.FuncMap{
		"asset":     func(name string) string { return assets.URL(name) },
		"hasPrefix": strings.HasPrefix,
		// formOnce is the hidden one-time token of a form that creates a record (formonce.go);
		// given the page's .Form, a form shown again after a refusal keeps its token.
		"formOnce": onceField,
		// formOnceRenew is a fresh token for the form field of that id, swapped in out of band
		// by an htmx answer that keeps the form on the page (the conversation's composer).
		"formOnceRenew": onceRenew,
		// drawn is the hidden was_<name> of an edit form's box: what the page showed (drawn.go).
		"drawn": drawnField,
		// dates keeps the date format hints, ISO dates and opening-hours intervals of a sentence
		// on one line, left to right (dates.go).
		"dates":    datesLTR,
		"isolated": isolated,
		// phone shows a stored phone number the way people of its country write it ("+90 532 123 45
		// 67", "+49 30 1234567"); dial is its E.164 form for a tel: link (package phone;
		// views/partials/phone.html). A number written without its country code is the business's
		// country's (region).
		"phone": func(s string) string { return phone.DisplayIn(s, region) },
		"dial":  func(s string) string { return phone.DialIn(s, region) },
		// email shows an e-mail address so that it wraps only after its "@" or a dot (email.go).
		"email": emailBreaks,
		// shown is what a list names a record by (leads.Row's Label: web.Who's rule or "#id"),
		// its number read in the business's country like phone's.
		"shown": func(r interface{ Label(string) string }) string { return r.Label(region) },
		// generalNotice is the consent version of the empty notice: the visitor agreed to the
		// general text because the business had not written its own (GeneralNoticeVersion).
		"generalNotice": func(v string) bool { return v == GeneralNoticeVersion },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"langURL": func(p *Page, lang string) string {
			q, _ := url.ParseQuery(p.Query)
			q.Set("lang", lang)
			return p.Path + "?" + q.Encode()
		},
		"query": func(p *Page, kv ...string) string {
			q, _ := url.ParseQuery(p.Query)
			q.Del("cursor")
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					q.Del(kv[i])
				} else {
					q.Set(kv[i], kv[i+1])
				}
			}
			if len(q) == 0 {
				return p.Path
			}
			return p.Path + "?" + q.Encode()
		},
		"ms":   func(v int64) time.Time { return time.UnixMilli(v) },
		"base": path.Base,
		"add":  func(a, b int) int { return a + b },
		"contains": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
}

// Error renders the friendly error page for status in the request's language; detail, when
// given, says why (a 403 names the role and the missing permission). It is for the middleware's
// answers that have a status but no error (unknown route, missing permission); handlers use Fail.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, status int, detail string) {
	r.errorPage(w, req, status, "", detail, nil)
}

// errorPage renders the error page (the fragment for htmx), listing field errors when there are;
// a caller that asked for JSON gets the same answer as problem details. title is the page's
// heading in the reader's language ("": the status's own, such as "Changed in the meantime").
func (r *Renderer) errorPage(w http.ResponseWriter, req *http.Request, status int, title, detail string, fields map[string]string) {
	if replayedRefusal(w, req, status) {
		return
	}
	if WantsJSON(req) {
		writeStatusProblem(w, req, status, detail)
		return
	}
	c := From(req)
	key := fmt.Sprintf("error.%d", status)
	if !c.P.Has(key + ".title") {
		key = "error.500"
	}
	if title == "" {
		title = c.T(key + ".title")
	}
	p := &Page{
		Title:  title,
		Errors: fields,
		Data:   map[string]any{"Status": status, "Key": key, "Detail": detail, "ReqID": c.ReqID},
	}
	if IsHTMX(req) && req.Header.Get("HX-Boosted") != "true" && w.Header().Get("HX-Retarget") == "" {
		// htmx drops 4xx/5xx answers; this one names its place (the top of the page's main
		// area), and chat.js swaps error answers that do, so the person sees why nothing happened.
		w.Header().Set("HX-Retarget", "#main")
		w.Header().Set("HX-Reswap", "afterbegin")
		r.Fragment(w, req, status, "error", "error-flash", p)
		return
	}
	r.Render(w, req, status, "error", p)
}

// Fail is the one error renderer of the panel and the APIs: it maps err to a status through its
// fault kind, logs internal errors once (request id, tenant, user), and answers in the request's
// language with RFC 9457 problem details when the caller asked for JSON, the error fragment for
// htmx, or the error page. The message is the error's own catalog key when it has one.
func (r *Renderer) Fail(w http.ResponseWriter, req *http.Request, err error) {
	if a := AsAlreadySent(err); a != nil { // a form sent twice: answered as the first time
		Replay(w, req, a)
		return
	}
	st := StatusOf(err)
	cause := ""
	if st == http.StatusInternalServerError && tenantdb.DiskFull(r.DataDir, err) {
		// Every page reads and writes the business's file, so on a full disk every page failed with
		// "something went wrong, try again in a moment" and the log said "disk I/O error (4874)".
		cause = tenantdb.Explain(r.DataDir, err)
		err = fault.Unavailable("error.disk_full").WithCode("disk_full").Wrap(err)
		st = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", DiskFullWait)
	}
	// A business whose file does not open was logged once, with its file and why, by the server
	// that found it (and /readyz/ names it): each of its requests is not logged again.
	if st >= 500 && !errors.Is(err, tenantdb.ErrUnavailable) {
		c := From(req)
		tenant := ""
		if c.Tenant != nil {
			tenant = c.Tenant.Slug
		}
		args := []any{"req", c.ReqID, "method", req.Method, "path", req.URL.Path, "tenant", tenant, "user", c.UserID(), "err", err}
		if cause != "" {
			args = append(args, "cause", cause)
		}
		r.Log.Error("request failed", args...)
	}
	if WantsJSON(req) {
		WriteProblem(w, req, err)
		return
	}
	detail, title := "", ""
	key, _ := fault.KeyOf(err)
	if st == http.StatusForbidden || key != "" {
		detail = Message(req, err)
	}
	if st == http.StatusConflict && key != "" {
		title = conflictTitle(From(req), key)
	}
	r.errorPage(w, req, st, title, detail, FieldErrors(req, err))
}

// conflictTitle is the heading of a refusal whose message is the catalog's key, when the catalog
// has one for it (key without "_body", then "_title": "error.other_business_title",
// "approvals.conflict_title"); "" leaves the generic "Changed in the meantime", which said the
// wrong thing of a page opened for another business, where nothing had changed.
func conflictTitle(c *Ctx, key string) string {
	if t := strings.TrimSuffix(key, "_body") + "_title"; c.P.Has(t) {
		return c.T(t)
	}
	return ""
}

// DiskFullWait is the Retry-After of a request refused because the data directory's disk is full:
// freeing space takes a person, so callers that retry (Meta, Telegram, scripts) wait a minute.
const DiskFullWait = "60"

// WantsJSON reports whether the caller asked for JSON rather than a page (an API client or a
// script sending Accept: application/json; browsers and htmx ask for HTML or anything).
func WantsJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return (strings.Contains(a, "application/json") || strings.Contains(a, "application/problem+json")) &&
		!strings.Contains(a, "text/html")
}

// GeneralNoticeVersion is the consent version recorded while a business has no privacy notice of
// its own (widget.ConsentVersion of the empty text): the visitor read the general text. Pages name
// it so instead of showing the code.
const GeneralNoticeVersion = "kvkk-e3b0c442"
