package conversions

import (
	"time"
)

// Event is one conversion event as stored (conversion_events), with the lead's hashed user data.
type Event struct {
	ID             int64
	EventID        string // stable: the platforms drop a repeat of the same id
	LeadID         int64
	ConversationID int64
	Name           string // Lead, QualifiedLead, Purchase
	ValueMinor     int64  // in minor units (kuruş)
	Currency       string
	EventTime      time.Time
	Consent        bool
	GCLID, GBRAID  string
	WBRAID         string
	FBC, FBP       string
	TTCLID         string
	User           UserData
	// SameSaleAs is the event id of the Purchase that counted this one's sale already: this one
	// was kept and not sent (SameSale). "" for every other event.
	SameSaleAs string
	// SameSaleAt is when that Purchase happened (zero when SameSaleAs is "").
	SameSaleAt time.Time
}

// SkipKey is the catalog key that says why a Purchase kept as the same sale was not sent ("" for
// an event that was not kept so): an order recorded after the deal's Purchase went out with its
// expected value, or a deal marked won again without a new order. Its %s is when the Purchase that
// counted the sale happened.
func (e *Event) SkipKey() string {
	switch {
	case e.SameSaleAs == "":
		return ""
	case hasSaleRecord(e.EventID):
		return "conv.skip.order"
	}
	return "conv.skip.rewon"
}

// Value is the event's value in major units (1234.50), as the platforms take it.
func (e *Event) Value() float64 { return float64(e.ValueMinor) / 100 }

// Event names.
const (
	EventLead      = "Lead"
	EventQualified = "QualifiedLead"
	EventPurchase  = "Purchase"
)

// EventNames lists the event names in funnel order.
var EventNames = []string{EventLead, EventQualified, EventPurchase}

// Destinations.
const (
	DestMeta   = "meta"
	DestGoogle = "google"
	DestTikTok = "tiktok"
)

// Destinations lists the destinations in the order the settings page shows them.
var Destinations = []string{DestMeta, DestGoogle, DestTikTok}

// ---- Meta Conversions API (POST /{pixel_id}/events) ----

// MetaRequest is the body of a Conversions API call.
type MetaRequest struct {
	Data          []MetaEvent `json:"data"`
	TestEventCode string      `json:"test_event_code,omitempty"`
	AccessToken   string      `json:"access_token"`
}

// MetaEvent is one server event.
type MetaEvent struct {
	EventName    string         `json:"event_name"`
	EventTime    int64          `json:"event_time"` // Unix seconds
	EventID      string         `json:"event_id"`
	ActionSource string         `json:"action_source"`
	UserData     MetaUserData   `json:"user_data"`
	CustomData   map[string]any `json:"custom_data,omitempty"`
}

// MetaUserData is the customer information: hashed em, ph, fn, ln, external_id; fbc and fbp are
// sent as they are (Meta asks them unhashed).
type MetaUserData struct {
	Em         []string `json:"em,omitempty"`
	Ph         []string `json:"ph,omitempty"`
	Fn         []string `json:"fn,omitempty"`
	Ln         []string `json:"ln,omitempty"`
	ExternalID []string `json:"external_id,omitempty"`
	Fbc        string   `json:"fbc,omitempty"`
	Fbp        string   `json:"fbp,omitempty"`
}

func one(h string) []string {
	if h == "" {
		return nil
	}
	return []string{h}
}

// MetaPayload builds the Conversions API body of one event. The events come from the business's
// own records (a conversation's state), so action_source is system_generated.
func MetaPayload(e *Event, token, testCode string) MetaRequest {
	me := MetaEvent{EventName: e.Name, EventTime: e.EventTime.Unix(), EventID: e.EventID, ActionSource: "system_generated",
		UserData: MetaUserData{Em: one(e.User.Email), Ph: one(e.User.Phone), Fn: one(e.User.First), Ln: one(e.User.Last),
			ExternalID: one(e.User.External), Fbc: e.FBC, Fbp: e.FBP}}
	if e.Currency != "" && (e.ValueMinor > 0 || e.Name == EventPurchase) {
		me.CustomData = map[string]any{"value": e.Value(), "currency": e.Currency}
	}
	return MetaRequest{Data: []MetaEvent{me}, TestEventCode: testCode, AccessToken: token}
}

// ---- Google Ads API (POST /customers/{id}:uploadClickConversions) ----

// GoogleRequest is the body of an uploadClickConversions call (REST JSON, lowerCamelCase).
type GoogleRequest struct {
	Conversions    []GoogleConversion `json:"conversions"`
	PartialFailure bool               `json:"partialFailure"`
	ValidateOnly   bool               `json:"validateOnly,omitempty"`
}

// GoogleConversion is one ClickConversion. Only one of gclid, gbraid and wbraid is set.
type GoogleConversion struct {
	ConversionAction   string `json:"conversionAction"`
	ConversionDateTime string `json:"conversionDateTime"` // "yyyy-mm-dd hh:mm:ss+|-hh:mm"
	// ConversionValue and CurrencyCode go only with an event that has a value: without them
	// Google takes the conversion action's default value (the owner's "each lead is worth 500
	// TRY"), where a 0 sent for every Lead overrode it.
	ConversionValue float64          `json:"conversionValue,omitempty"`
	CurrencyCode    string           `json:"currencyCode,omitempty"`
	OrderID         string           `json:"orderId"`
	Gclid           string           `json:"gclid,omitempty"`
	Gbraid          string           `json:"gbraid,omitempty"`
	Wbraid          string           `json:"wbraid,omitempty"`
	UserIdentifiers []GoogleIdentity `json:"userIdentifiers,omitempty"`
	Consent         GoogleConsent    `json:"consent"`
}

// GoogleIdentity is one UserIdentifier: a hashed e-mail or a hashed phone number.
type GoogleIdentity struct {
	HashedEmail       string `json:"hashedEmail,omitempty"`
	HashedPhoneNumber string `json:"hashedPhoneNumber,omitempty"`
}

// GoogleConsent is the person's consent for this conversion (they ticked the marketing box).
type GoogleConsent struct {
	AdUserData string `json:"adUserData"`
}

// GoogleDateTime formats t as Google wants it: "2026-12-03 14:05:09+03:00", in the business's zone.
func GoogleDateTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04:05-07:00")
}

// GooglePayload builds the uploadClickConversions body of one event sent to conversion action
// actionID of customer customerID; test mode asks Google to validate only.
func GooglePayload(e *Event, customerID, actionID string, loc *time.Location, test bool) GoogleRequest {
	c := GoogleConversion{ConversionAction: "customers/" + customerID + "/conversionActions/" + actionID,
		ConversionDateTime: GoogleDateTime(e.EventTime, loc), OrderID: e.EventID, Consent: GoogleConsent{AdUserData: "GRANTED"}}
	if e.ValueMinor > 0 && e.Currency != "" {
		c.ConversionValue, c.CurrencyCode = e.Value(), e.Currency
	}
	switch {
	case e.GCLID != "":
		c.Gclid = e.GCLID
	case e.GBRAID != "":
		c.Gbraid = e.GBRAID
	case e.WBRAID != "":
		c.Wbraid = e.WBRAID
	}
	if e.User.EmailGoogle != "" {
		c.UserIdentifiers = append(c.UserIdentifiers, GoogleIdentity{HashedEmail: e.User.EmailGoogle})
	}
	if e.User.PhonePlus != "" {
		c.UserIdentifiers = append(c.UserIdentifiers, GoogleIdentity{HashedPhoneNumber: e.User.PhonePlus})
	}
	return GoogleRequest{Conversions: []GoogleConversion{c}, PartialFailure: true, ValidateOnly: test}
}

// ---- TikTok Events API (POST /event/track/) ----

// TikTokRequest is the body of an Events API 2.0 call.
type TikTokRequest struct {
	EventSource   string        `json:"event_source"`
	EventSourceID string        `json:"event_source_id"`
	TestEventCode string        `json:"test_event_code,omitempty"`
	Data          []TikTokEvent `json:"data"`
}

// TikTokEvent is one event.
type TikTokEvent struct {
	Event      string         `json:"event"`
	EventTime  int64          `json:"event_time"` // Unix seconds
	EventID    string         `json:"event_id"`
	User       TikTokUser     `json:"user"`
	Properties map[string]any `json:"properties,omitempty"`
}

// TikTokUser is the matching data: ttclid as it came, e-mail, phone and external id hashed.
type TikTokUser struct {
	Ttclid     string `json:"ttclid,omitempty"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
}

// TikTokEventName maps an event to TikTok's standard events: a new lead submitted a form, a
// purchase is CompletePayment; a qualified lead has no standard event and goes by its own name.
func TikTokEventName(name string) string {
	switch name {
	case EventLead:
		return "SubmitForm"
	case EventPurchase:
		return "CompletePayment"
	}
	return name
}

// TikTokPayload builds the Events API body of one event for pixel code pixel.
func TikTokPayload(e *Event, pixel, testCode string) TikTokRequest {
	te := TikTokEvent{Event: TikTokEventName(e.Name), EventTime: e.EventTime.Unix(), EventID: e.EventID,
		User: TikTokUser{Ttclid: e.TTCLID, Email: e.User.Email, Phone: e.User.PhonePlus, ExternalID: e.User.External}}
	if e.Currency != "" && (e.ValueMinor > 0 || e.Name == EventPurchase) {
		te.Properties = map[string]any{"value": e.Value(), "currency": e.Currency}
	}
	return TikTokRequest{EventSource: "web", EventSourceID: pixel, TestEventCode: testCode, Data: []TikTokEvent{te}}
}
