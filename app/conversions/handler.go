package conversions

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"highvibe/app/leads"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the conversion tracking settings page, the lead page's section and the report.
type Handler struct {
	Render *web.Renderer
	// Svc sends the settings page's test events with its Sender (the one real events go with).
	Svc *Service
}

// settingsView is the settings form as shown: secrets are never sent back, only whether one is saved.
type settingsView struct {
	S                               *Settings
	Values                          map[string]string // fields as typed, after a refused save
	HasMetaToken, HasGoogleDev      bool
	HasGoogleSecret, HasGoogleToken bool
	HasTikTokToken                  bool
}

type settingsPage struct {
	Form       settingsView
	Errors     web.Errors
	Deliveries []Delivery
	Month      string
	Spend      []Spend
	SpendForm  map[string]string
	SpendErrs  web.Errors
	Campaigns  []string
	Currency   string
	Posted     url.Values // the settings form as sent, when it comes back refused (its was_ boxes)
	// Failing are the latest deliveries of the platforms switched on whose latest delivery failed
	// (Failing): the page warns of each above everything.
	Failing []Delivery
	// Sending names the platforms switched on ("" none): the page reminds the owner that their
	// privacy notice must say so, and links the public privacy page that does.
	Sending string
	Slug    string
	// Stored are the saved settings (what a test event is sent with); Tests the newest test
	// event of each destination since they were saved (LastTests).
	Stored *Settings
	Tests  map[string]*TestResult
}

// TestDests are the destinations whose saved settings can send a test event (Testable).
func (d *settingsPage) TestDests() []string {
	var out []string
	for _, dest := range Destinations {
		if d.Stored != nil && d.Stored.Testable(dest) {
			out = append(out, dest)
		}
	}
	return out
}

// DrawnKeys are the settings form's boxes that say what the page showed (a hidden was_ each):
// all but the secrets, which are never shown.
func (d *settingsPage) DrawnKeys() []string {
	return slices.Sorted(maps.Keys(view(&Settings{}).Values))
}

func (h *Handler) page(r *http.Request, st *Settings) (*settingsPage, error) {
	c := web.From(r)
	ctx := r.Context()
	loc, err := hoursdb.Zone(ctx, c.DB.Read)
	if err != nil {
		return nil, err
	}
	month := r.URL.Query().Get("month")
	if _, _, err := MonthRange(month, loc); err != nil {
		month = time.Now().In(loc).Format("2006-01")
	}
	if st == nil {
		if st, err = LoadSettings(ctx, c.DB.Read, c.Tenant.Currency); err != nil {
			return nil, err
		}
	}
	// The ad spend is in the business currency, as the KPI page's report that sets it against
	// the revenue (the settings' currency is only for events without a value).
	d := &settingsPage{Form: view(st), Errors: web.Errors{}, Month: month, SpendForm: map[string]string{"month": month}, SpendErrs: web.Errors{},
		Currency: c.Tenant.Currency}
	if d.Deliveries, err = RecentLog(ctx, c.DB.Read, 30); err != nil {
		return nil, err
	}
	// What is stored, not what a refused form asked for.
	stored, err := LoadSettings(ctx, c.DB.Read, c.Tenant.Currency)
	if err != nil {
		return nil, err
	}
	if d.Failing, err = Failing(ctx, c.DB.Read, stored); err != nil {
		return nil, err
	}
	d.Stored = stored
	if d.Tests, err = LastTests(ctx, c.DB.Read); err != nil {
		return nil, err
	}
	if names, sending, err := Platforms(ctx, c.DB.Read); err != nil {
		return nil, err
	} else if sending {
		d.Sending = names
	}
	d.Slug = c.Tenant.Slug
	if d.Spend, err = SpendOf(ctx, c.DB.Read, month); err != nil {
		return nil, err
	}
	// The ad spend form suggests the campaigns the leads list filters by (the leads' own).
	if d.Campaigns, err = leads.Campaigns(ctx, c.DB.Read); err != nil {
		return nil, err
	}
	return d, nil
}

// boxes are the settings form's checkboxes (each sends "1" when ticked).
var boxes = []string{"rule_lead", "rule_qualified", "rule_won", "test_mode", "meta_on", "google_on", "tiktok_on"}

func view(st *Settings) settingsView {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return ""
	}
	return settingsView{S: st, HasMetaToken: st.MetaAccessToken != "", HasGoogleDev: st.GoogleDeveloperToken != "",
		HasGoogleSecret: st.GoogleClientSecret != "", HasGoogleToken: st.GoogleRefreshToken != "", HasTikTokToken: st.TikTokAccessToken != "",
		Values: map[string]string{"rule_lead": b(st.RuleLead), "rule_qualified": b(st.RuleQualified), "rule_won": b(st.RuleWon),
			"currency": st.Currency, "test_mode": b(st.TestMode), "meta_on": b(st.MetaOn), "meta_pixel_id": st.MetaPixelID,
			"meta_test_code": st.MetaTestCode, "google_on": b(st.GoogleOn), "google_customer_id": st.GoogleCustomerID,
			"google_login_customer_id": st.GoogleLoginCustomerID, "google_action_lead": st.GoogleActionLead,
			"google_action_qualified": st.GoogleActionQualified, "google_action_purchase": st.GoogleActionPurchase,
			"google_client_id": st.GoogleClientID, "tiktok_on": b(st.TikTokOn), "tiktok_pixel_code": st.TikTokPixelCode,
			"tiktok_test_code": st.TikTokTestCode}}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, d *settingsPage) {
	c := web.From(r)
	p := &web.Page{Title: c.T("conv.title"), Nav: "settings", Guide: "conversion-tracking", Data: d}
	if m, ok := d.Errors[web.MeanwhileField]; ok { // said above the form by the layout
		p.Errors = map[string]string{web.MeanwhileField: m}
	}
	h.Render.Render(w, r, status, "conversions/settings", p)
}

// Settings is GET /app/settings/conversions.
func (h *Handler) Settings(w http.ResponseWriter, r *http.Request) {
	d, err := h.page(r, nil)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, d)
}

var (
	digits    = regexp.MustCompile(`^[0-9]{1,20}$`)
	pixelCode = regexp.MustCompile(`^[A-Za-z0-9]{1,40}$`)
	testCode  = regexp.MustCompile(`^[A-Za-z0-9_-]{0,60}$`)
)

// Save is POST /app/settings/conversions. Every field is checked; a destination switched on must
// have what it needs. On any error the form comes back (422) and nothing is stored. A secret left
// empty keeps the saved one; its "remove" box clears it.
func (h *Handler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	f := r.PostForm
	// The stored settings are read inside the save's transaction: a box left as the page drew it
	// takes what is stored then, so another owner's save landing just before is kept too.
	var old, s *Settings
	var errs web.Errors
	var meanwhile error
	err := c.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if old, err = LoadSettings(ctx, tx, c.Tenant.Currency); err != nil {
			return err
		}
		s, errs, meanwhile = readSettings(r, f, old)
		if errs.Any() {
			return errRefused
		}
		if err := saveSettings(ctx, tx, s); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "settings", ActionType: "conversion_settings_saved", Summary: "conversion tracking settings",
			ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor(c), Payload: map[string]any{
				"rules": map[string]bool{"lead": s.RuleLead, "qualified": s.RuleQualified, "won": s.RuleWon}, "test_mode": s.TestMode,
				"currency": s.Currency, "meta": s.MetaOn, "google": s.GoogleOn, "tiktok": s.TikTokOn,
				// Which secrets changed, never their values.
				"secrets_changed": changedSecrets(old, s)}})
		return err
	})
	if errors.Is(err, errRefused) {
		d, err := h.page(r, old)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Errors, d.Posted = errs, f
		d.Form.Values = map[string]string{}
		for k := range f {
			if !strings.HasSuffix(k, "_token") && !strings.HasSuffix(k, "_secret") {
				d.Form.Values[k] = f.Get(k)
			}
		}
		status := http.StatusUnprocessableEntity
		if meanwhile != nil {
			status = web.StatusOf(meanwhile) // 409
		}
		h.render(w, r, status, d)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// A platform switched on here sends data abroad that the privacy notice must name: the
	// owner is told so with the save, and the page shows where (#conv-notice).
	var added []string
	for _, dest := range s.Sending() {
		if !old.on(dest) {
			added = append(added, DestName(dest))
		}
	}
	if len(added) > 0 {
		web.FlashKey(w, r, true, "conv.saved.notice", strings.Join(added, ", "))
		web.Redirect(w, r, "/app/settings/conversions#conv-notice")
		return
	}
	web.FlashKey(w, r, true, "conv.saved")
	web.Redirect(w, r, "/app/settings/conversions")
}

// TestEvent is POST /app/settings/conversions/test/{dest}: one test event to the platform with
// the saved settings (SendTest); its outcome is written to the action log and shown in the
// platform's section of the settings page, where the owner is sent back to. It is no conversion
// and no delivery of a lead.
func (h *Handler) TestEvent(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	dest := r.PathValue("dest")
	if !slices.Contains(Destinations, dest) {
		h.Render.Fail(w, r, fault.NotFound(""))
		return
	}
	st, err := LoadSettings(ctx, c.DB.Read, c.Tenant.Currency)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc, err := hoursdb.Zone(ctx, c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	res := h.Svc.Sender.SendTest(ctx, c.Tenant.Slug, dest, st, loc, time.Now())
	if res.Outcome == TestFailed {
		h.Svc.log().Info("conversions: test event failed", "tenant", c.Tenant.Slug, "destination", dest, "reason", res.Reason, "status", res.Status)
	}
	payload := map[string]any{}
	if b, err := json.Marshal(res); err == nil {
		_ = json.Unmarshal(b, &payload)
	}
	status := "completed"
	if !res.Good() {
		status = "failed"
	}
	if err := audit.Log(ctx, c.DB, audit.Entry{Provider: "settings", ActionType: TestActionType, Status: status,
		Summary: "conversion test event to " + DestName(dest), ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor(c),
		Payload: payload}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/settings/conversions#conv-"+dest+"-test")
}

// errRefused ends a settings save whose form has errors: nothing is stored, the form comes back.
var errRefused = errors.New("conversions: settings refused")

// readSettings reads the settings form f against the stored settings old (a box sent as its page
// drew it takes the stored value; one changed here and by someone else too is meanwhile's
// refusal) and checks every field; errs are the fields' messages in the reader's language.
func readSettings(r *http.Request, f url.Values, old *Settings) (*Settings, web.Errors, error) {
	c := web.From(r)
	// A box left as the page drew it takes the stored setting, which another owner may have changed
	// since: a save changes only what its sender changed.
	stored := map[string]any{}
	for k, v := range view(old).Values {
		stored[k] = v
		if slices.Contains(boxes, k) {
			stored[k] = web.Tick(v != "", "1")
		}
	}
	meanwhile := web.KeepUntouched(f, stored)
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	// The ids are numbers: typed on an Arabic keyboard they arrive in Arabic-Indic digits.
	num := func(k string) string { return i18n.ASCIIDigits(get(k)) }
	on := func(k string) bool { return f.Get(k) != "" }
	secret := func(k, cur string) string {
		if on(k + "_clear") {
			return ""
		}
		if v := get(k); v != "" {
			return v
		}
		return cur
	}
	s := &Settings{RuleLead: on("rule_lead"), RuleQualified: on("rule_qualified"), RuleWon: on("rule_won"),
		Currency: strings.ToUpper(get("currency")), TestMode: on("test_mode"),
		MetaOn: on("meta_on"), MetaPixelID: num("meta_pixel_id"), MetaAccessToken: secret("meta_access_token", old.MetaAccessToken),
		MetaTestCode: get("meta_test_code"),
		GoogleOn:     on("google_on"), GoogleCustomerID: strings.ReplaceAll(num("google_customer_id"), "-", ""),
		GoogleLoginCustomerID: strings.ReplaceAll(num("google_login_customer_id"), "-", ""),
		GoogleActionLead:      num("google_action_lead"), GoogleActionQualified: num("google_action_qualified"),
		GoogleActionPurchase: num("google_action_purchase"), GoogleDeveloperToken: secret("google_developer_token", old.GoogleDeveloperToken),
		GoogleClientID: get("google_client_id"), GoogleClientSecret: secret("google_client_secret", old.GoogleClientSecret),
		GoogleRefreshToken: secret("google_refresh_token", old.GoogleRefreshToken),
		TikTokOn:           on("tiktok_on"), TikTokPixelCode: get("tiktok_pixel_code"),
		TikTokAccessToken: secret("tiktok_access_token", old.TikTokAccessToken), TikTokTestCode: get("tiktok_test_code")}
	errs := web.Errors{}
	// A box changed here and by someone else too since the page was drawn: nothing is stored, the
	// form says what each side saved (above it and beside the box).
	for k, m := range web.FieldErrors(r, meanwhile) {
		errs[k] = m
	}
	bad := func(field, key string) { errs.Add(field, c.T(key)) }
	switch {
	case s.Currency == "":
		bad("currency", "validation.required")
	case !i18n.Currency(s.Currency):
		errs.Add("currency", c.T("validation.currency", get("currency"))) // named as typed
	}
	check := func(field, v string, re *regexp.Regexp, key string) {
		if v != "" && !re.MatchString(v) {
			bad(field, key)
		}
	}
	check("meta_pixel_id", s.MetaPixelID, digits, "conv.err.digits")
	check("meta_test_code", s.MetaTestCode, testCode, "conv.err.code")
	check("google_customer_id", s.GoogleCustomerID, digits, "conv.err.digits")
	check("google_login_customer_id", s.GoogleLoginCustomerID, digits, "conv.err.digits")
	check("google_action_lead", s.GoogleActionLead, digits, "conv.err.digits")
	check("google_action_qualified", s.GoogleActionQualified, digits, "conv.err.digits")
	check("google_action_purchase", s.GoogleActionPurchase, digits, "conv.err.digits")
	check("tiktok_pixel_code", s.TikTokPixelCode, pixelCode, "conv.err.code")
	check("tiktok_test_code", s.TikTokTestCode, testCode, "conv.err.code")
	for field, v := range map[string]string{"meta_access_token": s.MetaAccessToken, "google_developer_token": s.GoogleDeveloperToken,
		"google_client_id": s.GoogleClientID, "google_client_secret": s.GoogleClientSecret, "google_refresh_token": s.GoogleRefreshToken,
		"tiktok_access_token": s.TikTokAccessToken} {
		if len(v) > 1000 || strings.ContainsAny(v, " \t\r\n") {
			bad(field, "conv.err.token")
		}
	}
	need := func(enabled bool, fields map[string]string) {
		if !enabled {
			return
		}
		for field, v := range fields {
			if v == "" {
				bad(field, "conv.err.required")
			}
		}
	}
	need(s.MetaOn, map[string]string{"meta_pixel_id": s.MetaPixelID, "meta_access_token": s.MetaAccessToken})
	need(s.GoogleOn, map[string]string{"google_customer_id": s.GoogleCustomerID, "google_developer_token": s.GoogleDeveloperToken,
		"google_client_id": s.GoogleClientID, "google_client_secret": s.GoogleClientSecret, "google_refresh_token": s.GoogleRefreshToken})
	if s.GoogleOn && s.GoogleActionLead == "" && s.GoogleActionQualified == "" && s.GoogleActionPurchase == "" {
		bad("google_action_purchase", "conv.err.action")
	}
	need(s.TikTokOn, map[string]string{"tiktok_pixel_code": s.TikTokPixelCode, "tiktok_access_token": s.TikTokAccessToken})
	return s, errs, meanwhile
}

func changedSecrets(a, b *Settings) []string {
	var out []string
	for name, pair := range map[string][2]string{"meta_access_token": {a.MetaAccessToken, b.MetaAccessToken},
		"google_developer_token": {a.GoogleDeveloperToken, b.GoogleDeveloperToken}, "google_client_secret": {a.GoogleClientSecret, b.GoogleClientSecret},
		"google_refresh_token": {a.GoogleRefreshToken, b.GoogleRefreshToken}, "tiktok_access_token": {a.TikTokAccessToken, b.TikTokAccessToken}} {
		if pair[0] != pair[1] {
			out = append(out, name)
		}
	}
	return out
}

func actor(c *web.Ctx) string {
	if c.User != nil {
		return c.User.Username
	}
	return ""
}

// parseMoney reads an amount as typed in any of the panel's languages ("1.250,50", "1,250.50",
// "1.250", "12,5"; i18n.ParseFixed) as minor units.
func parseMoney(v, currency string) (int64, bool) { return i18n.ParseAmount(v, currency) }

// SaveSpend is POST /app/settings/conversions/spend: one campaign's spend of a month; "remove"
// deletes it.
func (h *Handler) SaveSpend(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	f := r.PostForm
	sp := Spend{Campaign: strings.TrimSpace(f.Get("campaign")), Month: strings.TrimSpace(f.Get("month"))}
	remove := f.Get("remove") != ""
	errs := web.Errors{}
	if sp.Campaign == "" || len([]rune(sp.Campaign)) > 200 {
		errs.Add("campaign", c.T("conv.err.campaign"))
	}
	loc, err := hoursdb.Zone(ctx, c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// Spend is money already paid: a month that has not begun has none, and one before 2000 is a
	// slip of the keyboard (1900-01), not a campaign. Removing is allowed whatever the month, so a
	// row saved before this check can still be taken away.
	thisMonth := time.Now().In(loc).Format("2006-01")
	if _, _, err := MonthRange(sp.Month, time.UTC); err != nil {
		errs.Add("month", c.T("conv.err.month"))
	} else if !remove && (sp.Month > thisMonth || sp.Month < "2000-01") {
		errs.Add("month", c.T("conv.err.month_range", c.P.YearMonth(thisMonth)))
	}
	if !remove {
		var ok bool
		switch sp.AmountMinor, ok = parseMoney(f.Get("amount"), c.Tenant.Currency); {
		case !ok || sp.AmountMinor < 0:
			errs.Add("amount", c.T("conv.err.amount"))
		case sp.AmountMinor == 0:
			errs.Add("amount", c.T("conv.err.amount_zero"))
		}
	}
	if errs.Any() {
		r.URL.RawQuery = "month=" + sp.Month
		d, err := h.page(r, nil)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.SpendErrs = errs
		d.SpendForm = map[string]string{"campaign": f.Get("campaign"), "month": f.Get("month"), "amount": f.Get("amount")}
		h.render(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	err = c.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := saveSpend(ctx, tx, sp, remove); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "settings", ActionType: "ad_spend_saved", Summary: "ad spend " + sp.Campaign + " " + sp.Month,
			ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor(c),
			Payload: map[string]any{"campaign": sp.Campaign, "month": sp.Month, "amount_minor": sp.AmountMinor, "removed": remove}})
		return err
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "conv.spend.saved")
	web.Redirect(w, r, "/app/settings/conversions?month="+sp.Month+"#spend")
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.NotFound("")
	}
	return id, nil
}

// RetryDelivery is POST /app/settings/conversions/deliveries/{id}/retry: a failed delivery is
// queued again.
func (h *Handler) RetryDelivery(w http.ResponseWriter, r *http.Request) {
	h.actOnPathID(w, r, idAction{act: Retry, actionType: "conversion_delivery_retried", summary: "conversion delivery retried",
		payloadKey: "delivery_id", flashKey: "conv.retried", back: func(int64) string { return "/app/settings/conversions#deliveries" }})
}

// idAction is a POST that acts on the {id} of its path: act on it, log it in the action log,
// say so, and go back to next (or to back(id)).
type idAction struct {
	act                 func(context.Context, *tenantdb.DB, int64) error
	actionType, summary string // the action log's entry
	payloadKey          string // the id's name in the entry's payload
	flashKey            string
	back                func(id int64) string
}

func (h *Handler) actOnPathID(w http.ResponseWriter, r *http.Request, a idAction) {
	c := web.From(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = a.act(r.Context(), c.DB, id)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_ = audit.Log(r.Context(), c.DB, audit.Entry{Provider: "settings", ActionType: a.actionType, Summary: a.summary,
		ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor(c), Payload: map[string]any{a.payloadKey: id}})
	web.FlashKey(w, r, true, a.flashKey)
	web.Redirect(w, r, web.SafeNext(r.FormValue("next"), a.back(id)))
}

// LeadView is the lead page's conversion section.
type LeadView struct {
	LeadID      int64
	Attribution *Attribution
	Events      []*Event
	Deliveries  map[int64][]Delivery
	CanManage   bool
	// Back is the page the section is on: "Try again" on a failed delivery returns there.
	Back string
}

// LeadSection reads the section of a lead (for the lead page, which includes the partial
// "conversions_lead"): the person's capture and consent, and the lead's events.
func LeadSection(r *http.Request, leadID int64) (*LeadView, error) {
	c := web.From(r)
	ctx := r.Context()
	if _, err := inbox.LeadByID(ctx, c.DB.Read, leadID); err != nil {
		return nil, err
	}
	v := &LeadView{LeadID: leadID, CanManage: c.Can(auth.ManageSettings), Back: r.URL.Path + "#lead-conversions"}
	var err error
	// The person's capture and consent (the lead's own, or that of a lead merged with it): what
	// its events go out with, and what "withdraw" withdraws.
	if v.Attribution, err = PersonAttribution(ctx, c.DB.Read, leadID); err != nil {
		return nil, err
	}
	if v.Events, v.Deliveries, err = LeadEvents(ctx, c.DB.Read, leadID); err != nil {
		return nil, err
	}
	return v, nil
}

// LeadSectionData is the lead page's loader (app/leads Section "conversions") for a lead and the
// leads merged into it (family, the lead first): the person's capture (PersonAttribution: the
// first ad click any of them brought, withdrawn when consent was withdrawn on any of them) and
// all their events; nil — the section is left out — when none has a capture or an event.
func LeadSectionData(r *http.Request, family []int64) (any, error) {
	var v *LeadView
	for _, id := range family {
		m, err := LeadSection(r, id)
		if err != nil {
			return nil, err
		}
		if v == nil {
			v = m
			continue
		}
		if v.Attribution == nil {
			v.Attribution = m.Attribution
		}
		v.Events = append(v.Events, m.Events...)
		for k, d := range m.Deliveries {
			v.Deliveries[k] = d
		}
	}
	if v == nil || (v.Attribution == nil && len(v.Events) == 0) {
		return nil, nil
	}
	return v, nil
}

// Lead is GET /app/conversions/leads/{id}: the lead's click ids, campaign and conversion events
// with their delivery status — the section the lead page shows, also as a page of its own.
func (h *Handler) Lead(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, err := pathID(r, "id")
	var v *LeadView
	if err == nil {
		v, err = LeadSection(r, id)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "conversions/lead", &web.Page{Title: c.T("conv.lead.title"), Nav: "inbox", Guide: "conversion-tracking", Data: v})
}

// Withdraw is POST /app/conversions/leads/{id}/withdraw: the person withdrew marketing consent.
// It cannot be undone, so it asks for a confirmation as erasing a lead's files does: the form's
// box "confirm" ticked. Without it nothing changes and the page it came from says why.
func (h *Handler) Withdraw(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("confirm") != "yes" {
		id, err := pathID(r, "id")
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		web.FlashKey(w, r, false, "conv.lead.withdraw_unconfirmed")
		web.Redirect(w, r, web.SafeNext(r.FormValue("next"), "/app/conversions/leads/"+strconv.FormatInt(id, 10)+"#lead-conversions"))
		return
	}
	h.actOnPathID(w, r, idAction{act: Withdraw, actionType: "marketing_consent_withdrawn", summary: "marketing consent withdrawn",
		payloadKey: "lead_id", flashKey: "conv.lead.withdrawn", back: func(id int64) string { return "/app/conversions/leads/" + strconv.FormatInt(id, 10) }})
}

// ReportView is the KPI page's attribution section.
type ReportView struct {
	*Report
	Prev, Next string // neighbouring months (Next "" when it has not begun)
}

// KPIReport builds the KPI page's attribution report of the month in ?attr_month= (the current
// month in the business's zone by default); tenantdb.ErrNotFound never happens.
func KPIReport(r *http.Request) (*ReportView, error) {
	c := web.From(r)
	ctx := r.Context()
	loc, err := hoursdb.Zone(ctx, c.DB.Read)
	if err != nil {
		return nil, err
	}
	month := r.URL.Query().Get("attr_month")
	from, _, err := MonthRange(month, loc)
	if err != nil {
		month = time.Now().In(loc).Format("2006-01")
		from, _, _ = MonthRange(month, loc)
	}
	// In the business currency, as the KPI cards above it: the settings' currency is only for
	// events without a value (an owner whose ad account bills in dollars saw only dollar orders
	// as revenue).
	rep, err := BuildReport(ctx, c.DB.Read, month, loc, c.Tenant.Currency)
	if err != nil {
		return nil, err
	}
	v := &ReportView{Report: rep, Prev: from.AddDate(0, -1, 0).Format("2006-01")}
	if next := from.AddDate(0, 1, 0); !next.After(time.Now()) { // a month that has not begun has no leads to show
		v.Next = next.Format("2006-01")
	}
	return v, nil
}
