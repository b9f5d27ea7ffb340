package msp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"highvibe/app/ai"
	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// The assistant's triage of tickets (guide 42-msp-tickets.md, "The assistant on a ticket"). On a
// new ticket, and on a new customer message on a ticket's conversation, the ticket model
// (app/ai tickets.go, offline) proposes a category and a priority with the customer's words
// behind each. The proposal is shown on the ticket; a person applies it with one click or
// dismisses it — it never changes the ticket by itself, because the priority sets the SLA targets
// and a wrong P1 or P4 would move every clock. The first-reply draft, and any on-site visit or
// price the customer asked for, wait in the approval queue; an approved reply draft goes out as
// the ticket's public reply on its conversation's channel (ReplyApproved). msp_ticket_proposals
// is this room's table.

// Proposal is one of the assistant's proposals on a ticket.
type Proposal struct {
	ID, TicketID, MessageID            int64
	Category, Priority                 string
	CategoryWhy, PriorityWhy           []string // the customer's words behind each
	Confidence                         float64
	Model                              string
	ReplyRecID, VisitRecID, PriceRecID int64  // 0: none
	Status                             string // open applied dismissed superseded
	DecidedByName                      string
	DecidedAt, CreatedAt               int64
}

// Open reports whether the proposal still waits for a person.
func (p *Proposal) Open() bool { return p.Status == "open" }

// ErrProposalDecided: the proposal was applied, dismissed or replaced in the meantime.
var ErrProposalDecided = fault.Sentinel(fault.KindConflict, "msp_triage.err.decided", "msp: proposal already decided")

func init() { OnStatusChange(triageOnCreate) }

// triageOnCreate proposes on a new ticket (a change from "" to new), inside its transaction.
func triageOnCreate(ctx context.Context, tx *sql.Tx, c StatusChange) error {
	if c.From != "" {
		return nil
	}
	var upto int64
	if c.Ticket.ConversationID != 0 {
		for { // the conversation's newest message, 500 at a time
			msgs, err := inbox.Messages(ctx, tx, c.Ticket.ConversationID, upto, 500)
			if err != nil {
				return err
			}
			if len(msgs) > 0 {
				upto = msgs[len(msgs)-1].ID
			}
			if len(msgs) < 500 {
				break
			}
		}
	}
	_, err := proposeTx(ctx, tx, c.Ticket, 0, upto, strings.TrimSpace(c.Ticket.Subject+"\n"+c.Ticket.Description))
	return err
}

// TriageMessage proposes again on the newest open ticket of a conversation after a customer
// message (the assistant's triage job calls it through ai.Assistant.TicketMessage). A message
// already triaged, or older than the ticket, is skipped, so a retried job proposes once; no open
// ticket: nothing.
func TriageMessage(ctx context.Context, db *tenantdb.DB, convID, msgID int64, body string) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM msp_tickets WHERE conversation_id = ? AND status NOT IN ('resolved','closed')
			ORDER BY id DESC LIMIT 1`, convID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("msp: triage ticket: %w", err)
		}
		t, err := TicketByID(ctx, tx, id)
		if err != nil {
			return err
		}
		// A message up to the ticket's last proposal (the one it was opened from, its triage job
		// running late) was read already.
		var upto int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(upto_message_id),0) FROM msp_ticket_proposals WHERE ticket_id = ?`, id).Scan(&upto); err != nil || msgID <= upto {
			return err
		}
		_, err = proposeTx(ctx, tx, t, msgID, msgID, strings.TrimSpace(t.Subject+"\n"+body))
		return err
	})
}

// recPriority is the approval queue's priority for a ticket priority.
var recPriority = map[string]string{P1: "critical", P2: "high", P3: "medium", P4: "low"}

// proposeTx runs the ticket model over text and stores its proposal on t (an older open one is
// superseded). When the ticket has a conversation, the first reply draft (or, after a customer
// message, an acknowledgement) and any visit or price asked for go to the approval queue; an open
// draft of the same kind is not duplicated.
func proposeTx(ctx context.Context, tx *sql.Tx, t *Ticket, msgID, upto int64, text string) (*Proposal, error) {
	tp := ai.TicketModel().TriageTicket(text)
	p := &Proposal{TicketID: t.ID, MessageID: msgID, Category: tp.Category, Priority: tp.Priority, CategoryWhy: tp.CategoryWhy,
		PriorityWhy: tp.PriorityWhy, Confidence: tp.Confidence, Model: ai.TicketModelName, Status: "open", CreatedAt: tenantdb.Now()}
	ref := t.Ref()
	rec := func(kind, actionType, draft, word string) (int64, error) {
		w := words.Rec{Key: "msp_triage.rec." + kind, TitleArgs: []any{ref}, SummaryArgs: []any{ref, word}}
		id, created, err := approvals.Create(ctx, tx, approvals.New{LeadID: t.LeadID, Title: recTitle(kind, ref),
			Summary: recTitle(kind, ref) + ": " + word, RecommendedAction: kind, DraftReply: draft, Priority: recPriority[tp.Priority],
			ActionType: actionType, Confidence: tp.Confidence, ModelName: ai.TicketModelName,
			DedupeKey: fmt.Sprintf("ticket:%d:%s", t.ID, kind), Words: w.JSON()})
		if err != nil || created {
			return id, err
		}
		return 0, nil // an open one of this kind already waits
	}
	if t.ConversationID != 0 && t.Open() {
		var err error
		draft := ai.TicketReply(tp.Language, ref, tp.Category, tp.Priority)
		if msgID != 0 {
			draft = ai.TicketFollowUp(tp.Language, ref)
		}
		if p.ReplyRecID, err = rec("reply", "follow_up", draft, clipWords(text, 160)); err != nil {
			return nil, err
		}
		if tp.Visit != "" {
			if p.VisitRecID, err = rec("visit", "delivery_date", "", tp.Visit); err != nil {
				return nil, err
			}
		}
		if tp.Price != "" {
			if p.PriceRecID, err = rec("price", "pricing", "", tp.Price); err != nil {
				return nil, err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_proposals SET status = 'superseded' WHERE ticket_id = ? AND status = 'open'`, t.ID); err != nil {
		return nil, fmt.Errorf("msp: supersede proposal: %w", err)
	}
	cw, _ := json.Marshal(p.CategoryWhy)
	pw, _ := json.Marshal(p.PriorityWhy)
	res, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_proposals(ticket_id, message_id, upto_message_id, category, priority, category_why,
		priority_why, confidence, model_name, reply_rec_id, visit_rec_id, price_rec_id, status, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,'open',?)`,
		t.ID, nullID(msgID), upto, p.Category, p.Priority, clipJSON(cw), clipJSON(pw), p.Confidence, p.Model, nullID(p.ReplyRecID),
		nullID(p.VisitRecID), nullID(p.PriceRecID), p.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("msp: store proposal: %w", err)
	}
	p.ID, _ = res.LastInsertId()
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "ai_triage", ActionType: "ticket_triage",
		Summary: fmt.Sprintf("%s: proposed %s %s (now %s %s)", ref, p.Category, p.Priority, t.Category, t.Priority), Input: text,
		ModelName: p.Model, ConversationID: t.ConversationID, Payload: map[string]any{"ticket_id": t.ID, "message_id": msgID,
			"category": p.Category, "priority": p.Priority, "category_why": p.CategoryWhy, "priority_why": p.PriorityWhy,
			"confidence": p.Confidence, "reply_recommendation": p.ReplyRecID, "visit_recommendation": p.VisitRecID,
			"price_recommendation": p.PriceRecID}})
	return p, err
}

// recTitle is the plain-text title of a recommendation (pages word it from its Words instead).
func recTitle(kind, ref string) string {
	switch kind {
	case "visit":
		return "On-site visit asked for on " + ref
	case "price":
		return "Price asked for on " + ref
	}
	return "Reply draft for " + ref
}

// clipWords shortens s to at most n letters, on one line.
func clipWords(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}

func clipJSON(b []byte) string {
	if len(b) > 2000 {
		return "[]"
	}
	return string(b)
}

const proposalCols = `id, ticket_id, coalesce(message_id,0), category, priority, category_why, priority_why, confidence, model_name,
	coalesce(reply_rec_id,0), coalesce(visit_rec_id,0), coalesce(price_rec_id,0), status, decided_by_name, coalesce(decided_at,0), created_at`

func scanProposal(sc interface{ Scan(...any) error }) (*Proposal, error) {
	p := &Proposal{}
	var cw, pw string
	if err := sc.Scan(&p.ID, &p.TicketID, &p.MessageID, &p.Category, &p.Priority, &cw, &pw, &p.Confidence, &p.Model, &p.ReplyRecID,
		&p.VisitRecID, &p.PriceRecID, &p.Status, &p.DecidedByName, &p.DecidedAt, &p.CreatedAt); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(cw), &p.CategoryWhy)
	_ = json.Unmarshal([]byte(pw), &p.PriorityWhy)
	return p, nil
}

// LatestProposal is the ticket's newest proposal (nil when it has none).
func LatestProposal(ctx context.Context, q Querier, ticketID int64) (*Proposal, error) {
	p, err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM msp_ticket_proposals WHERE ticket_id = ? ORDER BY id DESC LIMIT 1`, ticketID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("msp: proposal: %w", err)
	}
	return p, nil
}

// DecideProposal applies (apply true) or dismisses an open proposal of ticket ticketID: applying
// sets the ticket's category and priority to the proposal's through Edit's own path (timeline
// lines and action log as if the person had chosen them), in the same transaction as the
// proposal's new status and its action log. A decided or replaced proposal: ErrProposalDecided.
func DecideProposal(ctx context.Context, db *tenantdb.DB, ticketID, proposalID int64, apply bool, a Actor) (*Ticket, error) {
	return change(ctx, db, ticketID, func(tx *sql.Tx, t *Ticket) error {
		p, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM msp_ticket_proposals WHERE id = ? AND ticket_id = ?`, proposalID, t.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return tenantdb.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("msp: proposal: %w", err)
		}
		if !p.Open() {
			return ErrProposalDecided
		}
		status := "dismissed"
		before := map[string]string{"category": t.Category, "priority": t.Priority}
		if apply {
			status = "applied"
			if err := EditTx(ctx, tx, t, Details{Subject: t.Subject, Category: p.Category, Priority: p.Priority, ClientID: t.ClientID,
				SiteID: t.SiteID, DeviceID: t.DeviceID}, a); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_proposals SET status = ?, decided_by_user_id = ?, decided_by_name = ?, decided_at = ?
			WHERE id = ? AND status = 'open'`, status, nullID(a.UserID), a.Name, tenantdb.Now(), p.ID); err != nil {
			return fmt.Errorf("msp: decide proposal: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_proposal_" + status,
			Summary: fmt.Sprintf("%s: %s %s → %s", t.Ref(), p.Category, p.Priority, status), ModelName: "human-review", ActorUserID: a.UserID,
			ActorName: a.Name, ConversationID: t.ConversationID, Payload: map[string]any{"ticket_id": t.ID, "proposal_id": p.ID,
				"recommended_by": p.Model, "before": before, "proposed": map[string]string{"category": p.Category, "priority": p.Priority}}})
		return err
	})
}

// ReplyApproved is the approval queue's hook for ticket reply drafts (registered in app/serve.go
// with the channel registry): when a person approves one, the draft as approved (edited or not)
// goes out as the ticket's public reply (SendReplyTx: its conversation's channel, the timeline,
// the SLA's first response) and the recommendation is marked sent — all in the approval's
// transaction, so an approval whose reply cannot go out (the ticket closed, no conversation) is
// refused as a whole and nothing is half done.
func ReplyApproved(reg *channel.Registry) approvals.DecidedHook {
	return func(ctx context.Context, tx *sql.Tx, rec *approvals.Recommendation, actor approvals.Actor) error {
		if rec.Status != "approved" || rec.ModelName != ai.TicketModelName || rec.ActionType != "follow_up" {
			return nil
		}
		var ticketID int64
		err := tx.QueryRowContext(ctx, `SELECT ticket_id FROM msp_ticket_proposals WHERE reply_rec_id = ? LIMIT 1`, rec.ID).Scan(&ticketID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("msp: reply draft's ticket: %w", err)
		}
		fresh, err := approvals.ByID(ctx, tx, rec.ID) // the draft as approved, edits included
		if err != nil {
			return err
		}
		t, err := TicketByID(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		msgID, err := SendReplyTx(ctx, tx, reg, t, fresh.DraftReply, Actor{UserID: actor.UserID, Name: actor.Name})
		if err != nil {
			return err
		}
		return approvals.MarkSentTx(ctx, tx, rec.ID, msgID)
	}
}

// ReplyTarget is where an approved ticket reply draft goes (approvals.SendsTo): the ticket's
// conversation, as free text (ReplyApproved).
func ReplyTarget(ctx context.Context, q inbox.Querier, rec *approvals.Recommendation) (int64, string, bool, error) {
	if rec.ModelName != ai.TicketModelName || rec.ActionType != "follow_up" {
		return 0, "", false, nil
	}
	var conv int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(t.conversation_id, 0) FROM msp_ticket_proposals p JOIN msp_tickets t ON t.id = p.ticket_id
		WHERE p.reply_rec_id = ? LIMIT 1`, rec.ID).Scan(&conv)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("msp: reply draft's ticket: %w", err)
	}
	return conv, "", true, nil
}
