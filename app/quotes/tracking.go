package quotes

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Link is the customer's tracking link of a revision: /q/<slug>.<token>, so the public page finds
// the tenant without a lookup table and the secret part stays 120 random bits.
func Link(origin, slug string, q *Quote) string {
	return strings.TrimRight(origin, "/") + "/q/" + slug + "." + q.Token
}

// Send puts an approved revision into its conversation as a message in the customer's language
// carrying the tracking link (body made by text), on the conversation's channel, in one
// transaction with: the revision marked sent, the conversation moved to "offer" (its lead to
// "proposal"), the send form's one-time token spent (web.SpendOnce) and an action log. Before approval it refuses (ErrNotApproved), past
// its validity day in the business's time zone too (ErrSendExpired), nothing stored. Sending again
// (a reminder) is allowed and records another message. attach, when set, runs in the same
// transaction right after the message is stored (the quote's PDF joins the message as its file,
// so the channel sends it with the link as caption); nil sends the link alone. shown is the status
// the sender's page showed: "approved" (its button sends the quote for the first time) is refused
// with ErrSentMeanwhile once someone else has sent it, so the customer does not get it twice;
// "" sends as asked. noFile, when the quote's PDF could not be kept, is why (a media refusal
// code): the message records that it went without its PDF, and the quote's page and list say so.
func Send(ctx context.Context, db *tenantdb.DB, reg *channel.Registry, id int64, body func(*Quote) string, a Actor, attach Attacher, shown, noFile string) (*Quote, int64, error) {
	var q *Quote
	var msgID int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = syncedTx(ctx, tx, id); err != nil {
			return err
		}
		if !q.Sendable() {
			return ErrNotApproved
		}
		if shown == "approved" && q.Status == "sent" {
			return ErrSentMeanwhile
		}
		// Past its validity day the customer could no longer accept it: a reminder would only
		// bring them to an expired page (the panel offers a new revision instead).
		loc, err := hoursdb.Zone(ctx, tx)
		if err != nil {
			return err
		}
		if q.ExpiredBy(Today(time.Now(), loc)) {
			return ErrSendExpired
		}
		if q.ConversationID == 0 {
			return ErrNoConversation
		}
		if msgID, err = inbox.AddMessageTx(ctx, tx, reg, q.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user",
			AuthorUserID: a.UserID, AuthorName: a.Name, Body: body(q), Attach: attach, NoFile: noFile}); err != nil {
			return err
		}
		now := tenantdb.Now()
		if _, err := setStatus(ctx, tx, q.ID, "sent", []string{"approved", "sent"}, "sent_at = coalesce(sent_at, ?), sent_message_id = ?", now, msgID); err != nil {
			return err
		}
		if q.SentAt == 0 {
			q.SentAt = now
		}
		q.Status, q.SentMessageID = "sent", msgID
		// The send button's one-time token: a double tap or a resend after a timeout sends the
		// quote once (a reminder is a new press, with a new token).
		if err := web.SpendOnce(ctx, tx, msgID, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/"); err != nil {
			return err
		}
		from, to, err := inbox.AdvanceState(ctx, tx, q.ConversationID, "offer")
		if err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_sent", Summary: q.Number,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: q.ConversationID,
			Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision, "message_id": msgID,
				"grand_total": q.Totals.Grand, "currency": q.Currency, "stage_before": from, "stage_after": to}})
		return err
	})
	return q, msgID, err
}

// Undeliverable says why a quote cannot go out on its conversation's channel at all, so the send
// is refused before anything is stored: Reason "record" (a phone call or a walk-in, where the panel
// sends nothing), else one of inbox.NoReach's reasons: "setup" (the channel's sending is not set
// up: channel.Info.SendNeeds), "blocked" (the customer blocked the business on the channel),
// "window" (WhatsApp's 24-hour window is closed, and no approved template carries a quote) or
// "no_address" (an e-mail conversation whose customer has no address). Channel is the
// conversation's channel; At is inbox.NoReach's (when they blocked, when the window closed).
type Undeliverable struct {
	Reason, Channel string
	At              int64
}

// CannotSend reports why a quote cannot be sent on conversation convID (nil when it can be tried:
// it is then queued, and its message may still fail later, which the quote's page shows). It asks
// the inbox's inbox.CannotReach, as the conversation's composer does, so a quote is refused
// exactly where a typed reply would be. setting reads the tenant's settings.
func CannotSend(ctx context.Context, q inbox.Querier, reg *channel.Registry, setting func(string) string, convID int64) (*Undeliverable, error) {
	conv, err := inbox.ConversationByID(ctx, q, convID)
	if err != nil {
		return nil, err
	}
	info, ok := reg.Info(conv.Channel)
	if !ok || info.Outbound == channel.Record {
		return &Undeliverable{Reason: "record", Channel: conv.Channel}, nil
	}
	no, err := inbox.CannotReach(ctx, q, reg, setting, conv, time.Now())
	if err != nil || no == nil {
		return nil, err
	}
	return &Undeliverable{Reason: no.Reason, Channel: no.Channel, At: no.At}, nil
}

// Attacher links a file to the message that sends a quote, in that message's transaction
// (media.Prepared.Attach wrapped for inbox.Outgoing.Attach).
type Attacher = func(ctx context.Context, tx *sql.Tx, messageID int64, c *inbox.Conversation) error

// Viewed records that the customer opened the link of a sent (or accepted) revision: the first
// time with an action log and a system note in the conversation, every time in the view count.
// Links of drafts and of revisions not sent are not counted.
func Viewed(ctx context.Context, db *tenantdb.DB, q *Quote) (first bool, err error) {
	if q.Status != "sent" && q.Status != "accepted" {
		return false, nil
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		res, err := tx.ExecContext(ctx, `UPDATE quotes SET view_count = view_count + 1, first_viewed_at = coalesce(first_viewed_at, ?) WHERE id = ?`, now, q.ID)
		if err != nil {
			return fmt.Errorf("quotes: view: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		q.ViewCount++
		if q.FirstViewedAt != 0 {
			return nil
		}
		q.FirstViewedAt, first = now, true
		if q.ConversationID != 0 {
			if _, err := inbox.AddMessageTx(ctx, tx, nil, q.ConversationID, inbox.Outgoing{Direction: "system", AuthorKind: "system",
				Event: "quote_viewed", Params: map[string]string{"actor": q.Number}}); err != nil {
				return err
			}
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_viewed", Summary: q.Number, ModelName: "customer",
			ConversationID: q.ConversationID, Payload: map[string]any{"quote_id": q.ID, "number": q.Number}})
		return err
	})
	return first, err
}

// Accept records the customer's acceptance through the link, in one transaction: the revision
// accepted, the conversation (and its lead) won, a system note in the conversation, an action log
// and, when sales says the business has the sales records module on, an order in the CRM with the
// quote's total as its value (a customer record is made from the lead when it has none). A revision not sent, replaced or already accepted refuses
// (ErrNotOpen); one past its validity day (to the end of that day in the business's time zone)
// refuses with ErrExpired, nothing stored. name is what the customer typed as their name ("" allowed).
func Accept(ctx context.Context, db *tenantdb.DB, token, name string, sales bool) (*Quote, error) {
	var q *Quote
	name = web.PersonName(name) // one line of plain text (no direction overrides)
	if len([]rune(name)) > 200 {
		return nil, fault.InvalidField("name", "quotes.err.too_long")
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = ByToken(ctx, tx, token); err != nil {
			return err
		}
		if q.Status != "sent" {
			return ErrNotOpen
		}
		loc, err := hoursdb.Zone(ctx, tx)
		if err != nil {
			return err
		}
		if q.ExpiredBy(Today(time.Now(), loc)) {
			return ErrExpired
		}
		now := tenantdb.Now()
		// The order (and the customer record it needs) belongs to the sales records: with that
		// module off the business keeps no orders, and one written anyway would wait unseen and
		// turn up from nowhere when the module is turned on. The acceptance itself is the quote's
		// and the action log's either way; the quote's page says that no order was written.
		var orderID int64
		if sales {
			if orderID, err = orderFor(ctx, tx, q); err != nil {
				return err
			}
		}
		ok, err := setStatus(ctx, tx, q.ID, "accepted", []string{"sent"}, "accepted_at = ?, order_id = ?", now, nullable(orderID))
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotOpen
		}
		q.Status, q.AcceptedAt, q.OrderID = "accepted", now, orderID
		var from, to string
		if q.ConversationID != 0 {
			if from, to, err = inbox.AdvanceState(ctx, tx, q.ConversationID, "won"); err != nil {
				return err
			}
			msgID, err := inbox.AddMessageTx(ctx, tx, nil, q.ConversationID, inbox.Outgoing{Direction: "system", AuthorKind: "system",
				Body: name, Event: "quote_accepted", Params: map[string]string{"actor": q.Number}})
			if err != nil {
				return err
			}
			// The conversation's assignee (the owners when nobody is) hears of it: an accepted
			// quote is work to plan, not a line to find in the timeline by chance.
			if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindQuoteAccepted, ConversationID: q.ConversationID,
				MessageID: msgID, Text: q.Number}); err != nil {
				return err
			}
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_accepted", Summary: q.Number, Input: name,
			ModelName: "customer", ConversationID: q.ConversationID,
			Payload: map[string]any{"quote_id": q.ID, "number": q.Number, "revision": q.Revision, "order_id": orderID, "sales_module": sales,
				"grand_total": q.Totals.Grand, "currency": q.Currency, "stage_before": from, "stage_after": to}})
		return err
	})
	return q, err
}

// orderFor writes the CRM order an accepted quote becomes (status won, total = the quote's grand
// total, its catalog product lines as the order's lines), making a customer of the lead first
// when it has none.
func orderFor(ctx context.Context, tx *sql.Tx, q *Quote) (int64, error) {
	lead, err := inbox.LeadByID(ctx, tx, q.LeadID)
	if err != nil {
		return 0, err
	}
	custID := lead.CustomerID
	if custID == 0 {
		name := strings.TrimSpace(q.CustomerName)
		if name == "" {
			name = strings.TrimSpace(lead.Name)
		}
		if name == "" {
			name = q.Number
		}
		c := &crm.Customer{Name: name, Phone: lead.Phone, Email: lead.Email}
		if err := crm.SaveCustomer(ctx, tx, c); err != nil {
			return 0, err
		}
		if err := inbox.SetLeadCustomer(ctx, tx, lead.ID, c.ID); err != nil {
			return 0, err
		}
		custID = c.ID
	}
	o := &crm.Order{CustomerID: custID, LeadID: lead.ID, Status: "won", Total: Major(q.Totals.Grand), Currency: q.Currency,
		Description: fmt.Sprintf("%s rev. %d", q.Number, q.Revision), LinesSet: true,
		// The customer's acceptance is a sale that happened: the stock keeper records it even
		// when it takes a product below zero (the product page shows the shortfall).
		AllowShort: true, By: crm.Actor{Name: q.Number}}
	for _, l := range q.Lines {
		if l.Kind == "product" && l.ProductID != 0 && l.Quantity > 0 {
			o.Lines = append(o.Lines, crm.OrderLine{ProductID: l.ProductID, Quantity: l.Quantity})
		}
	}
	if err := crm.SaveOrder(ctx, tx, o); err != nil {
		return 0, err
	}
	return o.ID, nil
}

// askAgain is how long the same question asked again counts as the first post sent twice.
const askAgain = 10 * time.Minute

// Ask puts the customer's question from the link into the conversation as their message (the
// operator answers it there) with an action log; the same question posted twice is stored once.
func Ask(ctx context.Context, db *tenantdb.DB, q *Quote, text string) (int64, error) {
	text = strings.TrimSpace(text)
	if n := len([]rune(text)); n < 1 || n > 2000 {
		return 0, fault.InvalidField("question", "quotes.err.question")
	}
	if q.ConversationID == 0 || (q.Status != "sent" && q.Status != "accepted") {
		return 0, ErrNotOpen
	}
	var msgID int64
	body := "[" + q.Number + "] " + text
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		// The same question again as the conversation's last message, within minutes, is the same
		// post sent twice (a double tap on a slow phone, a resend): it is answered as the first was
		// and stored once.
		last, _, err := inbox.Latest(ctx, tx, q.ConversationID, 0, 1)
		if err != nil {
			return err
		}
		if len(last) == 1 && last[0].Direction == "inbound" && last[0].Body == body && time.Since(time.UnixMilli(last[0].CreatedAt)) < askAgain {
			msgID = last[0].ID
			return nil
		}
		if msgID, err = inbox.AddMessageTx(ctx, tx, nil, q.ConversationID, inbox.Outgoing{Direction: "inbound",
			Body: body}); err != nil {
			return err
		}
		if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindQuoteQuestion, ConversationID: q.ConversationID,
			MessageID: msgID, Text: body}); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "quotes", ActionType: "quote_question", Summary: q.Number, Input: text,
			ModelName: "customer", ConversationID: q.ConversationID, Payload: map[string]any{"quote_id": q.ID, "message_id": msgID}})
		return err
	})
	return msgID, err
}
