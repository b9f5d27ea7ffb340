// Package widget is the embeddable web chat: the loader script, its JSON API (guide: 14-widget.md), the
// demo page and the public privacy notice. The API is called from any website, so it answers
// CORS without credentials: the visitor token in the body or query is the only credential.
package widget

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"highvibe/app/hours/hoursdb"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/auth"
	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
	"highvibe/app/conversions"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// MaxText is the longest message a visitor may send.
const MaxText = 4000

// maxBody bounds a widget request body (text plus a few short fields).
const maxBody = 64 << 10

// ConsentVersion names the privacy notice text a visitor agreed to; it changes when the notice does.
func ConsentVersion(notice string) string {
	s := sha256.Sum256([]byte(notice))
	return "kvkk-" + hex.EncodeToString(s[:4])
}

// NoticeFor is the privacy notice a visitor reading lang is shown, and the language it is
// written in: the owner's notice in that language (privacy_notice_<lang>), else the owner's
// main notice (privacy_notice, in the business's language), else "" — the built-in text in the
// visitor's own language. The consent a visitor gives is to this text (ConsentVersion).
func NoticeFor(t *platform.Tenant, lang string) (notice, in string) {
	return t.InLanguage("privacy_notice", lang)
}

// Handler serves the widget API, loader, demo page and privacy notice.
type Handler struct {
	Platform        *platform.Service
	Inbox           *inbox.Service
	Render          *web.Renderer
	Log             *slog.Logger
	ScriptURL       func() string      // hashed URL of js/widget.js
	VisitorLimit    *chanutil.Limiters // messages per visitor token
	PhotoLimit      *chanutil.Limiters // photos per visitor token, counted apart from their messages
	IPLimit         *chanutil.Limiters // messages per tenant and client address
	NewVisitorLimit *chanutil.Limiters // new visitors (new leads) per tenant and client address
	// Media keeps the photos visitors attach and signs the links their thread shows files with
	// (nil: no photos).
	Media *media.Service
	// Conversions is told of a visitor's first post: the click ids and campaign the loader read
	// on the host page, kept only with the visitor's marketing consent (nil: not kept).
	Conversions *conversions.Service
	// Now is the clock the closed-note reads the business hours at (tests set it); nil: time.Now.
	Now func() time.Time
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// New builds the handler with default limits: 6 messages a minute per visitor (bursts of 5), and
// apart from them 6 photos a minute (bursts of 10), so a customer who sends the photos of a garden
// one by one and writes between them is not stopped; 30 posts a minute per address (bursts of 20)
// and 30 new visitors an hour per address (bursts of 5). The address is the visitor's own, also
// behind a trusted proxy, and an IPv6 visitor's /64 (web.ClientKey).
func New(p *platform.Service, in *inbox.Service, render *web.Renderer, log *slog.Logger, scriptURL func() string) *Handler {
	return &Handler{Platform: p, Inbox: in, Render: render, Log: log, ScriptURL: scriptURL,
		VisitorLimit: chanutil.NewLimiters(0.1, 5), PhotoLimit: chanutil.NewLimiters(0.1, 10), IPLimit: chanutil.NewLimiters(0.5, 20),
		NewVisitorLimit: chanutil.NewLimiters(1.0/120, 5)}
}

// Script serves /widget.js by redirecting to the content-hashed asset, so the embed URL stays
// fixed while browsers cache each version for long.
func (h *Handler) Script(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	http.Redirect(w, r, h.ScriptURL(), http.StatusFound)
}

func cors(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Expose-Headers", "Retry-After")
	h.Set("Access-Control-Max-Age", "600")
	h.Set("Vary", "Origin")
}

// Preflight answers the CORS OPTIONS request of any widget API route.
func (h *Handler) Preflight(w http.ResponseWriter, r *http.Request) {
	cors(w)
	w.WriteHeader(http.StatusNoContent)
}

// printer picks the widget language: explicit choice, then the tenant's primary locale.
func printer(choice string, t *platform.Tenant) (*i18n.Printer, string) {
	lang := choice
	if !i18n.Supported(lang) {
		lang = "en"
		if t != nil && i18n.Supported(t.PrimaryLocale) {
			lang = t.PrimaryLocale
		}
	}
	return i18n.For(lang), lang
}

func fail(w http.ResponseWriter, r *http.Request, p *i18n.Printer, status int, code string) {
	web.JSONError(w, r, p, status, code, p.T("widget.err."+code))
}

// tenant resolves the slug; it writes the error answer and returns nil when the widget may not run.
func (h *Handler) tenant(w http.ResponseWriter, r *http.Request, lang string) (*platform.Tenant, *i18n.Printer, string) {
	t, err := h.Platform.TenantBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		p, _ := printer(lang, nil)
		if errors.Is(err, tenantdb.ErrNotFound) {
			fail(w, r, p, http.StatusNotFound, "unknown_tenant")
		} else {
			h.Log.Error("widget: tenant", "err", err)
			fail(w, r, p, http.StatusInternalServerError, "internal")
		}
		return nil, nil, ""
	}
	p, l := printer(lang, t)
	if !t.Bool("chat_widget_enabled") {
		fail(w, r, p, http.StatusForbidden, "disabled")
		return nil, nil, ""
	}
	if _, err := h.Platform.Mgr.Tenant(r.Context(), t.Slug); errors.Is(err, tenantdb.ErrUnavailable) {
		// The business's file does not open (the server logged why once; /readyz/ names it): the
		// visitor is told so in their language, and the loader shows no chat to type into.
		w.Header().Set("Retry-After", chanutil.UnavailableWait)
		fail(w, r, p, http.StatusServiceUnavailable, "tenant_unavailable")
		return nil, nil, ""
	}
	return t, p, l
}

// Config is GET /widget/api/{slug}/config.
func (h *Handler) Config(w http.ResponseWriter, r *http.Request) {
	cors(w)
	t, p, lang := h.tenant(w, r, r.URL.Query().Get("lang"))
	if t == nil {
		return
	}
	// The owner's greeting in the widget's language, else their main one, else the built-in one.
	greeting, _ := t.InLanguage("greeting", lang)
	if greeting == "" {
		greeting = p.T("widget.default_greeting", t.Name)
	}
	labels := map[string]string{}
	for _, k := range []string{"title", "placeholder", "send", "name", "phone", "email", "consent", "privacy", "unavailable", "offline", "you", "open", "close", "sending", "optional", "attach", "photo", "unread", "reconnecting"} {
		labels[k] = p.T("widget.label." + k)
	}
	marketing := h.Conversions != nil && t.HasModule(platform.ModuleConversionTracking)
	if marketing {
		labels["marketing"] = h.marketingText(r.Context(), t, p)
	}
	web.JSON(w, http.StatusOK, map[string]any{
		"enabled":          t.Active(),
		"greeting":         greeting,
		"closed_note":      h.closedNote(r, t, p),
		"lang":             lang,
		"dir":              i18n.Dir(lang),
		"name":             t.Name,
		"consent_required": t.Bool("consent_required"),
		// The marketing consent box and the reading of ad click ids on the host page, while the
		// business tracks conversions (module conversion_tracking).
		"marketing":   marketing,
		"privacy_url": "/kvkk/" + t.Slug + "/?lang=" + lang, // the notice in the widget's language
		"max_length":  MaxText,
		"attach":      h.Media != nil, // the visitor may attach a photo (POST .../media)
		"max_photo":   media.MaxSize(media.KindImage),
		"labels":      labels,
	})
}

// closedNote is the line the widget shows under the greeting while the business is closed ("We are
// closed right now — we usually answer from Mon 09:00."), "" while open or without business hours.
// A failure to read the hours leaves the line out rather than the whole widget.
func (h *Handler) closedNote(r *http.Request, t *platform.Tenant, p *i18n.Printer) string {
	db, err := h.Platform.Mgr.Tenant(r.Context(), t.Slug)
	if err != nil {
		h.Log.Error("widget: db", "err", err)
		return ""
	}
	s, err := hoursdb.Schedule(r.Context(), db.Read)
	if err != nil {
		h.Log.Error("widget: business hours", "err", err)
		return ""
	}
	now := h.now()
	if s == nil || s.Open(now) {
		return ""
	}
	when := s.NextOpeningWords(p.Lang, p.T, p.Date, now)
	if when == "" {
		// Closed with no opening in sight (every weekday empty, or a long time away): the visitor
		// is still told that nobody is there now, not left to think an answer is coming.
		return p.T("hours.widget.closed_later")
	}
	if s.ClosedFor(now) {
		// Away or a holiday: the opening is a fixed day, not when the business usually answers.
		return p.T("hours.widget.closed_until", when)
	}
	return p.T("hours.widget.closed", when)
}

// postBody is the JSON a visitor's message arrives in.
type postBody struct {
	Token    string `json:"token"`
	Text     string `json:"text"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Consent  bool   `json:"consent"`
	Lang     string `json:"lang"`
	ClientID string `json:"client_id"`
	// Marketing is the visitor's tick in the marketing consent box; Attribution what the loader
	// read on the host page (gclid, fbclid, _fbp, utm_* …), both sent with the first message only.
	Marketing   bool              `json:"marketing"`
	Attribution map[string]string `json:"attribution"`
}

// ParsePost decodes and validates a message body; it returns the HTTP status and error code to
// answer when invalid (status 0 means valid).
func ParsePost(b []byte) (*postBody, int, string) {
	var in postBody
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&in); err != nil {
		return nil, http.StatusBadRequest, "bad_json"
	}
	st, code := validate(&in, true)
	return &in, st, code
}

// validate trims and checks a visitor's post (text required unless the post carries a file); it
// returns the HTTP status and error code to answer when invalid (0 = valid).
func validate(in *postBody, textRequired bool) (int, string) {
	in.Text = strings.TrimSpace(in.Text)
	rawName := in.Name
	// The name is one line of plain text, whatever controls or direction overrides came with it.
	in.Name, in.Phone, in.Email = web.PersonName(in.Name), strings.TrimSpace(in.Phone), channel.VisibleEmail(in.Email)
	switch {
	case !utf8.ValidString(in.Text), strings.IndexByte(in.Text, 0) >= 0, strings.IndexByte(rawName, 0) >= 0:
		// A NUL (\u0000) is no more text a visitor typed than broken UTF-8 is.
		return http.StatusBadRequest, "bad_json"
	case in.Text == "" && textRequired:
		return http.StatusUnprocessableEntity, "text_required"
	case utf8.RuneCountInString(in.Text) > MaxText:
		return http.StatusRequestEntityTooLarge, "too_long"
	case utf8.RuneCountInString(in.Name) > 200:
		return http.StatusUnprocessableEntity, "bad_name"
	case utf8.RuneCountInString(in.Phone) > 40: // whether it is a number is the business's to say (begin)
		return http.StatusUnprocessableEntity, "bad_phone"
	case in.Email != "" && !channel.ValidEmail(in.Email):
		return http.StatusUnprocessableEntity, "bad_email"
	case len(in.Token) > 100 || len(in.ClientID) > 64:
		return http.StatusBadRequest, "bad_token"
	case len(in.Attribution) > 20:
		return http.StatusBadRequest, "bad_json"
	}
	return 0, ""
}

// threadKey is what the database keeps of a visitor token: its hash, so a leaked database does not
// let anyone read a visitor's thread.
func threadKey(token string) string {
	s := sha256.Sum256([]byte("widget-visitor:" + token))
	return "v:" + hex.EncodeToString(s[:16])
}

// minFirstID is the length from which a first message's client id is the widget's random one
// (128 bits, widget.js newID): long enough to stand for the visitor's token.
const minFirstID = 22

// firstToken is the visitor token of a first message (no token yet) whose client id is the
// widget's random one: made from that id, so the same message sent again — its answer lost to a
// dropped connection — names the same thread and gets the same token back, where a random token
// made each time started a second lead and conversation. Only the visitor's browser knows the id;
// the database keeps neither it nor the token (threadKey, messageID). "" = no such id: a token is
// made at random, as for an older widget.
func firstToken(slug, clientID string) string {
	if len(clientID) < minFirstID {
		return ""
	}
	s := sha256.Sum256([]byte("widget-first-message:" + slug + "\x00" + clientID))
	return base64.RawURLEncoding.EncodeToString(s[:24])
}

// messageID is the idempotency key of a visitor's post: per thread and client id, so a message
// sent again is stored once. A first message's key names its thread only (one first message per
// thread), so the client id its token is made from is not stored.
func messageID(key string, in *postBody) string {
	switch {
	case in.ClientID == "":
		return ""
	case in.Token == "" && len(in.ClientID) >= minFirstID:
		return key + ":first"
	}
	return key + ":" + in.ClientID
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// admitted is a visitor's post that passed begin: the business, the printer in the visitor's
// language, the tenant database, the visitor's token and the limits the post would spend.
type admitted struct {
	t     *platform.Tenant
	p     *i18n.Printer
	lang  string // the widget's language: the consent is to the notice in it
	db    *tenantdb.DB
	token string
	takes []chanutil.Take
}

// begin is what a message and a photo from a visitor both pass first: a known, active business,
// the reading of the request (status/code, when it already failed), the tenant database, and the
// visitor's admission (token, consent). nil means it answered.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request, lang string, status int, code string, in *postBody) *admitted {
	t, p, l := h.tenant(w, r, lang)
	if t == nil {
		return nil
	}
	if !t.Active() {
		fail(w, r, p, http.StatusForbidden, "unavailable")
		return nil
	}
	// A number without its country code is read in the business's country (0170 1234567 is
	// German on a German business's site).
	if status == 0 && in != nil && in.Phone != "" && inbox.NormalizePhone(in.Phone, t.PhoneRegion()) == "" {
		status, code = http.StatusUnprocessableEntity, "bad_phone"
	}
	if status != 0 && code == "bad_email" && in != nil {
		// The code stays the same for every unusable address; the visitor reads what is wrong
		// with theirs (letters such as ş before the @ have their own words, as on every form).
		web.JSONError(w, r, p, status, code, p.T(channel.EmailProblem(in.Email, "widget.err.bad_email")))
		return nil
	}
	if status != 0 {
		fail(w, r, p, status, code)
		return nil
	}
	db, err := h.Platform.Mgr.Tenant(r.Context(), t.Slug)
	if err != nil {
		h.Log.Error("widget: db", "err", err)
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return nil
	}
	token, takes, st, cd := h.admit(r.Context(), db, t.Slug, web.ClientKey(r), in, t.Bool("consent_required"))
	if st != 0 {
		fail(w, r, p, st, cd)
		return nil
	}
	return &admitted{t: t, p: p, lang: l, db: db, token: token, takes: takes}
}

// Post is POST /widget/api/{slug}/messages.
func (h *Handler) Post(w http.ResponseWriter, r *http.Request) {
	cors(w)
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	lang := r.URL.Query().Get("lang")
	var in *postBody
	status, code := 0, ""
	if err != nil {
		status, code = http.StatusRequestEntityTooLarge, "too_large"
	} else {
		in, status, code = ParsePost(raw)
		if in != nil && in.Lang != "" {
			lang = in.Lang
		} else if in == nil {
			// A body that does not decode as a message (a field of the wrong type) may still name
			// the visitor's language: its refusal is said in it, not in the business's.
			var l struct {
				Lang string `json:"lang"`
			}
			if json.Unmarshal(raw, &l) == nil && l.Lang != "" {
				lang = l.Lang
			}
		}
	}
	a := h.begin(w, r, lang, status, code, in)
	if a == nil {
		return
	}
	ctx, t, p, db, token, takes := r.Context(), a.t, a.p, a.db, a.token, a.takes
	// Every limit at once, or none: a refused post spends nothing of the address's allowance.
	if ok, wait := chanutil.AllowAll(takes...); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		fail(w, r, p, http.StatusTooManyRequests, "rate_limited")
		return
	}
	key := threadKey(token)
	msg := inbox.Inbound{Channel: "webchat", ExternalID: key, Name: in.Name, Phone: in.Phone, Region: t.PhoneRegion(), Email: in.Email, Body: in.Text, Kind: "text"}
	msg.ProviderMessageID = messageID(key, in)
	if in.Consent {
		msg.ConsentVersion, msg.ConsentAt = ConsentVersion(notice(t, a.lang)), time.Now()
	}
	// The campaign the visitor came from is the lead's own (its utm fields: the leads list's
	// campaign filter, the export and the KPI report's campaigns all read it), kept as the ad
	// capture is: on the first post, with the marketing box ticked, while tracking is on.
	if in.Token == "" && in.Marketing && t.HasModule(platform.ModuleConversionTracking) {
		if u := conversions.ParseCapture(func(k string) string { return in.Attribution[k] }, time.Now()).UTM; len(u) > 0 {
			msg.UTM = u
		}
	}
	res, err := h.Inbox.Ingest(ctx, t.Slug, db, msg)
	if err != nil {
		h.Log.Error("widget: ingest", "tenant", t.Slug, "err", err)
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return
	}
	h.capture(ctx, t, p, db, in, res)
	if site := SiteOf(r); site != "" && site != t.Setting("widget_site") {
		if err := h.Platform.SetSettings(ctx, t.Slug, map[string]string{"widget_site": site}); err != nil {
			h.Log.Warn("widget: keeping the website's mark", "tenant", t.Slug, "err", err)
		}
	}
	web.JSON(w, http.StatusCreated, map[string]any{"token": token, "conversation_id": res.ConversationID, "message_id": res.MessageID})
}

// capture hands a visitor's first post to conversion tracking: the click ids and campaign the
// loader read, and the marketing consent text the visitor ticked (in the language shown). The
// message is in already; a failure here is logged, never the visitor's problem.
func (h *Handler) capture(ctx context.Context, t *platform.Tenant, p *i18n.Printer, db *tenantdb.DB, in *postBody, res inbox.IngestResult) {
	if h.Conversions == nil || in.Token != "" || res.Duplicate || res.LeadID == 0 {
		return
	}
	text := ""
	if in.Marketing {
		text = h.marketingText(ctx, t, p)
	}
	c := conversions.ParseCapture(func(k string) string { return in.Attribution[k] }, time.Now())
	if err := h.Conversions.Captured(ctx, t, db, res.LeadID, res.NewLead, "webchat", c, text); err != nil {
		h.Log.Error("widget: conversion capture", "tenant", t.Slug, "err", err)
	}
}

// marketingText is the marketing consent box's words in p's language: what is sent (the ad click
// and the hashed e-mail, phone and name) and to which platforms, named as the settings switch
// them on (conversions.Platforms). The consent's version is made of these words, so it changes
// when the platforms do.
func (h *Handler) marketingText(ctx context.Context, t *platform.Tenant, p *i18n.Printer) string {
	names := ""
	if db, err := h.Platform.Mgr.Tenant(ctx, t.Slug); err == nil {
		if names, _, err = conversions.Platforms(ctx, db.Read); err != nil {
			h.Log.Error("widget: ad platforms", "tenant", t.Slug, "err", err)
		}
	}
	if names == "" {
		names = "Meta (Facebook, Instagram), Google Ads, TikTok"
	}
	return p.T("widget.label.marketing", names)
}

// Message is one line of the visitor's thread as the widget shows it.
type Message struct {
	ID        int64  `json:"id"`
	Direction string `json:"direction"`
	Author    string `json:"author"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
	Files     []File `json:"files,omitempty"` // photos and files of the message, by signed short-lived link
}

// List is GET /widget/api/{slug}/messages?token=T&after=ID.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	cors(w)
	q := r.URL.Query()
	t, p, _ := h.tenant(w, r, q.Get("lang"))
	if t == nil {
		return
	}
	token := q.Get("token")
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if token == "" || len(token) > 100 || err != nil || after < 0 {
		fail(w, r, p, http.StatusBadRequest, "bad_token")
		return
	}
	ctx := r.Context()
	db, err := h.Platform.Mgr.Tenant(ctx, t.Slug)
	if err != nil {
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return
	}
	msgs, err := h.thread(ctx, db, t.Slug, threadKey(token), after, t.Name, p.Lang)
	if errors.Is(err, tenantdb.ErrNotFound) {
		fail(w, r, p, http.StatusNotFound, "unknown_token")
		return
	}
	if err != nil {
		h.Log.Error("widget: list", "err", err)
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

// thread lists the visitor-visible messages of the thread after an id: inbound and sent outbound
// messages, never system notes or replies still scheduled for later. A reply that was scheduled
// before the visitor's last message and has gone out since is listed too, though its id is lower
// (the widget shows each id once), and every conversation's messages come in the order they were
// sent, so a scheduled reply follows what it answers. A person's reply is signed with the
// business's name, never with the operator's login.
func (h *Handler) thread(ctx context.Context, db *tenantdb.DB, slug, key string, after int64, business, lang string) ([]Message, error) {
	ids, err := conversationsFor(ctx, db, key)
	if err != nil {
		return nil, err
	}
	now := time.Now().UnixMilli()
	out := []Message{}
	for _, id := range ids {
		var ms []*inbox.Message
		if after > 0 {
			ms, err = inbox.Messages(ctx, db.Read, id, after, 200)
		} else { // a returning visitor's long thread opens on its newest messages, not its first
			ms, _, err = inbox.Latest(ctx, db.Read, id, 0, 200)
		}
		if err != nil {
			return nil, err
		}
		if after > 0 {
			released, err := inbox.ReleasedSince(ctx, db.Read, id, after)
			if err != nil {
				return nil, err
			}
			ms = append(released, ms...)
		}
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].CreatedAt < ms[j].CreatedAt })
		var files map[int64][]File
		if len(ms) > 0 {
			if files, err = h.files(ctx, db, slug, id, lang); err != nil {
				return nil, err
			}
		}
		for _, m := range ms {
			if m.Direction == "system" || (m.Direction == "outbound" && (m.ScheduledAt > now || m.DeliveryStatus == "queued" || m.DeliveryStatus == "failed")) {
				continue
			}
			// An outbound message is the business's, whoever wrote it: an operator, or the product
			// on the business's behalf (a site visit's confirmation, a quote's link).
			author := "you"
			switch {
			case m.AuthorKind == "ai":
				author = "assistant"
			case m.AuthorKind == "user", m.Direction == "outbound":
				author = business
			}
			out = append(out, Message{ID: m.ID, Direction: m.Direction, Author: author, Text: fileWords(m.Body, files[m.ID]),
				CreatedAt: time.UnixMilli(m.CreatedAt).UTC().Format(time.RFC3339), Files: files[m.ID]})
		}
	}
	return out, nil
}

// EmbedSnippet is the HTML a site owner pastes into their pages.
func EmbedSnippet(origin, slug, lang string) string {
	return `<script src="` + origin + `/widget.js" data-tenant-slug="` + slug + `" data-lang="` + lang + `" async></script>`
}

// SiteOf is the website a widget request came from: the browser's Origin header, when it names an
// http(s) site other than this server (the widget's demo page and the landing page are this
// server's own), else "". The business's own site is where the chat was put; a message typed on
// the demo page is no sign of that.
func SiteOf(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("Origin"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	if own, err := url.Parse(Origin(r)); err == nil && strings.EqualFold(own.Host, u.Host) || strings.EqualFold(u.Host, r.Host) {
		return ""
	}
	return u.Scheme + "://" + strings.ToLower(u.Host)
}

// Origin is the public origin of this server: its base URL when set (serve --base-url), else
// guessed from the request (TLS is done by a proxy).
func Origin(r *http.Request) string { return web.Origin(r) }

// Demo is GET /widget/demo/{slug}/: a page with the widget embedded, for trying it out.
func (h *Handler) Demo(w http.ResponseWriter, r *http.Request) {
	t, err := h.Platform.TenantBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	c := web.From(r)
	w.Header().Set("Content-Security-Policy", web.CSP)
	// The page is a stand-in for the business's website: like a customer's quote page (Nav
	// "customer"), it offers a visitor the language choice, not the panel's menu and its sign-in.
	h.Render.Render(w, r, http.StatusOK, "channels/demo", &web.Page{Title: c.T("widget.demo.title", t.Name), Nav: "customer", Data: map[string]any{
		"Slug": t.Slug, "Name": t.Name, "Lang": c.Lang, "Snippet": EmbedSnippet(Origin(r), t.Slug, c.Lang)}})
}

// notice is NoticeFor's text alone.
func notice(t *platform.Tenant, lang string) string {
	n, _ := NoticeFor(t, lang)
	return n
}

// Privacy is /kvkk/ and /kvkk/{slug}/: the privacy notice end customers agree to.
func (h *Handler) Privacy(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	data := map[string]any{}
	if slug := r.PathValue("slug"); slug != "" {
		t, err := h.Platform.TenantBySlug(r.Context(), slug)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		// The notice in the visitor's language when the owner wrote one in it (the widget's
		// link carries its language), else the owner's main notice, else the built-in text.
		n, in := NoticeFor(t, c.Lang)
		data = map[string]any{"Name": t.Name, "Notice": n, "NoticeLang": in}
		if strings.TrimSpace(n) != "" {
			data["Version"] = ConsentVersion(n)
		} else if c.Tenant != nil && c.Tenant.Slug == t.Slug && c.Can(auth.ManageSettings) {
			// No notice written yet: visitors read the standard text (and no version code made
			// of nothing); the business's owner, signed in with this business open in the panel
			// (the note's link opens its settings), reads what is missing and where to write it.
			data["Unwritten"] = true
		}
		// While the business sends conversions to ad platforms, the page says what goes, to whom,
		// that it leaves the country and how to withdraw, whatever the owner's own text says.
		if h.Conversions != nil && t.HasModule(platform.ModuleConversionTracking) {
			db, err := h.Platform.Mgr.Tenant(r.Context(), t.Slug)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			names, sending, err := conversions.Platforms(r.Context(), db.Read)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			if sending {
				data["AdPlatforms"] = names
			}
		}
	}
	// A visitor opens it from the chat on the business's website: the language choice, not the
	// panel's menu and its sign-in (Nav "customer", as a customer's quote page).
	h.Render.Render(w, r, http.StatusOK, "channels/kvkk", &web.Page{Title: c.T("kvkk.title"), Nav: "customer", Data: data})
}
