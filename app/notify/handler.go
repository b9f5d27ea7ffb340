package notify

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/channels/channel"
	"highvibe/app/hours"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the notification centre, the preferences page and the push subscription calls.
type Handler struct {
	Render *web.Renderer
	Svc    *Service
	// Worker is the service worker script, served from the site's root so its scope covers the
	// whole panel (also when installed to a phone's home screen).
	Worker []byte
}

// PageSize is how many notifications the list shows.
const PageSize = 100

// Item is one notification as the list shows it.
type Item struct {
	*Notification
	Line string
	// Before, Name and After are Line around the name it names (Name "" when it names none).
	Before, Name, After string
	At                  time.Time
}

type listData struct {
	Items      []Item
	UnreadOnly bool
	Unread     int
	Mail       mailState
}

// mailState is what the notification pages say about e-mail in this business.
type mailState struct {
	Off    bool       // e-mails cannot go out here: no mail server is set up
	CanFix bool       // the person may set the mail server up (the channel settings)
	Owners []string   // who to ask otherwise: the business's owners
	Unsent []unsentLn // the person's e-mails that could not be sent, one line per reason
}

type unsentLn struct {
	Reason string
	Text   string // "3 notifications could not be e-mailed to you since Dec 2, 2026: …"
}

// wantsEmail reports whether the person asked for any e-mail (single ones or the digest).
func wantsEmail(p Prefs) bool {
	if p.Address == "" {
		return false
	}
	for _, on := range p.Email {
		if on {
			return true
		}
	}
	return p.Digest
}

// mailState reads whether e-mail can go out in the request's business and, for a person who asks
// for e-mail, which of theirs could not be sent.
func (h *Handler) mailState(r *http.Request, p Prefs) (mailState, error) {
	c := web.From(r)
	m := mailState{CanFix: c.Can(auth.ManageSettings)}
	if !h.Svc.mailReady(c.Tenant) {
		m.Off = true
		if !m.CanFix && c.Tenant != nil {
			members, err := h.Svc.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
			if err != nil {
				return m, err
			}
			for _, mb := range members {
				if mb.Role == platform.RoleOwner && !mb.Disabled {
					m.Owners = append(m.Owners, mb.Name())
				}
			}
		}
	}
	if !wantsEmail(p) {
		return m, nil
	}
	unsent, err := UnsentEmails(r.Context(), c.DB, c.UserID())
	if err != nil {
		return m, err
	}
	for _, u := range unsent {
		m.Unsent = append(m.Unsent, unsentLn{Reason: u.Reason, Text: c.P.Plural("notify.unsent."+u.Reason, u.Count, c.P.Date(u.Since))})
	}
	return m, nil
}

// List is GET /app/notifications/: the person's notifications in this tenant, newest first;
// ?unread=1 shows only the unread ones.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	unreadOnly := r.URL.Query().Get("unread") == "1"
	ns, err := List(r.Context(), c.DB, c.UserID(), unreadOnly, PageSize)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listData{UnreadOnly: unreadOnly}
	if d.Unread, err = UnreadCount(r.Context(), c.DB, c.UserID()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p, err := LoadPrefs(r.Context(), h.Svc.Platform.DB, c.UserID())
	if err == nil {
		d.Mail, err = h.mailState(r, p)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, n := range ns {
		it := Item{Notification: n, Line: Sentence(c.P, n), At: time.UnixMilli(n.CreatedAt)}
		// The name goes into its own <bdi>, so a name written left to right keeps its order inside
		// an Arabic sentence ("Dt. Mehmet Aksoy", not ".Dt").
		if n.Params.Name != "" {
			marked := *n
			marked.Params.Name = "\x00"
			if before, after, ok := strings.Cut(Sentence(c.P, &marked), "\x00"); ok {
				it.Before, it.Name, it.After = before, n.Params.Name, after
			}
		}
		d.Items = append(d.Items, it)
	}
	h.Render.Render(w, r, http.StatusOK, "notify/list", &web.Page{Title: c.T("notify.title"), Nav: "notifications", Guide: "notifications", Data: d})
}

func (h *Handler) own(w http.ResponseWriter, r *http.Request) (*Notification, bool) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	n, err := MarkRead(r.Context(), c.DB, c.UserID(), id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return n, true
}

// Open is GET /app/notifications/{id}: the link a push message opens. It marks the notification
// read and goes on to what it is about. Another person's notification is not found.
//
// ?t= names the business the notification belongs to (push messages and e-mails carry it): when
// the panel is open in another business of the person's, it switches there first, as the top bar's
// switcher does, so the number is looked up where it was made; a business the person does not work
// in is not found.
func (h *Handler) Open(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if slug := r.URL.Query().Get("t"); slug != "" && c.Tenant != nil && slug != c.Tenant.Slug {
		if !slices.ContainsFunc(c.Memberships, func(m platform.Membership) bool { return m.TenantSlug == slug }) {
			h.Render.Fail(w, r, tenantdb.ErrNotFound)
			return
		}
		c.Session.Values["tenant"] = slug
		if err := c.Session.Save(r, w); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
		return
	}
	if n, ok := h.own(w, r); ok {
		http.Redirect(w, r, n.Href(), http.StatusSeeOther)
	}
}

// Read is POST /app/notifications/{id}/read: mark one read and go back to the list.
func (h *Handler) Read(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.own(w, r); ok {
		web.Redirect(w, r, "/app/notifications/")
	}
}

// ReadAll is POST /app/notifications/read-all.
func (h *Handler) ReadAll(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if _, err := MarkAllRead(r.Context(), c.DB, c.UserID()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "notify.all_read")
	web.Redirect(w, r, "/app/notifications/")
}

// moduleKinds are the kinds that belong to a module: the preferences show them only in a business
// that has it on (SLA warnings and breaches come from MSP tickets, failing conversion deliveries
// from conversion tracking).
var moduleKinds = map[string]string{KindSLASoon: platform.ModuleMSP, KindSLABreach: platform.ModuleMSP,
	KindConversionFailing: platform.ModuleConversionTracking}

// shownKind reports whether the preferences page shows kind in the request's business.
func shownKind(c *web.Ctx, kind string) bool {
	m, ok := moduleKinds[kind]
	return !ok || c.HasModule(m)
}

// KindRow is one line of the preferences table.
type KindRow struct {
	Kind        string
	Push, Email bool
}

type prefsData struct {
	Kinds       []KindRow
	Prefs       Prefs
	QuietStart  string // HH:MM
	QuietEnd    string
	VAPIDPublic string
	Devices     []Subscription
	Zone        string // the zone quiet hours are read in, in the reader's words
	// QuietZone is the person's own zone as the field shows it ("" for the business's);
	// BusinessZone names the business's, which an empty field means; Zones are the field's
	// suggestions, those of the business hours page.
	QuietZone    string
	BusinessZone string
	Zones        []hours.ZoneChoice
	Mail         mailState
}

func hhmm(m int) string {
	return strconv.Itoa(m/60/10) + strconv.Itoa(m/60%10) + ":" + strconv.Itoa(m%60/10) + strconv.Itoa(m%10)
}

func parseHHMM(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	t, err := i18n.ParseTime("15:04", s, nil) // "٢٢:٠٠" from an Arabic keyboard too
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

func (h *Handler) prefsPage(w http.ResponseWriter, r *http.Request, status int, p Prefs, errs web.Errors, form map[string][]string) {
	c := web.From(r)
	subs, err := Subscriptions(r.Context(), h.Svc.Platform.DB, c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	now := time.Now()
	d := &prefsData{Prefs: p, QuietStart: hhmm(p.QuietStart), QuietEnd: hhmm(p.QuietEnd), VAPIDPublic: h.Svc.VAPID.Public, Devices: subs,
		Zone: c.P.ZoneName(p.Clock(c.Zone()), now), QuietZone: p.Zone, BusinessZone: c.P.ZoneName(c.Zone(), now), Zones: hours.ZoneChoices(c.P, now)}
	if d.Mail, err = h.mailState(r, p); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, k := range Kinds {
		if shownKind(c, k) {
			d.Kinds = append(d.Kinds, KindRow{Kind: k, Push: p.Push[k], Email: p.Email[k]})
		}
	}
	page := &web.Page{Title: c.T("notify.prefs.title"), Nav: "notifications", Guide: "notifications", Data: d, Errors: errs}
	if form != nil {
		page.Form = form
		d.QuietStart, d.QuietEnd, d.QuietZone = r.PostFormValue("quiet_start"), r.PostFormValue("quiet_end"), r.PostFormValue("quiet_zone")
	}
	h.Render.Render(w, r, status, "notify/prefs", page)
}

// Prefs is GET /app/notifications/settings.
func (h *Handler) Prefs(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	p, err := LoadPrefs(r.Context(), h.Svc.Platform.DB, c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.prefsPage(w, r, http.StatusOK, p, nil, nil)
}

// SavePrefs is POST /app/notifications/settings: kinds for the phone and for e-mail (push_KIND,
// email_KIND checkboxes), the address, the daily digest, quiet hours (HH:MM) and the person's own
// time zone for them (an IANA name, "" for the business's). Bad input
// re-renders the form with the field's message and stores nothing. Turning the digest on queues
// the next digest in every tenant the person works in.
func (h *Handler) SavePrefs(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	old, err := LoadPrefs(r.Context(), h.Svc.Platform.DB, c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := Prefs{Push: map[string]bool{}, Email: map[string]bool{}, Address: channel.VisibleEmail(r.PostFormValue("email")),
		Digest: r.PostFormValue("digest") == "1", Zone: hours.CanonicalZone(r.PostFormValue("quiet_zone"))}
	if _, shown := r.PostForm["quiet_zone"]; !shown {
		// A page opened before the field existed (or a script) sends no zone: the person's stays.
		p.Zone = old.Zone
	}
	for _, k := range Kinds {
		if !shownKind(c, k) {
			// Not on this business's form (its module is off here): kept as the person set it
			// in a business that has the module.
			p.Push[k] = old.Push[k]
			if old.Email[k] {
				p.Email[k] = true
			}
			continue
		}
		p.Push[k] = r.PostFormValue("push_"+k) == "1"
		if r.PostFormValue("email_"+k) == "1" {
			p.Email[k] = true
		}
	}
	errs := web.Errors{}
	var ok1, ok2 bool
	p.QuietStart, ok1 = parseHHMM(r.PostFormValue("quiet_start"))
	p.QuietEnd, ok2 = parseHHMM(r.PostFormValue("quiet_end"))
	if !ok1 { // each time is marked where it is wrong
		errs.Add("quiet_start", c.T("notify.prefs.err.quiet"))
	}
	if !ok2 {
		errs.Add("quiet_end", c.T("notify.prefs.err.quiet"))
	}
	// The same time at both ends would silence nothing (the period is empty), though it reads as
	// if it were set: refused with what to do. Both at 00:00 (or empty) is the way to have none.
	if ok1 && ok2 && p.QuietStart == p.QuietEnd && p.QuietStart != 0 {
		errs.Add("quiet_end", c.T("notify.prefs.err.quiet_same", hhmm(p.QuietStart)))
	}
	// Every field's problem at once: an address refused together with a wrong time, not one per try.
	for field, key := range p.Validate() {
		errs.Add(field, c.T(key))
	}
	if errs.Any() {
		h.prefsPage(w, r, http.StatusUnprocessableEntity, p, errs, r.PostForm)
		return
	}
	if err := SavePrefs(r.Context(), h.Svc.Platform.DB, c.UserID(), p); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if p.Digest {
		for _, m := range c.Memberships {
			db, err := h.Svc.Platform.Mgr.Tenant(r.Context(), m.TenantSlug)
			if err == nil {
				err = ScheduleDigest(r.Context(), db, c.UserID(), p, h.Svc.now())
			}
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
		}
	}
	// E-mails asked for in a business that cannot send them yet are kept (they start once a mail
	// server is set up), and the notice says they do not go out until then.
	saved := "notify.prefs.saved"
	if wantsEmail(p) && !h.Svc.mailReady(c.Tenant) {
		saved = "notify.prefs.saved_no_mail"
	}
	web.FlashKey(w, r, true, saved)
	web.Redirect(w, r, "/app/notifications/settings")
}

// subscriptionJSON is the browser's PushSubscription.toJSON().
type subscriptionJSON struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
	Label string `json:"label"`
}

func (h *Handler) readSubscription(w http.ResponseWriter, r *http.Request) (subscriptionJSON, bool) {
	c := web.From(r)
	var s subscriptionJSON
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<10))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil || !ValidEndpoint(s.Endpoint) {
		web.JSONError(w, r, nil, http.StatusUnprocessableEntity, "invalid", c.T("notify.push.err.subscription"))
		return s, false
	}
	return s, true
}

// Subscribe is POST /app/notifications/push/subscribe with the browser's subscription as JSON.
func (h *Handler) Subscribe(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s, ok := h.readSubscription(w, r)
	if !ok {
		return
	}
	if len(s.Keys.P256dh) < 20 || len(s.Keys.P256dh) > 200 || len(s.Keys.Auth) < 8 || len(s.Keys.Auth) > 100 {
		web.JSONError(w, r, nil, http.StatusUnprocessableEntity, "invalid", c.T("notify.push.err.subscription"))
		return
	}
	err := Subscribe(r.Context(), h.Svc.Platform.DB, Subscription{UserID: c.UserID(), Endpoint: s.Endpoint, P256dh: s.Keys.P256dh, Auth: s.Keys.Auth,
		Label: s.Label})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "subscribed", "message": c.T("notify.push.on")})
}

// Unsubscribe is POST /app/notifications/push/unsubscribe with {"endpoint": ...}.
func (h *Handler) Unsubscribe(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s, ok := h.readSubscription(w, r)
	if !ok {
		return
	}
	if err := Unsubscribe(r.Context(), h.Svc.Platform.DB, c.UserID(), s.Endpoint); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "unsubscribed", "message": c.T("notify.push.off")})
}

// ServiceWorker is GET /sw.js, served from the root with Service-Worker-Allowed so the worker
// controls every page of the panel.
func (h *Handler) ServiceWorker(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", "/")
	_, _ = w.Write(h.Worker)
}
