package conversions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Endpoints are the platforms' API addresses; tests point them at httptest fakes.
type Endpoints struct {
	Meta        string // Graph API with version, e.g. https://graph.facebook.com/v21.0
	Google      string // Google Ads API with version, e.g. https://googleads.googleapis.com/v22
	GoogleOAuth string // the OAuth token endpoint
	TikTok      string // Business API with version, e.g. https://business-api.tiktok.com/open_api/v1.3
}

// DefaultEndpoints are the real APIs.
var DefaultEndpoints = Endpoints{
	Meta:        "https://graph.facebook.com/v21.0",
	Google:      "https://googleads.googleapis.com/v22",
	GoogleOAuth: "https://oauth2.googleapis.com/token",
	TikTok:      "https://business-api.tiktok.com/open_api/v1.3",
}

// Sender delivers one event to one destination over HTTPS.
type Sender struct {
	HTTP *http.Client
	EP   Endpoints
}

// SendError is a platform's refusal or a failure to reach it. Retry says whether trying again
// later can help (network trouble, 429, 5xx); a refusal of the payload or the credentials cannot.
type SendError struct {
	Status int
	Msg    string
	Retry  bool
	// Reason is the failure's code for the owner (a Reason* constant): the panel words it in
	// their language and says what to do, with Msg — the platform's own words — beside it.
	Reason string
}

// Failure reasons, kept on a failed delivery (column reason) and worded by the catalog's
// "conv.fail.<reason>".
const (
	ReasonCredentials = "credentials" // the platform refused the token or credentials: expired, revoked, lacking permission
	ReasonRefused     = "refused"     // the platform refused the event itself
	ReasonBusy        = "busy"        // 429 or 5xx until the last try
	ReasonUnreachable = "unreachable" // no answer at all
	ReasonModuleOff   = "module_off"
	ReasonNoConsent   = "no_consent"
	ReasonNotSetUp    = "not_set_up"
	ReasonErased      = "erased"
)

// ReasonTooOld words a failed delivery whose platform no longer takes its event (Meta: MetaMaxAge
// after it happened), whatever it failed on: it is worked out from the event's time when shown
// (Delivery.ReasonKey), not stored.
const ReasonTooOld = "too_old"

// MetaMaxAge is how old an event Meta's Conversions API still takes: "event_time can be up to 7
// days before you send an event"; an older one fails the whole request.
const MetaMaxAge = 7 * 24 * time.Hour

// tooOld says whether destination dest can no longer take an event that happened at at.
func tooOld(dest string, at, now time.Time) bool {
	return dest == DestMeta && now.Sub(at) > MetaMaxAge
}

// reasonOf names an HTTP failure: 401 and 403 are the credentials, 429 and 5xx a busy platform,
// any other status a refusal of the event.
func reasonOf(status int) string {
	switch {
	case status == 401 || status == 403:
		return ReasonCredentials
	case status == 429 || status >= 500:
		return ReasonBusy
	}
	return ReasonRefused
}

func (e *SendError) Error() string {
	if e.Status == 0 {
		return e.Msg
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Msg)
}

func (s *Sender) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 20 * time.Second}
}

// post sends a JSON body and reads the answer (at most 64 KB) into out (nil: ignored).
func (s *Sender) post(ctx context.Context, u string, hdr map[string]string, body any, out any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, &SendError{Msg: err.Error(), Reason: ReasonRefused}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return 0, &SendError{Msg: err.Error(), Reason: ReasonRefused}
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return s.do(req, out)
}

func (s *Sender) do(req *http.Request, out any) (int, error) {
	res, err := s.client().Do(req)
	if err != nil {
		return 0, &SendError{Msg: redact(err.Error()), Retry: true, Reason: ReasonUnreachable}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		reason := reasonOf(res.StatusCode)
		retry := reason == ReasonBusy
		if tokenRefused(raw) {
			reason = ReasonCredentials
		}
		return res.StatusCode, &SendError{Status: res.StatusCode, Msg: errorText(raw), Retry: retry, Reason: reason}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, &SendError{Status: res.StatusCode, Msg: "unreadable answer", Retry: true, Reason: ReasonRefused}
		}
	}
	return res.StatusCode, nil
}

// redact drops the query of any address in a transport error (Meta's token never travels in a
// query here, but an error message is shown to the owner and logged).
func redact(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		if j := strings.IndexAny(s[i:], "\" "); j >= 0 {
			return s[:i] + s[i+j:]
		}
		return s[:i]
	}
	return s
}

// tokenRefused says whether a platform's error answer refuses the access token: Meta's Graph API
// answers an expired, revoked or wrong token with HTTP 400 and error code 190 (type
// OAuthException); Google's OAuth endpoint a refresh token it no longer honours with
// "invalid_grant" (or "invalid_client" for the client id and secret).
func tokenRefused(raw []byte) bool {
	var m struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(raw, &m) != nil || len(m.Error) == 0 {
		return false
	}
	var code string
	if json.Unmarshal(m.Error, &code) == nil {
		return code == "invalid_grant" || code == "invalid_client" || code == "unauthorized_client"
	}
	var e struct {
		Code int    `json:"code"`
		Type string `json:"type"`
	}
	return json.Unmarshal(m.Error, &e) == nil && (e.Code == 190 || e.Type == "OAuthException")
}

// errorText pulls a platform's error message out of its answer.
func errorText(raw []byte) string {
	var m struct {
		Error json.RawMessage `json:"error"`
		Msg   string          `json:"message"`
	}
	if json.Unmarshal(raw, &m) == nil {
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(m.Error, &e) == nil && e.Message != "" {
			return clip(e.Message, 300)
		}
		if m.Msg != "" {
			return clip(m.Msg, 300)
		}
	}
	return clip(strings.TrimSpace(string(raw)), 300)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Send delivers e to dest with the tenant's settings; loc is the business's zone (Google's
// conversion time is written in it). It returns the HTTP status of the last call.
func (s *Sender) Send(ctx context.Context, dest string, st *Settings, e *Event, loc *time.Location) (int, error) {
	switch dest {
	case DestMeta:
		return s.sendMeta(ctx, st, e)
	case DestGoogle:
		return s.sendGoogle(ctx, st, e, loc)
	case DestTikTok:
		return s.sendTikTok(ctx, st, e)
	}
	return 0, &SendError{Msg: "unknown destination " + dest, Reason: ReasonNotSetUp}
}

func (s *Sender) sendMeta(ctx context.Context, st *Settings, e *Event) (int, error) {
	test := ""
	if st.TestMode {
		test = st.MetaTestCode
	}
	var out struct {
		EventsReceived int `json:"events_received"`
	}
	code, err := s.post(ctx, s.EP.Meta+"/"+url.PathEscape(st.MetaPixelID)+"/events", nil, MetaPayload(e, st.MetaAccessToken, test), &out)
	if err == nil && out.EventsReceived < 1 {
		err = &SendError{Status: code, Msg: "Meta received no event", Reason: ReasonRefused}
	}
	return code, err
}

// googleToken trades the refresh token for an access token (OAuth 2.0 refresh_token grant).
func (s *Sender) googleToken(ctx context.Context, st *Settings) (string, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {st.GoogleClientID},
		"client_secret": {st.GoogleClientSecret}, "refresh_token": {st.GoogleRefreshToken}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.EP.GoogleOAuth, strings.NewReader(form.Encode()))
	if err != nil {
		return "", &SendError{Msg: err.Error(), Reason: ReasonRefused}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if _, err := s.do(req, &out); err != nil {
		var se *SendError
		if errors.As(err, &se) {
			se.Msg = "OAuth: " + se.Msg
			if se.Status/100 == 4 && se.Status != 429 {
				se.Reason = ReasonCredentials // the token endpoint refused the client or the refresh token
			}
		}
		return "", err
	}
	if out.AccessToken == "" {
		return "", &SendError{Msg: "OAuth: no access token", Reason: ReasonCredentials}
	}
	return out.AccessToken, nil
}

func (s *Sender) sendGoogle(ctx context.Context, st *Settings, e *Event, loc *time.Location) (int, error) {
	action := st.GoogleAction(e.Name)
	token, err := s.googleToken(ctx, st)
	if err != nil {
		return 0, err
	}
	hdr := map[string]string{"Authorization": "Bearer " + token, "developer-token": st.GoogleDeveloperToken}
	if st.GoogleLoginCustomerID != "" {
		hdr["login-customer-id"] = st.GoogleLoginCustomerID
	}
	var out struct {
		PartialFailureError *struct {
			Message string `json:"message"`
		} `json:"partialFailureError"`
	}
	code, err := s.post(ctx, s.EP.Google+"/customers/"+url.PathEscape(st.GoogleCustomerID)+":uploadClickConversions", hdr,
		GooglePayload(e, st.GoogleCustomerID, action, loc, st.TestMode), &out)
	if err == nil && out.PartialFailureError != nil && out.PartialFailureError.Message != "" {
		err = &SendError{Status: code, Msg: clip(out.PartialFailureError.Message, 300), Reason: ReasonRefused}
	}
	return code, err
}

func (s *Sender) sendTikTok(ctx context.Context, st *Settings, e *Event) (int, error) {
	test := ""
	if st.TestMode {
		test = st.TikTokTestCode
	}
	var out struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	code, err := s.post(ctx, s.EP.TikTok+"/event/track/", map[string]string{"Access-Token": st.TikTokAccessToken},
		TikTokPayload(e, st.TikTokPixelCode, test), &out)
	if err == nil && out.Code != 0 {
		// TikTok answers 200 with its own code; 40100 and up are its rate limits and busy errors.
		reason := ReasonRefused
		switch {
		case out.Code == 40100 || out.Code >= 50000:
			reason = ReasonBusy
		case out.Code == 40001 || out.Code == 40104 || out.Code == 40105:
			reason = ReasonCredentials // no permission, or the access token missing, invalid or revoked
		}
		err = &SendError{Status: code, Msg: clip(fmt.Sprintf("%d %s", out.Code, out.Message), 300), Retry: reason == ReasonBusy, Reason: reason}
	}
	return code, err
}
