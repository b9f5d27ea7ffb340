package conversions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// Querier reads (a *sql.DB, *sql.Tx or statement cache).
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Execer writes inside a transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Settings are the owner's rules and destinations (conversion_settings).
type Settings struct {
	RuleLead, RuleQualified, RuleWon bool
	Currency                         string
	TestMode                         bool

	MetaOn                       bool
	MetaPixelID, MetaAccessToken string
	MetaTestCode                 string
	GoogleOn                     bool
	GoogleCustomerID             string
	GoogleLoginCustomerID        string
	GoogleActionLead             string
	GoogleActionQualified        string
	GoogleActionPurchase         string
	GoogleDeveloperToken         string
	GoogleClientID               string
	GoogleClientSecret           string
	GoogleRefreshToken           string
	TikTokOn                     bool
	TikTokPixelCode              string
	TikTokAccessToken            string
	TikTokTestCode               string
}

// DefaultSettings are the settings before the owner saved any: every rule on, no destination, and
// the business's own currency (the one its KPI cards are in) for events without a value and for
// the report.
func DefaultSettings(currency string) *Settings {
	return &Settings{RuleLead: true, RuleQualified: true, RuleWon: true, Currency: currency}
}

// GoogleAction is the Google conversion action id an event name goes to ("" = not sent to Google).
func (s *Settings) GoogleAction(name string) string {
	switch name {
	case EventLead:
		return s.GoogleActionLead
	case EventQualified:
		return s.GoogleActionQualified
	case EventPurchase:
		return s.GoogleActionPurchase
	}
	return ""
}

// RuleOn says whether the owner's rules make events of this name.
func (s *Settings) RuleOn(name string) bool {
	switch name {
	case EventLead:
		return s.RuleLead
	case EventQualified:
		return s.RuleQualified
	case EventPurchase:
		return s.RuleWon
	}
	return false
}

// Ready says whether dest is switched on and has what it needs to send event name.
func (s *Settings) Ready(dest, name string) bool {
	switch dest {
	case DestMeta:
		return s.MetaOn && s.MetaPixelID != "" && s.MetaAccessToken != ""
	case DestGoogle:
		return s.GoogleOn && s.GoogleCustomerID != "" && s.GoogleDeveloperToken != "" && s.GoogleClientID != "" &&
			s.GoogleClientSecret != "" && s.GoogleRefreshToken != "" && s.GoogleAction(name) != ""
	case DestTikTok:
		return s.TikTokOn && s.TikTokPixelCode != "" && s.TikTokAccessToken != ""
	}
	return false
}

// on says whether dest is switched on (whether or not it has all it needs yet).
func (s *Settings) on(dest string) bool {
	switch dest {
	case DestMeta:
		return s.MetaOn
	case DestGoogle:
		return s.GoogleOn
	case DestTikTok:
		return s.TikTokOn
	}
	return false
}

// Sending lists the destinations switched on, in the settings page's order: the platforms the
// consent text and the privacy notice name.
func (s *Settings) Sending() []string {
	var out []string
	for _, d := range Destinations {
		if s.on(d) {
			out = append(out, d)
		}
	}
	return out
}

const settingsCols = `rule_lead, rule_qualified, rule_won, currency, test_mode,
	meta_on, meta_pixel_id, meta_access_token, meta_test_code,
	google_on, google_customer_id, google_login_customer_id, google_action_lead, google_action_qualified, google_action_purchase,
	google_developer_token, google_client_id, google_client_secret, google_refresh_token,
	tiktok_on, tiktok_pixel_code, tiktok_access_token, tiktok_test_code`

// LoadSettings reads the settings (DefaultSettings with the business's currency when none were
// saved).
func LoadSettings(ctx context.Context, q Querier, currency string) (*Settings, error) {
	s := DefaultSettings(currency)
	err := q.QueryRowContext(ctx, `SELECT `+settingsCols+` FROM conversion_settings WHERE id = 1`).Scan(
		&s.RuleLead, &s.RuleQualified, &s.RuleWon, &s.Currency, &s.TestMode,
		&s.MetaOn, &s.MetaPixelID, &s.MetaAccessToken, &s.MetaTestCode,
		&s.GoogleOn, &s.GoogleCustomerID, &s.GoogleLoginCustomerID, &s.GoogleActionLead, &s.GoogleActionQualified, &s.GoogleActionPurchase,
		&s.GoogleDeveloperToken, &s.GoogleClientID, &s.GoogleClientSecret, &s.GoogleRefreshToken,
		&s.TikTokOn, &s.TikTokPixelCode, &s.TikTokAccessToken, &s.TikTokTestCode)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("conversions: settings: %w", err)
	}
	return s, nil
}

// saveSettings stores s as the one settings row.
func saveSettings(ctx context.Context, tx Execer, s *Settings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO conversion_settings(id, `+settingsCols+`, updated_at)
		VALUES(1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET rule_lead=excluded.rule_lead, rule_qualified=excluded.rule_qualified, rule_won=excluded.rule_won,
		currency=excluded.currency, test_mode=excluded.test_mode, meta_on=excluded.meta_on, meta_pixel_id=excluded.meta_pixel_id,
		meta_access_token=excluded.meta_access_token, meta_test_code=excluded.meta_test_code, google_on=excluded.google_on,
		google_customer_id=excluded.google_customer_id, google_login_customer_id=excluded.google_login_customer_id,
		google_action_lead=excluded.google_action_lead, google_action_qualified=excluded.google_action_qualified,
		google_action_purchase=excluded.google_action_purchase, google_developer_token=excluded.google_developer_token,
		google_client_id=excluded.google_client_id, google_client_secret=excluded.google_client_secret,
		google_refresh_token=excluded.google_refresh_token, tiktok_on=excluded.tiktok_on, tiktok_pixel_code=excluded.tiktok_pixel_code,
		tiktok_access_token=excluded.tiktok_access_token, tiktok_test_code=excluded.tiktok_test_code, updated_at=excluded.updated_at`,
		s.RuleLead, s.RuleQualified, s.RuleWon, s.Currency, s.TestMode,
		s.MetaOn, s.MetaPixelID, s.MetaAccessToken, s.MetaTestCode,
		s.GoogleOn, s.GoogleCustomerID, s.GoogleLoginCustomerID, s.GoogleActionLead, s.GoogleActionQualified, s.GoogleActionPurchase,
		s.GoogleDeveloperToken, s.GoogleClientID, s.GoogleClientSecret, s.GoogleRefreshToken,
		s.TikTokOn, s.TikTokPixelCode, s.TikTokAccessToken, s.TikTokTestCode, tenantdb.Now())
	if err != nil {
		return fmt.Errorf("conversions: save settings: %w", err)
	}
	return nil
}

// Attribution is what was captured for a lead with marketing consent (lead_attribution).
type Attribution struct {
	LeadID                   int64
	Channel                  string // webchat or landing
	GCLID, GBRAID, WBRAID    string
	FBCLID, FBC, FBP, TTCLID string
	UTMSource, UTMMedium     string
	UTMCampaign, UTMTerm     string
	UTMContent, PageURL      string
	ConsentVersion           string
	ConsentAt, WithdrawnAt   int64 // Unix ms; 0 = not withdrawn
	CreatedAt                int64
}

// Platform names the ad platform the click ids point to ("google", "meta", "tiktok", "" none).
func (a *Attribution) Platform() string {
	switch {
	case a == nil:
		return ""
	case a.GCLID != "" || a.GBRAID != "" || a.WBRAID != "":
		return DestGoogle
	case a.FBCLID != "" || a.FBC != "":
		return DestMeta
	case a.TTCLID != "":
		return DestTikTok
	}
	return ""
}

// Consented says whether marketing consent stands (given and not withdrawn).
func (a *Attribution) Consented() bool { return a != nil && a.ConsentAt != 0 && a.WithdrawnAt == 0 }

// AttributionOf reads a lead's own attribution; nil when none was kept. What its events go out
// with is the person's (PersonAttribution).
func AttributionOf(ctx context.Context, q Querier, leadID int64) (*Attribution, error) {
	a, err := scanAttribution(q.QueryRowContext(ctx, `SELECT `+attributionCols+` FROM lead_attribution WHERE lead_id = ?`, leadID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("conversions: attribution: %w", err)
	}
	return a, nil
}

// attributionCols are the columns scanAttribution reads.
const attributionCols = `lead_id, channel, gclid, gbraid, wbraid, fbclid, fbc, fbp, ttclid, utm_source, utm_medium,
	utm_campaign, utm_term, utm_content, page_url, marketing_consent_version, marketing_consent_at, withdrawn_at, created_at`

func scanAttribution(sc interface{ Scan(...any) error }) (*Attribution, error) {
	a := &Attribution{}
	var withdrawn sql.NullInt64
	if err := sc.Scan(&a.LeadID, &a.Channel, &a.GCLID, &a.GBRAID, &a.WBRAID, &a.FBCLID, &a.FBC, &a.FBP, &a.TTCLID, &a.UTMSource,
		&a.UTMMedium, &a.UTMCampaign, &a.UTMTerm, &a.UTMContent, &a.PageURL, &a.ConsentVersion, &a.ConsentAt, &withdrawn,
		&a.CreatedAt); err != nil {
		return nil, err
	}
	a.WithdrawnAt = withdrawn.Int64
	return a, nil
}

// insertAttribution keeps a lead's first capture; a later one does not overwrite it (first touch).
func insertAttribution(ctx context.Context, tx Execer, a *Attribution) (bool, error) {
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO lead_attribution(lead_id, channel, gclid, gbraid, wbraid, fbclid, fbc, fbp, ttclid,
		utm_source, utm_medium, utm_campaign, utm_term, utm_content, page_url, marketing_consent_version, marketing_consent_at,
		created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(lead_id) DO NOTHING`,
		a.LeadID, a.Channel, a.GCLID, a.GBRAID, a.WBRAID, a.FBCLID, a.FBC, a.FBP, a.TTCLID, a.UTMSource, a.UTMMedium, a.UTMCampaign,
		a.UTMTerm, a.UTMContent, a.PageURL, a.ConsentVersion, a.ConsentAt, now, now)
	if err != nil {
		return false, fmt.Errorf("conversions: keep attribution: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Delivery is one event's delivery to one destination.
type Delivery struct {
	ID          int64
	EventID     int64
	Destination string
	Status      string // queued, sent, failed
	Test        bool
	Attempts    int
	HTTPStatus  int
	LastError   string // the platform's own words on the last try
	Reason      string // why it failed (a Reason* code; "" when not failed or recorded before codes)
	SentAt      int64
	UpdatedAt   int64
	// Joined for lists.
	EventName string
	LeadID    int64
	EventAt   int64 // when the event happened (Unix ms)
	// A Purchase kept and not sent as the same sale (Status "skipped", no destination; the log
	// lists it among the deliveries): why (Event.SkipKey) and when the Purchase that counted the
	// sale happened (Unix ms).
	SkipKey    string
	SameSaleAt int64
}

// eventCols are the columns scanEvent reads.
const eventCols = `id, event_id, lead_id, coalesce(conversation_id,0), name, value_minor, currency, event_time, consent,
	gclid, gbraid, wbraid, fbc, fbp, ttclid, em_hash, em_google_hash, ph_hash, ph_plus_hash, fn_hash, ln_hash, external_hash,
	same_sale_as, coalesce((SELECT s.event_time FROM conversion_events s WHERE s.event_id = conversion_events.same_sale_as AND conversion_events.same_sale_as <> ''), 0)`

func scanEvent(sc interface{ Scan(...any) error }) (*Event, error) {
	e := &Event{}
	var at, sameAt int64
	if err := sc.Scan(&e.ID, &e.EventID, &e.LeadID, &e.ConversationID, &e.Name, &e.ValueMinor, &e.Currency, &at, &e.Consent,
		&e.GCLID, &e.GBRAID, &e.WBRAID, &e.FBC, &e.FBP, &e.TTCLID, &e.User.Email, &e.User.EmailGoogle, &e.User.Phone,
		&e.User.PhonePlus, &e.User.First, &e.User.Last, &e.User.External, &e.SameSaleAs, &sameAt); err != nil {
		return nil, err
	}
	e.EventTime = time.UnixMilli(at)
	if sameAt != 0 {
		e.SameSaleAt = time.UnixMilli(sameAt)
	}
	return e, nil
}

// EventByID reads one event.
func EventByID(ctx context.Context, q Querier, id int64) (*Event, error) {
	e, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventCols+` FROM conversion_events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("conversions: event %d: %w", id, err)
	}
	return e, nil
}

// LeadEvents lists a lead's events, oldest first, each with its deliveries.
func LeadEvents(ctx context.Context, q Querier, leadID int64) ([]*Event, map[int64][]Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+eventCols+` FROM conversion_events WHERE lead_id = ? ORDER BY event_time, id`, leadID)
	if err != nil {
		return nil, nil, fmt.Errorf("conversions: lead events: %w", err)
	}
	var out []*Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	dels := map[int64][]Delivery{}
	for _, e := range out {
		ds, err := deliveries(ctx, q, `WHERE d.event_id = ? ORDER BY d.id`, e.ID)
		if err != nil {
			return nil, nil, err
		}
		dels[e.ID] = ds
	}
	return out, dels, nil
}

func deliveries(ctx context.Context, q Querier, where string, args ...any) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.event_id, d.destination, d.status, d.test, d.attempts, d.http_status, d.last_error,
		d.reason, coalesce(d.sent_at,0), d.updated_at, e.name, e.lead_id, e.event_time FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("conversions: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.EventID, &d.Destination, &d.Status, &d.Test, &d.Attempts, &d.HTTPStatus, &d.LastError, &d.Reason, &d.SentAt,
			&d.UpdatedAt, &d.EventName, &d.LeadID, &d.EventAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Retryable says whether "Try again" can help: not for a person erased or without consent, nor
// for an event older than its platform takes (Meta: a week).
func (d Delivery) Retryable() bool {
	return d.Status == "failed" && d.Reason != ReasonErased && d.Reason != ReasonNoConsent &&
		!tooOld(d.Destination, time.UnixMilli(d.EventAt), time.Now())
}

// ReasonKey is the catalog key that words why the delivery failed and what to do ("" when it did
// not fail). A failed delivery its platform can no longer take says so, whatever it failed on.
func (d Delivery) ReasonKey() string {
	if d.Status != "failed" {
		return ""
	}
	if d.Reason != ReasonErased && d.Reason != ReasonNoConsent && tooOld(d.Destination, time.UnixMilli(d.EventAt), time.Now()) {
		return "conv.fail." + ReasonTooOld
	}
	if d.Reason == "" {
		return "conv.fail." + ReasonRefused
	}
	return "conv.fail." + d.Reason
}

// Unreachable says whether the last try never reached the platform (network, DNS, a timeout):
// there is no answer of the platform to show.
func (d Delivery) Unreachable() bool {
	return d.Reason == ReasonUnreachable && (d.Status == "queued" || d.ReasonKey() == "conv.fail."+ReasonUnreachable)
}

// UnreachableKey is the catalog key that says the platform could not be reached ("" when it was):
// while the delivery waits for its next try, that it will be tried again; once given up, to try
// again later. Its %s is the platform.
func (d Delivery) UnreachableKey() string {
	switch {
	case !d.Unreachable():
		return ""
	case d.Status == "queued":
		return "conv.unreachable.retrying"
	}
	return "conv.unreachable.failed"
}

// Answer is the platform's own words on the last try ("" when it was not reached: a transport
// error kept on a row before is not the platform's answer, and names the server's own network).
func (d Delivery) Answer() string {
	if d.Reason == ReasonUnreachable {
		return ""
	}
	return d.LastError
}

// RecentDeliveries lists the newest deliveries (the settings page's log).
func RecentDeliveries(ctx context.Context, q Querier, limit int) ([]Delivery, error) {
	return deliveries(ctx, q, `ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`, limit)
}

// RecentLog is the settings page's log: the newest deliveries and, among them by time, the
// Purchases kept and not sent because their sale was counted already (Status "skipped"), so the
// owner who marked a deal won again reads why no Purchase went out.
func RecentLog(ctx context.Context, q Querier, limit int) ([]Delivery, error) {
	out, err := RecentDeliveries(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+eventCols+`, created_at FROM conversion_events WHERE same_sale_as <> ''
		ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("conversions: log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var created int64
		e, err := scanEvent(scanPlus{rows, &created})
		if err != nil {
			return nil, fmt.Errorf("conversions: log: %w", err)
		}
		out = append(out, Delivery{EventID: e.ID, Status: "skipped", EventName: e.Name, LeadID: e.LeadID, EventAt: e.EventTime.UnixMilli(),
			UpdatedAt: created, SkipKey: e.SkipKey(), SameSaleAt: e.SameSaleAt.UnixMilli()})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UpdatedAt > out[j].UpdatedAt })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// scanPlus scans the columns scanEvent reads and then the extra ones.
type scanPlus struct {
	sc    interface{ Scan(...any) error }
	extra *int64
}

func (s scanPlus) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra)...) }

// deliveryByID reads one delivery.
func deliveryByID(ctx context.Context, q Querier, id int64) (*Delivery, error) {
	ds, err := deliveries(ctx, q, `WHERE d.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, tenantdb.ErrNotFound
	}
	return &ds[0], nil
}

// Spend is one campaign's ad spend of one month.
type Spend struct {
	Campaign    string
	Month       string // YYYY-MM
	AmountMinor int64
}

// SpendOf lists the ad spend of a month, by campaign.
func SpendOf(ctx context.Context, q Querier, month string) ([]Spend, error) {
	rows, err := q.QueryContext(ctx, `SELECT campaign, month, amount_minor FROM ad_spend WHERE month = ? ORDER BY campaign`, month)
	if err != nil {
		return nil, fmt.Errorf("conversions: ad spend: %w", err)
	}
	defer rows.Close()
	var out []Spend
	for rows.Next() {
		var s Spend
		if err := rows.Scan(&s.Campaign, &s.Month, &s.AmountMinor); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// saveSpend stores (or, with amount 0 and remove, deletes) one campaign's spend of a month.
func saveSpend(ctx context.Context, tx Execer, s Spend, remove bool) error {
	var err error
	if remove {
		_, err = tx.ExecContext(ctx, `DELETE FROM ad_spend WHERE campaign = ? AND month = ?`, s.Campaign, s.Month)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO ad_spend(campaign, month, amount_minor, updated_at) VALUES(?,?,?,?)
			ON CONFLICT(campaign, month) DO UPDATE SET amount_minor = excluded.amount_minor, updated_at = excluded.updated_at`,
			s.Campaign, s.Month, s.AmountMinor, tenantdb.Now())
	}
	if err != nil {
		return fmt.Errorf("conversions: save ad spend: %w", err)
	}
	return nil
}

// Platforms names the ad platforms a marketing consent covers, as the consent box and the privacy
// notice write them ("Meta (Facebook, Instagram), Google Ads, TikTok"): those switched on in the
// settings, or, while none is, every platform the business could switch on (a consent given now
// still stands when one is). sending is false while none is switched on: nothing leaves yet.
func Platforms(ctx context.Context, q Querier) (names string, sending bool, err error) {
	st, err := LoadSettings(ctx, q, "")
	if err != nil {
		return "", false, err
	}
	dests := st.Sending()
	if sending = len(dests) > 0; !sending {
		dests = Destinations
	}
	var out []string
	for _, d := range dests {
		name := DestName(d)
		if d == DestMeta {
			name = "Meta (Facebook, Instagram)"
		}
		out = append(out, name)
	}
	return strings.Join(out, ", "), sending, nil
}
