package quotes

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
	"highvibe/app/words"
)

// Errors a person can act on.
var (
	// ErrFrozen: the revision was approved; edits make a new revision.
	ErrFrozen = fault.Sentinel(fault.KindConflict, "quotes.err.frozen", "quotes: revision is frozen")
	// ErrNotApproved: nothing with a price leaves before a person approved it.
	ErrNotApproved = fault.Sentinel(fault.KindConflict, "quotes.err.not_approved", "quotes: not approved")
	// ErrNoLines: an empty quote cannot go to the approval queue.
	ErrNoLines = fault.Sentinel(fault.KindInvalid, "quotes.err.no_lines", "quotes: no lines")
	// ErrNotOpen: the customer's link no longer takes an answer (accepted, replaced, not sent).
	ErrNotOpen = fault.Sentinel(fault.KindConflict, "quotes.err.not_open", "quotes: not open for acceptance")
	// ErrExpired: the revision's validity day has gone (in the business's time zone); the
	// customer asks for a new one instead of accepting old prices.
	ErrExpired = fault.Sentinel(fault.KindConflict, "quotes.err.expired", "quotes: validity day has passed")
	// ErrSendExpired: the revision's validity day has gone (in the business's time zone): it is
	// not sent (again), the customer could not accept it; a new revision starts with a new day.
	ErrSendExpired = fault.Sentinel(fault.KindConflict, "quotes.err.expired_send", "quotes: validity day has passed, not sent")
	// ErrSentMeanwhile: a first send from a page drawn before someone else sent the revision;
	// nothing goes out again (the page's "Send the link again" is the reminder).
	ErrSentMeanwhile = fault.Sentinel(fault.KindConflict, "quotes.err.sent_meanwhile", "quotes: sent meanwhile, not sent again")
	// ErrNoConversation: a quote made without a conversation has no channel to be sent through.
	ErrNoConversation = fault.Sentinel(fault.KindConflict, "quotes.err.no_conversation", "quotes: no conversation")
)

// Actor is the person (or the assistant) acting on a quote.
type Actor struct {
	UserID int64
	Name   string
}

// Defaults are the tenant's choices for a new quote.
type Defaults struct {
	Currency string
	Language string // used when the conversation's language is not one of Languages
	Now      time.Time
}

// validDays is how long a new quote, and a new revision of an expired one, is valid for: from
// the business's today.
const validDays = 30

// Number is the printed number of the seq-th quote of a year.
func Number(year, seq int) string { return fmt.Sprintf("TKL-%d-%04d", year, seq) }

// newToken is the secret part of a tracking link: 120 random bits.
func newToken() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Create stores an empty draft quote for a conversation's lead at once, numbered in the tenant's
// series of the year (the demo's seeded quotes). A person's "Prepare quote" opens Prefill's
// editor instead and stores with CreateFrom on the first save.
func Create(ctx context.Context, db *tenantdb.DB, convID int64, a Actor, d Defaults) (*Quote, error) {
	var q *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		q, err = createTx(ctx, tx, convID, a, d, "")
		return err
	})
	return q, err
}

// Prefill is a new quote for a conversation's lead as its editor first shows it: the lead's name,
// the conversation's language, the business's currency, valid for validDays from the business's
// today, the first active payment and warranty texts. Nothing is stored and no number is taken
// (ID 0, Number ""): that happens on the first save (CreateFrom), so a quote opened and left
// leaves no gap in the series and no empty draft in the list.
func Prefill(ctx context.Context, q Querier, convID int64, a Actor, d Defaults) (*Quote, error) {
	out, _, err := prefill(ctx, q, convID, a, d, "")
	return out, err
}

// CreateFrom is the first save of a new quote (Prefill's editor): in one transaction the quote
// takes the next number of the year, is stored with in (validated as Save validates an edit),
// and — with submit — goes to the approval queue. A field refused rolls it all back: nothing is
// stored and the number stays free. The form's one-time token is spent with it, so the same
// form sent twice stores one quote.
func CreateFrom(ctx context.Context, db *tenantdb.DB, convID int64, in Input, cat Catalog, submit bool, a Actor, d Defaults, money func(int64, string) string) (*Quote, error) {
	var q *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		n, err := createTx(ctx, tx, convID, a, d, "")
		if err != nil {
			return err
		}
		if q, err = saveTx(ctx, tx, n, in, cat, a, money); err != nil {
			return err
		}
		if submit {
			return submitTx(ctx, tx, q, a, money)
		}
		return nil
	})
	return q, err
}

// prefill builds the unstored new quote (Prefill) and returns it with now in the business's time
// zone, whose year numbers it when it is stored.
func prefill(ctx context.Context, qr Querier, convID int64, a Actor, d Defaults, draftedBy string) (*Quote, time.Time, error) {
	c, err := inbox.ConversationByID(ctx, qr, convID)
	if err != nil {
		return nil, time.Time{}, err
	}
	lead, err := inbox.LeadByID(ctx, qr, c.LeadID)
	if err != nil {
		return nil, time.Time{}, err
	}
	now := d.Now
	if now.IsZero() {
		now = time.Now()
	}
	lang := c.Language
	if !oneOf(lang, Languages) {
		lang = d.Language
	}
	if !oneOf(lang, Languages) {
		lang = "tr"
	}
	cur := strings.ToUpper(d.Currency)
	if len(cur) != 3 {
		cur = "TRY"
	}
	// The year of the number and the day the validity counts from are the business's (its time
	// zone's): a quote drafted at 00:30 on 1 January in Istanbul is the new year's.
	loc, err := hoursdb.Zone(ctx, qr)
	if err != nil {
		return nil, time.Time{}, err
	}
	local := now.In(loc)
	q := &Quote{Revision: 1, LeadID: lead.ID, ConversationID: c.ID, Status: "draft",
		Language: lang, Currency: cur, CustomerName: lead.Name, CreatedByName: a.Name, DraftedBy: draftedBy,
		ValidUntil: time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, validDays).UnixMilli()}
	for _, kind := range []string{"payment", "warranty"} {
		s, err := firstActiveSnippet(ctx, qr, kind)
		if err != nil {
			return nil, time.Time{}, err
		}
		if s == nil {
			continue
		}
		if kind == "payment" {
			q.PaymentSnippet, q.PaymentText = s.ID, s.Body
		} else {
			q.WarrantySnippet, q.WarrantyText = s.ID, s.Body
		}
	}
	return q, local, nil
}

// createTx stores prefill's quote with the next number of its year (inside tx, so a rollback
// leaves the number free).
func createTx(ctx context.Context, tx *sql.Tx, convID int64, a Actor, d Defaults, draftedBy string) (*Quote, error) {
	q, local, err := prefill(ctx, tx, convID, a, d, draftedBy)
	if err != nil {
		return nil, err
	}
	year := local.Year()
	seq, err := nextSeq(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	q.Number, q.Year, q.Seq, q.Token = Number(year, seq), year, seq, newToken()
	if err := insertQuote(ctx, tx, q); err != nil {
		return nil, err
	}
	// The "new quote" form, sent once: a resend numbers no second quote and opens the first.
	if err := web.SpendOnce(ctx, tx, q.ID, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/"); err != nil {
		return nil, err
	}
	if err := writeContent(ctx, tx, q); err != nil {
		return nil, err
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_created", Summary: q.Number,
		ModelName: modelOf(a, draftedBy), ActorUserID: a.UserID, ActorName: a.Name, ConversationID: q.ConversationID,
		Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision, "conversation_id": q.ConversationID}})
	return q, err
}

func modelOf(a Actor, draftedBy string) string {
	if draftedBy == "assistant" && a.UserID == 0 {
		return "builtin-quote"
	}
	return "human-review"
}

// Save writes an edited revision in one transaction: validated lines and totals, the chosen
// snippets' texts, and an action log with the content before→after. A revision approved in the
// meantime refuses (ErrFrozen: the page offers a new revision). submit also asks for approval.
func Save(ctx context.Context, db *tenantdb.DB, id int64, in Input, cat Catalog, submit bool, a Actor, money func(int64, string) string) (*Quote, error) {
	var q *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = editableTx(ctx, tx, id); err != nil {
			return err
		}
		// The lines are saved whole: lines left as the page drew them keep the stored ones (a line
		// a colleague added meanwhile stays); lines changed here and there refuse the save.
		untouched, err := web.KeepUntouchedList("lines", in.LinesWas, inputPrint(in.Lines, in.Typed), LinesPrint(q.Lines, in.Typed))
		if err != nil {
			return err
		}
		if untouched {
			in.Lines = inputsOf(q.Lines, in.Typed)
		}
		if q, err = saveTx(ctx, tx, q, in, cat, a, money); err != nil {
			return err
		}
		if submit {
			return submitTx(ctx, tx, q, a, money)
		}
		return nil
	})
	return q, err
}

// saveTx writes in into the editable revision q (validated lines and totals, the chosen snippets'
// texts, a rejected one back to draft) with an action log of the content before→after, and
// returns the revision as stored.
func saveTx(ctx context.Context, tx *sql.Tx, q *Quote, in Input, cat Catalog, a Actor, money func(int64, string) string) (*Quote, error) {
	before := Describe(q, money)
	next := *q
	if err := in.Validate(&next, cat); err != nil {
		return nil, err
	}
	if err := chooseSnippets(ctx, tx, &next, in); err != nil {
		return nil, err
	}
	if err := writeContent(ctx, tx, &next); err != nil {
		return nil, err
	}
	if next.Status == "rejected" {
		if _, err := setStatus(ctx, tx, next.ID, "draft", []string{"rejected"}, "recommendation_id = NULL"); err != nil {
			return nil, err
		}
		next.Status, next.RecommendationID = "draft", 0
	}
	after := Describe(&next, money)
	_, err := audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_saved", Summary: next.Number,
		Input: before, Output: after, ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: next.ConversationID,
		Payload: map[string]any{"quote_id": next.ID, "number": next.Number, "revision": next.Revision, "before": before, "after": after,
			"grand_total_before": q.Totals.Grand, "grand_total_after": next.Totals.Grand}})
	return &next, err
}

// Submit asks for approval of a draft revision (a recommendation in the approval queue).
func Submit(ctx context.Context, db *tenantdb.DB, id int64, a Actor, money func(int64, string) string) (*Quote, error) {
	var q *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = editableTx(ctx, tx, id); err != nil {
			return err
		}
		return submitTx(ctx, tx, q, a, money)
	})
	return q, err
}

// submitTx puts the revision into the approval queue as a pricing recommendation pointing at the
// quote; a revision already waiting keeps its recommendation (the approver sees the quote as it
// is now). Nothing with a price goes out before that recommendation is approved.
func submitTx(ctx context.Context, tx *sql.Tx, q *Quote, a Actor, money func(int64, string) string) error {
	if len(q.Lines) == 0 {
		return ErrNoLines
	}
	if q.Status == "pending" && q.RecommendationID != 0 {
		return nil
	}
	// A quote valid only until a day already gone would reach the customer expired: the date
	// field says so (today, in the business's time zone, still counts).
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return err
	}
	if q.ValidUntil < Today(time.Now(), loc) {
		return fault.InvalidField("valid_until", "quotes.err.date_past")
	}
	total := money(q.Totals.Grand, q.Currency)
	conf := 1.0
	if q.DraftedBy == "assistant" {
		conf = 0.6
	}
	recID, _, err := approvals.Create(ctx, tx, approvals.New{LeadID: q.LeadID, ConversationID: q.ConversationID,
		Title:   fmt.Sprintf("Quote %s rev. %d: %s", q.Number, q.Revision, total),
		Summary: fmt.Sprintf("%d lines, total %s incl. VAT", len(q.Lines), total), RecommendedAction: fmt.Sprintf("/app/quotes/%d/", q.ID),
		Priority: "high", ActionType: "pricing", Confidence: conf, ModelName: modelOf(a, q.DraftedBy),
		DedupeKey: fmt.Sprintf("quote:%d:%d", q.ID, tenantdb.Now()),
		Words: words.Rec{Key: "quotes.rec", TitleArgs: []any{q.Number, q.Revision, total},
			SummaryArgs: []any{len(q.Lines), total, q.CustomerName}}.JSON()})
	if err != nil {
		return err
	}
	if _, err := setStatus(ctx, tx, q.ID, "pending", []string{"draft", "rejected", "pending"}, "recommendation_id = ?", recID); err != nil {
		return err
	}
	q.Status, q.RecommendationID = "pending", recID
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_submitted", Summary: q.Number, ModelName: modelOf(a, q.DraftedBy),
		ActorUserID: a.UserID, ActorName: a.Name, ConversationID: q.ConversationID,
		Payload: map[string]any{"quote_id": q.ID, "recommendation_id": recID, "grand_total": q.Totals.Grand, "currency": q.Currency}})
	return err
}

// syncedTx reads a revision inside a transaction after applying its approval decision.
func syncedTx(ctx context.Context, tx *sql.Tx, id int64) (*Quote, error) {
	q, err := ByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := syncTx(ctx, tx, q); err != nil {
		return nil, err
	}
	return q, nil
}

// editableTx is syncedTx for a change: a revision approved in the meantime refuses (ErrFrozen).
func editableTx(ctx context.Context, tx *sql.Tx, id int64) (*Quote, error) {
	q, err := syncedTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !q.Editable() {
		return nil, ErrFrozen
	}
	return q, nil
}

// syncTx brings a waiting revision in line with its recommendation's decision: approved in the
// queue → approved (frozen from here on); rejected → rejected (editable again).
func syncTx(ctx context.Context, tx *sql.Tx, q *Quote) error {
	if q.Status != "pending" || q.RecommendationID == 0 {
		return nil
	}
	rec, err := approvals.ByID(ctx, tx, q.RecommendationID)
	if err != nil {
		return err
	}
	switch rec.Status {
	case "approved", "executed":
		at := rec.DecidedAt
		if at == 0 {
			at = tenantdb.Now()
		}
		if _, err := setStatus(ctx, tx, q.ID, "approved", []string{"pending"}, "approved_by_name = ?, approved_at = ?", rec.DecidedByName, at); err != nil {
			return err
		}
		q.Status, q.ApprovedByName, q.ApprovedAt = "approved", rec.DecidedByName, at
	case "rejected":
		if _, err := setStatus(ctx, tx, q.ID, "rejected", []string{"pending"}, ""); err != nil {
			return err
		}
		q.Status = "rejected"
	}
	return nil
}

// Sync applies the approval queue's decisions to every waiting revision (the list and the
// conversation page call it before they read), in one transaction when there is anything to do.
func Sync(ctx context.Context, db *tenantdb.DB) error {
	ids, recs, err := pendingWithRecommendation(ctx, db.Read)
	if err != nil || len(ids) == 0 {
		return err
	}
	changed := false
	for _, r := range recs {
		rec, err := approvals.ByID(ctx, db.Read, r)
		if err != nil {
			return err
		}
		if !rec.Open() {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := syncedTx(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Load reads a revision after applying its approval decision.
func Load(ctx context.Context, db *tenantdb.DB, id int64) (*Quote, error) {
	q, err := ByID(ctx, db.Read, id)
	if err != nil {
		return nil, err
	}
	if q.Status == "pending" {
		if err := Sync(ctx, db); err != nil {
			return nil, err
		}
		return ByID(ctx, db.Read, id)
	}
	return q, nil
}

// Revise starts the next revision of an approved (or sent) quote: a draft copy with the same
// number, a new link, and the old revision marked superseded (its link says so). An accepted
// quote is not revised. A revision of a quote past its validity day is valid for validDays from
// the business's today (the old day would only be refused at approval).
func Revise(ctx context.Context, db *tenantdb.DB, id int64, a Actor) (*Quote, error) {
	var next *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		next, err = reviseTx(ctx, tx, id, a)
		return err
	})
	return next, err
}

// ReviseWith is Revise with the content of an edit that came too late (the revision was approved
// while it was being typed, Save refused it with ErrFrozen): the new revision is written with in,
// as Save would write it, in the same transaction, so a field refused stores no revision either.
func ReviseWith(ctx context.Context, db *tenantdb.DB, id int64, in Input, cat Catalog, a Actor, money func(int64, string) string) (*Quote, error) {
	var next *Quote
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		n, err := reviseTx(ctx, tx, id, a)
		if err != nil {
			return err
		}
		next, err = saveTx(ctx, tx, n, in, cat, a, money)
		return err
	})
	return next, err
}

// reviseTx is Revise inside the caller's transaction.
func reviseTx(ctx context.Context, tx *sql.Tx, id int64, a Actor) (*Quote, error) {
	q, err := syncedTx(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if q.Editable() {
		return q, nil
	}
	if q.Status != "approved" && q.Status != "sent" {
		return nil, ErrNotOpen
	}
	n := *q
	n.Revision, n.Status, n.Token, n.RecommendationID = q.Revision+1, "draft", newToken(), 0
	n.ApprovedByName, n.ApprovedAt, n.SentAt, n.SentMessageID, n.FirstViewedAt, n.ViewCount = "", 0, 0, 0, 0, 0
	n.CreatedByName = a.Name
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return nil, err
	}
	if today := Today(time.Now(), loc); q.ExpiredBy(today) {
		n.ValidUntil = time.UnixMilli(today).UTC().AddDate(0, 0, validDays).UnixMilli()
	}
	if err := insertQuote(ctx, tx, &n); err != nil {
		return nil, err
	}
	n.Lines = append([]Line(nil), q.Lines...)
	if err := writeContent(ctx, tx, &n); err != nil {
		return nil, err
	}
	if _, err := setStatus(ctx, tx, q.ID, "superseded", []string{"approved", "sent"}, ""); err != nil {
		return nil, err
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_revised", Summary: n.Number,
		ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: n.ConversationID,
		Payload: map[string]any{"quote_id": n.ID, "previous_id": q.ID, "number": n.Number, "revision": n.Revision}})
	return &n, err
}

// Describe is a revision's content in one plain line per quote line, for the log's before→after.
func Describe(q *Quote, money func(int64, string) string) string {
	var b strings.Builder
	for _, l := range q.Lines {
		if l.Kind == "allowance" {
			fmt.Fprintf(&b, "%s %s%% (%s) = %s\n", l.Name, fixed(l.Percent, 2), l.Reason, money(l.Net, q.Currency))
			continue
		}
		fmt.Fprintf(&b, "%s %s %s × %s", l.Name, fixed(l.Quantity, 3), l.Unit, money(l.UnitPrice, q.Currency))
		if l.Discount > 0 {
			fmt.Fprintf(&b, " -%s%%", fixed(l.Discount, 2))
		}
		fmt.Fprintf(&b, " KDV %s%% = %s\n", fixed(l.VATRate, 2), money(l.Net, q.Currency))
	}
	fmt.Fprintf(&b, "= %s", money(q.Totals.Grand, q.Currency))
	return b.String()
}
