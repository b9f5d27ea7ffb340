package conversions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// A test event checks a destination's saved settings before a real lead needs them: one event,
// marked as a test the way each platform takes one — Meta and TikTok with the test event code
// (it shows in their Test events tool and counts nowhere), Google Ads with validate_only (the
// upload is checked, nothing is recorded). It is no conversion event of a lead and no delivery:
// it is kept only in the action log, which the settings page reads its last outcome from.

// Test outcomes.
const (
	TestOK       = "ok"         // the platform accepted the test event
	TestNote     = "note"       // Google accepted the sign-in and the account, and remarked on the test conversion
	TestFailed   = "failed"     // refused or not reached: Reason says which
	TestNeedCode = "need_code"  // Meta or TikTok without a saved test event code: nothing was sent
	TestNotSetUp = "not_set_up" // the destination lacks what it needs: nothing was sent
)

// TestActionType is the action log's entry of a test event.
const TestActionType = "conversion_test_sent"

// TestResult is one test event's outcome, as the action log keeps it.
type TestResult struct {
	Dest    string `json:"destination"`
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`      // TestFailed: a Reason* constant
	Status  int    `json:"http_status,omitempty"` // the platform's HTTP status (0: not reached, or nothing sent)
	Answer  string `json:"answer,omitempty"`      // the platform's own words ("" when it was not reached)
	EventID string `json:"event_id,omitempty"`
	At      int64  `json:"-"` // when (Unix ms), from the log row
}

// Key is the catalog key that says the outcome to the owner; its %s is the platform.
func (r *TestResult) Key() string {
	switch r.Outcome {
	case TestOK:
		return "conv.test.ok." + r.Dest
	case TestNote:
		return "conv.test.note"
	case TestNeedCode:
		return "conv.test.need_code"
	case TestNotSetUp:
		return "conv.test.not_set_up"
	}
	switch r.Reason {
	case ReasonCredentials, ReasonBusy, ReasonUnreachable:
		return "conv.test.fail." + r.Reason
	}
	return "conv.test.fail." + ReasonRefused
}

// Good says whether the platform took the settings (the page shows it as done).
func (r *TestResult) Good() bool { return r.Outcome == TestOK || r.Outcome == TestNote }

// Sent says whether the test went out and failed (refused or not reached), rather than being held
// back for a missing setting or test event code.
func (r *TestResult) Sent() bool { return r.Outcome == TestFailed }

// Unreachable says whether the platform never answered: there is no answer of its to show.
func (r *TestResult) Unreachable() bool {
	return r.Outcome == TestFailed && r.Reason == ReasonUnreachable
}

// Testable says whether dest has, in the saved settings, what a test event needs: the ids and
// secrets (switched on or not: an owner may test before sending real events), and for Google a
// conversion action to validate against.
func (s *Settings) Testable(dest string) bool {
	switch dest {
	case DestMeta:
		return s.MetaPixelID != "" && s.MetaAccessToken != ""
	case DestGoogle:
		return s.GoogleCustomerID != "" && s.GoogleDeveloperToken != "" && s.GoogleClientID != "" && s.GoogleClientSecret != "" &&
			s.GoogleRefreshToken != "" && s.testName() != ""
	case DestTikTok:
		return s.TikTokPixelCode != "" && s.TikTokAccessToken != ""
	}
	return false
}

// testName is the event a Google test validates: the first one with a conversion action.
func (s *Settings) testName() string {
	for _, n := range EventNames {
		if s.GoogleAction(n) != "" {
			return n
		}
	}
	return ""
}

// SendTest sends one test event to dest with the saved settings st (loc: the business's zone, for
// Google's conversion time) and says what came of it. Nothing is stored: the caller logs it.
func (s *Sender) SendTest(ctx context.Context, slug, dest string, st *Settings, loc *time.Location, now time.Time) *TestResult {
	res := &TestResult{Dest: dest}
	switch {
	case !st.Testable(dest):
		res.Outcome = TestNotSetUp
		return res
	case dest == DestMeta && st.MetaTestCode == "", dest == DestTikTok && st.TikTokTestCode == "":
		// Without its code the platform would take the event as a real one.
		res.Outcome = TestNeedCode
		return res
	}
	name := EventLead
	if dest == DestGoogle {
		name = st.testName()
	}
	e := &Event{EventID: "test-" + slug + "-" + strconv.FormatInt(now.UnixMilli(), 10), Name: name, EventTime: now, Consent: true,
		User: HashUser("", "", "test@example.com", slug+"-test-event")}
	res.EventID = e.EventID
	test := *st
	test.TestMode = true // Meta and TikTok: the test event code; Google: validate only
	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	code, err := s.Send(ctx, dest, &test, e, loc)
	res.Status = code
	if err == nil {
		res.Outcome = TestOK
		return res
	}
	var se *SendError
	if !errors.As(err, &se) {
		se = &SendError{Msg: err.Error(), Reason: ReasonRefused}
	}
	res.Outcome, res.Reason = TestFailed, se.Reason
	if se.Reason != ReasonUnreachable {
		res.Answer = se.Msg // the platform's words; a transport error names this server's network, not the platform
	}
	if dest == DestGoogle && se.Status/100 == 2 {
		// A partial failure: Google signed in, found the account and read the upload, and had
		// something to say about the test conversion itself (it has no real ad click).
		res.Outcome, res.Reason = TestNote, ""
	}
	return res
}

// LastTests reads the newest test event of each destination from the action log, left out when
// the settings were saved after it (it tested settings that are no longer the saved ones).
func LastTests(ctx context.Context, q Querier) (map[string]*TestResult, error) {
	var saved int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(created_at), 0) FROM action_logs WHERE provider = 'settings'
		AND action_type = 'conversion_settings_saved'`).Scan(&saved); err != nil {
		return nil, fmt.Errorf("conversions: last settings save: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT payload, created_at FROM action_logs WHERE provider = 'settings' AND action_type = ?
		AND created_at >= ? ORDER BY id DESC LIMIT 30`, TestActionType, saved)
	if err != nil {
		return nil, fmt.Errorf("conversions: last tests: %w", err)
	}
	defer rows.Close()
	out := map[string]*TestResult{}
	for rows.Next() {
		var payload string
		var at int64
		if err := rows.Scan(&payload, &at); err != nil {
			return nil, err
		}
		var r TestResult
		if json.Unmarshal([]byte(payload), &r) != nil || r.Dest == "" || out[r.Dest] != nil {
			continue
		}
		r.At = at
		out[r.Dest] = &r
	}
	return out, rows.Err()
}
