// Package conversions is conversion tracking (module conversion_tracking, guide
// 47-conversion-tracking.md): the ad click ids and campaign a visitor arrived with, kept on the
// lead only with marketing consent; conversion events made by the owner's rules (a new lead, a
// qualified lead, a won conversation) with the lead's user data normalized and hashed as each
// platform documents; one outbox job per event per destination (Meta Conversions API, Google Ads
// click conversions, TikTok Events API) with retries and backoff; and the attribution report on
// the KPI page.
package conversions

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/notify"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Job kinds.
const (
	// JobRule turns a conversation's state change into the events the owner's rules make.
	JobRule = "conversion_rule"
	// JobSend delivers one event to one destination (the outbox).
	JobSend = "conversion_send"
)

// sendAttempts is how often a delivery is tried before it is marked failed (backoff between:
// 5 s, 20 s, 45 s, 80 s, … — jobs.Backoff).
const sendAttempts = 8

// Service makes events and delivers them.
type Service struct {
	Platform *platform.Service
	Sender   *Sender
	Log      *slog.Logger
	// Now is the clock (nil: time.Now); tests fix it.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// RegisterJobs registers the rule and delivery jobs and the inbox hook that queues a rule job on
// every conversation state change. Delivery is work for customers of the business's ads, not for
// the person waiting in the chat, so both run in the housekeeping lane.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Handle(JobRule, s.handleRule)
	r.Handle(JobSend, s.handleSend)
	inbox.OnStageChange("conversions", queueRule)
}

// rulePayload is a state change waiting to be turned into events.
type rulePayload struct {
	LeadID         int64  `json:"lead_id"`
	ConversationID int64  `json:"conversation_id"`
	State          string `json:"state"`
	From           string `json:"from"`
	To             string `json:"to"`
	At             int64  `json:"at"` // Unix ms of the change
}

// queueRule is the inbox hook: inside the state change's own transaction it queues one rule job
// when the change could make an event (qualified or further, or won), so the job exists if and
// only if the change committed. The job knows the tenant and asks whether the module is on.
func queueRule(ctx context.Context, tx *sql.Tx, ch inbox.StageChange) error {
	if ch.State == "lost" || ch.To == "lost" {
		if err := closeSales(ctx, tx, ch); err != nil {
			return err
		}
	}
	if eventsFor(ch.State, ch.To) == nil {
		return nil
	}
	_, err := jobs.Enqueue(ctx, tx, JobRule, rulePayload{LeadID: ch.LeadID, ConversationID: ch.ConversationID, State: ch.State,
		From: ch.From, To: ch.To, At: time.Now().UnixMilli()}, jobs.Options{})
	return err
}

// One sale is one Purchase at the ad platforms. Meta drops a repeat of an event id only within
// its deduplication window, and Google (the id is the upload's order id) and TikTok count a
// Purchase under another id as another sale. A deal marked won before its order is recorded goes
// out with its expected value under the conversation's id; the order, met when the deal is marked
// won again, would go out under the order's id. So a Purchase is kept and not sent (same_sale_as,
// shown in the settings page's log and on the lead) when the person has an open sale: a Purchase
// without an order or invoice that went out (or still can: a delivery not given up), whose deal
// was not marked lost since (closeSales) and that no order was counted as yet. The first order
// met after it is that sale; a second conversation marked won without a new order is that sale
// too. A new order after that sale has its order is a new sale, and so is anything after the
// deal was lost or more than SaleWindow after its Purchase.

// hasSaleRecord says whether a Purchase's event id names the order or paid invoice it stands for
// (eventKey), not the conversation marked won before the paperwork.
func hasSaleRecord(eventID string) bool {
	return strings.Contains(eventID, "-purchase-order-") || strings.Contains(eventID, "-purchase-invoice-")
}

// withRecord is hasSaleRecord in SQL, of the conversion_events row named by alias.
func withRecord(alias string) string {
	return `(` + alias + `.event_id LIKE '%-purchase-order-%' OR ` + alias + `.event_id LIKE '%-purchase-invoice-%')`
}

// SaleWindow is how long a Purchase without an order stands for an open sale: the longest
// click-through window of the platforms (Google's 90 days). An order recorded later than that
// after it is another sale, not the one the deal marked won months ago stood for.
const SaleWindow = 90 * 24 * time.Hour

// openSale is the event id of the person's open sale (see above) made at or after since (unix
// ms) — the oldest when there are several — or "" when there is none. q is the recording
// transaction.
func openSale(ctx context.Context, q Querier, leadID, since int64) (string, error) {
	ids, err := inbox.PersonLeads(ctx, q, leadID)
	if err != nil {
		return "", err
	}
	marks, args := inIDs(ids)
	var id string
	err = q.QueryRowContext(ctx, `SELECT e.event_id FROM conversion_events e WHERE e.name = 'Purchase' AND e.same_sale_as = ''
		AND e.sale_closed_at IS NULL AND NOT `+withRecord("e")+` AND e.event_time >= ? AND e.lead_id IN (`+marks+`)
		AND EXISTS (SELECT 1 FROM conversion_deliveries d WHERE d.event_id = e.id AND d.test = 0
			AND (d.status <> 'failed' OR d.reason NOT IN ('erased', 'no_consent')))
		AND NOT EXISTS (SELECT 1 FROM conversion_events m WHERE m.same_sale_as = e.event_id AND `+withRecord("m")+`)
		ORDER BY e.event_time, e.id LIMIT 1`, append([]any{since}, args...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("conversions: open sale: %w", err)
	}
	return id, nil
}

// closeSales is the inbox hook's part for a deal marked lost, in the change's transaction: the
// Purchases without an order of the conversation — of all the person's leads when the lead is
// lost — no longer stand for an open sale, so an order recorded later is a new sale.
func closeSales(ctx context.Context, tx *sql.Tx, ch inbox.StageChange) error {
	where, args := `conversation_id = ?`, []any{ch.ConversationID}
	if ch.To == "lost" {
		ids, err := inbox.PersonLeads(ctx, tx, ch.LeadID)
		if err != nil {
			return err
		}
		marks, more := inIDs(ids)
		where += ` OR lead_id IN (` + marks + `)`
		args = append(args, more...)
	}
	_, err := tx.ExecContext(ctx, `UPDATE conversion_events AS e SET sale_closed_at = ? WHERE e.name = 'Purchase' AND e.sale_closed_at IS NULL
		AND e.same_sale_as = '' AND NOT `+withRecord("e")+` AND (`+where+`)`, append([]any{tenantdb.Now()}, args...)...)
	if err != nil {
		return fmt.Errorf("conversions: close sales: %w", err)
	}
	return nil
}

// eventsFor names the events a change makes: a conversation marked won is a Purchase (and, when
// the lead skipped the step, its QualifiedLead); a lead that reached qualified or further is a
// QualifiedLead. Each event's id is stable, so a lead is qualified once however often it moves.
func eventsFor(state, to string) []string {
	var out []string
	switch to {
	case "qualified", "proposal", "won":
		out = append(out, EventQualified)
	}
	if state == "won" {
		out = append(out, EventPurchase)
	}
	return out
}

func (s *Service) handleRule(ctx context.Context, j *jobs.Job) error {
	var p rulePayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	on, err := s.Platform.HasModule(ctx, j.Tenant, platform.ModuleConversionTracking)
	if err != nil || !on {
		return err
	}
	at := time.UnixMilli(p.At)
	for _, name := range eventsFor(p.State, p.To) {
		if _, err := s.Record(ctx, j.Tenant, j.DB, p.LeadID, p.ConversationID, name, at); err != nil {
			return err
		}
	}
	return nil
}

// eventKey is the stable event id: a short tag of the business, the event and the record it
// stands for (the lead for Lead and QualifiedLead; for Purchase the sale's order or invoice, else
// the conversation marked won).
func eventKey(slug, name string, leadID, convID int64, saleRecord string) string {
	h := sha256.Sum256([]byte(slug))
	tag := hex.EncodeToString(h[:4])
	switch name {
	case EventLead:
		return fmt.Sprintf("hv-%s-lead-%d", tag, leadID)
	case EventQualified:
		return fmt.Sprintf("hv-%s-qualified-%d", tag, leadID)
	}
	if saleRecord != "" {
		return fmt.Sprintf("hv-%s-purchase-%s", tag, saleRecord)
	}
	if convID == 0 {
		return fmt.Sprintf("hv-%s-purchase-lead-%d", tag, leadID)
	}
	return fmt.Sprintf("hv-%s-purchase-%d", tag, convID)
}

// Record makes event name of a lead when the owner's rule for it is on, at most once (its id is
// stable), and queues one delivery job per ready destination when the lead has marketing consent.
// Without consent the event is kept with consent = 0 and no user data, click ids or deliveries. It
// returns the event's row id (0 when the rule is off or the event existed).
func (s *Service) Record(ctx context.Context, slug string, db *tenantdb.DB, leadID, convID int64, name string, at time.Time) (int64, error) {
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return 0, err
	}
	return s.record(ctx, slug, t.Currency, db, leadID, convID, name, at)
}

// record is Record for a business whose currency (its KPI cards') is known: the settings'
// currency until the owner saved another.
func (s *Service) record(ctx context.Context, slug, currency string, db *tenantdb.DB, leadID, convID int64, name string, at time.Time) (int64, error) {
	st, err := LoadSettings(ctx, db.Read, currency)
	if err != nil || !st.RuleOn(name) {
		return 0, err
	}
	lead, err := inbox.LeadByID(ctx, db.Read, leadID)
	if err != nil {
		if errors.Is(err, tenantdb.ErrNotFound) {
			return 0, nil
		}
		return 0, err
	}
	if name == EventQualified {
		// A person is qualified once: a lead merged into this one may have made its
		// QualifiedLead before the merge (and sent it with the same click).
		if made, err := personHasEvent(ctx, db.Read, leadID, name); err != nil || made {
			return 0, err
		}
	}
	// The person's click and consent, wherever their leads were merged (PersonAttribution).
	attr, err := PersonAttribution(ctx, db.Read, leadID)
	if err != nil {
		return 0, err
	}
	e := &Event{LeadID: leadID, ConversationID: convID, Name: name, EventTime: at, Consent: attr.Consented()}
	var sold sale
	if name == EventPurchase {
		// One sale is one Purchase: its id names the won order (or paid invoice) it stands for,
		// so the person's second conversation marked won for the same order makes none (both went
		// out with the same order's value and the platforms counted the revenue twice), and a new
		// won order, in the same conversation months later too, is a new sale.
		if sold, err = purchaseSale(ctx, db.Read, leadID, lead.CustomerID); err != nil {
			return 0, err
		}
		e.ValueMinor, e.Currency = sold.value, sold.currency
		if sold.record == "" {
			// No order and no paid invoice yet (a deal marked won on the board or in the chat
			// before the paperwork): the value the team expected of it, in the business currency
			// it is kept in. A Purchase of 0 told value-based bidding the sale brought nothing.
			v, err := expectedValue(ctx, db.Read, leadID)
			if err != nil {
				return 0, err
			}
			if v > 0 {
				e.ValueMinor, e.Currency = v*100, currency
			}
		}
		if e.Currency == "" {
			e.Currency = st.Currency
		}
	}
	e.EventID = eventKey(slug, name, leadID, convID, sold.record)
	if e.Consent {
		// The stored international form: read in the business's country when it was typed, which
		// the typed text alone no longer says (0170 1234567 of a German business).
		phone := lead.PhoneE164
		if phone == "" {
			phone = lead.Phone
		}
		e.User = HashUser(lead.Name, phone, lead.Email, slug+":"+strconv.FormatInt(leadID, 10))
		e.GCLID, e.GBRAID, e.WBRAID, e.FBC, e.FBP, e.TTCLID = attr.GCLID, attr.GBRAID, attr.WBRAID, attr.FBC, attr.FBP, attr.TTCLID
	}
	var id int64
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		if name == EventPurchase {
			// A sale counted already is kept, not sent (see openSale); read in the recording
			// transaction, so two conversations marked won at once make one sale.
			var made int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversion_events WHERE event_id = ?`, e.EventID).Scan(&made); err != nil {
				return fmt.Errorf("conversions: record event: %w", err)
			}
			if made > 0 {
				return nil // made before: the same event is never made twice
			}
			var err error
			if e.SameSaleAs, err = openSale(ctx, tx, leadID, e.EventTime.Add(-SaleWindow).UnixMilli()); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO conversion_events(event_id, lead_id, conversation_id, name, value_minor, currency,
			event_time, consent, gclid, gbraid, wbraid, fbc, fbp, ttclid, em_hash, em_google_hash, ph_hash, ph_plus_hash, fn_hash,
			ln_hash, external_hash, same_sale_as, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(event_id) DO NOTHING`,
			e.EventID, e.LeadID, nullID(e.ConversationID), e.Name, e.ValueMinor, e.Currency, e.EventTime.UnixMilli(), e.Consent,
			e.GCLID, e.GBRAID, e.WBRAID, e.FBC, e.FBP, e.TTCLID, e.User.Email, e.User.EmailGoogle, e.User.Phone, e.User.PhonePlus,
			e.User.First, e.User.Last, e.User.External, e.SameSaleAs, now)
		if err != nil {
			return fmt.Errorf("conversions: record event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // made before: the same event is never made twice
		}
		id, _ = res.LastInsertId()
		if e.SameSaleAs != "" {
			s.log().Info("conversions: purchase kept, not sent: the same sale", "tenant", slug, "event", e.EventID, "counted_as", e.SameSaleAs)
			return nil
		}
		if !e.Consent {
			return nil
		}
		for _, dest := range Destinations {
			if !st.Ready(dest, name) {
				continue
			}
			if err := queueDelivery(ctx, tx, id, dest, st.TestMode, now); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// queueDelivery adds the delivery row of an event to a destination and its outbox job.
func queueDelivery(ctx context.Context, tx *sql.Tx, eventID int64, dest string, test bool, now int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO conversion_deliveries(event_id, destination, test, created_at, updated_at)
		VALUES(?,?,?,?,?) ON CONFLICT(event_id, destination) DO NOTHING`, eventID, dest, test, now, now)
	if err != nil {
		return fmt.Errorf("conversions: queue delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	did, _ := res.LastInsertId()
	_, err = jobs.Enqueue(ctx, tx, JobSend, sendPayload{DeliveryID: did},
		jobs.Options{MaxAttempts: sendAttempts, DedupeKey: "conversion-delivery-" + strconv.FormatInt(did, 10)})
	return err
}

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

type sendPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// handleSend delivers one event to one destination. A delivery already sent is never sent again
// (a job retried after a crash between the platform's answer and the job's own bookkeeping finds
// it sent); the platforms also drop a repeat of the same event id. A refusal of the payload or the
// credentials fails at once; network trouble, 429 and 5xx are retried with backoff until the
// last attempt. Every try is written on the delivery row (the settings page and the lead page
// show it) and logged.
func (s *Service) handleSend(ctx context.Context, j *jobs.Job) error {
	var p sendPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	db := j.DB
	d, err := deliveryByID(ctx, db.Read, p.DeliveryID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	if d.Status != "queued" {
		// Sent already (a job run again after success), or given up (an erasure): nothing to send.
		return nil
	}
	// A failure of our own making has no platform words: only its reason, worded by the panel.
	fail := func(reason string) error {
		return s.finish(ctx, db, d.ID, "failed", 0, "", reason, false)
	}
	on, err := s.Platform.HasModule(ctx, j.Tenant, platform.ModuleConversionTracking)
	if err != nil {
		return err
	}
	if !on {
		return fail(ReasonModuleOff)
	}
	e, err := EventByID(ctx, db.Read, d.EventID)
	if err != nil {
		return err
	}
	if tooOld(d.Destination, e.EventTime, s.now()) {
		// The platform would refuse the whole request: a refusal, worded from the event's age
		// (Delivery.ReasonKey), with no call made.
		return fail(ReasonRefused)
	}
	// The person's consent now: a withdrawal on any of their leads, made after the event, stops it.
	attr, err := PersonAttribution(ctx, db.Read, e.LeadID)
	if err != nil {
		return err
	}
	if !e.Consent || !attr.Consented() {
		return fail(ReasonNoConsent)
	}
	st, err := LoadSettings(ctx, db.Read, e.Currency) // the event carries its own currency
	if err != nil {
		return err
	}
	if !st.Ready(d.Destination, e.Name) {
		return fail(ReasonNotSetUp)
	}
	st.TestMode = d.Test
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	code, sendErr := s.Sender.Send(ctx, d.Destination, st, e, loc)
	if sendErr == nil {
		s.log().Info("conversions: sent", "tenant", j.Tenant, "event", e.EventID, "destination", d.Destination, "test", d.Test)
		return s.finish(ctx, db, d.ID, "sent", code, "", "", true)
	}
	var se *SendError
	reason := ReasonRefused
	if errors.As(sendErr, &se) && se.Reason != "" {
		reason = se.Reason
	}
	retry := se != nil && se.Retry && j.Attempt < j.MaxTries
	s.log().Warn("conversions: delivery failed", "tenant", j.Tenant, "event", e.EventID, "destination", d.Destination,
		"attempt", j.Attempt, "retry", retry, "err", sendErr)
	status := "failed"
	if retry {
		status = "queued"
	}
	// Only the platform's own words are kept for the owner. A platform never reached has none: the
	// transport error (addresses, the server's resolver) stays in the log for staff, and the panel
	// says "could not reach" in the owner's language.
	msg := sendErr.Error()
	if reason == ReasonUnreachable {
		msg = ""
	}
	if retry {
		if err := s.finish(ctx, db, d.ID, status, code, msg, reason, false); err != nil {
			return err
		}
		return sendErr
	}
	if err := s.finishFailed(ctx, db, d, code, msg, reason); err != nil {
		return err
	}
	return jobs.Permanent(sendErr)
}

// platformReasons are the failures that come from the platform (or its being out of reach), not
// from the business's own state (consent, erasure, settings): they start or continue a run of
// failures that the owners are told of and the settings page warns about.
var platformReasons = []string{ReasonCredentials, ReasonRefused, ReasonBusy, ReasonUnreachable}

// finishFailed writes a delivery's final failure and, when it starts a run of failures to its
// platform (the platform's delivery before it was sent, or there was none), tells the owners once
// through the notification centre, in the same transaction: the next failures of the run tell
// nobody until a delivery gets through again.
func (s *Service) finishFailed(ctx context.Context, db *tenantdb.DB, d *Delivery, code int, msg, reason string) error {
	if utf8.RuneCountInString(msg) > 500 {
		msg = string([]rune(msg)[:500])
	}
	now := s.now().UnixMilli()
	return db.InTx(ctx, func(tx *sql.Tx) error {
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT status FROM conversion_deliveries WHERE destination = ? AND id <> ? AND test = 0
			AND (status = 'sent' OR (status = 'failed' AND reason IN (?,?,?,?))) ORDER BY updated_at DESC, id DESC LIMIT 1`,
			d.Destination, d.ID, platformReasons[0], platformReasons[1], platformReasons[2], platformReasons[3]).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("conversions: previous delivery: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversion_deliveries SET status = 'failed', attempts = attempts + 1, http_status = ?,
			last_error = ?, reason = ?, updated_at = ? WHERE id = ?`, code, msg, reason, now, d.ID); err != nil {
			return fmt.Errorf("conversions: delivery outcome: %w", err)
		}
		if prev == "failed" || d.Test {
			return nil // the run of failures was told of already; a test event is the owner's own check
		}
		return notify.Raise(ctx, tx, notify.Event{Kind: notify.KindConversionFailing, Name: DestName(d.Destination), At: now,
			Reason: reason}) // the bell says why: the token refused, the platform not reached, …
	})
}

// DestName is a destination's name as its platform writes it (the same in every language).
func DestName(dest string) string {
	switch dest {
	case DestMeta:
		return "Meta"
	case DestGoogle:
		return "Google Ads"
	case DestTikTok:
		return "TikTok"
	}
	return dest
}

// Failing lists the destinations switched on whose latest finished delivery (left aside a test
// event, and failures of the business's own making) failed: the settings page warns of each until
// one gets through again.
func Failing(ctx context.Context, q Querier, st *Settings) ([]Delivery, error) {
	var out []Delivery
	for _, dest := range Destinations {
		if !st.on(dest) {
			continue
		}
		ds, err := deliveries(ctx, q, `WHERE d.destination = ? AND d.test = 0 AND (d.status = 'sent' OR (d.status = 'failed' AND d.reason IN (?,?,?,?)))
			ORDER BY d.updated_at DESC, d.id DESC LIMIT 1`, dest, platformReasons[0], platformReasons[1], platformReasons[2], platformReasons[3])
		if err != nil {
			return nil, err
		}
		if len(ds) == 1 && ds[0].Status == "failed" {
			out = append(out, ds[0])
		}
	}
	return out, nil
}

// finish writes one try's outcome on the delivery row: msg is the platform's words, reason the
// failure's code (kept only while the delivery is not sent).
func (s *Service) finish(ctx context.Context, db *tenantdb.DB, id int64, status string, code int, msg, reason string, sent bool) error {
	now := s.now().UnixMilli()
	var sentAt any
	if sent {
		sentAt = now
	}
	if utf8.RuneCountInString(msg) > 500 {
		msg = string([]rune(msg)[:500])
	}
	if sent {
		reason = ""
	}
	_, err := db.Exec(ctx, `UPDATE conversion_deliveries SET status = ?, attempts = attempts + 1, http_status = ?, last_error = ?,
		reason = ?, sent_at = coalesce(?, sent_at), updated_at = ? WHERE id = ?`, status, code, msg, reason, sentAt, now, id)
	if err != nil {
		return fmt.Errorf("conversions: delivery outcome: %w", err)
	}
	return nil
}

// Retry queues a failed delivery again (the owner's button on the settings page); a delivery given up
// for a person erased or without consent, or an event older than its platform takes, cannot be
// (ErrNotFound: trying again could not send it).
func Retry(ctx context.Context, db *tenantdb.DB, id int64) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		res, err := tx.ExecContext(ctx, `UPDATE conversion_deliveries SET status = 'queued', reason = '', updated_at = ? WHERE id = ? AND status = 'failed'
			AND reason NOT IN ('erased', 'no_consent')
			AND NOT (destination = ? AND (SELECT e.event_time FROM conversion_events e WHERE e.id = conversion_deliveries.event_id) < ?)`,
			now, id, DestMeta, now-MetaMaxAge.Milliseconds())
		if err != nil {
			return fmt.Errorf("conversions: retry: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		_, err = jobs.Enqueue(ctx, tx, JobSend, sendPayload{DeliveryID: id},
			jobs.Options{MaxAttempts: sendAttempts, DedupeKey: "conversion-delivery-" + strconv.FormatInt(id, 10)})
		return err
	})
}

// ---- capture ----

// Capture is what the widget or the landing page read on the host page.
type Capture struct {
	GCLID, GBRAID, WBRAID string
	FBCLID, FBC, FBP      string
	TTCLID                string
	UTM                   map[string]string // utm_source … utm_content
	PageURL               string
	FBCLIDAt              time.Time // when the loader first saw the fbclid (zero: now)
}

// CaptureKeys are the query parameters the loaders read from the host page.
var CaptureKeys = []string{"gclid", "gbraid", "wbraid", "fbclid", "ttclid", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

// ParseCapture reads a loader's fields (the keys of CaptureKeys plus fbp, fbc, fbclid_at in Unix
// ms, page_url), dropping values too long or with characters no click id has.
func ParseCapture(get func(string) string, now time.Time) Capture {
	c := Capture{UTM: map[string]string{}}
	clean := func(k string, max int) string {
		v := strings.TrimSpace(get(k))
		if v == "" || len(v) > max || !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n\t<>\"") {
			return ""
		}
		return v
	}
	c.GCLID, c.GBRAID, c.WBRAID = clean("gclid", 200), clean("gbraid", 200), clean("wbraid", 200)
	c.FBCLID, c.TTCLID, c.FBP = clean("fbclid", 500), clean("ttclid", 500), clean("fbp", 200)
	if v := clean("fbc", 600); strings.HasPrefix(v, "fb.") {
		c.FBC = v
	}
	if c.FBP != "" && !strings.HasPrefix(c.FBP, "fb.") {
		c.FBP = ""
	}
	for _, k := range CaptureKeys[5:] {
		if v := clean(k, 200); v != "" {
			c.UTM[k] = v
		}
	}
	if v := clean("page_url", 2000); v != "" {
		if u, err := url.Parse(v); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			u.RawQuery, u.Fragment = "", "" // the address without its query: no click ids or e-mails typed into forms
			c.PageURL = u.String()
		}
	}
	c.FBCLIDAt = now
	if ms, err := strconv.ParseInt(get("fbclid_at"), 10, 64); err == nil {
		if t := time.UnixMilli(ms); !t.After(now) && now.Sub(t) < 90*24*time.Hour {
			c.FBCLIDAt = t
		}
	}
	return c
}

// Empty says whether nothing was captured.
func (c Capture) Empty() bool {
	return c.GCLID == "" && c.GBRAID == "" && c.WBRAID == "" && c.FBCLID == "" && c.FBC == "" && c.FBP == "" && c.TTCLID == "" && len(c.UTM) == 0
}

// MarketingVersion names the marketing consent text a visitor ticked; it changes when the text does.
func MarketingVersion(text string) string {
	h := sha256.Sum256([]byte(text))
	return "mkt-" + hex.EncodeToString(h[:4])
}

// Captured tells the room that a visitor's first message made (or reached) a lead on the widget
// or the landing page. With the module on and marketing consent it keeps the capture on the lead
// (first touch: a later one does not overwrite it); a new lead makes a Lead event when the
// owner's rule is on (without consent the event is kept unsent). Nothing is kept without consent.
func (s *Service) Captured(ctx context.Context, t *platform.Tenant, db *tenantdb.DB, leadID int64, newLead bool, channel string,
	c Capture, consentText string) error {
	if !t.HasModule(platform.ModuleConversionTracking) {
		return nil
	}
	if consentText != "" {
		a := &Attribution{LeadID: leadID, Channel: channel, GCLID: c.GCLID, GBRAID: c.GBRAID, WBRAID: c.WBRAID, FBCLID: c.FBCLID,
			FBC: c.FBC, FBP: c.FBP, TTCLID: c.TTCLID, UTMSource: c.UTM["utm_source"], UTMMedium: c.UTM["utm_medium"],
			UTMCampaign: c.UTM["utm_campaign"], UTMTerm: c.UTM["utm_term"], UTMContent: c.UTM["utm_content"], PageURL: c.PageURL,
			ConsentVersion: MarketingVersion(consentText), ConsentAt: s.now().UnixMilli()}
		if a.FBC == "" {
			a.FBC = FBC(c.FBCLID, c.FBCLIDAt)
		}
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := insertAttribution(ctx, tx, a)
			return err
		}); err != nil {
			return err
		}
	}
	if newLead {
		if _, err := s.record(ctx, t.Slug, t.Currency, db, leadID, 0, EventLead, s.now()); err != nil {
			return err
		}
	}
	return nil
}
